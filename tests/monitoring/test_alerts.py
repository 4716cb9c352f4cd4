from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from karpenter_infra.monitoring.alerts import AlertThresholds, duration_seconds, prometheus_rule

NODEGROUP_ALERTS = {
    "KarpenterNodeClaimsFailingToLaunch",
    "KarpenterNodePoolNearLimit",
    "KarpenterNodePoolRegistrationUnhealthy",
    "KarpenterNodeStuckTerminating",
    "KarpenterSpotInterruptionRateHigh",
}
CONTROLLER_ALERTS = {"KarpenterClusterStateUnsynced", "KarpenterControllerDown", "KarpenterNoLeader"}


def rules(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [rule for group in manifest["spec"]["groups"] for rule in group["rules"]]


def by_alert(manifest: dict[str, Any], alert: str, severity: str = "warning") -> dict[str, Any]:
    matches = [r for r in rules(manifest) if r["alert"] == alert and r["labels"]["severity"] == severity]
    assert len(matches) == 1, (alert, severity)
    return matches[0]


@pytest.fixture
def manifest() -> dict[str, Any]:
    return prometheus_rule("karpenter", "monitoring", AlertThresholds(), labels={"release": "kps", "app": "k"})


def test_is_a_prometheus_rule(manifest: dict[str, Any]) -> None:
    assert manifest["apiVersion"] == "monitoring.coreos.com/v1"
    assert manifest["kind"] == "PrometheusRule"
    assert manifest["metadata"] == {
        "name": "karpenter",
        "namespace": "monitoring",
        "labels": {"app": "k", "release": "kps"},
    }
    assert list(manifest["metadata"]["labels"]) == ["app", "release"]
    assert [g["name"] for g in manifest["spec"]["groups"]] == ["karpenter-controller", "karpenter-nodegroups"]


def test_alerts_per_concern(manifest: dict[str, Any]) -> None:
    groups = {g["name"]: {r["alert"] for r in g["rules"]} for g in manifest["spec"]["groups"]}
    assert groups == {"karpenter-controller": CONTROLLER_ALERTS, "karpenter-nodegroups": NODEGROUP_ALERTS}


def test_every_alert_has_severity_summary_and_description(manifest: dict[str, Any]) -> None:
    for rule in rules(manifest):
        assert list(rule) == ["alert", "expr", "for", "labels", "annotations"]
        assert rule["labels"]["severity"] in {"warning", "critical"}
        assert set(rule["annotations"]) == {"summary", "description"}
        assert all(text.strip() for text in rule["annotations"].values())
        assert re.fullmatch(r"(?:[0-9]+(?:ms|s|m|h|d|w|y))+", rule["for"])


def test_nodegroup_alerts_name_the_nodepool_and_the_group(manifest: dict[str, Any]) -> None:
    for rule in rules(manifest):
        if rule["alert"] in NODEGROUP_ALERTS:
            assert "{{ $labels.nodepool }}" in rule["annotations"]["summary"]
            assert "{{ $labels.nodegroup }}" in rule["annotations"]["description"]
            assert "label_replace(" in rule["expr"] and '"nodegroup", "$1", "nodepool"' in rule["expr"]


def test_annotations_only_use_labels_the_expression_keeps(manifest: dict[str, Any]) -> None:
    for rule in rules(manifest):
        used = set(re.findall(r"\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)", " ".join(rule["annotations"].values())))
        assert all(re.search(rf"\b{label}\b", rule["expr"]) for label in used), (rule["alert"], used)


def test_limit_alert_pages_at_critical_and_tickets_at_warning() -> None:
    manifest = prometheus_rule(
        "k", "m", AlertThresholds(nodepool_usage_warning_percent=70, nodepool_usage_critical_percent=90.5)
    )
    warning = by_alert(manifest, "KarpenterNodePoolNearLimit", "warning")
    critical = by_alert(manifest, "KarpenterNodePoolNearLimit", "critical")
    assert warning["expr"].endswith("> 70")
    assert critical["expr"].endswith("> 90.5")
    for rule in (warning, critical):
        assert "karpenter_nodepools_usage" in rule["expr"] and "karpenter_nodepools_limit" in rule["expr"]
        assert "on (nodepool, resource_type)" in rule["expr"]
        assert "karpenter_nodepools_limit) > 0)" in rule["expr"]  # no division by an unset (zero) limit


def test_thresholds_reach_the_expressions() -> None:
    thresholds = AlertThresholds(
        spot_interruptions_per_hour=2,
        launch_failures_per_hour=1,
        node_terminating_max="2h30m",
        controller_down_for="10m",
        registration_unhealthy_for="30m",
        cluster_state_unsynced_for="1h",
    )
    manifest = prometheus_rule("k", "m", thresholds)
    spot = by_alert(manifest, "KarpenterSpotInterruptionRateHigh")
    assert 'reason="spot_interrupted"' in spot["expr"] and spot["expr"].endswith("> 2")
    launch = by_alert(manifest, "KarpenterNodeClaimsFailingToLaunch")
    assert 'reason=~"launch_timeout|nodeclass_not_ready|registration_timeout"' in launch["expr"]
    assert launch["expr"].endswith(">= 1")
    assert by_alert(manifest, "KarpenterNodeStuckTerminating")["expr"].endswith("> 9000")
    assert by_alert(manifest, "KarpenterControllerDown", "critical")["for"] == "10m"
    assert by_alert(manifest, "KarpenterNoLeader", "critical")["for"] == "10m"
    assert by_alert(manifest, "KarpenterNodePoolRegistrationUnhealthy", "critical")["for"] == "30m"
    assert by_alert(manifest, "KarpenterClusterStateUnsynced")["for"] == "1h"


def test_controller_alerts_pin_the_scrape_job() -> None:
    manifest = prometheus_rule("k", "m", AlertThresholds(), job="kube-system/karpenter")
    down = by_alert(manifest, "KarpenterControllerDown", "critical")
    assert down["expr"] == '(sum(up{job="kube-system/karpenter"}) or on() vector(0)) < 1'
    leader = by_alert(manifest, "KarpenterNoLeader", "critical")
    assert 'leader_election_master_status{job="kube-system/karpenter"}' in leader["expr"]


def test_group_label_key_becomes_a_prometheus_label_name() -> None:
    manifest = prometheus_rule("k", "m", AlertThresholds(), group_label_key="example.com/node-group")
    rule = by_alert(manifest, "KarpenterSpotInterruptionRateHigh")
    assert '"example_com_node_group", "$1", "nodepool"' in rule["expr"]
    assert "{{ $labels.example_com_node_group }}" in rule["annotations"]["description"]


def test_group_is_recovered_from_every_architecture_suffix(manifest: dict[str, Any]) -> None:
    # NodePools are `<group>-<arch>`: strip exactly the architecture, keep the dashes inside the group
    pattern = re.search(r'"nodepool", "([^"]+)"\)', by_alert(manifest, "KarpenterSpotInterruptionRateHigh")["expr"])
    assert pattern
    regex = re.compile(pattern.group(1).replace("\\\\", "\\"))
    assert regex.fullmatch("nodes-jobs-amd64").group(1) == "nodes-jobs"  # type: ignore[union-attr]
    assert regex.fullmatch("gpu-arm64").group(1) == "gpu"  # type: ignore[union-attr]
    assert regex.fullmatch("web-multiarch").group(1) == "web"  # type: ignore[union-attr]
    assert regex.fullmatch("gpu-large") is None


def test_deterministic() -> None:
    first = prometheus_rule("k", "m", AlertThresholds(), labels={"b": "2", "a": "1"})
    second = prometheus_rule("k", "m", AlertThresholds(), labels={"a": "1", "b": "2"})
    assert first == second
    assert yaml.safe_dump(first, sort_keys=False) == yaml.safe_dump(second, sort_keys=False)
    keys = [(r["alert"], r["labels"]["severity"]) for g in first["spec"]["groups"] for r in g["rules"]]
    for group in first["spec"]["groups"]:
        in_group = [(r["alert"], r["labels"]["severity"]) for r in group["rules"]]
        assert in_group == sorted(in_group)
    assert len(keys) == len(set(keys))


def test_balanced_expressions(manifest: dict[str, Any]) -> None:
    for rule in rules(manifest):
        stripped = re.sub(r'"(?:[^"\\]|\\.)*"', '""', rule["expr"])
        for opening, closing in ("()", "{}", "[]"):
            assert stripped.count(opening) == stripped.count(closing), rule["alert"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"nodepool_usage_warning_percent": 95, "nodepool_usage_critical_percent": 90}, "below"),
        ({"nodepool_usage_critical_percent": 101}, "nodepool_usage_critical_percent"),
        ({"spot_interruptions_per_hour": 0}, "spot_interruptions_per_hour"),
        ({"node_terminating_max": "1 hour"}, "node_terminating_max"),
        ({"controller_down_for": "5"}, "controller_down_for"),
        ({"page_on_everything": True}, "page_on_everything"),
    ],
)
def test_bad_thresholds_are_rejected(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        AlertThresholds(**overrides)


def test_thresholds_are_frozen_and_documented() -> None:
    thresholds = AlertThresholds()
    with pytest.raises(ValidationError):
        thresholds.spot_interruptions_per_hour = 1  # type: ignore[misc]
    assert all(field.description for field in AlertThresholds.model_fields.values())


@pytest.mark.parametrize(("duration", "seconds"), [("90s", 90), ("1h30m", 5400), ("2d", 172800), ("500ms", 0.5)])
def test_duration_seconds(duration: str, seconds: float) -> None:
    assert duration_seconds(duration) == seconds
