"""Budget configurations behind the common "my budget is ignored" reports, as warnings naming the budget.

Each check reads a rendered NodePool (``spec.disruption``, ``spec.limits``) and returns ``(rule id, budget index,
message)``; the rule ids are what a user switches a warning off by.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from karpenter_infra.disruption.budgets import REASONS, Budget, BudgetError, budgets, schedule_of
from karpenter_infra.disruption.cron import Every
from karpenter_infra.disruption.windows import WEEK, windows
from karpenter_infra.errors import nodegroup_owner
from karpenter_infra.scheduling.quantity import QuantityError, parse_quantity

if TYPE_CHECKING:
    from karpenter_infra.spec.resolved import ResolvedNodeGroup

#: A fixed Monday, 00:00 UTC: "the whole week" is judged on the same week for every run (deterministic output).
REFERENCE_WEEK = datetime(2024, 1, 1, tzinfo=UTC)
#: How far ahead hits are compared for self-overlap (every weekly pattern, and a month's).
_OVERLAP_SPAN = timedelta(days=35)
_OVERLAP_HITS = 5000

BLOCKS_FOREVER = "budget-blocks-forever"
NEVER_FIRES = "budget-never-fires"
OVERLAPS_ITSELF = "budget-overlaps-itself"
ROUNDS_ABOVE_LIMIT = "budget-rounds-above-limit"
DEAD_REASON = "budget-dead-reason"
LOCAL_TIME = "budget-local-time"

_CONSEQUENCE = {
    "Drifted": "drift will never roll out (AMI and node-class changes never reach the nodes)",
    "Empty": "empty nodes are never removed",
    "Underutilized": "underutilized nodes are never consolidated",
}


class BudgetWarning(NamedTuple):
    rule: str
    budget: int | None
    message: str


def usable_reasons(nodepool: Mapping[str, Any]) -> tuple[str, ...]:
    """The reasons Karpenter can disrupt this pool for: ``consolidateAfter: Never`` turns off consolidation of
    both kinds, ``WhenEmpty`` turns off ``Underutilized``."""
    disruption = (nodepool.get("spec") or {}).get("disruption") or {}
    reasons = ["Drifted"]
    if disruption.get("consolidateAfter") != "Never":
        reasons.append("Empty")
        if disruption.get("consolidationPolicy", "WhenEmptyOrUnderutilized") != "WhenEmpty":
            reasons.append("Underutilized")
    return tuple(reasons)


def unused_reasons(nodepool: Mapping[str, Any]) -> dict[str, str]:
    """The reasons Karpenter never disrupts this pool for, each with why."""
    usable = usable_reasons(nodepool)
    return {r: _why_unused(nodepool) for r in REASONS if r not in usable}


def _why_unused(nodepool: Mapping[str, Any]) -> str:
    disruption = (nodepool.get("spec") or {}).get("disruption") or {}
    if disruption.get("consolidateAfter") == "Never":
        return "consolidateAfter is Never"
    return "consolidationPolicy is WhenEmpty"


def budget_warnings(nodepool: Mapping[str, Any], off_hours: tuple[str, str, str] | None = None) -> list[BudgetWarning]:
    """Every warning for one pool; ``off_hours`` is the group's ``(up, down, timezone)`` for the local-time hint."""
    key = json.dumps(
        {"disruption": (nodepool.get("spec") or {}).get("disruption"), "limits": _limit_nodes(nodepool)},
        sort_keys=True,
        default=str,
    )
    return list(_cached(key, off_hours))


@cache
def _cached(key: str, off_hours: tuple[str, str, str] | None) -> tuple[BudgetWarning, ...]:
    loaded = json.loads(key)
    nodepool = {"spec": {"disruption": loaded["disruption"], "limits": {"nodes": loaded["limits"]}}}
    pool_budgets = budgets(nodepool)
    found: list[BudgetWarning] = []
    for budget in pool_budgets:
        found += _schedule_warnings(budget)
        found += _dead_reasons(nodepool, budget)
        found += _rounding(budget, loaded["limits"])
        if off_hours is not None:
            found += _local_time(budget, off_hours)
    found += _blocked_forever(nodepool, pool_budgets)
    return tuple(sorted(found, key=lambda w: (-1 if w.budget is None else w.budget, w.rule)))


def _schedule_warnings(budget: Budget) -> list[BudgetWarning]:
    if not budget.scheduled:
        return []
    try:
        schedule, duration = schedule_of(budget)
    except BudgetError as exc:
        return [BudgetWarning(BLOCKS_FOREVER, budget.index, f"{exc}: Karpenter allows 0 disruptions for every reason")]
    if isinstance(schedule, Every):
        return []
    first = schedule.next(REFERENCE_WEEK)
    if first is None:
        return [
            BudgetWarning(
                NEVER_FIRES,
                budget.index,
                f"schedule {budget.schedule!r} can never fire; Karpenter then treats the budget as always active",
            )
        ]
    previous, hit, count = first, schedule.next(first), 0
    while hit is not None and hit - first <= _OVERLAP_SPAN and count < _OVERLAP_HITS:
        if hit - previous < duration:
            return [
                BudgetWarning(
                    OVERLAPS_ITSELF,
                    budget.index,
                    f"schedule {budget.schedule!r} fires again {_span(hit - previous)} after a hit, within its "
                    f"duration {budget.duration}: the windows run together",
                )
            ]
        previous, hit, count = hit, schedule.next(hit), count + 1
    return []


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m"


def _dead_reasons(nodepool: Mapping[str, Any], budget: Budget) -> list[BudgetWarning]:
    """A budget none of whose reasons the pool can use limits nothing (one live reason makes it worth keeping)."""
    if budget.reasons is None:
        return []
    if not budget.reasons:
        return [BudgetWarning(DEAD_REASON, budget.index, "reasons is empty, so the budget applies to no reason")]
    usable = usable_reasons(nodepool)
    if any(r in usable for r in budget.reasons):
        return []
    dead = list(budget.reasons)
    return [
        BudgetWarning(
            DEAD_REASON,
            budget.index,
            f"limits only {' and '.join(dead)}, which never happen here ({_why_unused(nodepool)}): the budget "
            "limits nothing; remove it",
        )
    ]


def _limit_nodes(nodepool: Mapping[str, Any]) -> int | None:
    raw = ((nodepool.get("spec") or {}).get("limits") or {}).get("nodes")
    if raw is None:
        return None
    try:
        value = parse_quantity(str(raw))
    except QuantityError:
        return None
    return int(value)


def _rounding(budget: Budget, limit: int | None) -> list[BudgetWarning]:
    if limit is None or limit <= 0 or not budget.nodes.endswith("%"):
        return []
    try:
        percent = int(budget.nodes[:-1])
    except ValueError:
        return []
    count = -(-percent * limit // 100)
    if percent == 0 or count * 100 <= percent * limit:
        return []
    return [
        BudgetWarning(
            ROUNDS_ABOVE_LIMIT,
            budget.index,
            f"{budget.nodes} rounds up to {count} node(s) even at the pool's largest size (limits.nodes {limit}), "
            f"which is {count * 100 // limit}% of it; write a count to say what you mean",
        )
    ]


def _blocked_forever(nodepool: Mapping[str, Any], pool_budgets: tuple[Budget, ...]) -> list[BudgetWarning]:
    # One node: any percentage above 0% then allows at least one, so 0 means the budget blocks whatever the size.
    found = windows(nodepool, REFERENCE_WEEK, REFERENCE_WEEK + WEEK, 1)
    blocked: dict[tuple[int, ...], list[str]] = {}
    for reason in usable_reasons(nodepool):
        reason_windows = found[reason]
        if any(w.error for w in reason_windows) or not all(w.allowed == 0 for w in reason_windows):
            continue
        deciders = tuple(sorted({w.budget for w in reason_windows if w.budget is not None}))
        blocked.setdefault(deciders, []).append(reason)
    out = []
    for deciders, reasons in blocked.items():
        whole_week = "" if all(not pool_budgets[i].scheduled for i in deciders) else " (its windows cover the week)"
        names = " and ".join(f"budget {i}" for i in deciders)
        out.append(
            BudgetWarning(
                BLOCKS_FOREVER,
                deciders[0] if len(deciders) == 1 else None,
                f"{names} {'blocks' if len(deciders) == 1 else 'block'} {', '.join(reasons)} at all times"
                f"{whole_week}: {'; '.join(_CONSEQUENCE[r] for r in reasons)}",
            )
        )
    return out


def _local_time(budget: Budget, off_hours: tuple[str, str, str]) -> list[BudgetWarning]:
    """A hint: the budget's schedule starts at the same clock time as the group's off-hours schedule, which is
    read in another zone: the author probably meant local time."""
    up, down, zone = off_hours
    if budget.schedule is None or zone == "UTC":
        return []
    start = _clock(budget.schedule)
    if start is None or start not in {_clock(up), _clock(down)}:
        return []
    return [
        BudgetWarning(
            LOCAL_TIME,
            budget.index,
            f"schedule {budget.schedule!r} starts at {start} UTC, the same clock time the off-hours schedule uses in "
            f"{zone}: budget schedules are always UTC, so convert it if {start} {zone} was meant",
        )
    ]


def _clock(expression: str) -> str | None:
    fields = expression.split()
    if len(fields) != 5 or not (fields[0].isdigit() and fields[1].isdigit()):
        return None
    return f"{int(fields[1]):02d}:{int(fields[0]):02d}"


def group_warnings(groups: Sequence[ResolvedNodeGroup]) -> list[tuple[str, str, str, str]]:
    """Plan-time budget warnings, ``(owner, field, message, rule id)``, each naming the group and the budget index."""
    found = []
    for group in groups:
        if not group.renders_nodepool or group.replicas is not None:
            continue  # a static pool (replicas) is never consolidated, and drift replaces nodes regardless of size
        for field, message, rule in _group_warnings(_group_key(group)):
            found.append((nodegroup_owner(group.name), field, message, rule))
    return found


GroupKey = tuple[Any, ...]


def _group_key(group: ResolvedNodeGroup) -> GroupKey:
    off = group.off_hours
    return (
        tuple(
            (b.nodes, None if b.reasons is None else tuple(sorted(str(r) for r in b.reasons)), b.schedule, b.duration)
            for b in group.budgets
        ),
        group.consolidation_policy,
        group.consolidate_after,
        group.limits.get("nodes"),
        None if off is None else (off.up, off.down, off.timezone),
    )


@cache
def _group_warnings(key: GroupKey) -> tuple[tuple[str, str, str], ...]:
    budget_list, policy, consolidate_after, limit_nodes, off_hours = key
    rendered = []
    for nodes, reasons, schedule, duration in budget_list:
        item: dict[str, Any] = {"nodes": nodes}
        if reasons is not None:
            item["reasons"] = list(reasons)
        if schedule is not None:
            item["schedule"], item["duration"] = schedule, duration
        rendered.append(item)
    disruption = {"consolidationPolicy": policy, "consolidateAfter": consolidate_after, "budgets": rendered}
    limits = {} if limit_nodes is None else {"nodes": limit_nodes}
    return tuple(
        (
            "budgets" if w.budget is None else f"budgets[{w.budget}]",
            f"{w.message} [{w.rule}]",
            w.rule,
        )
        for w in budget_warnings({"spec": {"disruption": disruption, "limits": limits}}, off_hours)
    )
