"""Every query we ship reads metrics that Karpenter v1.14 exports.

PromQL does not fail on an unknown metric, it returns nothing; so this is the only place a renamed or misspelt
metric shows up before a dashboard stays empty or an alert never fires in production.
"""

from __future__ import annotations

import difflib
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from karpenter_infra.monitoring import metrics
from karpenter_infra.monitoring.alerts import AlertThresholds, prometheus_rule
from karpenter_infra.monitoring.dashboards import dashboard_queries, dashboards
from karpenter_infra.monitoring.promql import is_known, metric_names, unknown_metric_names

REFERENCE_DIR = Path(
    os.environ.get("KARPENTER_REFERENCE_DIR")
    or Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "karpenter-v1.14"
)

# Names the reference dashboards query that Karpenter v1.14 does not export: the allocation dashboard predates
# the v1 metric names (its scheduling histogram is karpenter_scheduler_scheduling_duration_seconds today), and
# the capacity dashboard's node-age panel reads node-exporter.
REFERENCE_NAMES_NOT_FROM_KARPENTER = frozenset(
    {
        "karpenter_allocation_controller_bind_duration_seconds_bucket",
        "karpenter_allocation_controller_binpacking_duration_seconds_bucket",
        "karpenter_allocation_controller_scheduling_duration_seconds_bucket",
        "node_boot_time_seconds",
        "node_time_seconds",
    }
)

# Our metric constants that the reference dashboards query too; both must spell them the same way.
SHARED_WITH_REFERENCE = (
    metrics.NODES_ALLOCATABLE,
    metrics.NODEPOOLS_USAGE,
    metrics.NODEPOOLS_LIMIT,
    metrics.NODECLAIMS_DISRUPTED_TOTAL,
    metrics.VOLUNTARY_DISRUPTION_DECISIONS_TOTAL,
    metrics.VOLUNTARY_DISRUPTION_ELIGIBLE_NODES,
    metrics.CONTROLLER_RUNTIME_RECONCILE_ERRORS_TOTAL,
    metrics.WORKQUEUE_DEPTH,
)


@cache
def reference_metric_names() -> frozenset[str]:
    if not REFERENCE_DIR.is_dir():
        pytest.skip(f"Karpenter v1.14 reference data not found at {REFERENCE_DIR} (set KARPENTER_REFERENCE_DIR)")
    names: set[str] = set()
    for path in sorted((REFERENCE_DIR / "dashboards").glob("*.json")):
        for query in dashboard_queries(json.loads(path.read_text())):
            names |= metric_names(query)
    return frozenset(names)


def known_v1_14_metrics() -> frozenset[str]:
    """The v1.14 reference page, plus what the reference dashboards query, minus what they get wrong."""
    return (
        metrics.KNOWN_METRICS
        | metrics.PROMETHEUS_SCRAPE_METRICS
        | (reference_metric_names() - REFERENCE_NAMES_NOT_FROM_KARPENTER)
    )


def our_queries() -> dict[str, str]:
    """Every query we ship, keyed by where it lives so a failure names the panel or alert."""
    queries: dict[str, str] = {}
    rule = prometheus_rule("karpenter", "monitoring", AlertThresholds())
    for group in rule["spec"]["groups"]:
        for item in group["rules"]:
            queries[f"alert {item['alert']} ({item['labels']['severity']})"] = item["expr"]
    for file_name, dashboard in dashboards().items():
        for index, query in enumerate(dashboard_queries(dashboard)):
            queries[f"{file_name} query {index}"] = query
    return queries


def test_every_query_reads_a_metric() -> None:
    assert all(metric_names(query) for query in our_queries().values())


def test_every_metric_we_query_exists_in_karpenter_v1_14() -> None:
    known = known_v1_14_metrics()
    unknown = {where: sorted(unknown_metric_names(q, known)) for where, q in our_queries().items()}
    assert {where: names for where, names in unknown.items() if names} == {}


def test_we_query_only_metrics_on_the_reference_page() -> None:
    # Stricter than the check above: the reference dashboards are examples, the metrics page is the registry.
    page = metrics.KNOWN_METRICS | metrics.PROMETHEUS_SCRAPE_METRICS
    used = {name for query in our_queries().values() for name in metric_names(query)}
    assert sorted(name for name in used if not is_known(name, page)) == []


def test_every_metric_constant_is_known() -> None:
    constants = {
        name: value
        for name, value in vars(metrics).items()
        if name.isupper()
        and not name.startswith("LABEL_")
        and isinstance(value, str)
        and value.startswith(("karpenter_", "operator_"))
    }
    assert constants
    assert {name: value for name, value in constants.items() if value not in metrics.KNOWN_METRICS} == {}


def test_reference_dashboards_and_metrics_page_agree() -> None:
    reference = reference_metric_names()
    page = metrics.KNOWN_METRICS | metrics.PROMETHEUS_SCRAPE_METRICS
    assert {name for name in reference if not is_known(name, page)} == REFERENCE_NAMES_NOT_FROM_KARPENTER


@pytest.mark.parametrize("name", SHARED_WITH_REFERENCE)
def test_shared_constants_are_spelled_like_the_reference_dashboards(name: str) -> None:
    assert name in reference_metric_names()


def test_no_constant_is_a_near_miss_of_a_reference_name() -> None:
    # a one-letter difference between our name and a reference name is a typo on one side
    ours = {value for value in vars(metrics).values() if isinstance(value, str) and value in metrics.KNOWN_METRICS}
    reference = reference_metric_names() - REFERENCE_NAMES_NOT_FROM_KARPENTER
    near_misses = {
        name: close
        for name in ours
        if (close := [r for r in difflib.get_close_matches(name, reference, n=3, cutoff=0.95) if r != name])
    }
    assert near_misses == {}


@pytest.mark.parametrize(
    ("query", "misspelt"),
    [
        # v0.3x names, renamed in v1: the checker must not let them through
        ('sum by (nodepool) (karpenter_nodepool_usage{resource_type="cpu"})', "karpenter_nodepool_usage"),
        ("rate(karpenter_nodeclaims_disrupted[5m])", "karpenter_nodeclaims_disrupted"),
        (
            "histogram_quantile(0.99, sum by (le) (rate(karpenter_scheduler_duration_bucket[5m])))",
            "karpenter_scheduler_duration_bucket",
        ),
        ("label_values(karpenter_nodes_alocatable, nodepool)", "karpenter_nodes_alocatable"),
    ],
)
def test_the_checker_catches_a_misspelt_metric(query: str, misspelt: str) -> None:
    assert unknown_metric_names(query, known_v1_14_metrics()) == {misspelt}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("up", {"up"}),
        ('sum by (nodepool, reason) (increase(a_total{reason=~"x|y"}[1h])) > 3', {"a_total"}),
        ("sum(a) by (zone) / on (zone) group_left (arch) b * ignoring (x) c", {"a", "b", "c"}),
        ("(sum(a{job='k'}) or on() vector(0)) < 1 and on() sum(b) > bool 0", {"a", "b"}),
        (
            "histogram_quantile(0.9, sum without (pod) (rate(h_bucket[$__rate_interval] offset 1h)))",
            {"h_bucket"},
        ),
        ('label_replace(a, "dst", "$1", "src", "(.+)")', {"a"}),
        ('{__name__="by_name", job="x"} + count_values("v", b)', {"by_name", "b"}),
        ("max_over_time(a[1h:5m]) * 1e3 - 0x1F # trailing comment with_metric_like_words", {"a"}),
        ('sum by ($group) (a{nodepool=~"${nodegroup}-.*"}) @ end()', {"a"}),
        ("label_values(zone)", set()),
        ('label_values(a{x="y"}, nodepool)', {"a"}),
    ],
)
def test_metric_names(query: str, expected: set[str]) -> None:
    assert metric_names(query) == expected


def test_histogram_series_resolve_to_their_base_metric() -> None:
    known = frozenset({"h_seconds"})
    assert is_known("h_seconds_bucket", known)
    assert is_known("h_seconds_count", known)
    assert not is_known("h_seconds_total", known)


def _exprs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["expr"]] if isinstance(node.get("expr"), str) else []
        return own + [e for value in node.values() for e in _exprs(value)]
    if isinstance(node, list):
        return [e for value in node for e in _exprs(value)]
    return []


def test_dashboard_queries_leaves_no_expression_out_of_the_check() -> None:
    for dashboard in dashboards().values():
        assert set(_exprs(dashboard)) <= set(dashboard_queries(dashboard))
