"""Durations as Go's time.ParseDuration reads them, and what Karpenter makes of expire_after."""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra.rules.durations import DurationError, parse_go_duration
from tests.rules.support import accepted, refused_group

SECOND = 1_000_000_000


@pytest.mark.parametrize(
    ("text", "nanoseconds"),
    [
        ("0", 0),
        ("30s", 30 * SECOND),
        ("1h30m", 5400 * SECOND),
        ("1.5h", 5400 * SECOND),
        (".5s", SECOND // 2),
        ("1.s", SECOND),
        ("+3s", 3 * SECOND),
        ("-1m", -60 * SECOND),
        ("300ms", 300_000_000),
        ("2us", 2_000),
        ("2\u00b5s", 2_000),
        ("7ns", 7),
        ("2562047h", 2562047 * 3600 * SECOND),
    ],
)
def test_go_parses(text: str, nanoseconds: int) -> None:
    assert parse_go_duration(text) == nanoseconds


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "invalid duration"),
        ("5", "missing unit"),
        ("1d", "unknown unit 'd'"),
        ("1h 30m", "unknown unit"),
        (".s", "invalid duration"),
        ("-", "invalid duration"),
        ("2562048h", "overflows"),
        ("Never", "invalid duration"),
    ],
)
def test_go_refuses(text: str, words: str) -> None:
    with pytest.raises(DurationError, match=words):
        parse_go_duration(text)


@pytest.mark.parametrize(
    ("settings", "field", "words"),
    [
        ({"expire_after": "0s"}, "expire_after", "0s replaces every node"),
        ({"expire_after": "0h0m"}, "expire_after", "0s replaces every node"),
        ({"expire_after": "99999999999h"}, "expire_after", "overflows"),
        ({"termination_grace_period": "99999999999h"}, "termination_grace_period", "overflows"),
        (
            {
                "kubelet": {
                    "eviction_soft": {"memory.available": "10%"},
                    "eviction_soft_grace_period": {"memory.available": "90"},
                }
            },
            "kubelet.eviction_soft_grace_period['memory.available']",
            "missing unit",
        ),
    ],
)
def test_refused(settings: dict[str, Any], field: str, words: str) -> None:
    refused_group(field, words, **settings)


@pytest.mark.parametrize(
    "settings",
    [
        {"expire_after": "720h", "consolidate_after": "30s", "termination_grace_period": "1h30m"},
        {"expire_after": "Never"},
        {
            "kubelet": {
                "eviction_soft": {"memory.available": "10%"},
                "eviction_soft_grace_period": {"memory.available": "1m30s"},
            }
        },
    ],
)
def test_accepted(settings: dict[str, Any]) -> None:
    accepted(**settings)
