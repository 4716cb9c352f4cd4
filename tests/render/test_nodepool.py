"""NodePool requirements, taints, disruption: what each spec field becomes."""

from __future__ import annotations

from typing import Any

from karpenter_infra import (
    Budget,
    CapacitySpread,
    Fleet,
    Instances,
    NodeGroup,
    NodeGroupDefaults,
    Requirement,
    capacity_spread_constraint,
)


def pool(group: NodeGroup, **defaults: Any) -> dict[str, Any]:
    fleet = Fleet(NodeGroupDefaults.model_validate({"cluster_name": "t", **defaults}), [group], node_role="R")
    [manifest] = [m for m in fleet.manifests() if m["kind"] == "NodePool"]
    return manifest


def reqs(manifest: dict[str, Any]) -> dict[str, tuple[str, list[str] | None]]:
    return {r["key"]: (r["operator"], r.get("values")) for r in manifest["spec"]["template"]["spec"]["requirements"]}


def test_instance_shape_requirements() -> None:
    manifest = pool(
        NodeGroup(
            name="a",
            instances=Instances(
                categories=["m", "c"],
                min_generation=6,
                cores=[8, 4],
                cpu_manufacturers=["intel"],
                exclude_families=["t3"],
                exclude_sizes=["metal"],
                capacity_types=["spot", "on-demand"],
            ),
            availability_zones=["eu-west-1b", "eu-west-1a"],
        )
    )
    assert reqs(manifest) == {
        "karpenter.k8s.aws/instance-category": ("In", ["c", "m"]),
        "karpenter.k8s.aws/instance-generation": ("Gt", ["5"]),
        "karpenter.k8s.aws/instance-cpu": ("In", ["4", "8"]),
        "karpenter.k8s.aws/instance-cpu-manufacturer": ("In", ["intel"]),
        "karpenter.k8s.aws/instance-family": ("NotIn", ["t3"]),
        "karpenter.k8s.aws/instance-size": ("NotIn", ["metal"]),
        "kubernetes.io/arch": ("In", ["amd64"]),
        "kubernetes.io/os": ("In", ["linux"]),
        "karpenter.sh/capacity-type": ("In", ["on-demand", "spot"]),
        "topology.kubernetes.io/zone": ("In", ["eu-west-1a", "eu-west-1b"]),
    }
    assert manifest["metadata"]["name"] == "a-amd64"


def test_explicit_instance_types_replace_category_generation_and_cpu() -> None:
    manifest = pool(
        NodeGroup(name="gpu", instances=Instances(instance_types=["g5.xlarge"], cores=[4])),
        instances={"categories": ["c"], "min_generation": 5},
    )
    keys = reqs(manifest)
    assert keys["node.kubernetes.io/instance-type"] == ("In", ["g5.xlarge"])
    for dropped in ("instance-category", "instance-generation", "instance-cpu"):
        assert f"karpenter.k8s.aws/{dropped}" not in keys


def test_no_empty_requirement_is_rendered() -> None:
    manifest = pool(NodeGroup(name="a", instances=Instances(exclude_families=[], categories=[])))
    for term in manifest["spec"]["template"]["spec"]["requirements"]:
        assert term["operator"] not in ("In", "NotIn") or term["values"], term


def test_multiarch_admits_both_architectures_in_one_pool() -> None:
    manifest = pool(NodeGroup(name="ingress", instances=Instances(architecture="multiarch")))
    assert manifest["metadata"]["name"] == "ingress-multiarch"
    assert reqs(manifest)["kubernetes.io/arch"] == ("In", ["amd64", "arm64"])


def test_min_values_go_on_the_in_term_or_an_exists_term() -> None:
    manifest = pool(NodeGroup(name="a", instances=Instances(min_values={"instance-family": 5, "instance-category": 2})))
    terms = manifest["spec"]["template"]["spec"]["requirements"]
    category = next(t for t in terms if t["key"] == "karpenter.k8s.aws/instance-category")
    assert category["minValues"] == 2
    family = [t for t in terms if t["key"] == "karpenter.k8s.aws/instance-family"]
    assert family == [{"key": "karpenter.k8s.aws/instance-family", "operator": "Exists", "minValues": 5}]


def test_capacity_spread_requirement_and_workload_snippet() -> None:
    manifest = pool(NodeGroup(name="a", capacity_spread=CapacitySpread(start=1, end=5)))
    assert reqs(manifest)["capacity-spread"] == ("In", ["1", "2", "3", "4", "5"])
    assert capacity_spread_constraint({"app": "web"}) == {
        "maxSkew": 1,
        "topologyKey": "capacity-spread",
        "whenUnsatisfiable": "DoNotSchedule",
        "labelSelector": {"matchLabels": {"app": "web"}},
    }


def test_additional_requirements_are_appended_raw() -> None:
    manifest = pool(
        NodeGroup(
            name="a",
            additional_requirements=[Requirement(key="karpenter.k8s.aws/instance-local-nvme", operator="Exists")],
        )
    )
    assert manifest["spec"]["template"]["spec"]["requirements"][-1] == {
        "key": "karpenter.k8s.aws/instance-local-nvme",
        "operator": "Exists",
    }


def test_disruption_and_budgets() -> None:
    manifest = pool(
        NodeGroup(
            name="jobs",
            consolidation_policy="WhenEmpty",
            consolidate_after="5m",
            expire_after="Never",
            termination_grace_period="1h",
            budgets=[Budget(nodes=0, schedule="0 9 * * mon-fri", duration="8h", reasons=["Drifted", "Empty"])],
        )
    )
    assert manifest["spec"]["disruption"] == {
        "consolidationPolicy": "WhenEmpty",
        "consolidateAfter": "5m",
        "budgets": [{"nodes": "0", "reasons": ["Drifted", "Empty"], "schedule": "0 9 * * mon-fri", "duration": "8h"}],
    }
    template = manifest["spec"]["template"]["spec"]
    assert template["expireAfter"] == "Never"
    assert template["terminationGracePeriod"] == "1h"


def test_weight_limits_labels_annotations() -> None:
    manifest = pool(NodeGroup(name="a", weight=10, limits={"cpu": 100, "memory": "400Gi"}, annotations={"team": "web"}))
    assert manifest["spec"]["weight"] == 10
    assert manifest["spec"]["limits"] == {"cpu": "100", "memory": "400Gi"}
    assert manifest["spec"]["template"]["metadata"] == {
        "labels": {"nodegroup": "a"},
        "annotations": {"team": "web"},
    }
