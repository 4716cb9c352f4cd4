from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from karpenter_infra.schedule import OffHours, is_up, next_transition

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = OffHours(down="0 20 * * 1-5", up="0 7 * * 1-5", timezone="Europe/Berlin")


def berlin(wall_clock: str) -> datetime:
    return datetime.fromisoformat(wall_clock).replace(tzinfo=BERLIN)


def utc(wall_clock: str) -> datetime:
    return datetime.fromisoformat(wall_clock).replace(tzinfo=UTC)


# 2024-03-04 is a Monday; 2024-03-09 a Saturday
@pytest.mark.parametrize(
    ("at", "up"),
    [
        (berlin("2024-03-04 12:00"), True),
        (berlin("2024-03-04 21:00"), False),
        (berlin("2024-03-09 12:00"), False),
        (berlin("2024-03-10 12:00"), False),
        (berlin("2024-03-04 06:59:59"), False),
        (berlin("2024-03-04 07:00"), True),  # a firing counts at its own instant
        (berlin("2024-03-04 19:59:59"), True),
        (berlin("2024-03-04 20:00"), False),
        (berlin("2024-03-08 20:30"), False),  # Friday evening, down for the weekend
        (utc("2024-03-04 06:30"), True),  # the instant is what counts, not the zone it is written in
    ],
)
def test_weekday_office_hours(at: datetime, up: bool) -> None:
    assert is_up(WEEKDAYS, at) is up


def test_next_transition() -> None:
    assert next_transition(WEEKDAYS, berlin("2024-03-04 12:00")) == (berlin("2024-03-04 20:00"), False)
    assert next_transition(WEEKDAYS, berlin("2024-03-04 21:00")) == (berlin("2024-03-05 07:00"), True)
    # over the weekend to Monday morning
    when, up = next_transition(WEEKDAYS, berlin("2024-03-08 21:00"))
    assert (when, up) == (berlin("2024-03-11 07:00"), True)
    assert when.tzinfo == BERLIN
    # at a firing, the next transition is the following one
    assert next_transition(WEEKDAYS, berlin("2024-03-04 07:00")) == (berlin("2024-03-04 20:00"), False)


def test_follows_local_time_across_daylight_saving_time() -> None:
    # 07:00 in Berlin is 06:00 UTC in winter and 05:00 UTC in summer (clocks went forward on 2024-03-31)
    assert not is_up(WEEKDAYS, utc("2024-03-29 05:30"))  # Friday, winter: 06:30 CET
    assert is_up(WEEKDAYS, utc("2024-03-29 06:00"))
    assert not is_up(WEEKDAYS, utc("2024-04-01 04:59"))  # Monday, summer: 06:59 CEST
    assert is_up(WEEKDAYS, utc("2024-04-01 05:00"))
    assert next_transition(WEEKDAYS, utc("2024-03-29 19:00")) == (berlin("2024-04-01 07:00"), True)
    # and back to winter time on Sunday 2024-10-27
    assert is_up(WEEKDAYS, utc("2024-10-25 17:59"))  # Friday 19:59 CEST
    assert not is_up(WEEKDAYS, utc("2024-10-25 18:00"))
    assert not is_up(WEEKDAYS, utc("2024-10-28 05:59"))  # Monday 06:59 CET
    assert is_up(WEEKDAYS, utc("2024-10-28 06:00"))


def test_a_firing_in_the_skipped_hour_happens_when_the_clock_jumps() -> None:
    # 02:30 does not exist in Berlin on 2024-03-31; clocks jump from 02:00 CET (01:00 UTC) to 03:00 CEST
    nightly = OffHours(down="30 2 * * *", up="0 7 * * *", timezone="Europe/Berlin")
    assert is_up(nightly, utc("2024-03-31 00:59:59"))
    assert not is_up(nightly, utc("2024-03-31 01:00"))
    assert next_transition(nightly, utc("2024-03-30 12:00")) == (berlin("2024-03-31 03:00"), False)
    assert next_transition(nightly, utc("2024-03-31 01:00")) == (berlin("2024-03-31 07:00"), True)


def test_a_firing_in_the_repeated_hour_happens_once() -> None:
    # 02:00-02:59 happens twice in Berlin on 2024-10-27: first CEST (00:xx UTC), then CET (01:xx UTC)
    schedule = OffHours(down="30 2 * * *", up="45 2 * * *", timezone="Europe/Berlin")
    assert not is_up(schedule, utc("2024-10-27 00:40"))  # after the first 02:30
    assert is_up(schedule, utc("2024-10-27 00:50"))  # after the first 02:45
    assert is_up(schedule, utc("2024-10-27 01:35"))  # the second 02:30 does not fire again
    assert next_transition(schedule, utc("2024-10-27 00:50")) == (berlin("2024-10-28 02:30"), False)


def test_down_wins_a_tie() -> None:
    # up every day at 20:00, down on weekdays at 20:00: only the weekend evenings bring the group up
    schedule = OffHours(down="0 20 * * 1-5", up="0 20 * * *", timezone="UTC")
    assert not is_up(schedule, utc("2024-03-04 21:00"))  # Monday
    assert is_up(schedule, utc("2024-03-09 21:00"))  # Saturday
    assert next_transition(schedule, utc("2024-03-04 21:00")) == (utc("2024-03-09 20:00"), True)


def test_timezone_defaults_to_utc() -> None:
    schedule = OffHours(down="0 20 * * *", up="0 7 * * *")
    assert schedule.timezone == "UTC"
    assert is_up(schedule, utc("2024-06-01 07:00"))
    assert not is_up(schedule, utc("2024-06-01 06:59"))


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        is_up(WEEKDAYS, datetime(2024, 3, 4, 12, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        next_transition(WEEKDAYS, datetime(2024, 3, 4, 12, 0))


@pytest.mark.parametrize(
    ("fields", "location", "message"),
    [
        ({"down": "61 20 * * *"}, "down", "out of range"),
        ({"up": "0 7 * * mon-fryday"}, "up", "invalid cron expression"),
        ({"down": "0 20 * *"}, "down", "5 fields"),
        ({"down": "0 0 20 * * *"}, "down", "5 fields"),
        ({"up": "@daily"}, "up", "5 fields"),
        ({"down": "0 0 31 2 *"}, "down", "never fires"),
        ({"timezone": "Europe/Berlín"}, "timezone", "unknown IANA time zone"),
        ({"timezone": "CEST+2"}, "timezone", "unknown IANA time zone"),
        ({"timezone": "../etc/passwd"}, "timezone", "unknown IANA time zone"),
        ({"up": "0 20 * * 1-5"}, "", "same expression"),
        ({"shutdown": "now"}, "shutdown", "Extra inputs"),
    ],
)
def test_invalid_schedules_say_what_is_wrong(fields: dict[str, str], location: str, message: str) -> None:
    values = {"down": "0 20 * * 1-5", "up": "0 7 * * 1-5", "timezone": "Europe/Berlin", **fields}
    with pytest.raises(ValidationError) as error:
        OffHours(**values)
    (issue,) = error.value.errors()
    assert ".".join(str(part) for part in issue["loc"]) == location
    assert message in issue["msg"]


def test_frozen() -> None:
    with pytest.raises(ValidationError):
        WEEKDAYS.up = "0 8 * * *"  # type: ignore[misc]


# Cron expressions a user would write for off-hours: a fixed minute and hour on some days of the week.
cron = st.builds(
    lambda minute, hour, days: f"{minute} {hour} * * {','.join(str(d) for d in sorted(days))}",
    st.sampled_from([0, 15, 30, 45]),
    st.integers(min_value=0, max_value=23),
    st.sets(st.integers(min_value=0, max_value=6), min_size=1, max_size=7),
)
timezones = st.sampled_from(
    [
        "UTC",
        "Europe/Berlin",
        "America/New_York",
        "America/Sao_Paulo",
        "Australia/Lord_Howe",  # 30-minute daylight saving shift
        "Asia/Kolkata",
        "Pacific/Chatham",
    ]
)
schedules = (
    st.tuples(cron, cron, timezones)
    .filter(lambda t: t[0] != t[1])
    .map(lambda t: OffHours(down=t[0], up=t[1], timezone=t[2]))
)
instants = st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC))


@settings(max_examples=150, deadline=None)
@given(schedule=schedules, at=instants, fractions=st.lists(st.floats(0, 1, exclude_max=True), max_size=5))
def test_state_is_constant_between_transitions(schedule: OffHours, at: datetime, fractions: list[float]) -> None:
    try:
        when, up_after = next_transition(schedule, at)
    except ValueError:
        # every up firing coincides with a down firing: the group is never up
        assert not is_up(schedule, at)
        return
    now = is_up(schedule, at)
    assert when > at
    assert up_after is not now
    assert is_up(schedule, when) is up_after
    assert is_up(schedule, when - timedelta(microseconds=1)) is now
    span = (when - at) // timedelta(microseconds=1)
    for fraction in fractions:
        inside = at + timedelta(microseconds=min(int(span * fraction), span - 1))
        assert is_up(schedule, inside) is now


@settings(max_examples=100, deadline=None)
@given(schedule=schedules, at=instants)
def test_consecutive_transitions_alternate(schedule: OffHours, at: datetime) -> None:
    try:
        first, first_up = next_transition(schedule, at)
        second, second_up = next_transition(schedule, first)
    except ValueError:
        return
    assert second > first
    assert second_up is not first_up
