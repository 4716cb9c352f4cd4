"""What we check for you: each failure Karpenter users hit most is an error or a warning at plan time."""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra import (
    CapacityReservationSelectorTerm,
    Fleet,
    Instances,
    NodeGroup,
    NodeGroupDefaults,
    SpecError,
)
from karpenter_infra.catalog.warnings import CatalogWarning
from karpenter_infra.checks import check, extra_node_roles
from karpenter_infra.spec.platform import PlatformSpec


def platform(**overrides: Any) -> PlatformSpec:
    base: dict[str, Any] = {
        "nodegroups": "x",
        "cluster": {"name": "c", "vpc_id": "vpc-0a", "private_subnet_ids": ["subnet-0a", "subnet-0b"]},
    }
    for key, value in overrides.items():
        base[key] = {**base.get(key, {}), **value} if isinstance(value, dict) else value
    return PlatformSpec.model_validate(base)


def fleet(*groups: NodeGroup, ami_version: str = "latest", warnings_off: list[str] | None = None) -> Fleet:
    # Catalog warnings (e.g. the price spread of unbounded sizes) have their own tests, in tests/catalog.
    defaults = NodeGroupDefaults(
        cluster_name="c", ami_version=ami_version, catalog_warnings_off=list(CatalogWarning), warnings_off=warnings_off
    )
    return Fleet(defaults, list(groups), node_role="KarpenterNodeRole-c")


def test_every_role_the_fleet_uses_is_passable_by_name() -> None:
    spec = platform(iam={"instance_profile_roles": {"LegacyProfile": "LegacyRole"}})
    groups = fleet(
        NodeGroup(name="a"),
        NodeGroup(name="b", role="TeamRole"),
        NodeGroup(name="c", instance_profile="LegacyProfile"),
    )
    assert extra_node_roles(spec, groups) == ["LegacyRole", "TeamRole"]


def test_an_instance_profile_whose_role_we_do_not_know_is_an_error() -> None:
    with pytest.raises(SpecError, match=r"nodegroup 'c': instance_profile: the controller cannot pass the role"):
        check(platform(), fleet(NodeGroup(name="c", instance_profile="Mystery")))


def test_the_platforms_own_instance_profile_needs_no_mapping() -> None:
    spec = platform(iam={"create_instance_profile": True})
    groups = fleet(NodeGroup(name="p", instance_profile="KarpenterNodeInstanceProfile-c"))
    assert extra_node_roles(spec, groups) == []


@pytest.mark.parametrize(
    ("karpenter", "message"),
    [
        ({"version": "0.37.0"}, r"karpenter: version: chart 0.37.0 serves karpenter.sh/v1beta1"),
        ({"crd_version": "1.13.0"}, r"karpenter: crd_version: CRD chart 1.13.0 does not match"),
        ({"version": "latest"}, r"karpenter: version: 'latest' is not a chart version"),
    ],
)
def test_versions_agree(karpenter: dict[str, str], message: str) -> None:
    with pytest.raises(SpecError, match=message):
        check(platform(karpenter=karpenter), fleet(NodeGroup(name="a")))


def test_static_pools_need_their_feature_gate() -> None:
    static = fleet(NodeGroup(name="s", replicas=3))
    with pytest.raises(SpecError, match=r"nodegroup 's': replicas: static NodePools need .*staticCapacity"):
        check(platform(), static)
    assert check(platform(karpenter={"feature_gates": {"staticCapacity": True}}), static) == []


def test_reserved_capacity_needs_its_gate_on() -> None:
    reserved = fleet(
        NodeGroup(
            name="r",
            instances=Instances(capacity_types=["reserved"]),
            capacity_reservation_selector_terms=[CapacityReservationSelectorTerm(instance_match_criteria="open")],
        )
    )
    assert check(platform(), reserved) == []
    with pytest.raises(SpecError, match=r"nodegroup 'r': instances.capacity_types: 'reserved' needs"):
        check(platform(karpenter={"feature_gates": {"reservedCapacity": False}}), reserved)


def test_a_newer_chart_than_we_validate_against_warns() -> None:
    [finding] = check(platform(karpenter={"version": "1.15.0"}), fleet(NodeGroup(name="a")))
    assert str(finding).startswith("karpenter: version: manifests are validated against Karpenter 1.14, not 1.15.0")
    assert finding.rule == "karpenter-version"


def test_platform_warnings_are_switched_off_by_the_defaults() -> None:
    built = fleet(NodeGroup(name="a"), warnings_off=["karpenter-version"])
    assert check(platform(karpenter={"version": "1.15.0"}), built) == []


def test_every_platform_error_is_reported_at_once() -> None:
    static = fleet(
        NodeGroup(name="s", replicas=1),
        NodeGroup(name="r", instances=Instances(capacity_types=["reserved", "on-demand"])),
    )
    gates = {"feature_gates": {"reservedCapacity": False}, "crd_version": "1.13.0"}
    with pytest.raises(SpecError) as caught:
        check(platform(karpenter=gates), static)
    assert [line.split(": ", 2)[:2] for line in str(caught.value).splitlines()] == [
        ["karpenter", "crd_version"],
        ["nodegroup 'r'", "instances.capacity_types"],
        ["nodegroup 's'", "replicas"],
    ]


def test_production_warns_on_latest_amis_and_missing_limits() -> None:
    groups = fleet(NodeGroup(name="a"), NodeGroup(name="b", limits={"cpu": 10}))
    findings = [str(f) for f in check(platform(production=True), groups)]
    assert findings == [
        "nodegroup 'a': ami_version: follows @latest: every new AMI replaces every node; pin a version",
        "nodegroup 'a': limits: no limits: nothing bounds this group's spend; set cpu and memory",
        "nodegroup 'b': ami_version: follows @latest: every new AMI replaces every node; pin a version",
    ]
    assert check(platform(production=False), groups) == []
    pinned = fleet(NodeGroup(name="b", limits={"cpu": 10}), ami_version="v20251016")
    assert check(platform(production=True), pinned) == []


@pytest.mark.parametrize(
    ("cluster", "message"),
    [
        ({"private_subnet_ids": ["subnet-0a"]}, "at least two private_subnet_ids"),
        (
            {
                "name": "e",
                "existing": {"endpoint": "https://e", "certificate_authority": "Q0E="},
                "private_subnet_ids": [],
            },
            "at least two private_subnet_ids",
        ),
        ({"name": "c" * 46}, "KarpenterController-<cluster> must fit 64 characters"),
    ],
)
def test_platform_spec_refuses_what_would_fail_half_way(cluster: dict[str, Any], message: str) -> None:
    with pytest.raises(SpecError, match=message):
        platform(cluster=cluster)


def test_a_fleet_for_another_cluster_is_refused() -> None:
    staging = Fleet(NodeGroupDefaults(cluster_name="shop-staging"), [NodeGroup(name="a")], node_role="R")
    prod = platform(cluster={"name": "shop-prod"})
    with pytest.raises(SpecError, match=r"^defaults: cluster_name: 'shop-staging' differs from .* 'shop-prod'$"):
        check(prod, staging)


def test_al2_on_a_kubernetes_version_without_al2_amis_warns() -> None:
    al2 = NodeGroup(name="old", ami_family="AL2")
    [finding] = check(platform(cluster={"kubernetes_version": "1.33"}), fleet(al2))
    assert str(finding).startswith("nodegroup 'old': ami_family: EKS publishes no al2@ AMIs for Kubernetes 1.33")
    assert check(platform(cluster={"kubernetes_version": "1.32"}), fleet(al2)) == []
    assert check(platform(cluster={"kubernetes_version": "1.34"}), fleet(NodeGroup(name="new"))) == []


def test_a_group_on_an_existing_node_class_is_a_warning_that_says_what_the_plan_cannot_see() -> None:
    findings = check(platform(), fleet(NodeGroup(name="a"), NodeGroup(name="ext", existing_node_class="team-x")))
    [finding] = [f for f in findings if f.field == "existing_node_class"]
    assert str(finding).startswith("nodegroup 'ext': existing_node_class: EC2NodeClass 'team-x' is not rendered here")
    assert "iam:PassRole" in finding.message and "access entry" in finding.message


@pytest.mark.parametrize("backend", ["karpenter", "auto-mode"])
def test_reserved_capacity_without_reservations_warns_on_either_backend(backend: str) -> None:
    """Both backends launch ``reserved`` nodes only into the reservations the node class selects."""
    defaults = NodeGroupDefaults(cluster_name="c", catalog_warnings_off=list(CatalogWarning))
    group = NodeGroup(name="r", instances=Instances(capacity_types=["spot", "reserved"]))
    built = Fleet(defaults, [group], node_role="KarpenterNodeRole-c", backend=backend)
    found = [str(f) for f in check(platform(backend=backend), built)]
    assert [f for f in found if "capacity_types" in f] == [
        "nodegroup 'r': instances.capacity_types: 'reserved' has no capacity reservations to launch into (the node "
        "class sets no capacity_reservation_selector_terms), so only the other capacity types launch"
    ]
