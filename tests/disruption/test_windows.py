"""The week's windows agree with ``allowed_disruptions`` at every instant they cover."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest

from karpenter_infra.disruption import allowed_disruptions
from karpenter_infra.disruption.windows import WEEK, Window, next_change, windows

START = datetime(2026, 3, 6, 17, 20, tzinfo=UTC)  # a Friday afternoon


def pool(*budgets: dict[str, Any]) -> dict[str, Any]:
    return {"spec": {"disruption": {"budgets": list(budgets)}}}


POOLS = {
    "business hours blocked": pool(
        {"nodes": "0", "reasons": ["Drifted"], "schedule": "0 9 * * 1-5", "duration": "8h"}, {"nodes": "20%"}
    ),
    "overlapping windows": pool(
        {"nodes": "1", "schedule": "0 */6 * * *", "duration": "8h"},
        {"nodes": "0", "reasons": ["Empty", "Underutilized"], "schedule": "30 22 * * fri", "duration": "50h"},
        {"nodes": "30%", "reasons": ["Drifted"]},
    ),
    "every minute": pool({"nodes": "2", "schedule": "* * * * *", "duration": "1m"}),
    "never fires": pool({"nodes": "0", "schedule": "0 0 30 2 *", "duration": "1h"}),
    "unparseable": pool({"nodes": "3"}, {"nodes": "1", "schedule": "0 0 * * 7", "duration": "1h"}),
    "weekly zero duration": pool({"nodes": "0", "schedule": "@weekly", "duration": "0m"}),
    "default": {"spec": {}},
}


def covering(found: list[Window], instant: datetime) -> Window:
    return next(w for w in found if w.start <= instant < w.end)


@pytest.mark.parametrize("name", sorted(POOLS))
def test_windows_match_the_instant_function(name: str) -> None:
    nodepool = POOLS[name]
    found = windows(nodepool, START, START + WEEK, 7)
    rng = random.Random(name)
    for reason, reason_windows in found.items():
        assert reason_windows[0].start == START and reason_windows[-1].end == START + WEEK
        assert all(a.end == b.start for a, b in pairwise(reason_windows))
        instants = [w.start for w in reason_windows] + [w.end - timedelta(microseconds=1) for w in reason_windows]
        instants += [START + timedelta(seconds=rng.randrange(int(WEEK.total_seconds()))) for _ in range(40)]
        for instant in instants:
            expected = allowed_disruptions(nodepool, instant, 7)[reason]
            assert covering(reason_windows, instant).allowed == expected, (reason, instant)


def test_business_hours_windows() -> None:
    drifted = windows(POOLS["business hours blocked"], START, START + WEEK, 10)["Drifted"]
    blocked = [(w.start, w.end) for w in drifted if w.allowed == 0]
    monday = datetime(2026, 3, 9, 9, tzinfo=UTC)
    assert blocked == [(monday + timedelta(days=d), monday + timedelta(days=d, hours=8)) for d in range(5)]
    assert {w.allowed for w in drifted} == {0, 2}
    change = next_change(drifted, START)
    assert change is not None and (change.start, change.allowed, change.budget) == (monday, 0, 0)


def test_unparseable_pool_is_blocked_throughout_naming_the_budget() -> None:
    found = windows(POOLS["unparseable"], START, START + WEEK, 10)
    assert all(len(w) == 1 and w[0].allowed == 0 and w[0].budget == 1 for w in found.values())
