"""The chart's NodePool, key by key."""

from __future__ import annotations

import copy
from typing import Any

from karpenter_infra.importer.base import go_int64
from karpenter_infra.importer.chart_template import (
    ChartFailure,
    ChartGroup,
    Manifest,
    as_list,
    as_map,
    printed,
    pruned_manifest,
)
from karpenter_infra.importer.values import go_print, is_empty


def _taints(items: Any) -> list[dict[str, Any]]:
    return [
        {"key": printed(t.get("key")), "value": printed(t.get("value")), "effect": printed(t.get("effect"))}
        for t in (as_map(item, "taints") for item in as_list(items))
    ]


def _requirements(g: ChartGroup) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def add(key: str, operator: str, values: list[Any]) -> None:
        out.append({"key": key, "operator": operator, "values": values or None})

    if "instanceTypes" not in g.instances:
        add("karpenter.k8s.aws/instance-category", "In", [printed(c) for c in as_list(g.instance("categories"))])
        add("karpenter.k8s.aws/instance-cpu", "In", [go_print(c) for c in as_list(g.instance("cores"))])
        generation = go_int64(g.instance("minGeneration")) - 1
        add("karpenter.k8s.aws/instance-generation", "Gt", [str(generation)])
    add("topology.kubernetes.io/zone", "In", [printed(z) for z in as_list(g.pick("availabilityZones"))])
    arch = ["amd64", "arm64"] if g.architecture == "multiarch" else [printed(g.architecture)]
    add("kubernetes.io/arch", "In", arch)
    add("karpenter.sh/capacity-type", "In", [printed(c) for c in as_list(g.instance("capacityType"))])
    add("kubernetes.io/os", "In", [printed(o) for o in as_list(g.instance("operatingSystems"))])
    if g.has("excludeFamilies"):
        add("karpenter.k8s.aws/instance-family", "NotIn", [printed(f) for f in as_list(g.layer("excludeFamilies"))])
    if g.has("excludeInstanceSize"):
        if "excludeInstanceSize" in g.raw:
            raise ChartFailure(f"nodeGroups.{g.key}.excludeInstanceSize: the template cannot render it per group")
        add("karpenter.k8s.aws/instance-size", "NotIn", [printed(s) for s in as_list(g.values["excludeInstanceSize"])])
    if "capacitySpread" in g.raw:
        spread = g.raw["capacitySpread"]
        if not isinstance(spread, dict):
            raise ChartFailure(f"nodeGroups.{g.key}.capacitySpread: not a mapping")
        start, end = go_int64(spread.get("start")), go_int64(spread.get("end")) + 1
        add("capacity-spread", "In", [str(i) for i in range(start, end)])
    if "instanceTypes" in g.instances:
        add("node.kubernetes.io/instance-type", "In", [printed(t) for t in as_list(g.instances["instanceTypes"])])
    if g.has("additionalRequirements"):
        extra = g.pick("additionalRequirements")
        if extra is None:
            raise ChartFailure(f"nodeGroups.{g.key}: additionalRequirements renders a bare null into the list")
        out.extend(copy.deepcopy(as_list(extra)))
    return out


def node_pool(g: ChartGroup) -> Manifest:
    values = g.values
    labels = {go_print(values.get("nodeGroupLabelName")): printed(g.label), "cluster": printed(values["clusterName"])}
    if "labels" in g.raw:
        labels.update({str(k): printed(v) for k, v in sorted(as_map(g.raw["labels"], "labels").items())})
    metadata: dict[str, Any] = {"labels": labels}
    if "annotations" in g.raw:
        annotations = as_map(g.raw["annotations"], "annotations")
        metadata["annotations"] = {str(k): printed(v) for k, v in sorted(annotations.items())} or None
    spec: dict[str, Any] = {}
    if "nodeClassRef" in g.raw:
        spec["nodeClassRef"] = copy.deepcopy(g.raw["nodeClassRef"])
    else:
        spec["nodeClassRef"] = {"name": g.name, "group": "karpenter.k8s.aws", "kind": "EC2NodeClass"}
    auto = g.pick("autoTaint")
    if not isinstance(auto, str):
        raise ChartFailure(f"nodeGroups.{g.key}.autoTaint: `eq` of {auto!r} and a string: incompatible types")
    if "taints" in g.raw or auto == "true":
        taints = []
        if auto == "true":
            taints.append(
                {"key": "dedicated", "effect": "NoSchedule", "value": printed(go_print(g.label).replace("-", "_"))}
            )
        spec["taints"] = taints + _taints(g.raw.get("taints"))
    cilium = g.pick("cilium")
    if "startupTaints" in g.raw or not is_empty(cilium):
        startup = _taints(g.raw.get("startupTaints"))
        if not is_empty(cilium):
            effect = printed(g.pick("ciliumEffect"))
            startup.append({"key": "node.cilium.io/agent-not-ready", "value": "true", "effect": effect})
        spec["startupTaints"] = startup or None
    spec["requirements"] = _requirements(g)
    spec["expireAfter"] = printed(g.pick("expireAfter"))
    disruption: dict[str, Any] = {
        "consolidationPolicy": printed(g.pick("consolidationPolicy")),
        "consolidateAfter": printed(g.pick("consolidateAfter")),
    }
    if not is_empty(g.raw.get("budgets")):
        disruption["budgets"] = copy.deepcopy(g.raw["budgets"])
    pool: dict[str, Any] = {"template": {"metadata": metadata, "spec": spec}, "disruption": disruption}
    if "limits" in g.raw:
        pool["limits"] = {str(k): printed(v) for k, v in sorted(as_map(g.raw["limits"], "limits").items())} or None
    pool["weight"] = printed(g.pick("weight"))
    return pruned_manifest(
        {
            "apiVersion": f"karpenter.sh/{go_print(values.get('ApiVersion'))}",
            "kind": "NodePool",
            "metadata": {"name": g.name},
            "spec": pool,
        }
    )
