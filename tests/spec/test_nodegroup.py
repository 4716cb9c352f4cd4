"""Bad input is refused when the fleet is built, with the node group and the field in the message."""

from __future__ import annotations

import pytest

from karpenter_infra import (
    AmiSelectorTerm,
    Budget,
    CapacitySpread,
    Fleet,
    Headroom,
    Instances,
    NodeGroup,
    NodeGroupDefaults,
    SpecError,
    Taint,
)

DEFAULTS = NodeGroupDefaults(cluster_name="test")


def build(*groups: NodeGroup, defaults: NodeGroupDefaults = DEFAULTS, role: str | None = "NodeRole") -> Fleet:
    return Fleet(defaults, list(groups), node_role=role)


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"weight": "heavy"}, "weight", "must be a whole number"),
        ({"weight": 0}, "weight", "greater than or equal to 1"),
        ({"labels": {"team": True}}, "labels.team", "valid string"),
        ({"capacity_spread": {"start": 6, "end": 1}}, "capacity_spread", "must not be greater than end"),
        ({"instances": {"cores": ["x"]}}, "instances.cores[0]", "must be a whole number"),
        ({"instances": {"architecture": "x86"}}, "instances.architecture", "amd64"),
        ({"instances": {"capacity_types": ["preemptible"]}}, "instances.capacity_types[0]", "spot"),
        ({"consolidation_policy": "Always"}, "consolidation_policy", "WhenEmpty"),
        ({"expire_after": "30 days"}, "expire_after", "must be a duration"),
        ({"budgets": [{"nodes": "10%", "schedule": "@daily"}]}, "budgets[0]", "set together"),
        ({"budgets": [{"nodes": "110%"}]}, "budgets[0].nodes", "pattern"),
        ({"budgets": [{"nodes": "1", "schedule": "every day", "duration": "1h"}]}, "budgets[0]", "cron"),
        ({"ami_family": "al2023"}, "ami_family", "AL2023"),
        ({"instance_store_policy": "RAID1"}, "instance_store_policy", "must be RAID0"),
        ({"headroom": [{"size": "huge"}]}, "headroom[0].size", "small"),
        ({"headroom": [{"size": "small", "cpu": "1"}]}, "headroom[0]", "not both"),
        (
            {"block_device_mappings": [{"device_name": "/dev/xvda"}]},
            "block_device_mappings[0]",
            "volume_size",
        ),
        ({"name": "Bad_Name"}, "name", "must be lower-case letters"),
        ({"availability_zones": ["eu west 1a"]}, "availability_zones[0]", "must be empty, or letters, digits"),
        (
            {"additional_requirements": [{"key": "example.com/x", "operator": "In", "values": ["a" * 64]}]},
            "additional_requirements[0].values[0]",
            "at most 63",
        ),
        ({"off_hours": {"down": "0 20 * * 1-5", "up": "0 7 * * 1-5"}, "limits": {"nodes": 3}}, "limits", "off_hours"),
        ({"colour": "blue"}, "colour", "Extra inputs"),
    ],
)
def test_field_errors_name_group_and_field(kwargs: dict[str, object], field: str, words: str) -> None:
    name = kwargs.get("name", "web")
    with pytest.raises(SpecError) as caught:
        NodeGroup.model_validate({"name": "web", **kwargs})
    message = str(caught.value)
    assert message.startswith(f"nodegroup {name!r}: {field}: "), message
    assert words in message


def test_defaults_errors_name_the_defaults() -> None:
    with pytest.raises(SpecError, match=r"^defaults: weight: .*less than or equal to 100"):
        NodeGroupDefaults(cluster_name="test", weight=101)


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ([NodeGroup(name="a"), NodeGroup(name="a")], r"nodegroup 'a': name: appears more than once"),
        ([NodeGroup(name="a", node_class="nope")], r"nodegroup 'a': node_class: no node group named 'nope'"),
        (
            [NodeGroup(name="a"), NodeGroup(name="b", node_class="a"), NodeGroup(name="c", node_class="b")],
            r"nodegroup 'c': node_class: 'b' reuses another group's node class",
        ),
        (
            [NodeGroup(name="a", instances=Instances(capacity_types=[]))],
            r"nodegroup 'a': instances.capacity_types: must name at least one",
        ),
        (
            [NodeGroup(name="a", taints=[Taint(key="k"), Taint(key="k", value="v")])],
            r"nodegroup 'a': taints: taint 'k' with effect NoSchedule appears twice",
        ),
        (
            [NodeGroup(name="a", labels={"nodegroup": "other"})],
            r"nodegroup 'a': labels: 'nodegroup' is the group label",
        ),
        (
            [NodeGroup(name="a", ami_family="Custom")],
            r"nodegroup 'a': ami_selector_terms: ami_family 'Custom' needs explicit",
        ),
        (
            [NodeGroup(name="a", ami_family="Windows2022", ami_version="v20250101")],
            r"nodegroup 'a': ami_version: 'v20250101' is not a Windows2022 AMI version: only 'latest'",
        ),
        (
            [NodeGroup(name="a", ami_family="Bottlerocket", ami_version="v20250101")],
            r"nodegroup 'a': ami_version: 'v20250101' is not a Bottlerocket AMI version",
        ),
        (
            [NodeGroup(name="a", user_data_template="{{ values.missing }}")],
            r"nodegroup 'a': user_data_template: template refers to something undefined",
        ),
        (
            [NodeGroup(name="a", user_data_template="{% if %}")],
            r"nodegroup 'a': user_data_template: template syntax error on line 1",
        ),
    ],
)
def test_fleet_errors(groups: list[NodeGroup], message: str) -> None:
    with pytest.raises(SpecError, match=message):
        build(*groups)


def test_off_hours_may_not_inherit_a_nodes_limit() -> None:
    """The schedule owns limits.nodes; a value Pulumi applied would conflict with it every night."""
    defaults = NodeGroupDefaults(cluster_name="test", limits={"cpu": 10, "nodes": 5})
    scheduled = NodeGroup(name="a", off_hours={"down": "0 20 * * 1-5", "up": "0 7 * * 1-5"})
    with pytest.raises(
        SpecError, match=r"nodegroup 'a': limits\['nodes'\] \(from defaults\): belongs to the off_hours"
    ):
        build(scheduled, defaults=defaults)


def test_shared_namespaces_are_one_object() -> None:
    defaults = NodeGroupDefaults(cluster_name="test", headroom_namespace="platform", off_hours_namespace="platform")
    group = NodeGroup(
        name="a", headroom=[Headroom(size="small")], off_hours={"down": "0 20 * * 1-5", "up": "0 7 * * 1-5"}
    )
    namespaces = [m for m in build(group, defaults=defaults).manifests() if m["kind"] == "Namespace"]
    assert [n["metadata"]["name"] for n in namespaces] == ["platform"]


def test_node_class_reuse_forbids_own_node_class_settings() -> None:
    with pytest.raises(SpecError, match=r"nodegroup 'b': ami_family: has no effect: .* of 'a'"):
        NodeGroup(name="b", node_class="a", ami_family="Bottlerocket")


def test_role_or_instance_profile() -> None:
    with pytest.raises(SpecError, match=r"nodegroup 'a': role: set role or instance_profile, not both"):
        NodeGroup(name="a", role="r", instance_profile="p")
    with pytest.raises(SpecError, match=r"nodegroup 'a': role: no role or instance_profile"):
        build(NodeGroup(name="a"), role=None)


def test_duplicate_headroom_sizes_are_refused() -> None:
    with pytest.raises(SpecError, match=r"nodegroup 'a': headroom: more than one entry of size 'small'"):
        NodeGroup(name="a", headroom=[Headroom(size="small"), Headroom(size="small", count=2)])


def test_crd_rules_the_model_leaves_to_the_last_gate_still_name_the_group() -> None:
    """A label key the CRD restricts is caught by the typed mirror of the CRDs, and still names group and path."""
    with pytest.raises(SpecError) as caught:
        build(NodeGroup(name="a", labels={"karpenter.sh/custom": "x"}))
    message = str(caught.value)
    assert message.startswith("nodegroup 'a': NodePool a-amd64: spec.template.metadata.labels"), message
    assert "karpenter.sh" in message


def test_tag_restrictions_reach_the_user() -> None:
    with pytest.raises(SpecError, match=r"nodegroup 'a': EC2NodeClass a-amd64: spec.tags"):
        build(NodeGroup(name="a", node_tags={"kubernetes.io/cluster/test": "owned"}))


def test_errors_are_raised_for_the_first_bad_group_by_name_not_list_position() -> None:
    bad = [
        NodeGroup(name="z", labels={"karpenter.sh/x": "1"}),
        NodeGroup(name="b", labels={"karpenter.sh/y": "1"}),
    ]
    for groups in (bad, bad[::-1]):
        with pytest.raises(SpecError, match=r"^nodegroup 'b'"):
            build(*groups)


def test_valid_fleet_with_every_feature_builds() -> None:
    fleet = build(
        NodeGroup(
            name="all",
            capacity_spread=CapacitySpread(start=1, end=3),
            budgets=[Budget(nodes=0, schedule="0 9 * * mon-fri", duration="8h", reasons=["Drifted"])],
            ami_selector_terms=[AmiSelectorTerm(tags={"team": "platform"}, owner="self")],
            ami_family="AL2023",
            headroom=[Headroom(cpu="1500m", memory="6Gi", count=2)],
        )
    )
    kinds = [m["kind"] for m in fleet.manifests()]
    assert kinds == ["PriorityClass", "Namespace", "EC2NodeClass", "NodePool", "Deployment"]
