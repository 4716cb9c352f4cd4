"""Off-hours scale-to-zero: whether a node group should be up at a given instant, from two cron expressions.

The schedule is read on the wall clock of its time zone, so "0 7 * * 1-5" in Europe/Berlin means 07:00 local
time in winter and in summer. Wall-clock cron meets daylight saving time twice a year, and the rules here are
the ones cron daemons (cronie, Vixie cron) follow:

- a firing whose wall-clock time is skipped when clocks go forward happens the moment they jump (a 02:30 job
  runs at 03:00 on the spring-forward day), so a skipped "down" never leaves a group up for another day;
- a firing whose wall-clock time happens twice when clocks go back happens once, the first time.

Both rules keep firings in wall-clock order, which is what lets ``is_up`` look only at the latest firing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadDateError, CroniterError, croniter
from pydantic import Field, field_validator, model_validator

from karpenter_infra.rules.cron import cronjob_schedule_problem
from karpenter_infra.spec.base import Spec

# More than any change of UTC offset in the tz database in living memory (daylight saving time moves clocks by
# one hour, two at most): near such a change, a firing at or before an instant can sit this far past it in
# wall-clock time (and one after it this far before).
_DST_SLACK = timedelta(hours=3)
# A schedule whose every up firing coincides with a down firing is never up. Nine years covers every calendar
# pattern a five-field cron can express short of the 400-year Gregorian cycle (29 February skips 2100).
_SEARCH_HORIZON = timedelta(days=9 * 366)
# ... or after this many up firings, so an every-minute `up` under an every-minute `down` gives up quickly.
_MAX_UP_FIRINGS = 10_000
_VALIDATION_START = datetime(2000, 1, 1)


class OffHours(Spec):
    down: str = Field(
        description="Cron expression (minute hour day-of-month month day-of-week) at which the node group "
        "scales to zero, read in `timezone`, e.g. '0 20 * * 1-5' for 20:00 on weekdays.",
    )
    up: str = Field(
        description="Cron expression at which the node group may scale up again, read in `timezone`, e.g. "
        "'0 7 * * 1-5'. When up and down fire at the same moment, down wins.",
    )
    timezone: str = Field(
        default="UTC",
        description="IANA time zone the cron expressions are read in, e.g. 'Europe/Berlin'; the schedule "
        "follows its daylight saving time.",
    )

    @field_validator("down", "up")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        fields = value.split()
        if len(fields) != 5:
            raise ValueError(
                f"must be a cron expression with 5 fields (minute hour day-of-month month day-of-week), "
                f"got {len(fields)} in {value!r}"
            )
        # The CronJobs that apply the schedule must pass the API server's robfig/cron check, not only croniter's.
        if problem := cronjob_schedule_problem(value):
            raise ValueError(problem)
        try:
            croniter(value, _VALIDATION_START).get_next(datetime)
        except CroniterBadDateError:
            raise ValueError(f"cron expression {value!r} never fires") from None
        except CroniterError as error:
            raise ValueError(f"invalid cron expression {value!r}: {error}") from None
        return " ".join(fields)

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}, expected a name like 'Europe/Berlin'") from None
        return value

    @model_validator(mode="after")
    def _up_differs_from_down(self) -> Self:
        if self.up == self.down:
            raise ValueError(f"up and down are the same expression {self.up!r}, so the group would never be up")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"at must be timezone-aware (an instant), got naive {at.isoformat()}")


def _instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant at which a firing at local wall-clock time ``wall`` happens (rules: module doc)."""
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first  # the wall time exists; fold=0 is its first occurrence when it happens twice
    # Skipped: fold=1 reads it with the offset after the jump, fold=0 with the one before, and the jump lies
    # between the two. Find it to the second (cron firings and tz transitions fall on whole seconds).
    low, high = int(wall.replace(tzinfo=zone, fold=1).timestamp()), int(first.timestamp())
    offset_after = first.astimezone(zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, UTC).astimezone(zone).utcoffset() == offset_after:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def _walls(expr: str, start: datetime, backwards: bool) -> Iterator[datetime]:
    schedule = croniter(expr, start)
    while True:
        yield schedule.get_prev(datetime) if backwards else schedule.get_next(datetime)


def _local(at: datetime, zone: ZoneInfo) -> datetime:
    return at.astimezone(zone).replace(tzinfo=None)


def _slack(zone: ZoneInfo, at: datetime) -> timedelta:
    """How far wall-clock time may be out of step with ``at`` (zero unless the UTC offset changes nearby)."""
    offsets = {(at + shift).astimezone(zone).utcoffset() for shift in (-_DST_SLACK, timedelta(0), _DST_SLACK)}
    return _DST_SLACK if len(offsets) > 1 else timedelta(0)


def last_firing(expr: str, zone: ZoneInfo, at: datetime) -> datetime:
    """The latest firing at or before ``at``, as a UTC instant."""
    # Firings are non-decreasing in wall-clock order, so walking back from past `at`, the first at or before
    # it is the latest. croniter walks back strictly before its start, hence the microsecond.
    start = _local(at, zone) + _slack(zone, at) + timedelta(microseconds=1)
    for wall in _walls(expr, start, backwards=True):
        instant = _instant(wall, zone)
        if instant <= at:
            return instant
    raise AssertionError("unreachable: croniter iterates forever")


def next_firing(expr: str, zone: ZoneInfo, after: datetime) -> datetime:
    """The earliest firing strictly after ``after``, as a UTC instant."""
    for wall in _walls(expr, _local(after, zone) - _slack(zone, after), backwards=False):
        instant = _instant(wall, zone)
        if instant > after:
            return instant
    raise AssertionError("unreachable: croniter iterates forever")


def is_up(schedule: OffHours, at: datetime) -> bool:
    """Up when the latest ``up`` firing at or before ``at`` is later than the latest ``down`` firing.

    Decided from the schedule alone, not from having seen the last firing, so whatever applies it (a reconcile
    loop, a job that was down over the weekend) converges on the right state after any gap.
    """
    _require_aware(at)
    zone = schedule.zone
    return last_firing(schedule.up, zone, at) > last_firing(schedule.down, zone, at)


def next_transition(schedule: OffHours, at: datetime) -> tuple[datetime, bool]:
    """The first instant after ``at`` at which ``is_up`` changes (in the schedule's zone), and its new value.

    Only firings can change the state: a down firing always takes the group down, an up firing brings it up
    unless a down firing happens at the same instant.
    """
    _require_aware(at)
    zone = schedule.zone
    if is_up(schedule, at):
        return next_firing(schedule.down, zone, at).astimezone(zone), False
    candidate = at
    for _ in range(_MAX_UP_FIRINGS):
        candidate = next_firing(schedule.up, zone, candidate)
        if candidate - at > _SEARCH_HORIZON:
            break
        if last_firing(schedule.down, zone, candidate) != candidate:
            return candidate.astimezone(zone), True
    raise ValueError(
        f"off-hours schedule up={schedule.up!r} down={schedule.down!r} ({schedule.timezone}) never comes up: "
        f"every up firing after {at.isoformat()} up to {candidate.isoformat()} coincides with a down firing"
    )
