"""What ``karpenter-infra disruption`` shows, as plain data: per NodePool, the allowed disruptions now, the week's
windows, the off-hours of its group, warnings and an optional roll-out forecast; and the ``version: 1`` document."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from karpenter_infra.disruption.budgets import REASONS, Budget, Decision, budgets, decide, require_aware
from karpenter_infra.disruption.forecast import Forecast, forecast
from karpenter_infra.disruption.warnings import BudgetWarning, budget_warnings, unused_reasons
from karpenter_infra.disruption.windows import WEEK, Window, next_change, windows
from karpenter_infra.schedule import OffHours, is_up, next_transition

JSON_VERSION = 1
Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class PoolInput:
    """A rendered NodePool and what the fleet knows about its group."""

    nodepool: Mapping[str, Any]
    group: str
    off_hours: OffHours | None = None

    @property
    def name(self) -> str:
        return str(self.nodepool["metadata"]["name"])


@dataclass(frozen=True)
class PoolView:
    name: str
    group: str
    budgets: tuple[Budget, ...]
    now: dict[str, Decision]
    next_change: dict[str, Window | None]
    week: dict[str, list[Window]]
    off_hours: OffHours | None
    scaled_down: tuple[Interval, ...]  # off-hours: when the group is scaled to zero within the week
    warnings: tuple[BudgetWarning, ...]
    rollout: Forecast | None
    unused: dict[str, str]  # reasons Karpenter never disrupts this pool for, and why


@dataclass(frozen=True)
class View:
    at: datetime
    start: datetime  # the week: from the hour of `at`
    end: datetime
    nodes: int
    nodes_assumed: bool
    pools: tuple[PoolView, ...]
    replace_minutes: int | None = None


def week_start(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def down_intervals(schedule: OffHours, start: datetime, end: datetime) -> tuple[Interval, ...]:
    """When the off-hours schedule keeps the group at zero within ``[start, end)``."""
    found: list[Interval] = []
    down_since = None if is_up(schedule, start) else start
    cursor = start
    while cursor < end:
        when, up = next_transition(schedule, cursor)
        when = when.astimezone(UTC)
        if when >= end:
            break
        if up and down_since is not None:
            found.append((down_since, when))
            down_since = None
        elif not up:
            down_since = when
        cursor = when
    if down_since is not None:
        found.append((down_since, end))
    return tuple(found)


def pool_view(
    pool: PoolInput, at: datetime, nodes: int, rollout: int | None = None, replace_minutes: int = 5
) -> PoolView:
    start = week_start(at)
    week = windows(pool.nodepool, start, start + WEEK, nodes)
    off = pool.off_hours
    warnings = budget_warnings(pool.nodepool, None if off is None else (off.up, off.down, off.timezone))
    return PoolView(
        name=pool.name,
        group=pool.group,
        budgets=budgets(pool.nodepool),
        now=decide(pool.nodepool, at, nodes),
        next_change={r: next_change(week[r], at) for r in REASONS},
        week=week,
        off_hours=off,
        scaled_down=() if off is None else down_intervals(off, start, start + WEEK),
        warnings=tuple(warnings),
        rollout=None if rollout is None else forecast(pool.nodepool, at, nodes, rollout, replace_minutes),
        unused=unused_reasons(pool.nodepool),
    )


def build(
    pools: Sequence[PoolInput],
    at: datetime,
    nodes: int,
    *,
    nodes_assumed: bool,
    rollout: int | None = None,
    replace_minutes: int = 5,
) -> View:
    require_aware(at)
    start = week_start(at)
    views = tuple(pool_view(p, at, nodes, rollout, replace_minutes) for p in pools)
    return View(at, start, start + WEEK, nodes, nodes_assumed, views, replace_minutes if rollout is not None else None)


def _time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _window(window: Window) -> dict[str, Any]:
    return {
        "start": _time(window.start),
        "end": _time(window.end),
        "allowed": window.allowed,
        "budget": window.budget,
        **({"error": window.error} if window.error else {}),
    }


def _budget(budget: Budget) -> dict[str, Any]:
    return {
        "index": budget.index,
        "nodes": budget.nodes,
        "reasons": None if budget.reasons is None else list(budget.reasons),
        "schedule": budget.schedule,
        "duration": budget.duration,
    }


def _forecast(result: Forecast) -> dict[str, Any]:
    return {
        "drifted": result.drifted,
        "replace_minutes": result.replace_minutes,
        "done": None if result.done is None else _time(result.done),
        "started": len(result.starts),
        "first_start": _time(result.starts[0]) if result.starts else None,
        "summary": result.why,
    }


def document(view: View, stack: str) -> dict[str, Any]:
    """The ``--json`` document, ``version: 1`` (``docs/disruption.md`` describes every field)."""
    pools = []
    for pool in view.pools:
        now = {}
        for reason in REASONS:
            decision, change = pool.now[reason], pool.next_change[reason]
            now[reason] = {
                **({"unused": pool.unused[reason]} if reason in pool.unused else {}),
                "allowed": decision.allowed,
                "budget": decision.budget,
                **({"error": decision.error} if decision.error else {}),
                "next_change": None if change is None else {"at": _time(change.start), "allowed": change.allowed},
            }
        pools.append(
            {
                "nodepool": pool.name,
                "group": pool.group,
                "budgets": [_budget(b) for b in pool.budgets],
                "now": now,
                "windows": {r: [_window(w) for w in pool.week[r]] for r in REASONS},
                "off_hours": None
                if pool.off_hours is None
                else {
                    "up": pool.off_hours.up,
                    "down": pool.off_hours.down,
                    "timezone": pool.off_hours.timezone,
                    "scaled_down": [{"start": _time(s), "end": _time(e)} for s, e in pool.scaled_down],
                },
                "warnings": [{"id": w.rule, "budget": w.budget, "message": w.message} for w in pool.warnings],
                **({"rollout": _forecast(pool.rollout)} if pool.rollout is not None else {}),
            }
        )
    return {
        "version": JSON_VERSION,
        "stack": stack,
        "at": _time(view.at),
        "nodes": view.nodes,
        "nodes_assumed": view.nodes_assumed,
        "week": {"start": _time(view.start), "end": _time(view.end)},
        "pools": pools,
    }


def hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600
