"""Existing clusters: what they already run is not created twice, and the components check like the CLI."""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra import Fleet, NodeGroup, NodeGroupDefaults, SpecError
from karpenter_infra.components.platform import KarpenterPlatform
from karpenter_infra.plan.mocks import PlanResult, run_program
from karpenter_infra.spec.platform import PlatformSpec

EXISTING = {
    "name": "shop-prod",
    "private_subnet_ids": ["subnet-0a", "subnet-0b"],
    "existing": {"endpoint": "https://ABC.gr7.eu-west-1.eks.amazonaws.com", "certificate_authority": "Q0E="},
}
ADDON = "aws:eks/addon:Addon"


def plan(groups: list[NodeGroup], cluster_name: str = "shop-prod", **spec: Any) -> PlanResult:
    platform = PlatformSpec.model_validate({"cluster": EXISTING, **spec})
    fleet = Fleet(NodeGroupDefaults(cluster_name=cluster_name), groups, node_role=platform.node_role_name)
    return run_program(lambda: KarpenterPlatform("k", platform, fleet))


def test_the_components_refuse_a_fleet_for_another_cluster() -> None:
    # Its node classes would select subnets tagged for a cluster that does not exist.
    with pytest.raises(SpecError, match=r"^defaults: cluster_name: 'shop-staging' differs .* 'shop-prod'$"):
        plan([NodeGroup(name="web")], cluster_name="shop-staging")


def test_by_default_the_platform_brings_its_controller_nodes_and_add_ons() -> None:
    result = plan([NodeGroup(name="web")])
    assert {r.inputs["addonName"] for r in result.find(ADDON)} == {"coredns", "eks-pod-identity-agent"}
    assert len(result.find("aws:eks/nodeGroup:NodeGroup")) == 1


def test_controller_nodes_and_add_ons_the_cluster_already_runs_are_not_created() -> None:
    result = plan(
        [NodeGroup(name="web")],
        controller_nodes={"create": False, "labels": {"role": "system"}},
        iam={"pod_identity_agent_addon": False},
    )
    assert result.find(ADDON) == []
    assert result.find("aws:eks/nodeGroup:NodeGroup") == []
    assert result.find("karpenter-infra:index:ControllerNodeGroup") == []
    # Karpenter still runs on the cluster's own system nodes, by their labels.
    values = result.one("kubernetes:helm.sh/v3:Release", "k-karpenter-controller").inputs["values"]
    terms = values["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert {"key": "role", "operator": "In", "values": ["system"]} in terms[0]["matchExpressions"]
    association = result.one("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert not [u for u in association.depends_on if "addon" in u.lower()]


def test_coredns_alone_can_be_left_to_the_cluster() -> None:
    result = plan([NodeGroup(name="web")], controller_nodes={"coredns_addon": False})
    assert {r.inputs["addonName"] for r in result.find(ADDON)} == {"eks-pod-identity-agent"}
    assert len(result.find("aws:eks/nodeGroup:NodeGroup")) == 1


def test_the_node_role_is_created_only_when_a_group_uses_it() -> None:
    imported = [NodeGroup(name="web", role="KarpenterNodeRole-chart"), NodeGroup(name="batch", role="BatchRole")]
    result = plan(imported)
    roles = {r.inputs.get("name") for r in result.find("aws:iam/role:Role")}
    assert "KarpenterNodeRole-shop-prod" not in roles
    entries = {r.name for r in result.find("aws:eks/accessEntry:AccessEntry")}
    assert entries == {"k-iam-KarpenterNodeRole-chart-access", "k-iam-BatchRole-access"}
    used = plan([NodeGroup(name="web"), NodeGroup(name="batch", role="BatchRole")])
    assert "KarpenterNodeRole-shop-prod" in {r.inputs.get("name") for r in used.find("aws:iam/role:Role")}
