"""The budgets of a NodePool over a span of time: when each reason is blocked, limited, or free.

Each budget is active on a union of intervals ``[hit, hit + duration)`` (``Budget.IsActive``), so the allowed
number is constant between the ends of those intervals. The span is cut at every end, and each piece is decided
by ``budgets.combine``, the same arithmetic ``allowed_disruptions`` uses at one instant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from karpenter_infra.disruption.budgets import (
    REASONS,
    Budget,
    BudgetError,
    Decision,
    budgets,
    combine,
    is_active,
    require_aware,
    schedule_of,
)
from karpenter_infra.disruption.cron import Every

Interval = tuple[datetime, datetime]
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime  # exclusive
    allowed: int | None  # None: no limit
    budget: int | None  # the deciding budget's index
    error: str | None = None


def active_intervals(budget: Budget, start: datetime, end: datetime) -> list[Interval]:
    """Where ``is_active`` holds within ``[start, end)``, merged; ``BudgetError`` for an unparseable budget."""
    if not budget.scheduled:
        return [(start, end)]
    schedule, duration = schedule_of(budget)
    if isinstance(schedule, Every):
        return [(start, end)] if is_active(budget, start) else []
    spans: list[Interval] = []
    hit = schedule.next(start - duration)
    while True:
        if hit is None:  # robfig's zero time: active from here on
            spans.append((start if not spans else spans[-1][0], end))
            break
        if hit >= end:
            break
        spans.append((hit, hit + duration))
        hit = schedule.next(hit)
    merged: list[Interval] = []
    for first, last in spans:
        low, high = max(first, start), min(last, end)
        if low >= high:
            continue
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def windows(nodepool: Mapping[str, Any], start: datetime, end: datetime, nodes: int) -> dict[str, list[Window]]:
    """Per reason, consecutive windows covering ``[start, end)``, each with one allowed number."""
    require_aware(start)
    pool_budgets = budgets(nodepool)
    try:
        actives = [active_intervals(b, start, end) for b in pool_budgets]
    except BudgetError as exc:
        failed = _first_failing(pool_budgets)
        return {r: [Window(start, end, 0, failed, str(exc))] for r in REASONS}
    cuts = sorted({start, end, *(t for spans in actives for span in spans for t in span)})
    out: dict[str, list[Window]] = {r: [] for r in REASONS}
    cursor = [0] * len(actives)
    for low, high in pairwise(cuts):
        active = []
        for i, spans in enumerate(actives):
            while cursor[i] < len(spans) and spans[cursor[i]][1] <= low:
                cursor[i] += 1
            active.append(cursor[i] < len(spans) and spans[cursor[i]][0] <= low)
        for reason, decision in combine(pool_budgets, active, nodes).items():
            _extend(out[reason], low, high, decision)
    return out


def _extend(found: list[Window], low: datetime, high: datetime, decision: Decision) -> None:
    last = found[-1] if found else None
    if last is not None and (last.allowed, last.budget, last.error) == (
        decision.allowed,
        decision.budget,
        decision.error,
    ):
        found[-1] = Window(last.start, high, last.allowed, last.budget, last.error)
    else:
        found.append(Window(low, high, decision.allowed, decision.budget, decision.error))


def _first_failing(pool_budgets: Sequence[Budget]) -> int:
    for budget in pool_budgets:
        try:
            if budget.scheduled:
                schedule_of(budget)
        except BudgetError:
            return budget.index
    return 0


def at(found: Sequence[Window], instant: datetime) -> Window:
    return next(w for w in found if w.start <= instant < w.end)


def next_change(found: Sequence[Window], instant: datetime) -> Window | None:
    """The first window after the one holding ``instant`` whose allowed number differs from it."""
    current = at(found, instant)
    return next((w for w in found if w.start > instant and w.allowed != current.allowed), None)
