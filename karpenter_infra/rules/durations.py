"""Durations as Go's ``time.ParseDuration`` reads them: Karpenter decodes every duration as a ``metav1.Duration``.

The CRD patterns only look at the characters (``^([0-9]+(s|m|h))+$``); ``time.ParseDuration`` also refuses a value
past int64 nanoseconds (about 292 years), and the kubelet's ``evictionSoftGracePeriod`` values have no pattern at
all, so a bad one there stops Karpenter from decoding the whole EC2NodeClass. Written from the grammar in Go's
``time/format.go`` documentation: ``[-+]?`` then one or more ``<decimal>[.<decimal>]<unit>``, or a bare ``0``.
"""

from __future__ import annotations

import re
from functools import cache

_UNITS_NS = {
    "ns": 1,
    "us": 1_000,
    "\u00b5s": 1_000,  # micro sign
    "\u03bcs": 1_000,  # Greek mu
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60 * 1_000_000_000,
    "h": 3600 * 1_000_000_000,
}
_PART = re.compile(r"([0-9]*)(?:\.([0-9]*))?([^0-9.]*)")
_MAX_NS = 2**63 - 1


class DurationError(ValueError):
    pass


@cache
def parse_go_duration(text: str) -> int:
    """Nanoseconds, or ``DurationError`` with the reason Go would give."""
    rest = text
    negative = rest.startswith("-")
    if rest[:1] in ("-", "+"):
        rest = rest[1:]
    if rest == "0":
        return 0
    if not rest:
        raise DurationError(f"invalid duration {text!r}")
    total = 0
    while rest:
        match = _PART.match(rest)
        assert match is not None  # every group may be empty
        whole, fraction, unit = match.groups()
        if not whole and not fraction:
            raise DurationError(f"invalid duration {text!r}")
        if not unit:
            raise DurationError(f"missing unit in duration {text!r} (use ns, us, ms, s, m or h)")
        if unit not in _UNITS_NS:
            raise DurationError(f"unknown unit {unit!r} in duration {text!r} (use ns, us, ms, s, m or h)")
        scale = _UNITS_NS[unit]
        value = int(whole or "0") * scale
        if fraction:
            value += int(fraction) * scale // 10 ** len(fraction)
        total += value
        if total > _MAX_NS + (1 if negative else 0):
            raise DurationError(f"duration {text!r} overflows Go's time.Duration (about 292 years)")
        rest = rest[match.end() :]
    return -total if negative else total


def duration_problem(text: str) -> str | None:
    try:
        parse_go_duration(text)
    except DurationError as exc:
        return str(exc)
    return None


def duration_or_never_problem(text: str) -> str | None:
    return None if text == "Never" else duration_problem(text)


def seconds(text: str) -> float | None:
    """A duration in seconds, or ``None`` for ``Never`` (an unbounded duration)."""
    return None if text == "Never" else parse_go_duration(text) / 1e9
