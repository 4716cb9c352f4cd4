"""The one model configuration every user-facing spec shares."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Spec(BaseModel):
    """Frozen so a resolved fleet can never be changed behind the renderer's back; extra keys are typos."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True, validate_default=True)
