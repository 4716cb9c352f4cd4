"""Cron expressions as robfig/cron v3 parses them, which is what Karpenter and the Kubernetes CronJob controller use.

Both call ``cron.ParseStandard`` (kubernetes-sigs/karpenter ``pkg/apis/v1/nodepool.go`` ``Budget.IsActive``;
kubernetes ``pkg/apis/batch/validation`` ``validateScheduleFormat``): five fields, minute hour day-of-month month
day-of-week, with ``*``, ``?``, ``a-b``, ``/step``, ``,`` lists and three-letter names, plus ``@`` descriptors.
No ``L``, ``W`` or ``#``, and day-of-week is 0-6 (``7`` is not Sunday, unlike croniter and Vixie cron).
Written from robfig/cron's documented grammar (``parser.go``), so it fails exactly where the Go parser does.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from karpenter_infra.rules.durations import duration_problem


class _Field(NamedTuple):
    name: str
    low: int
    high: int
    names: dict[str, int]


_MONTHS = {
    m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))
}
_DAYS = {d: i for i, d in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
FIELDS = (
    _Field("minute", 0, 59, {}),
    _Field("hour", 0, 23, {}),
    _Field("day-of-month", 1, 31, {}),
    _Field("month", 1, 12, _MONTHS),
    _Field("day-of-week", 0, 6, _DAYS),
)
#: The descriptors ``ParseStandard`` knows besides ``@every <duration>``.
NAMED_DESCRIPTORS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_ATOI = re.compile(r"[+-]?[0-9]+", re.ASCII)


class CronError(ValueError):
    pass


def _number(text: str, field: _Field) -> int:
    named = field.names.get(text.lower())
    if named is not None:
        return named
    if not _ATOI.fullmatch(text):
        extra = " (robfig/cron has no L, W or #)" if any(c in text for c in "LW#") else ""
        raise CronError(f"{field.name}: {text!r} is not a number or name{extra}")
    value = int(text)
    if value < 0:
        raise CronError(f"{field.name}: negative number {value}")
    return value


def _range(expr: str, field: _Field) -> None:
    range_and_step = expr.split("/")
    if len(range_and_step) > 2:
        raise CronError(f"{field.name}: too many '/' in {expr!r}")
    low_high = range_and_step[0].split("-")
    if low_high[0] in ("*", "?"):
        start, end = field.low, field.high  # robfig ignores anything after "*-"
    else:
        if len(low_high) > 2:
            raise CronError(f"{field.name}: too many '-' in {expr!r}")
        start = _number(low_high[0], field)
        end = _number(low_high[1], field) if len(low_high) == 2 else start
    if len(range_and_step) == 2:
        step = _number(range_and_step[1], field)
        if len(low_high) == 1:
            end = field.high  # "5/10" means 5-max/10
        if step == 0:
            raise CronError(f"{field.name}: the step in {expr!r} must be positive")
    for value in (start, end):
        if not field.low <= value <= field.high:
            raise CronError(f"{field.name}: {value} is out of range ({field.low}-{field.high})")
    if start > end:
        raise CronError(f"{field.name}: range {expr!r} starts after it ends")


def parse_standard(expression: str, *, every: bool = True) -> None:
    """Raise ``CronError`` naming the field robfig/cron's ``ParseStandard`` would refuse."""
    spec = expression.strip()
    if not spec:
        raise CronError("empty schedule")
    if spec.startswith("@"):
        if spec in NAMED_DESCRIPTORS:
            return
        if every and spec.startswith("@every "):
            problem = duration_problem(spec[len("@every ") :])
            if problem:
                raise CronError(problem)
            return
        raise CronError(f"unknown descriptor {spec!r}; use one of {sorted(NAMED_DESCRIPTORS)}")
    fields = spec.split()
    if len(fields) != len(FIELDS):
        raise CronError(f"has {len(fields)} fields, needs 5 (minute hour day-of-month month day-of-week)")
    for text, field in zip(fields, FIELDS, strict=True):
        for expr in (part for part in text.split(",") if part):
            _range(expr, field)


@cache
def budget_schedule_problem(expression: str) -> str | None:
    """A Karpenter budget schedule: read in UTC (Karpenter prefixes ``TZ=UTC``); the CRD admits no ``@every``."""
    if "TZ" in expression:
        return "budget schedules are always UTC; remove the TZ= prefix"
    try:
        parse_standard(expression, every=False)
    except CronError as exc:
        return f"invalid cron expression {expression!r}: {exc}"
    return None


@cache
def cronjob_schedule_problem(expression: str) -> str | None:
    """A CronJob ``spec.schedule``; the time zone belongs in ``spec.timeZone``, which the API server enforces."""
    if "TZ" in expression:
        return "cannot carry TZ= or CRON_TZ=; set the time zone in timezone"
    try:
        parse_standard(expression)
    except CronError as exc:
        return f"invalid cron expression {expression!r}: {exc}"
    return None
