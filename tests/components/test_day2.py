"""Day 2 in the plan: ServiceMonitor, PrometheusRule, dashboard ConfigMaps, off-hours CronJobs and their RBAC."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from karpenter_infra.cli import app
from karpenter_infra.plan.mocks import PlanResult
from karpenter_infra.render.offhours import FIELD_MANAGER
from karpenter_infra.stack import Stack

RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"


def test_service_monitor_is_switched_on_through_the_release(dev_plan: PlanResult) -> None:
    release = dev_plan.one("kubernetes:helm.sh/v3:Release", "karpenter-karpenter-controller")
    # Labelled like the rules, so the Prometheus monitor selector (kube-prometheus-stack: `release`) picks it up.
    assert release.inputs["values"]["serviceMonitor"] == {
        "enabled": True,
        "additionalLabels": {"release": "kube-prometheus-stack"},
    }


def test_prometheus_rule_groups_and_expressions(prod_plan: PlanResult) -> None:
    rule = prod_plan.one(RULE)
    assert rule.inputs["metadata"]["namespace"] == "monitoring"
    assert rule.inputs["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    groups = {g["name"]: {r["alert"]: r for r in g["rules"]} for g in rule.inputs["spec"]["groups"]}
    assert set(groups) == {"karpenter-controller", "karpenter-nodegroups"}
    assert {"KarpenterControllerDown", "KarpenterNoLeader"} <= set(groups["karpenter-controller"])
    nodegroup_alerts = groups["karpenter-nodegroups"]
    assert any(name.startswith("KarpenterNodePoolNearLimit") for name in nodegroup_alerts)
    assert "KarpenterSpotInterruptionRateHigh" in nodegroup_alerts
    near_limit = next(r for n, r in nodegroup_alerts.items() if n.startswith("KarpenterNodePoolNearLimit"))
    assert "karpenter_nodepools_usage" in near_limit["expr"] and "karpenter_nodepools_limit" in near_limit["expr"]
    assert near_limit["labels"]["severity"] in {"warning", "critical"}
    spot = nodegroup_alerts["KarpenterSpotInterruptionRateHigh"]
    assert "spot_interrupted" in spot["expr"]


def test_dashboard_configmap_holds_valid_dashboards(prod_plan: PlanResult) -> None:
    config_map = prod_plan.one("kubernetes:core/v1:ConfigMap", "karpenter-monitoring-dashboards")
    assert config_map.inputs["metadata"]["labels"]["grafana_dashboard"] == "1"
    data = config_map.inputs["data"]
    assert set(data) == {"karpenter-controller.json", "karpenter-nodegroups.json"}
    nodegroups = json.loads(data["karpenter-nodegroups.json"])
    variables = {v["name"] for v in nodegroups["templating"]["list"]}
    assert {"nodegroup", "nodepool"} & variables
    titles = {p["title"] for p in nodegroups["panels"]}
    assert len(titles) >= 5
    controller = json.loads(data["karpenter-controller.json"])
    assert controller["uid"] != nodegroups["uid"]


def test_off_hours_cronjobs_and_least_privilege_rbac(dev_plan: PlanResult, dev_stack: Stack) -> None:
    scheduled = sorted(g.nodepool_name for g in dev_stack.fleet().groups if g.off_hours is not None)
    assert scheduled == ["gpu-amd64", "graviton-arm64", "jobs-amd64", "workers-amd64", "workers-memory-amd64"]
    jobs = {r.inputs["metadata"]["name"]: r.inputs for r in dev_plan.find("kubernetes:batch/v1:CronJob")}
    assert set(jobs) == {f"off-hours-{p}-{w}" for p in scheduled for w in ("down", "up")}
    down = jobs["off-hours-jobs-amd64-down"]["spec"]
    assert down["schedule"] == "0 20 * * 1-5"
    assert down["timeZone"] == "Europe/Berlin"
    assert down["concurrencyPolicy"] == "Forbid"
    pod = down["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "karpenter-off-hours"
    [limit] = pod["initContainers"]
    assert f"--field-manager={FIELD_MANAGER}" in limit["args"] and "--server-side" in limit["args"]
    assert pod["containers"][0]["args"][:3] == ["delete", "nodeclaims", "-l"]
    assert "karpenter.sh/nodepool=jobs-amd64" in pod["containers"][0]["args"]
    up = jobs["off-hours-jobs-amd64-up"]["spec"]
    assert up["schedule"] == "0 7 * * 1-5"
    role = dev_plan.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").inputs
    nodepool_rule = next(r for r in role["rules"] if r["resources"] == ["nodepools"])
    assert nodepool_rule["resourceNames"] == scheduled
    assert nodepool_rule["verbs"] == ["get", "patch"]
    assert all("*" not in r["verbs"] for r in role["rules"])
    config = dev_plan.one("kubernetes:core/v1:ConfigMap", "configmap-karpenter-off-hours-karpenter-off-hours")
    assert json.loads(config.inputs["data"]["jobs-amd64-down.yaml"])["spec"] == {"limits": {"nodes": "0"}}
    assert json.loads(config.inputs["data"]["jobs-amd64-up.yaml"])["spec"] == {}


def test_pulumi_never_owns_the_field_the_schedule_sets(dev_plan: PlanResult) -> None:
    """Pulumi applies NodePools without limits.nodes, so a `pulumi up` at night leaves the schedule's zero alone."""
    for pool in dev_plan.find("kubernetes:karpenter.sh/v1:NodePool"):
        assert "nodes" not in pool.inputs["spec"].get("limits", {}), pool.name


def test_dashboards_command_writes_json_files(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["dashboards", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["karpenter-controller.json", "karpenter-nodegroups.json"]
    assert json.loads((tmp_path / "karpenter-nodegroups.json").read_text())["title"]


def test_long_pool_names_keep_cronjob_names_within_52_characters() -> None:
    from karpenter_infra import Fleet, NodeGroup, NodeGroupDefaults, OffHours

    group = NodeGroup(name="a" * 50, off_hours=OffHours(down="0 20 * * 1-5", up="0 7 * * 1-5"))
    jobs = [
        m
        for m in Fleet(NodeGroupDefaults(cluster_name="c"), [group], node_role="R").manifests()
        if m["kind"] == "CronJob"
    ]
    names = [j["metadata"]["name"] for j in jobs]
    assert all(len(n) <= 52 for n in names)
    assert len(set(names)) == 2
