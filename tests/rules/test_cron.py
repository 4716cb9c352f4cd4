"""Budget and off-hours schedules as robfig/cron (Karpenter, the CronJob API) parses them, not as croniter does."""

from __future__ import annotations

import re
from typing import Any

import pytest

from karpenter_infra.rules.cron import CronError, budget_schedule_problem, cronjob_schedule_problem, parse_standard
from tests.rules.support import accepted, refused_group


@pytest.mark.parametrize(
    "expression",
    [
        "0 22 * * mon-fri",
        "*/15 * * * *",
        "5/10 * * * *",
        "0 9 * * 1-5",
        "0 0 1-31/2 * SUN",
        "0 0 ? * *",
        "0 0 1,15 jan,jul *",
        "0 0 31 2 *",  # never fires, but parses
        "*-5 * * * *",  # robfig ignores what follows "*"
        "@daily",
        "@annually",
    ],
)
def test_parses(expression: str) -> None:
    parse_standard(expression)


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("0 2 * * 7", "day-of-week: 7 is out of range (0-6)"),
        ("0 25 * * *", "hour: 25 is out of range (0-23)"),
        ("61 * * * *", "minute: 61 is out of range"),
        ("0 0 0 * *", "day-of-month: 0 is out of range (1-31)"),
        ("0 0 * 13 *", "month: 13 is out of range"),
        ("0 2 L * *", "day-of-month: 'L' is not a number or name (robfig/cron has no L, W or #)"),
        ("0 2 * * 5#3", "day-of-week: '5#3'"),
        ("0 0 5-1 * *", "starts after it ends"),
        ("*/0 * * * *", "step"),
        ("1-2-3 * * * *", "too many '-'"),
        ("0 0 * *", "has 4 fields, needs 5"),
        ("0 0 0 * * *", "has 6 fields"),
        ("@fortnightly", "unknown descriptor"),
        ("", "empty"),
    ],
)
def test_refuses_naming_the_field(expression: str, words: str) -> None:
    with pytest.raises(CronError, match=re.escape(words)):
        parse_standard(expression)


def test_dialects_differ_where_karpenter_and_kubernetes_differ() -> None:
    assert cronjob_schedule_problem("@every 1h") is None
    assert budget_schedule_problem("@every 1h") is not None  # the NodePool CRD admits only the named ones
    assert budget_schedule_problem("TZ=Europe/Berlin 0 2 * * *") is not None
    assert cronjob_schedule_problem("CRON_TZ=UTC 0 2 * * *") is not None


BUDGET = {"nodes": "0", "duration": "8h"}


@pytest.mark.parametrize(
    ("settings", "field", "words"),
    [
        ({"budgets": [{**BUDGET, "schedule": "0 2 * * 7"}]}, "budgets[0]", "day-of-week: 7 is out of range"),
        ({"budgets": [{**BUDGET, "schedule": "0 2 L * *"}]}, "budgets[0]", "day-of-month: 'L'"),
        ({"budgets": [{**BUDGET, "schedule": "0 2 * * 5#3"}]}, "budgets[0]", "day-of-week: '5#3'"),
        ({"budgets": [{**BUDGET, "schedule": "0 25 * * *"}]}, "budgets[0]", "hour: 25 is out of range"),
        ({"off_hours": {"down": "0 20 * * 7", "up": "0 7 * * 1-5"}}, "off_hours.down", "day-of-week"),
        ({"off_hours": {"down": "0 20 * * 1-5", "up": "0 7 L * *"}}, "off_hours.up", "day-of-month"),
    ],
)
def test_refused(settings: dict[str, Any], field: str, words: str) -> None:
    refused_group(field, words, **settings)


@pytest.mark.parametrize(
    "settings",
    [
        {"budgets": [{**BUDGET, "schedule": "0 22 * * mon-fri"}, {"nodes": "10%"}]},
        {"budgets": [{**BUDGET, "schedule": "@daily"}]},
        {"off_hours": {"down": "0 20 * * 1-5", "up": "0 7 * * 1-5", "timezone": "Europe/Berlin"}},
    ],
)
def test_accepted(settings: dict[str, Any]) -> None:
    accepted(**settings)
