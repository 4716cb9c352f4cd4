"""The budget warnings as ledger rules: one id each, so each can be switched off on its own (``warnings_off``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from karpenter_infra.disruption import warnings as w
from karpenter_infra.ledger.core import Problem, Severity, Stage, rule

if TYPE_CHECKING:
    from karpenter_infra.fleet import Fleet
    from karpenter_infra.spec.platform import PlatformSpec

_NODEPOOL = "core pkg/apis/v1/nodepool.go"


def _found(fleet: Fleet, rule_id: str) -> Iterator[Problem]:
    for owner, field, message, found in w.group_warnings(fleet.groups):
        if found == rule_id:
            yield Problem(owner, field, message)


@rule(
    w.BLOCKS_FOREVER,
    severity=Severity.WARNING,
    stage=Stage.PLATFORM,
    source=f"{_NODEPOOL} NodePool.MustGetAllowedDisruptions, GetAllowedDisruptionsByReason (smallest active budget)",
    summary="a reason blocked at all times (nodes 0 without a schedule, windows covering the week, or an "
    "unparseable schedule): drift never rolls out",
)
def budget_blocks_forever(platform: PlatformSpec, fleet: Fleet) -> Iterator[Problem]:
    return _found(fleet, w.BLOCKS_FOREVER)


@rule(
    w.NEVER_FIRES,
    severity=Severity.WARNING,
    stage=Stage.PLATFORM,
    source=f"{_NODEPOOL} Budget.IsActive (robfig/cron's zero time reads as active)",
    summary="a budget schedule that can never fire (30 February), so Karpenter treats it as always active",
)
def budget_never_fires(platform: PlatformSpec, fleet: Fleet) -> Iterator[Problem]:
    return _found(fleet, w.NEVER_FIRES)


@rule(
    w.OVERLAPS_ITSELF,
    severity=Severity.WARNING,
    stage=Stage.PLATFORM,
    source=f"{_NODEPOOL} Budget.IsActive (active for duration after each hit)",
    summary="a budget schedule that fires again within its duration: its windows run together",
)
def budget_overlaps_itself(platform: PlatformSpec, fleet: Fleet) -> Iterator[Problem]:
    return _found(fleet, w.OVERLAPS_ITSELF)


@rule(
    w.ROUNDS_ABOVE_LIMIT,
    severity=Severity.WARNING,
    stage=Stage.PLATFORM,
    source=f"{_NODEPOOL} Budget.GetAllowedDisruptions (GetScaledValueFromIntOrPercent rounds up)",
    summary="a budget percentage that rounds up to more than it says even at the pool's limits.nodes",
)
def budget_rounds_above_limit(platform: PlatformSpec, fleet: Fleet) -> Iterator[Problem]:
    return _found(fleet, w.ROUNDS_ABOVE_LIMIT)


@rule(
    w.DEAD_REASON,
    severity=Severity.WARNING,
    stage=Stage.PLATFORM,
    source="core pkg/controllers/disruption emptiness.go, consolidation.go (consolidateAfter Never, WhenEmpty)",
    summary="a budget only for reasons the pool never uses (Never turns off Empty and Underutilized, WhenEmpty "
    "turns off Underutilized), or reasons: []",
)
def budget_dead_reason(platform: PlatformSpec, fleet: Fleet) -> Iterator[Problem]:
    return _found(fleet, w.DEAD_REASON)


@rule(
    w.LOCAL_TIME,
    severity=Severity.WARNING,
    stage=Stage.PLATFORM,
    source=f"{_NODEPOOL} Budget.IsActive (TZ=UTC is prepended to every schedule)",
    summary="a hint: a budget schedule at the clock time the group's off-hours use in another zone, as if local",
)
def budget_local_time(platform: PlatformSpec, fleet: Fleet) -> Iterator[Problem]:
    return _found(fleet, w.LOCAL_TIME)
