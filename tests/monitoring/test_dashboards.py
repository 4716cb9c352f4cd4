from __future__ import annotations

import json
import re
from typing import Any

import pytest

from karpenter_infra.monitoring.alerts import AlertThresholds
from karpenter_infra.monitoring.dashboards import (
    CONTROLLER_DASHBOARD_UID,
    NODEGROUP_DASHBOARD_UID,
    controller_dashboard,
    dashboard_configmap,
    dashboard_queries,
    dashboards,
    nodegroup_dashboard,
    panel_titles_by_row,
)

NODEGROUP_ROWS = {
    "Capacity": ["Nodes by capacity type", "Nodes by zone", "Nodes by instance type"],
    "Usage vs limit": ["CPU usage vs limit", "Memory usage vs limit", "Share of limit used"],
    "Disruptions": [
        "Disruptions by reason",
        "Voluntary disruption decisions",
        "Launch and registration failures",
    ],
    "Interruptions": ["Spot interruptions per hour", "Interruptions by kind", "Allowed disruptions"],
    "Cost": [
        "Estimated hourly cost by capacity type",
        "Estimated hourly cost by NodePool",
        "Karpenter cost view",
    ],
}
CONTROLLER_ROWS = {
    "Health": ["Replicas up", "Leader elected", "Cluster state synced", "Version"],
    "Provisioning": [
        "Scheduling simulation latency",
        "Pods waiting for Karpenter",
        "Pod startup after a provisioning decision",
    ],
    "Disruption": [
        "Disruption evaluation latency",
        "Disruption decisions",
        "Eligible nodes and consolidation timeouts",
    ],
    "Interruption queue": [
        "Interruption messages received",
        "Interruption messages deleted",
        "Interruption message age",
    ],
    "Reconcile errors": [
        "Reconcile errors by controller",
        "Reconcile latency by controller",
        "Work queue depth",
    ],
    "Cloud provider": ["Cloud provider errors", "Instance launch failures", "Cloud provider call latency"],
}


def panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in dashboard["panels"] if p["type"] != "row"]


def panel(dashboard: dict[str, Any], title: str) -> dict[str, Any]:
    (found,) = [p for p in panels(dashboard) if p["title"] == title]
    return found


@pytest.mark.parametrize("build", [nodegroup_dashboard, controller_dashboard])
def test_plain_json(build: Any) -> None:
    dashboard = build()
    assert json.loads(json.dumps(dashboard)) == dashboard
    assert json.dumps(dashboard, sort_keys=True) == json.dumps(dashboard)  # keys already sorted


@pytest.mark.parametrize("build", [nodegroup_dashboard, controller_dashboard])
def test_deterministic(build: Any) -> None:
    assert json.dumps(build()) == json.dumps(build())


def test_stable_uids_and_file_names() -> None:
    files = dashboards()
    assert list(files) == ["karpenter-controller.json", "karpenter-nodegroups.json"]
    assert files["karpenter-nodegroups.json"]["uid"] == NODEGROUP_DASHBOARD_UID == "karpenter-infra-nodegroups"
    assert files["karpenter-controller.json"]["uid"] == CONTROLLER_DASHBOARD_UID == "karpenter-infra-controller"


def test_nodegroup_panels_per_concern() -> None:
    assert panel_titles_by_row(nodegroup_dashboard()) == NODEGROUP_ROWS


def test_controller_panels_per_concern() -> None:
    assert panel_titles_by_row(controller_dashboard()) == CONTROLLER_ROWS


@pytest.mark.parametrize("build", [nodegroup_dashboard, controller_dashboard])
def test_panels_are_laid_out_on_the_grid(build: Any) -> None:
    dashboard = build()
    ids = [p["id"] for p in dashboard["panels"]]
    assert ids == list(range(1, len(ids) + 1))
    cells = set()
    for p in panels(dashboard):
        grid = p["gridPos"]
        assert grid["x"] + grid["w"] <= 24
        for x in range(grid["x"], grid["x"] + grid["w"]):
            for y in range(grid["y"], grid["y"] + grid["h"]):
                assert (x, y) not in cells, p["title"]
                cells.add((x, y))


def test_group_variable() -> None:
    dashboard = nodegroup_dashboard()
    (variable,) = [v for v in dashboard["templating"]["list"] if v["name"] == "nodegroup"]
    assert variable["type"] == "query"
    assert variable["query"] == 'label_values(karpenter_nodepools_usage{resource_type="nodes"}, nodepool)'
    assert variable["multi"] and variable["includeAll"] and variable["allValue"] == ".+"
    # Grafana applies the regex to each NodePool name and keeps the first group: the node group
    regex = re.compile(variable["regex"].strip("/"))
    values = ["nodes-jobs-amd64", "nodes-jobs-arm64", "web-multiarch", "gpu-large"]
    groups = {match.group(1) for value in values if (match := regex.fullmatch(value))}
    assert groups == {"nodes-jobs", "web"}


def test_every_nodegroup_panel_filters_on_the_group() -> None:
    dashboard = nodegroup_dashboard()
    for p in panels(dashboard):
        for target in p["targets"]:
            assert 'nodepool=~"(${nodegroup})-(?:amd64|arm64|multiarch)"' in target["expr"], p["title"]


def test_every_panel_queries_the_datasource() -> None:
    for dashboard in (nodegroup_dashboard("mimir"), controller_dashboard("mimir")):
        for p in panels(dashboard):
            assert p["datasource"] == {"type": "prometheus", "uid": "mimir"}
            assert p["targets"] and all(t["expr"] for t in p["targets"])
            assert [t["refId"] for t in p["targets"]] == [chr(ord("A") + i) for i in range(len(p["targets"]))]


def test_cost_joins_node_counts_with_the_price_estimate() -> None:
    (target,) = panel(nodegroup_dashboard(), "Estimated hourly cost by capacity type")["targets"]
    assert "karpenter_cloudprovider_instance_type_offering_price_estimate" in target["expr"]
    assert "on (instance_type, capacity_type, zone) group_left ()" in target["expr"]
    assert target["expr"].startswith("sum by (capacity_type) (count by (nodepool, instance_type, capacity_type, zone)")


def test_limit_thresholds_follow_the_alerts() -> None:
    dashboard = nodegroup_dashboard(thresholds=AlertThresholds(nodepool_usage_warning_percent=60))
    steps = panel(dashboard, "Share of limit used")["fieldConfig"]["defaults"]["thresholds"]["steps"]
    assert [step["value"] for step in steps] == [None, 60, 95]


def test_controller_runtime_queries_are_pinned_to_the_job() -> None:
    dashboard = controller_dashboard(job="karpenter-custom")
    for query in dashboard_queries(dashboard):
        if re.search(r"\b(controller_runtime_|workqueue_|leader_election_|up\{)", query):
            assert 'job="karpenter-custom"' in query, query


def test_configmap_for_the_grafana_sidecar() -> None:
    files = dashboards()
    configmap = dashboard_configmap("karpenter-dashboards", "monitoring", dict(reversed(list(files.items()))))
    assert configmap["apiVersion"] == "v1" and configmap["kind"] == "ConfigMap"
    assert configmap["metadata"] == {
        "name": "karpenter-dashboards",
        "namespace": "monitoring",
        "labels": {"grafana_dashboard": "1"},
    }
    assert list(configmap["data"]) == sorted(files)
    assert {name: json.loads(text) for name, text in configmap["data"].items()} == files
    assert configmap == dashboard_configmap("karpenter-dashboards", "monitoring", files)
