"""The robfig/cron v3 port against croniter (which ``schedule.py`` uses): where they agree, and the differences."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from croniter import CroniterBadDateError, croniter

from karpenter_infra.disruption.cron import Every, parse
from karpenter_infra.rules.cron import CronError

START = datetime(2026, 1, 1, tzinfo=UTC)

AGREE = [
    "* * * * *",
    "*/2 * * * 1",
    "0 0 */2 * 1",  # a stepped star is a restriction: day-of-month OR day-of-week, in both
    "0 0 1-31 * 1",  # a full range is not a star: OR (so every day), in both
    "0 0 13 * 5",  # Friday OR the 13th
    "0 0 *,13 * 5",  # a star anywhere in the field: AND
    "0 0 ? * 5",
    "0 0 1/2 * 5",
    "30 6 * * SUN",
    "0 9-17/3 * * mon-fri",
    "5 4 * jan,jul sat",
    "0 0 31 * *",
    "0 22 * * 5",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
    "@monthly",
    "@yearly",
    "@annually",
]


@pytest.mark.parametrize("expression", AGREE)
def test_agrees_with_croniter_on_the_standard_form(expression: str) -> None:
    schedule, at = parse(expression), START
    for _ in range(200):
        hit = schedule.next(at)
        assert hit == croniter(expression, at).get_next(datetime), (expression, at)
        assert hit is not None
        at = hit


def test_star_with_step_one_is_a_star_in_robfig_only() -> None:
    # robfig getRange clears the star bit only for a step above 1: "*/1" is "*", so day-of-month AND Friday.
    friday = datetime(2026, 1, 2, tzinfo=UTC)
    assert parse("0 0 */1 * 5").next(friday) == datetime(2026, 1, 9, tzinfo=UTC)
    assert croniter("0 0 */1 * 5", friday).get_next(datetime) == datetime(2026, 1, 3, tzinfo=UTC)


@pytest.mark.parametrize("expression", ["0 0 30 2 *", "0 0 31 4 *", "0 0 31 2,4,6,9,11 *"])
def test_never_firing_is_robfig_zero_time_where_croniter_raises(expression: str) -> None:
    assert parse(expression).next(START) is None
    with pytest.raises(CroniterBadDateError):
        croniter(expression, START).get_next(datetime)


def test_robfig_gives_up_after_five_years() -> None:
    # 2100 is not a leap year: from 2096 the next 29 February is 2104, past robfig's five-year search
    after_2096 = datetime(2096, 3, 1, tzinfo=UTC)
    assert parse("0 0 29 2 *").next(after_2096) is None
    assert croniter("0 0 29 2 *", after_2096).get_next(datetime) == datetime(2104, 2, 29, tzinfo=UTC)
    assert parse("0 0 29 2 *").next(START) == datetime(2028, 2, 29, tzinfo=UTC)


def test_sunday_as_seven_is_refused_by_robfig_only() -> None:
    with pytest.raises(CronError):
        parse("0 0 * * 7")
    assert croniter("0 0 * * 7", START).get_next(datetime) == datetime(2026, 1, 4, tzinfo=UTC)


def test_next_is_strictly_after_and_rounds_to_the_second() -> None:
    nine = datetime(2026, 1, 1, 9, tzinfo=UTC)
    assert parse("0 9 * * *").next(nine) == datetime(2026, 1, 2, 9, tzinfo=UTC)
    assert parse("0 9 * * *").next(nine.replace(hour=8, minute=59, second=59, microsecond=1)) == nine


def test_every_is_a_constant_delay() -> None:
    assert parse("@every 90m") == Every(5400)
    assert parse("@every 500ms") == Every(1)  # robfig rounds up to one second
    assert parse("@every 90m").next(START.replace(microsecond=5)) == datetime(2026, 1, 1, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize("bad", ["", "@wrongly", "0 0 * * tue-mon", "TZ=UTC 0 0 * * *", "0 0 * *", "0 0 L * *"])
def test_unparseable(bad: str) -> None:
    with pytest.raises(CronError):
        parse(bad)
