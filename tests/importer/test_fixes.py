"""Where the chart renders what Karpenter v1.14 rejects or gets wrong, the import renders the fix and says so.

Every case checks three things: the warning names the group and the key, the fixed manifest is what Karpenter wants,
and the fleet was built at all (which means it passed the CRD gate).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .support import BASE, deep_merge, one, requirement, run, warnings_of, with_base

NP, NC = "NodePool", "EC2NodeClass"


def group(**settings: Any) -> dict[str, Any]:
    return {"nodeGroups": {"ng": {"instances": {}, **settings}}}


def warned(result: Any, prefix: str) -> str:
    found = [w for w in warnings_of(result) if w.startswith(prefix)]
    assert len(found) == 1, warnings_of(result)
    return found[0]


def test_node_class_ref_without_group_and_kind(tmp_path: Path) -> None:
    result = with_base(tmp_path, {"nodeGroups": {"od": {"instances": {}, "nodeClassRef": {"name": "ng-amd64"}}}})
    assert one(result, NP, "od-amd64")["spec"]["template"]["spec"]["nodeClassRef"] == {
        "group": "karpenter.k8s.aws",
        "kind": "EC2NodeClass",
        "name": "ng-amd64",
    }
    assert "without group and kind" in warned(result, "nodegroup 'od': nodeClassRef:")
    assert not [m for m in result.manifests if m["metadata"]["name"] == "od-amd64" and m["kind"] == NC]


@pytest.mark.parametrize("value", ["true", True, "yes", "on", "123", ""])
def test_label_values_yaml_would_retype(tmp_path: Path, value: Any) -> None:
    result = with_base(tmp_path, group(labels={"gpu": value}))
    expected = {True: "true"}.get(value, value) if not isinstance(value, str) else value
    assert one(result, NP, "ng-amd64")["spec"]["template"]["metadata"]["labels"]["gpu"] == expected
    assert warned(result, "nodegroup 'ng': labels.gpu:")


def test_annotation_and_taint_values_are_strings_too(tmp_path: Path) -> None:
    result = with_base(
        tmp_path,
        group(annotations={"example.com/on": "true"}, taints=[{"key": "k", "value": "no", "effect": "NoSchedule"}]),
    )
    spec = one(result, NP, "ng-amd64")["spec"]["template"]
    assert spec["metadata"]["annotations"] == {"example.com/on": "true"}
    assert spec["spec"]["taints"] == [{"key": "k", "value": "no", "effect": "NoSchedule"}]
    assert warned(result, "nodegroup 'ng': annotations.example.com/on:")
    assert warned(result, "nodegroup 'ng': taints[0].value:")


def test_no_zones_given_drops_the_empty_zone_requirement(tmp_path: Path) -> None:
    values = {k: v for k, v in BASE.items() if k != "availabilityZones"}  # the chart's default: []
    result = run(tmp_path, values)
    assert requirement(one(result, NP, "ng-amd64"), "topology.kubernetes.io/zone") is None
    assert "topology.kubernetes.io/zone In []" in warned(result, "nodegroup 'ng': availabilityZones:")


def test_an_empty_exclude_list_drops_the_empty_requirement(tmp_path: Path) -> None:
    result = with_base(tmp_path, {"excludeFamilies": ["t3"], **group(excludeFamilies=[])})
    assert requirement(one(result, NP, "ng-amd64"), "karpenter.k8s.aws/instance-family") is None
    assert "empty exclude list" in warned(result, "nodegroup 'ng': excludeFamilies:")


def test_the_ami_alias_follows_the_groups_own_family(tmp_path: Path) -> None:
    result = with_base(tmp_path, {"amiFamily": "AL2", **group(amiFamily="Bottlerocket")})
    spec = one(result, NC, "ng-amd64")["spec"]
    assert spec["amiFamily"] == "Bottlerocket"
    assert spec["amiSelectorTerms"] == [{"alias": "bottlerocket@latest"}]
    assert "al2@latest" in warned(result, "nodegroup 'ng': amiFamily:")


def test_auto_taint_next_to_the_groups_own_dedicated_taint(tmp_path: Path) -> None:
    result = with_base(
        tmp_path, group(autoTaint="true", taints=[{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}])
    )
    taints = one(result, NP, "ng-amd64")["spec"]["template"]["spec"]["taints"]
    assert taints == [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]
    assert "duplicate taint" in warned(result, "nodegroup 'ng': autoTaint:")


def test_empty_selector_terms_use_the_discovery_tag(tmp_path: Path) -> None:
    values = {k: v for k, v in BASE.items() if not k.endswith("SelectorTerms")}  # the chart's defaults: []
    result = run(tmp_path, values)
    spec = one(result, NC, "ng-amd64")["spec"]
    assert spec["subnetSelectorTerms"] == [{"tags": {"karpenter.sh/discovery": "c1"}}]
    assert spec["securityGroupSelectorTerms"] == [{"tags": {"karpenter.sh/discovery": "c1"}}]
    assert warned(result, "nodegroup 'ng': subnetSelectorTerms:")
    assert warned(result, "nodegroup 'ng': securityGroupSelectorTerms:")


@pytest.mark.parametrize(
    ("values", "warning", "path", "expected"),
    [
        (
            group(consolidationPolicy="WhenUnderutilized"),
            "consolidationPolicy",
            "consolidationPolicy",
            "WhenEmptyOrUnderutilized",
        ),
        (group(budgets=[{"nodes": 5}]), "budgets[0].nodes", "budgets", [{"nodes": "5"}]),
        ({"consolidateAfter": None}, "consolidateAfter", "consolidateAfter", "0s"),
    ],
)
def test_disruption_fixes(tmp_path: Path, values: dict[str, Any], warning: str, path: str, expected: Any) -> None:
    result = with_base(tmp_path, values)
    assert one(result, NP, "ng-amd64")["spec"]["disruption"][path] == expected
    assert warned(result, f"nodegroup 'ng': {warning}:")


def test_kubelet_fixes(tmp_path: Path) -> None:
    result = with_base(
        tmp_path,
        {"kubeletEvictionSoftPidAvailable": None, **group(kubeletCpuCFSQuota=False, kubeletImageMinimumGCAge="2m0s")},
    )
    kubelet = one(result, NC, "ng-amd64")["spec"]["kubelet"]
    assert "cpuCFSQuota" not in kubelet  # the chart prints the group's false as nothing: adopted as live
    assert "imageMinimumGCAge" not in kubelet
    assert "pid.available" not in kubelet["evictionSoft"]
    assert "pid.available" not in kubelet["evictionSoftGracePeriod"]
    assert warned(result, "nodegroup 'ng': kubeletCpuCFSQuota:")
    assert warned(result, "nodegroup 'ng': kubeletImageMinimumGCAge:")
    assert warned(result, "nodegroup 'ng': kubeletEvictionSoftPidAvailable:")


def test_headroom_fixes(tmp_path: Path) -> None:
    result = with_base(tmp_path, {"headRoom": False, **group(headRoom=[{"size": "small"}])})
    assert one(result, "PriorityClass", "karpenter-headroom")
    pod = one(result, "Deployment", "headroom-ng-amd64-small")["spec"]["template"]["spec"]
    assert all(
        "namespaces" not in term
        for term in pod["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    )
    assert "namespaces: {}" in warned(result, "nodegroup 'ng': headRoom[0].nameSpaces: missing")
    assert "PriorityClass" in warned(result, "nodegroup 'ng': headRoom: the top-level headRoom is off")


def test_chart_render_failures_are_imported_as_meant(tmp_path: Path) -> None:
    values = deep_merge(BASE, {"autoTaint": True})
    values["nodeGroups"] = {"ng": {"excludeInstanceSize": ["metal"]}}  # and no `instances`
    result = run(tmp_path, values)
    pool = one(result, NP, "ng-amd64")
    assert pool["spec"]["template"]["spec"]["taints"] == [{"key": "dedicated", "value": "ng", "effect": "NoSchedule"}]
    assert requirement(pool, "karpenter.k8s.aws/instance-size") == {
        "key": "karpenter.k8s.aws/instance-size",
        "operator": "NotIn",
        "values": ["metal"],
    }
    for key in ("autoTaint (from values-0.yaml)", "excludeInstanceSize", "instances"):
        assert warned(result, f"nodegroup 'ng': {key}:")


def test_api_version_v1beta1_renders_v1(tmp_path: Path) -> None:
    result = with_base(tmp_path, {"ApiVersion": "v1beta1"})
    assert one(result, NP, "ng-amd64")["apiVersion"] == "karpenter.sh/v1"
    assert warned(result, "values: ApiVersion:")


def test_tag_collisions_keep_the_charts_own_tags(tmp_path: Path) -> None:
    result = with_base(tmp_path, group(nodeTags={"cluster": "other", "cost": 7}, additionalNodeTags={"cost": "ml"}))
    tags = one(result, NC, "ng-amd64")["spec"]["tags"]
    assert tags["cluster"] == "c1"
    assert tags["cost"] == "ml"
    assert warned(result, "nodegroup 'ng': nodeTags.cluster:")
    assert warned(result, "nodegroup 'ng': additionalNodeTags.cost:")


def test_the_priority_class_the_chart_renders_without_headroom_is_adopted(tmp_path: Path) -> None:
    result = with_base(tmp_path, {})
    assert one(result, "PriorityClass", "karpenter-headroom") == {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": {"name": "karpenter-headroom"},
        "value": -1000000,
        "globalDefault": False,
        "description": "Used for dummy pods to generate headroom in karpenter",
    }
    assert not [w for w in warnings_of(result) if "headRoom" in w]


def test_no_warnings_for_values_the_chart_renders_well(tmp_path: Path) -> None:
    result = with_base(tmp_path, {"headRoom": False, "nodeGroups": {"ng": {"labels": {"team": "search"}}}})
    assert warnings_of(result) == []
