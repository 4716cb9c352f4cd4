"""robfig/cron v3's ``ParseStandard`` schedules and their ``Next``, in UTC: what Karpenter's ``Budget.IsActive`` runs.

Karpenter parses ``"TZ=UTC " + schedule`` (kubernetes-sigs/karpenter ``pkg/apis/v1/nodepool.go``,
``Budget.IsActive``), so every budget schedule is read in UTC and daylight saving time never enters. The grammar
(which expressions parse) is ``karpenter_infra.rules.cron.parse_standard``; this module adds what a parsed schedule
*means*, ported from robfig/cron v3 ``parser.go`` (``getRange``: a leading ``*`` or ``?`` sets the star bit unless
a step above 1 follows) and ``spec.go`` (``SpecSchedule.Next``, ``dayMatches``).

Two robfig rules differ from croniter's defaults, and ``tests/disruption/test_cron.py`` pins both:

- ``Next`` gives up after five years and returns Go's zero time, which Karpenter then reads as "active now"
  (``!nextHit.After(now)``): a schedule that can never fire, such as ``0 0 30 2 *``, makes its budget always active.
  croniter raises ``CroniterBadDateError`` instead;
- day-of-month and day-of-week are OR-ed only when neither field starts with ``*``/``?`` (a stepped ``*/2`` counts
  as restricted). croniter agrees on these, but also takes ``7`` for Sunday, which robfig refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from karpenter_infra.rules.cron import FIELDS, CronError, parse_standard
from karpenter_infra.rules.durations import parse_go_duration

_STAR = 1 << 63
_YEARS = 5  # SpecSchedule.Next: "If no time is found within five years, return zero."


def _all(low: int, high: int) -> int:
    return sum(1 << i for i in range(low, high + 1)) | _STAR


#: robfig ``parseDescriptor``: (minute, hour, day-of-month, month, day-of-week) bit sets.
_DESCRIPTORS: dict[str, tuple[int, int, int, int, int]] = {
    "@yearly": (1, 1, 1 << 1, 1 << 1, _all(0, 6)),
    "@annually": (1, 1, 1 << 1, 1 << 1, _all(0, 6)),
    "@monthly": (1, 1, 1 << 1, _all(1, 12), _all(0, 6)),
    "@weekly": (1, 1, _all(1, 31), _all(1, 12), 1),
    "@daily": (1, 1, _all(1, 31), _all(1, 12), _all(0, 6)),
    "@midnight": (1, 1, _all(1, 31), _all(1, 12), _all(0, 6)),
    "@hourly": (1, _all(0, 23), _all(1, 31), _all(1, 12), _all(0, 6)),
}


def _value(text: str, names: dict[str, int]) -> int:
    lower = text.lower()
    return names[lower] if lower in names else int(text)


def _bits(field_text: str, index: int) -> int:
    """robfig ``getField``/``getRange``, for text ``parse_standard`` has already accepted."""
    field = FIELDS[index]
    bits = 0
    for expr in (part for part in field_text.split(",") if part):
        range_and_step = expr.split("/")
        low_high = range_and_step[0].split("-")
        extra = 0
        if low_high[0] in ("*", "?"):
            start, end, extra = field.low, field.high, _STAR
        else:
            start = _value(low_high[0], field.names)
            end = _value(low_high[1], field.names) if len(low_high) == 2 else start
        step = 1
        if len(range_and_step) == 2:
            step = _value(range_and_step[1], {})
            if len(low_high) == 1:
                end = field.high
            if step > 1:
                extra = 0
        bits |= sum(1 << i for i in range(start, end + 1, step)) | extra
    return bits


@dataclass(frozen=True)
class Every:
    """``@every <duration>``: robfig's ``ConstantDelaySchedule`` (whole seconds, at least one)."""

    seconds: int

    def next(self, after: datetime) -> datetime | None:
        return after.replace(microsecond=0) + timedelta(seconds=self.seconds)


@dataclass(frozen=True)
class Spec:
    """robfig's ``SpecSchedule`` with the seconds field fixed at 0, as ``ParseStandard`` builds it."""

    minute: int
    hour: int
    dom: int
    month: int
    dow: int

    def _day_matches(self, t: datetime) -> bool:
        dom_match = bool(1 << t.day & self.dom)
        dow_match = bool(1 << t.isoweekday() % 7 & self.dow)
        if self.dom & _STAR or self.dow & _STAR:
            return dom_match and dow_match
        return dom_match or dow_match

    def next(self, after: datetime) -> datetime | None:
        """``SpecSchedule.Next`` in UTC: the first hit strictly after ``after``, ``None`` for Go's zero time."""
        t = after.astimezone(UTC).replace(microsecond=0) + timedelta(seconds=1)
        year_limit = t.year + _YEARS
        added = False
        while True:  # each pass is robfig's WRAP label
            if t.year > year_limit:
                return None
            wrapped = False
            while not 1 << t.month & self.month:
                if not added:
                    added, t = True, t.replace(day=1, hour=0, minute=0, second=0)
                t = t.replace(year=t.year + t.month // 12, month=t.month % 12 + 1)
                if t.month == 1:
                    wrapped = True
                    break
            if wrapped:
                continue
            while not self._day_matches(t):
                if not added:
                    added, t = True, t.replace(hour=0, minute=0, second=0)
                t += timedelta(days=1)
                if t.day == 1:
                    wrapped = True
                    break
            if wrapped:
                continue
            while not 1 << t.hour & self.hour:
                if not added:
                    added, t = True, t.replace(minute=0, second=0)
                t += timedelta(hours=1)
                if t.hour == 0:
                    wrapped = True
                    break
            if wrapped:
                continue
            while not 1 << t.minute & self.minute:
                if not added:
                    added, t = True, t.replace(second=0)
                t += timedelta(minutes=1)
                if t.minute == 0:
                    wrapped = True
                    break
            if wrapped:
                continue
            if t.second != 0:
                # The seconds field is "0": robfig steps second by second to the next minute, then wraps.
                added, t = True, t.replace(second=0) + timedelta(minutes=1)
                continue
            return t


Schedule = Spec | Every


@cache
def parse(schedule: str) -> Schedule:
    """Karpenter's ``cron.ParseStandard("TZ=UTC " + schedule)``; ``CronError`` where it returns an error."""
    spec = schedule.strip()
    if spec.startswith(("TZ=", "CRON_TZ=")):
        # After Karpenter's own prefix is consumed, a second one is just an extra field.
        raise CronError("a budget schedule is always UTC; a TZ= prefix makes it unparseable")
    parse_standard(spec)
    if spec.startswith("@every "):
        nanoseconds = parse_go_duration(spec[len("@every ") :])
        return Every(max(nanoseconds // 1_000_000_000, 1))
    if spec.startswith("@"):
        return Spec(*_DESCRIPTORS[spec])
    fields = spec.split()
    return Spec(*(_bits(text, i) for i, text in enumerate(fields)))
