"""The roll-out forecast: budgets, nodes in replacement using the allowance, and the 30-day horizon."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from karpenter_infra.disruption.forecast import forecast

SUNDAY_EVENING = datetime(2026, 3, 8, 21, 30, tzinfo=UTC)


def pool(*budgets: dict[str, Any]) -> dict[str, Any]:
    return {"spec": {"disruption": {"budgets": list(budgets)}}}


def test_one_at_a_time_when_the_budget_is_one() -> None:
    result = forecast(pool({"nodes": "1"}), SUNDAY_EVENING, nodes=10, drifted=4, replace_minutes=5)
    assert result.starts == tuple(SUNDAY_EVENING + timedelta(minutes=5 * i) for i in range(4))
    assert result.done == SUNDAY_EVENING + timedelta(minutes=20)


def test_nodes_in_replacement_use_the_allowance_percentages_of_the_whole_pool() -> None:
    # 20% of 10 nodes: two replacements at a time; the pool counts 10 throughout (old nodes until replaced)
    result = forecast(pool({"nodes": "20%"}), SUNDAY_EVENING, nodes=10, drifted=5, replace_minutes=10)
    assert [s - SUNDAY_EVENING for s in result.starts] == [timedelta(minutes=m) for m in (0, 0, 10, 10, 20)]
    assert result.done == SUNDAY_EVENING + timedelta(minutes=30)


def test_no_limit_replaces_everything_at_once() -> None:
    result = forecast(pool(), SUNDAY_EVENING, nodes=10, drifted=10, replace_minutes=7)
    assert result.done == SUNDAY_EVENING + timedelta(minutes=7)


def test_a_freeze_window_pauses_the_roll_out_and_in_flight_replacements_finish() -> None:
    # Blocked Monday 07:00-19:00; one at a time otherwise; the roll-out reaches the window on Monday morning
    freeze = {"nodes": "0", "reasons": ["Drifted"], "schedule": "0 7 * * mon-fri", "duration": "12h"}
    start = datetime(2026, 3, 9, 6, 50, tzinfo=UTC)  # Monday 06:50: two slots before the freeze
    result = forecast(pool({"nodes": "1"}, freeze), start, nodes=10, drifted=3, replace_minutes=5)
    assert result.starts[:2] == (start, start + timedelta(minutes=5))
    assert result.starts[2] == datetime(2026, 3, 9, 19, 0, tzinfo=UTC)
    assert result.done == datetime(2026, 3, 9, 19, 5, tzinfo=UTC)


def test_blocked_for_30_days_says_why() -> None:
    result = forecast(pool({"nodes": "0", "reasons": ["Drifted"]}), SUNDAY_EVENING, nodes=10, drifted=2)
    assert result.done is None and result.starts == ()
    assert "blocked for all of the next 30 days (budget 0)" in result.why


def test_an_unparseable_budget_says_karpenter_allows_nothing() -> None:
    result = forecast(pool({"nodes": "1", "schedule": "@wrongly", "duration": "1h"}), SUNDAY_EVENING, 10, 1)
    assert result.done is None and "cannot evaluate" in result.why


def test_a_rare_window_is_not_enough_within_30_days() -> None:
    # Blocked from Sunday 03:10 for a week less ten minutes: open Sundays 03:00-03:10 only
    frozen = {"nodes": "0", "schedule": "10 3 * * sun", "duration": "167h50m"}
    result = forecast(pool({"nodes": "1"}, frozen), SUNDAY_EVENING, nodes=10, drifted=10, replace_minutes=5)
    # Drift is blocked except 10 minutes each Sunday, where two replacements fit: 8 in 30 days (4 Sundays), not 10
    assert result.done is None and len(result.starts) == 8
    assert result.why.startswith("only 8 of 10 replacement(s)")


@pytest.mark.parametrize(("nodes", "drifted", "minutes"), [(3, 4, 5), (3, -1, 5), (3, 1, 0)])
def test_bad_input(nodes: int, drifted: int, minutes: int) -> None:
    with pytest.raises(ValueError):
        forecast(pool(), SUNDAY_EVENING, nodes, drifted, minutes)
