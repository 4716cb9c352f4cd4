"""Karpenter's disruption-budget arithmetic for one NodePool at one instant.

Ported from kubernetes-sigs/karpenter v1.14.1 ``pkg/apis/v1/nodepool.go``: ``NodePool.MustGetAllowedDisruptions``,
``NodePool.GetAllowedDisruptionsByReason``, ``Budget.GetAllowedDisruptions``, ``Budget.IsActive`` and
``GetIntStrFromValue``, with the percentage scaling of k8s.io/apimachinery ``intstr.GetScaledValueFromIntOrPercent``
(rounding up). The CRD defaults (``disruption.budgets: [{nodes: "10%"}]``, a budget's ``nodes: "10%"``) are applied
as the API server would, since a rendered manifest has not been through it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from karpenter_infra.disruption.cron import Schedule, parse
from karpenter_infra.rules.cron import CronError
from karpenter_infra.rules.durations import DurationError, parse_go_duration

#: The reasons a budget can name (``DisruptionReason``), in the order reports show them.
REASONS = ("Drifted", "Empty", "Underutilized")
#: ``math.MaxInt32``: where ``GetAllowedDisruptionsByReason`` starts; still there means no budget limits.
MAX_INT32 = 2**31 - 1
#: The CRD's ``+kubebuilder:default:="10%"`` on ``Budget.Nodes`` and ``{{nodes: "10%"}}`` on ``Budgets``.
DEFAULT_NODES = "10%"
_ATOI = re.compile(r"[+-]?[0-9]+", re.ASCII)


class BudgetError(ValueError):
    """A budget Karpenter cannot evaluate: ``MustGetAllowedDisruptions`` then allows 0 for every reason."""


@dataclass(frozen=True)
class Budget:
    index: int
    nodes: str
    reasons: tuple[str, ...] | None  # None: every reason (``reasons`` absent or null); (): none
    schedule: str | None
    duration: str | None

    def applies_to(self, reason: str) -> bool:
        return self.reasons is None or reason in self.reasons

    @property
    def scheduled(self) -> bool:
        return not (self.schedule is None and self.duration is None)

    def describe(self) -> str:
        when = f" {self.schedule!r} for {self.duration}" if self.scheduled else ""
        only = "" if self.reasons is None else f" ({', '.join(self.reasons) or 'no reason'})"
        return f"budget {self.index} nodes={self.nodes}{only}{when}"


def budgets(nodepool: Mapping[str, Any]) -> tuple[Budget, ...]:
    """The pool's budgets after the CRD defaults: absent or null ``budgets`` is one ``10%`` budget, ``[]`` is none."""
    disruption = (nodepool.get("spec") or {}).get("disruption") or {}
    raw: Sequence[Mapping[str, Any]] | None = disruption.get("budgets")
    if raw is None:
        raw = ({"nodes": DEFAULT_NODES},)
    out = []
    for index, item in enumerate(raw):
        reasons = item.get("reasons")
        schedule, duration = item.get("schedule"), item.get("duration")
        out.append(
            Budget(
                index=index,
                nodes=str(item.get("nodes", DEFAULT_NODES)),
                reasons=None if reasons is None else tuple(str(r) for r in reasons),
                schedule=None if schedule is None else str(schedule),
                duration=None if duration is None else str(duration),
            )
        )
    return tuple(out)


def schedule_of(budget: Budget) -> tuple[Schedule, timedelta]:
    """The parsed schedule and duration (``BudgetError`` where Karpenter's parse fails)."""
    try:
        schedule = parse(budget.schedule or "")
        duration = timedelta(microseconds=parse_go_duration(budget.duration or "0") // 1000)
    except (CronError, DurationError) as exc:
        raise BudgetError(f"{budget.describe()}: {exc}") from None
    return schedule, duration


def is_active(budget: Budget, at: datetime) -> bool:
    """``Budget.IsActive``: the first hit strictly after ``at - duration`` is not after ``at``; a schedule that
    never fires (robfig's zero time) is therefore always active."""
    if not budget.scheduled:
        return True
    schedule, duration = schedule_of(budget)
    hit = schedule.next(at - duration)
    return hit is None or hit <= at


def scaled(nodes: str, count: int) -> int:
    """``GetIntStrFromValue`` then ``GetScaledValueFromIntOrPercent(..., roundUp=true)``."""
    if _ATOI.fullmatch(nodes):
        return int(nodes)
    if nodes.endswith("%") and _ATOI.fullmatch(nodes[:-1]):
        return -(-int(nodes[:-1]) * count // 100)  # math.Ceil(value * total / 100)
    raise BudgetError(f"nodes {nodes!r} is neither a count nor a percentage")


def value(budget: Budget, active: bool, count: int) -> int:
    """``Budget.GetAllowedDisruptions`` once activity is known: ``MaxInt32`` while inactive."""
    if not active:
        return MAX_INT32
    try:
        return scaled(budget.nodes, count)
    except BudgetError as exc:
        raise BudgetError(f"{budget.describe()}: {exc}") from None


@dataclass(frozen=True)
class Decision:
    """How many nodes may be disrupted for one reason, and why."""

    allowed: int | None  # None: no limit
    budget: int | None  # the index of the budget that decides (the first of equals); None when none limits
    error: str | None = None  # a budget Karpenter cannot evaluate: it fails closed, 0 for every reason


def combine(pool_budgets: Sequence[Budget], active: Sequence[bool], count: int) -> dict[str, Decision]:
    """``GetAllowedDisruptionsByReason`` for every reason, given which budgets are active; every budget is
    evaluated whatever its reasons, so one that fails makes ``MustGetAllowedDisruptions`` return 0 throughout."""
    values: list[int] = []
    for budget, on in zip(pool_budgets, active, strict=True):
        try:
            values.append(value(budget, on, count))
        except BudgetError as exc:
            return {reason: Decision(0, budget.index, str(exc)) for reason in REASONS}
    decisions = {}
    for reason in REASONS:
        allowed, decider = MAX_INT32, None
        for budget, budget_value in zip(pool_budgets, values, strict=True):
            if budget.applies_to(reason) and budget_value < allowed:
                allowed, decider = budget_value, budget.index
        decisions[reason] = Decision(None if allowed == MAX_INT32 else allowed, decider)
    return decisions


#: Instants the arithmetic supports: room on both sides for long durations, robfig's five-year search and a
#: 30-day forecast within Python's years 1-9999.
EARLIEST = datetime(1000, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"at must be timezone-aware (say which time zone you mean), got naive {at.isoformat()}")
    if not EARLIEST <= at < LATEST:
        raise ValueError(f"at {at.isoformat()} is out of range: give an instant in the years 1000 to 8999")


def decide(nodepool: Mapping[str, Any], at: datetime, nodes: int) -> dict[str, Decision]:
    require_aware(at)
    if nodes < 0:
        raise ValueError(f"nodes must be zero or more, got {nodes}")
    pool_budgets = budgets(nodepool)
    active = []
    for budget in pool_budgets:
        try:
            active.append(is_active(budget, at))
        except BudgetError as exc:
            return {reason: Decision(0, budget.index, str(exc)) for reason in REASONS}
    return combine(pool_budgets, active, nodes)


def allowed_disruptions(nodepool: Mapping[str, Any], at: datetime, nodes: int) -> dict[str, int | None]:
    """For each of ``Drifted``, ``Empty`` and ``Underutilized``: how many of the pool's ``nodes`` Karpenter may
    disrupt at ``at`` (``NodePool.MustGetAllowedDisruptions``); ``None`` means no limit."""
    return {reason: decision.allowed for reason, decision in decide(nodepool, at, nodes).items()}
