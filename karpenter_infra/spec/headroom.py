"""Headroom: low-priority pause pods that hold spare nodes warm, evicted the moment real work needs the room."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from karpenter_infra.spec.base import Spec


class HeadroomSize(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"
    XLARGE = "xlarge"


#: CPU and memory one placeholder pod of each size requests.
HEADROOM_SIZES: dict[HeadroomSize, tuple[str, str]] = {
    HeadroomSize.SMALL: ("1", "4Gi"),
    HeadroomSize.MEDIUM: ("2", "8Gi"),
    HeadroomSize.LARGE: ("4", "16Gi"),
    HeadroomSize.XLARGE: ("8", "32Gi"),
}


class Headroom(Spec):
    """``count`` placeholder pods of one size, one per node, on the group's NodePool."""

    size: HeadroomSize | None = Field(
        default=None,
        description="small/medium/large/xlarge = 1/2/4/8 CPU and 4/8/16/32 GiB; or set cpu and memory.",
    )
    cpu: str | None = Field(default=None, pattern=r"^[0-9]+(\.[0-9]+|m)?$", description="Explicit CPU (`1500m`).")
    memory: str | None = Field(default=None, pattern=r"^[0-9]+(Mi|Gi)$", description="Explicit memory (`6Gi`).")
    count: int = Field(default=1, ge=1, le=1000, description="How many placeholder pods (= warm nodes, at most).")
    anti_affinity_labels: dict[str, str] | None = Field(
        default=None,
        description="Also keep away from nodes running pods with these labels (so headroom does not sit next to them).",
    )
    anti_affinity_namespaces: list[str] | None = Field(
        default=None, description="Namespaces the anti-affinity labels are matched in (default: all)."
    )

    @model_validator(mode="after")
    def _one_shape(self) -> Self:
        explicit = self.cpu is not None or self.memory is not None
        if self.size is not None and explicit:
            raise ValueError("set either size or cpu and memory, not both")
        if self.size is None and (self.cpu is None or self.memory is None):
            raise ValueError("set size, or both cpu and memory")
        if self.anti_affinity_namespaces is not None and self.anti_affinity_labels is None:
            raise ValueError("anti_affinity_namespaces needs anti_affinity_labels")
        return self

    @property
    def resources(self) -> tuple[str, str]:
        if self.size is not None:
            return HEADROOM_SIZES[HeadroomSize(self.size)]
        assert self.cpu is not None and self.memory is not None
        return self.cpu, self.memory

    @property
    def key(self) -> str:
        """Names the entry's Deployment: from its shape, never from its list position."""
        if self.size is not None:
            return str(self.size)
        cpu, memory = self.resources
        return f"{cpu}cpu-{memory}".replace(".", "p").lower()
