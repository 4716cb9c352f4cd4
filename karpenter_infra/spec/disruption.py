"""How Karpenter may take a group's nodes away: consolidation, expiry and budgets (maintenance windows)."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import BeforeValidator, Field, model_validator

from karpenter_infra.karpenter import patterns as p
from karpenter_infra.karpenter.patterns import ConsolidationPolicy, DisruptionReason
from karpenter_infra.rules.cron import budget_schedule_problem
from karpenter_infra.spec.base import Spec

__all__ = ["Budget", "ConsolidationPolicy", "DisruptionReason", "Duration", "DurationOrNever", "valid_cron"]


def _count_as_string(value: object) -> object:
    # Users write `nodes=0` for "no disruption"; the CRD only takes strings.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Duration = Annotated[str, Field(pattern=p.DURATION_PATTERN)]
DurationOrNever = Annotated[str, Field(pattern=p.DURATION_OR_NEVER_PATTERN)]
BudgetNodes = Annotated[str, BeforeValidator(_count_as_string), Field(pattern=p.BUDGET_NODES_PATTERN)]


class Budget(Spec):
    """At most ``nodes`` may be disrupted at once; with a schedule, only during that window.

    A budget of ``nodes=0`` with a schedule is a freeze window; a window that allows disruption outside business
    hours is a maintenance window.
    """

    nodes: BudgetNodes = Field(default="10%", description="A count (`5`) or a percentage (`'10%'`).")
    schedule: str | None = Field(
        default=None, description="Cron (UTC) at which the budget starts to apply, e.g. `0 22 * * mon-fri`."
    )
    duration: Annotated[str, Field(pattern=p.BUDGET_DURATION_PATTERN)] | None = Field(
        default=None, description="How long the budget applies after each schedule hit, e.g. `8h` or `1h30m`."
    )
    reasons: list[DisruptionReason] | None = Field(
        default=None, description="Limit the budget to these reasons (`Underutilized`, `Empty`, `Drifted`)."
    )

    @model_validator(mode="after")
    def _window(self) -> Self:
        if (self.schedule is None) != (self.duration is None):
            raise ValueError("'schedule' and 'duration' must be set together")
        if self.schedule is not None and (problem := budget_schedule_problem(self.schedule)):
            raise ValueError(f"schedule: {problem}")
        return self


def valid_cron(expression: str) -> bool:
    """As Karpenter parses budget schedules (robfig/cron); cached there, as fleets repeat the same few windows."""
    return budget_schedule_problem(expression) is None
