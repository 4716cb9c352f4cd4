"""Budget warnings: one per configuration behind the common reports, naming the budget."""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra.disruption.warnings import (
    BLOCKS_FOREVER,
    DEAD_REASON,
    LOCAL_TIME,
    NEVER_FIRES,
    OVERLAPS_ITSELF,
    ROUNDS_ABOVE_LIMIT,
    budget_warnings,
)

BERLIN = ("0 7 * * 1-5", "0 20 * * 1-5", "Europe/Berlin")


def pool(*budgets: dict[str, Any], limit: int | None = None, **disruption: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"disruption": {"budgets": list(budgets), **disruption}}
    if limit is not None:
        spec["limits"] = {"cpu": "10", "nodes": str(limit)}
    return {"spec": spec}


CASES: list[tuple[str, dict[str, Any], tuple[str, str, str] | None, list[tuple[str, int | None, str]]]] = [
    (
        "nodes 0 without schedule",
        pool({"nodes": "10%"}, {"nodes": "0", "reasons": ["Drifted"]}),
        None,
        [(BLOCKS_FOREVER, 1, "blocks Drifted at all times: drift will never roll out")],
    ),
    (
        "windows covering the week",
        pool({"nodes": "0", "schedule": "0 0 * * *", "duration": "24h"}),
        None,
        [(BLOCKS_FOREVER, 0, "Drifted, Empty, Underutilized at all times (its windows cover the week)")],
    ),
    (
        "30 February",
        pool({"nodes": "10%"}, {"nodes": "2", "schedule": "0 0 30 2 *", "duration": "1h"}),
        None,
        [(NEVER_FIRES, 1, "can never fire; Karpenter then treats the budget as always active")],
    ),
    (
        "self-overlap",
        pool({"nodes": "1", "schedule": "0 */2 * * *", "duration": "3h"}),
        None,
        [(OVERLAPS_ITSELF, 0, "fires again 2h00m after a hit, within its duration 3h")],
    ),
    (
        "a percentage of a small limit",
        pool({"nodes": "10%"}, limit=3),
        None,
        [(ROUNDS_ABOVE_LIMIT, 0, "10% rounds up to 1 node(s) even at the pool's largest size (limits.nodes 3)")],
    ),
    (
        "WhenEmpty with an Underutilized budget",
        pool(
            {"nodes": "0", "reasons": ["Underutilized"], "schedule": "@daily", "duration": "1h"},
            consolidationPolicy="WhenEmpty",
        ),
        None,
        [(DEAD_REASON, 0, "limits only Underutilized, which never happen here (consolidationPolicy is WhenEmpty)")],
    ),
    (
        "consolidateAfter Never with an Empty budget",
        pool({"nodes": "2", "reasons": ["Empty", "Underutilized"]}, consolidateAfter="Never"),
        None,
        [(DEAD_REASON, 0, "limits only Empty and Underutilized, which never happen here (consolidateAfter is Never)")],
    ),
    ("reasons []", pool({"nodes": "0", "reasons": []}), None, [(DEAD_REASON, 0, "applies to no reason")]),
    (
        "an unparseable schedule",
        pool({"nodes": "3", "schedule": "0 0 * * 7", "duration": "1h"}),
        None,
        [(BLOCKS_FOREVER, 0, "Karpenter allows 0 disruptions for every reason")],
    ),
    (
        "local time",
        pool({"nodes": "0", "schedule": "0 7 * * mon-fri", "duration": "8h"}),
        BERLIN,
        [(LOCAL_TIME, 0, "starts at 07:00 UTC, the same clock time the off-hours schedule uses in Europe/Berlin")],
    ),
]


@pytest.mark.parametrize(("name", "nodepool", "off_hours", "expected"), CASES, ids=[c[0] for c in CASES])
def test_warning(
    name: str,
    nodepool: dict[str, Any],
    off_hours: tuple[str, str, str] | None,
    expected: list[tuple[str, int | None, str]],
) -> None:
    found = budget_warnings(nodepool, off_hours)
    assert [(w.rule, w.budget) for w in found] == [(rule, budget) for rule, budget, _ in expected]
    for warning, (_, _, text) in zip(found, expected, strict=True):
        assert text in warning.message


@pytest.mark.parametrize(
    "nodepool",
    [
        pool(
            {"nodes": "10%"}, {"nodes": "0", "reasons": ["Drifted"], "schedule": "0 7 * * mon-fri", "duration": "12h"}
        ),
        pool(
            {"nodes": "10%"},
            {"nodes": "0", "reasons": ["Drifted", "Underutilized"], "schedule": "0 9 * * *", "duration": "8h"},
            consolidationPolicy="WhenEmpty",
        ),  # Drifted still counts
        pool({"nodes": "10%"}, limit=10),
        pool({"nodes": "0", "schedule": "0 8 * * mon-fri", "duration": "8h"}, limit=20),
        pool(),
    ],
)
def test_sensible_budgets_are_quiet(nodepool: dict[str, Any]) -> None:
    assert budget_warnings(nodepool, ("0 7 * * 1-5", "0 20 * * 1-5", "UTC")) == []


def test_plan_time_checks_name_the_group_and_budget_index() -> None:
    from karpenter_infra import Budget, Fleet, NodeGroup, NodeGroupDefaults, OffHours
    from karpenter_infra.catalog.warnings import CatalogWarning
    from karpenter_infra.checks import check
    from karpenter_infra.spec.platform import PlatformSpec

    spec = PlatformSpec.model_validate(
        {
            "nodegroups": "x",
            "cluster": {"name": "c", "vpc_id": "vpc-0a", "private_subnet_ids": ["subnet-0a", "subnet-0b"]},
        }
    )
    defaults = NodeGroupDefaults(cluster_name="c", catalog_warnings_off=list(CatalogWarning))
    frozen = NodeGroup(name="frozen", budgets=[Budget(nodes="10%"), Budget(nodes=0, reasons=["Drifted"])])
    local = NodeGroup(
        name="local",
        budgets=[Budget(nodes="0", schedule="0 7 * * 1-5", duration="10h")],
        off_hours=OffHours(down="0 20 * * 1-5", up="0 7 * * 1-5", timezone="Europe/Berlin"),
    )
    quiet = NodeGroup(name="quiet")
    messages = [str(f) for f in check(spec, Fleet(defaults, [frozen, local, quiet], node_role="R"))]
    assert [m for m in messages if "budget" in m] == [
        "nodegroup 'frozen': budgets[1]: budget 1 blocks Drifted at all times: drift will never roll out (AMI and "
        "node-class changes never reach the nodes) [budget-blocks-forever]",
        "nodegroup 'local': budgets[0]: schedule '0 7 * * 1-5' starts at 07:00 UTC, the same clock time the "
        "off-hours schedule uses in Europe/Berlin: budget schedules are always UTC, so convert it if 07:00 "
        "Europe/Berlin was meant [budget-local-time]",
    ]


def test_each_budget_warning_is_a_ledger_rule_switched_off_by_its_id() -> None:
    from karpenter_infra import Budget, Fleet, NodeGroup, NodeGroupDefaults
    from karpenter_infra.catalog.warnings import CatalogWarning
    from karpenter_infra.checks import check
    from karpenter_infra.ledger.registry import warning_ids
    from karpenter_infra.spec.platform import PlatformSpec

    assert {BLOCKS_FOREVER, NEVER_FIRES, OVERLAPS_ITSELF, ROUNDS_ABOVE_LIMIT, DEAD_REASON, LOCAL_TIME} <= warning_ids()
    spec = PlatformSpec.model_validate(
        {
            "nodegroups": "x",
            "cluster": {"name": "c", "vpc_id": "vpc-0a", "private_subnet_ids": ["subnet-0a", "subnet-0b"]},
        }
    )
    defaults = NodeGroupDefaults(cluster_name="c", catalog_warnings_off=list(CatalogWarning))
    budgets = [Budget(nodes="0", reasons=["Drifted"]), Budget(nodes="1", schedule="0 0 30 2 *", duration="1h")]
    loud = NodeGroup(name="loud", budgets=budgets)
    quiet = NodeGroup(name="quiet", budgets=budgets, warnings_off=[BLOCKS_FOREVER])
    found = [f for f in check(spec, Fleet(defaults, [loud, quiet], node_role="R")) if f.rule.startswith("budget-")]
    assert sorted((f.owner, f.rule) for f in found) == [
        ("nodegroup 'loud'", BLOCKS_FOREVER),
        ("nodegroup 'loud'", NEVER_FIRES),
        ("nodegroup 'quiet'", NEVER_FIRES),
    ]
