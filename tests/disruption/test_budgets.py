"""``allowed_disruptions`` against Karpenter's rules (pkg/apis/v1/nodepool.go at v1.14.1).

Rows marked "karpenter" paraphrase kubernetes-sigs/karpenter ``pkg/apis/v1/nodepool_budgets_test.go`` (v1.14.1):
same budgets, clocks and expectations, expressed through a rendered manifest.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from karpenter_infra.disruption import allowed_disruptions, decide
from karpenter_infra.disruption.budgets import MAX_INT32

KARPENTER_CLOCK = datetime(2000, 6, 15, 12, 30, 30, tzinfo=UTC)
MONDAY_2024 = datetime(2024, 1, 7, tzinfo=UTC)  # Karpenter's comment says Monday; it is a Sunday


def pool(budgets: Any = ..., **disruption: Any) -> dict[str, Any]:
    if budgets is not ...:
        disruption["budgets"] = budgets
    return {"kind": "NodePool", "spec": {"disruption": disruption}}


def every_minute(nodes: str, reasons: list[str] | None = None, schedule: str = "* * * * *") -> dict[str, Any]:
    budget: dict[str, Any] = {"nodes": nodes, "schedule": schedule, "duration": "1h"}
    if reasons is not None:
        budget["reasons"] = reasons
    return budget


def karpenter_budgets() -> list[dict[str, Any]]:
    """The six budgets of Karpenter's ``BeforeEach``."""
    return [
        every_minute("10"),
        every_minute("100"),
        every_minute("100%"),
        every_minute("15", ["Drifted", "Underutilized"]),
        every_minute("5", ["Drifted"]),
        every_minute("0", ["Underutilized", "Drifted", "Empty"], "@weekly"),
    ]


def with_change(index: int, **change: Any) -> list[dict[str, Any]]:
    budgets = karpenter_budgets()
    budgets[index] = {**budgets[index], **change}
    return budgets


def same(value: int | None) -> dict[str, int | None]:
    return dict.fromkeys(("Drifted", "Empty", "Underutilized"), value)


CASES: list[tuple[str, dict[str, Any], datetime, int, dict[str, int | None]]] = [
    # karpenter: "should return 0 for all reasons if a budget is active for all reasons"
    (
        "karpenter: a 0 budget active for all reasons",
        pool(with_change(5, schedule="* * * * *")),
        KARPENTER_CLOCK,
        100,
        same(0),
    ),
    # karpenter: "should return MaxInt32 for all reasons when there are no active budgets"
    (
        "karpenter: no active budget is no limit",
        pool([{**b, "schedule": "@yearly", "duration": "1h"} for b in karpenter_budgets()]),
        KARPENTER_CLOCK,
        100,
        same(None),
    ),
    # karpenter: "should ignore reason-defined budgets when inactive" (budgets 3 and 4 move to @yearly)
    (
        "karpenter: inactive reason budgets are ignored",
        pool(
            [
                *karpenter_budgets()[:3],
                *({**b, "schedule": "@yearly"} for b in karpenter_budgets()[3:5]),
                karpenter_budgets()[5],
            ]
        ),
        KARPENTER_CLOCK,
        100,
        same(10),
    ),
    # karpenter: "should return the budget for all disruption reasons when undefined" (the CRD default, 10%)
    ("karpenter: no budgets -> the CRD default 10%", pool(), KARPENTER_CLOCK, 100, same(10)),
    ("absent disruption -> the CRD default", {"spec": {}}, KARPENTER_CLOCK, 100, same(10)),
    ("null budgets -> the CRD default", pool(None), KARPENTER_CLOCK, 100, same(10)),
    ("budgets: [] -> no limit", pool([]), KARPENTER_CLOCK, 100, same(None)),
    # karpenter: "should get the minimum budget for each reason" (plus a 4 for Empty)
    (
        "karpenter: the minimum per reason",
        pool([*karpenter_budgets(), every_minute("4", ["Empty"])]),
        KARPENTER_CLOCK,
        100,
        {"Drifted": 5, "Empty": 4, "Underutilized": 10},
    ),
    # karpenter: "should return zero values if a schedule is invalid" -> MustGetAllowedDisruptions fails closed
    (
        "karpenter: an unparseable schedule -> 0 for every reason",
        pool(with_change(0, schedule="@wrongly")),
        KARPENTER_CLOCK,
        100,
        same(0),
    ),
    # karpenter: "should return zero values if a nodes value is invalid"
    (
        "karpenter: an invalid active nodes value -> 0",
        pool(with_change(0, nodes="1000a%")),
        KARPENTER_CLOCK,
        100,
        same(0),
    ),
    (
        "an invalid nodes value on an inactive budget is never read",
        pool([{"nodes": "1000a%", "schedule": "@yearly", "duration": "1h"}]),
        KARPENTER_CLOCK,
        100,
        same(None),
    ),
    ("karpenter: a 100% budget scales to the pool", pool([every_minute("100%")]), KARPENTER_CLOCK, 100, same(100)),
    # karpenter "should return an error indicating why the cron fails to parse": tue-mon is a backwards range
    (
        "karpenter: a backwards day range fails closed",
        pool([{"nodes": "5", "schedule": "0 0 * * tue-mon", "duration": "6h"}]),
        MONDAY_2024,
        10,
        same(0),
    ),
    (
        "an unparseable schedule limits the reasons it does not name too",
        pool([{"nodes": "5", "reasons": ["Empty"], "schedule": "0 0 * * 7", "duration": "1h"}]),
        MONDAY_2024,
        10,
        same(0),
    ),
    (
        "a TZ= prefix cannot parse after Karpenter's own",
        pool([{"nodes": "5", "schedule": "TZ=Europe/Berlin 0 9 * * *", "duration": "1h"}]),
        MONDAY_2024,
        10,
        same(0),
    ),
    ("percentages round up", pool([{"nodes": "10%"}]), MONDAY_2024, 11, same(2)),
    ("a 1% budget of 1 node is 1", pool([{"nodes": "1%"}]), MONDAY_2024, 1, same(1)),
    ("a percentage of 0 nodes is 0", pool([{"nodes": "50%"}]), MONDAY_2024, 0, same(0)),
    ("a count does not scale", pool([{"nodes": "3"}]), MONDAY_2024, 0, same(3)),
    (
        "a budget without nodes is the CRD default 10%",
        pool([{"reasons": ["Drifted"]}]),
        MONDAY_2024,
        25,
        {"Drifted": 3, "Empty": None, "Underutilized": None},
    ),
    ("reasons: [] applies to no reason", pool([{"nodes": "0", "reasons": []}]), MONDAY_2024, 10, same(None)),
    ("reasons: null applies to every reason", pool([{"nodes": "0", "reasons": None}]), MONDAY_2024, 10, same(0)),
    (
        "nodes: 0 without schedule blocks forever",
        pool([{"nodes": "0", "reasons": ["Drifted"]}]),
        MONDAY_2024,
        10,
        {"Drifted": 0, "Empty": None, "Underutilized": None},
    ),
    (
        "a cron that never fires (30 February) is always active",
        pool([{"nodes": "0", "schedule": "0 0 30 2 *", "duration": "1h"}]),
        MONDAY_2024,
        10,
        same(0),
    ),
]


@pytest.mark.parametrize(("name", "nodepool", "at", "nodes", "expected"), CASES, ids=[c[0] for c in CASES])
def test_allowed_disruptions(
    name: str, nodepool: dict[str, Any], at: datetime, nodes: int, expected: dict[str, int | None]
) -> None:
    assert allowed_disruptions(nodepool, at, nodes) == expected


WINDOW = {"nodes": "0", "schedule": "0 9 * * *", "duration": "2h"}


@pytest.mark.parametrize(
    ("at", "active"),
    [
        (datetime(2026, 3, 2, 8, 59, 59, tzinfo=UTC), False),
        (datetime(2026, 3, 2, 9, 0, tzinfo=UTC), True),  # the hit itself: [hit, hit + duration)
        (datetime(2026, 3, 2, 10, 59, 59, 999999, tzinfo=UTC), True),
        (datetime(2026, 3, 2, 11, 0, tzinfo=UTC), False),  # the end is open
        # the same instants in another zone: schedules are UTC whatever the offset of `at`
        (datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=1))), True),
        (datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=1))), False),
    ],
)
def test_schedule_window_is_half_open_and_utc(at: datetime, active: bool) -> None:
    assert allowed_disruptions(pool([WINDOW]), at, 10)["Drifted"] == (0 if active else None)


def test_karpenter_schedule_is_utc() -> None:
    # karpenter "should always consider a schedule and time in UTC": 1 June 2000 00:00 at +01:00 is 23:00 UTC
    at = datetime(2000, 6, 1, tzinfo=timezone(timedelta(hours=1)))
    assert allowed_disruptions(pool([{"nodes": "0", "schedule": "@daily", "duration": "30m"}]), at, 10) == same(None)


@pytest.mark.parametrize(
    ("at", "schedule", "duration", "active"),
    [
        # karpenter "...active when the schedule hit is in the middle of the duration"
        (datetime(1000, 1, 1, 12, tzinfo=UTC), "@yearly", "24h", True),
        # karpenter "...active when the duration is longer than the recurrence"
        (MONDAY_2024, "@daily", "48h", True),
        # karpenter "...inactive when the schedule hit is after the duration"
        (MONDAY_2024, "30 6 * * SUN", "6h", False),
        (MONDAY_2024, "0 0 6 1 *", "24h", False),  # the only hit was exactly one duration ago: over
        (MONDAY_2024, "0 0 7 1 *", "24h", True),  # the hit is now
        (MONDAY_2024, "@daily", "0h", False),  # a zero duration is never active
        (MONDAY_2024, "@every 1h", "2h", True),  # robfig parses @every (the CRD pattern does not admit it)
        (MONDAY_2024, "@every 3h", "2h", False),
    ],
)
def test_is_active(at: datetime, schedule: str, duration: str, active: bool) -> None:
    result = allowed_disruptions(pool([{"nodes": "0", "schedule": schedule, "duration": duration}]), at, 10)
    assert result == same(0 if active else None)


def test_naive_datetime_is_an_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        allowed_disruptions(pool(), datetime(2026, 1, 1), 10)


def test_negative_pool_size_is_an_error() -> None:
    with pytest.raises(ValueError, match="zero or more"):
        allowed_disruptions(pool(), MONDAY_2024, -1)


def test_decide_names_the_budget_that_decides() -> None:
    decisions = decide(pool(karpenter_budgets()), KARPENTER_CLOCK, 100)
    assert (decisions["Drifted"].allowed, decisions["Drifted"].budget) == (5, 4)
    assert (decisions["Empty"].allowed, decisions["Empty"].budget) == (10, 0)
    failed = decide(pool(with_change(2, schedule="@wrongly")), KARPENTER_CLOCK, 100)["Empty"]
    assert (failed.allowed, failed.budget) == (0, 2)
    assert failed.error is not None and "budget 2" in failed.error


def test_a_budget_above_int32_is_still_a_limit_as_in_go() -> None:
    # GetAllowedDisruptionsByReason starts from MaxInt32: a larger count leaves it there, i.e. no limit
    assert allowed_disruptions(pool([{"nodes": str(MAX_INT32 + 5)}]), MONDAY_2024, 1) == same(None)
