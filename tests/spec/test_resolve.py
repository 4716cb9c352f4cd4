"""Inheritance: ``None`` inherits, ``[]`` means none, instances and mappings override key by key."""

from __future__ import annotations

import pytest

from karpenter_infra import (
    AmiSelectorTerm,
    Fleet,
    Instances,
    Kubelet,
    NodeGroup,
    NodeGroupDefaults,
    Taint,
)
from karpenter_infra.errors import SpecError
from karpenter_infra.spec.resolve import resolve
from karpenter_infra.spec.resolved import ResolvedNodeGroup


def one(group: NodeGroup, **defaults: object) -> ResolvedNodeGroup:
    base = NodeGroupDefaults.model_validate({"cluster_name": "test", **defaults})
    [resolved] = resolve(base, [group], node_role="NodeRole")
    return resolved


def test_instances_override_key_by_key() -> None:
    group = one(
        NodeGroup(name="a", instances=Instances(capacity_types=["on-demand"])),
        instances={"categories": ["c"], "capacity_types": ["spot"], "min_generation": 6},
    )
    assert group.instances.categories == ["c"]
    assert group.instances.min_generation == 6
    assert group.instances.capacity_types == ["on-demand"]


def test_explicit_empty_list_means_none_not_inherit() -> None:
    group = one(
        NodeGroup(name="a", availability_zones=[], taints=[]),
        availability_zones=["eu-west-1a"],
        taints=[{"key": "k"}],
    )
    assert group.availability_zones == []
    assert group.taints == []
    inherited = one(NodeGroup(name="a"), availability_zones=["eu-west-1a"], taints=[{"key": "k"}])
    assert inherited.availability_zones == ["eu-west-1a"]
    assert inherited.taints == [Taint(key="k")]


def test_mappings_merge_with_group_winning() -> None:
    group = one(
        NodeGroup(name="a", labels={"tier": "gold"}, node_tags={"team": "web"}),
        labels={"tier": "bronze", "env": "dev"},
        node_tags={"team": "platform", "cost-centre": "42"},
    )
    assert group.labels == {"env": "dev", "nodegroup": "a", "tier": "gold"}
    assert group.nodeclass is not None
    assert group.nodeclass.tags == {
        "cluster": "test",
        "cost-centre": "42",
        "managed_by": "karpenter",
        "nodegroup": "a",
        "team": "web",
    }


def test_kubelet_merges_key_by_key() -> None:
    group = one(
        NodeGroup(name="a", kubelet=Kubelet(max_pods=50)),
        kubelet={"max_pods": 110, "system_reserved": {"cpu": "100m"}},
    )
    assert group.nodeclass is not None
    assert group.nodeclass.kubelet.max_pods == 50
    assert group.nodeclass.kubelet.system_reserved == {"cpu": "100m"}


def test_auto_taint_uses_group_label_with_underscores() -> None:
    group = one(NodeGroup(name="web-api", group_label="web-frontend", auto_taint=True))
    assert group.taints == [Taint(key="dedicated", value="web_frontend", effect="NoSchedule")]
    assert group.labels["nodegroup"] == "web-frontend"


def test_cilium_adds_startup_taint_with_configurable_effect() -> None:
    default_effect = one(NodeGroup(name="a", cilium=True))
    assert default_effect.startup_taints == [
        Taint(key="node.cilium.io/agent-not-ready", value="true", effect="NoExecute")
    ]
    custom = one(NodeGroup(name="a", cilium=True, cilium_taint_effect="NoSchedule"))
    assert custom.startup_taints[0].effect == "NoSchedule"


def test_ami_alias_comes_from_the_groups_own_family() -> None:
    group = one(NodeGroup(name="a", ami_family="Bottlerocket"), ami_family="AL2023", ami_version="latest")
    assert group.nodeclass is not None
    assert group.nodeclass.ami_selector_terms == [AmiSelectorTerm(alias="bottlerocket@latest")]


def test_pinned_ami_version_is_inherited() -> None:
    group = one(NodeGroup(name="a"), ami_version="v20251016")
    assert group.nodeclass is not None
    assert group.nodeclass.ami_selector_terms == [AmiSelectorTerm(alias="al2023@v20251016")]


def test_group_family_beats_inherited_selector_terms() -> None:
    inherited = [{"tags": {"golden": "yes"}}]
    plain = one(NodeGroup(name="a"), ami_family="AL2023", ami_selector_terms=inherited)
    assert plain.nodeclass is not None and plain.nodeclass.ami_selector_terms[0].tags == {"golden": "yes"}
    own = one(NodeGroup(name="a", ami_family="Bottlerocket"), ami_selector_terms=inherited)
    assert own.nodeclass is not None and own.nodeclass.ami_selector_terms[0].alias == "bottlerocket@latest"


def test_role_precedence_group_then_defaults_then_platform() -> None:
    def nodeclass_of(group: ResolvedNodeGroup) -> tuple[str | None, str | None]:
        assert group.nodeclass is not None
        return group.nodeclass.role, group.nodeclass.instance_profile

    assert nodeclass_of(one(NodeGroup(name="a"))) == ("NodeRole", None)
    assert nodeclass_of(one(NodeGroup(name="a"), role="DefaultsRole")) == ("DefaultsRole", None)
    assert nodeclass_of(one(NodeGroup(name="a", instance_profile="Profile"), role="DefaultsRole")) == (
        None,
        "Profile",
    )


def test_shared_node_class_points_at_the_owner() -> None:
    defaults = NodeGroupDefaults(cluster_name="test")
    fleet = Fleet(
        defaults,
        [
            NodeGroup(name="workers", instances=Instances(architecture="arm64")),
            NodeGroup(name="workers-r", group_label="workers", node_class="workers"),
        ],
        node_role="NodeRole",
    )
    by_group = fleet.manifests_by_group()
    assert [m["kind"] for m in by_group["workers-r"]] == ["NodePool"]
    ref = by_group["workers-r"][0]["spec"]["template"]["spec"]["nodeClassRef"]
    assert ref == {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "workers-arm64"}
    assert fleet.node_roles == ["NodeRole"]


def test_fleet_reports_roles_and_profiles() -> None:
    defaults = NodeGroupDefaults(cluster_name="test")
    fleet = Fleet(
        defaults,
        [
            NodeGroup(name="a"),
            NodeGroup(name="b", role="TeamRole"),
            NodeGroup(name="c", instance_profile="PrivateProfile"),
            NodeGroup(name="win", ami_family="Windows2022", instances=Instances(operating_systems=["windows"])),
        ],
        node_role="NodeRole",
    )
    assert fleet.node_roles == ["NodeRole", "TeamRole"]
    assert fleet.instance_profiles == ["PrivateProfile"]


def test_groups_resolved_together_get_what_each_gets_alone() -> None:
    """The resolver works out each distinct instance shape and node-class setting once per fleet; sharing must not
    change what any group gets, or which group an error names."""
    defaults = NodeGroupDefaults(cluster_name="test", node_tags={"team": "a"}, kubelet=Kubelet(max_pods=50))
    groups = [
        NodeGroup(name="a"),
        NodeGroup(name="b", group_label="pair"),
        NodeGroup(name="c", kubelet=Kubelet(max_pods=60), instances=Instances(cores=[4])),
        NodeGroup(name="d", kubelet=Kubelet(max_pods=60), instances=Instances(cores=[4]), node_tags={"x": "y"}),
        NodeGroup(name="e", ami_family="Bottlerocket", instances=Instances(cores=[4])),
        NodeGroup(name="f", user_data_values={"n": 1}),
        NodeGroup(name="g", user_data_values={"n": True}),
    ]
    together = {g.name: g for g in resolve(defaults, groups, node_role="NodeRole")}
    for group in groups:
        [alone] = resolve(defaults, [group], node_role="NodeRole")
        assert together[group.name] == alone
        assert together[group.name].nodeclass == alone.nodeclass
    assert type(together["g"].nodeclass.user_data_values["n"]) is bool  # type: ignore[union-attr]


def test_a_shared_setting_names_each_group_in_its_error() -> None:
    # Both groups inherit the same node tags, so b reuses a's node class; only b's own group label clashes, and the
    # line says the tags are the defaults'.
    defaults = NodeGroupDefaults(cluster_name="test", node_tags={"nodegroup": "a"})
    with pytest.raises(SpecError) as caught:
        resolve(defaults, [NodeGroup(name="a"), NodeGroup(name="b")], node_role="NodeRole")
    assert str(caught.value) == (
        "nodegroup 'b': node_tags (from defaults): 'nodegroup' is a tag the library writes ('b'); "
        "remove it, or set library_tags=False"
    )
