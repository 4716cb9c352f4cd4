"""EC2NodeClass launch options: capacity reservations, network interfaces (EFA), placement, conntrack, CPU."""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra import (
    CapacityReservationSelectorTerm,
    ConnectionTracking,
    CpuOptions,
    Fleet,
    Instances,
    NetworkInterface,
    NodeGroup,
    NodeGroupDefaults,
    PlacementGroup,
    SpecError,
)


def build(*groups: NodeGroup, **defaults: Any) -> Fleet:
    return Fleet(NodeGroupDefaults.model_validate({"cluster_name": "t", **defaults}), list(groups), node_role="R")


def spec(group: NodeGroup, **defaults: Any) -> dict[str, Any]:
    [manifest] = [m for m in build(group, **defaults).manifests() if m["kind"] == "EC2NodeClass"]
    rendered: dict[str, Any] = manifest["spec"]
    return rendered


def test_capacity_reservations_by_id_tags_owner_and_criteria() -> None:
    rendered = spec(
        NodeGroup(
            name="a",
            capacity_reservation_selector_terms=[
                CapacityReservationSelectorTerm(tags={"team": "ml"}, owner_id="123456789012"),
                CapacityReservationSelectorTerm(id="cr-0abc"),
                CapacityReservationSelectorTerm(instance_match_criteria="open"),
            ],
        )
    )
    assert rendered["capacityReservationSelectorTerms"] == [
        {"id": "cr-0abc"},
        {"instanceMatchCriteria": "open"},
        {"ownerID": "123456789012", "tags": {"team": "ml"}},
    ]


def test_nothing_set_renders_no_launch_options() -> None:
    rendered = spec(NodeGroup(name="a"))
    for field in (
        "capacityReservationSelectorTerms",
        "networkInterfaces",
        "placementGroupSelector",
        "ipPrefixCount",
        "connectionTracking",
        "cpuOptions",
    ):
        assert field not in rendered


@pytest.mark.parametrize(
    ("term", "problem"),
    [
        ({}, "set id, tags or instance_match_criteria"),
        ({"id": "cr-0abc", "tags": {"a": "b"}}, "id selects one reservation"),
        ({"id": "cr-0abc", "owner_id": "123456789012"}, "id selects one reservation"),
        ({"id": "reservation-1"}, "must be a capacity reservation id such as cr-"),
        ({"owner_id": "12", "tags": {"a": "b"}}, "must be a 12-digit AWS account id"),
        ({"tags": {"a": ""}}, "at least 1 character"),
        ({"instance_match_criteria": "any"}, "must be 'open' or 'targeted', got 'any'"),
    ],
)
def test_bad_reservation_terms_name_group_and_term(term: dict[str, Any], problem: str) -> None:
    with pytest.raises(SpecError, match=r"^nodegroup 'a': capacity_reservation_selector_terms\[0\]") as caught:
        NodeGroup.model_validate({"name": "a", "capacity_reservation_selector_terms": [term]})
    assert problem in str(caught.value)


def test_reserved_only_with_reservations_is_launchable() -> None:
    fleet = build(
        NodeGroup(
            name="a",
            instances=Instances(capacity_types=["reserved"]),
            capacity_reservation_selector_terms=[CapacityReservationSelectorTerm(id="cr-0abc")],
        )
    )
    [pool] = [m for m in fleet.manifests() if m["kind"] == "NodePool"]
    assert {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["reserved"]} in pool["spec"]["template"][
        "spec"
    ]["requirements"]
    assert [f for f in fleet.warnings if f.rule == "reserved-unused"] == []


def test_a_pool_reusing_a_class_with_reservations_may_be_reserved_only() -> None:
    fleet = build(
        NodeGroup(name="a", capacity_reservation_selector_terms=[CapacityReservationSelectorTerm(id="cr-0abc")]),
        NodeGroup(name="b", node_class="a", instances=Instances(capacity_types=["reserved"])),
    )
    assert [g.name for g in fleet.groups] == ["a", "b"]


def test_reserved_only_without_reservations_is_an_error() -> None:
    with pytest.raises(SpecError, match=r"^nodegroup 'a': instances\.capacity_types: only 'reserved' capacity"):
        build(NodeGroup(name="a", instances=Instances(capacity_types=["reserved"])))


def test_reserved_among_others_without_reservations_is_a_warning() -> None:
    fleet = build(NodeGroup(name="a", instances=Instances(capacity_types=["reserved", "on-demand"])))
    [finding] = [f for f in fleet.warnings if f.rule == "reserved-unused"]
    assert str(finding).startswith("nodegroup 'a': instances.capacity_types: 'reserved' has no capacity reservations")


def test_efa_network_interfaces_render_sorted_by_card_and_device() -> None:
    rendered = spec(
        NodeGroup(
            name="a",
            network_interfaces=[
                NetworkInterface(network_card_index=1, interface_type="efa-only"),
                NetworkInterface(),
                NetworkInterface(network_card_index=0, device_index=1, interface_type="efa-only"),
            ],
        )
    )
    assert rendered["networkInterfaces"] == [
        {"networkCardIndex": 0, "deviceIndex": 0, "interfaceType": "interface"},
        {"networkCardIndex": 0, "deviceIndex": 1, "interfaceType": "efa-only"},
        {"networkCardIndex": 1, "deviceIndex": 0, "interfaceType": "efa-only"},
    ]


@pytest.mark.parametrize(
    ("interfaces", "problem"),
    [
        ([NetworkInterface(network_card_index=1)], "needs the primary interface"),
        ([NetworkInterface(interface_type="efa-only")], "needs the primary interface"),
        ([NetworkInterface(), NetworkInterface()], "two interfaces on network card 0, device 0"),
        (
            [
                NetworkInterface(),
                NetworkInterface(network_card_index=1, interface_type="efa-only"),
                NetworkInterface(network_card_index=1, device_index=1, interface_type="efa-only"),
            ],
            "more than one efa-only interface on network card 1",
        ),
    ],
)
def test_bad_network_interfaces_name_group_and_field(interfaces: list[NetworkInterface], problem: str) -> None:
    with pytest.raises(SpecError, match=rf"^nodegroup 'a': network_interfaces: {problem}"):
        NodeGroup(name="a", network_interfaces=interfaces)


def test_placement_ip_prefixes_conntrack_cpu_options() -> None:
    rendered = spec(
        NodeGroup(
            name="a",
            placement_group=PlacementGroup(name="hpc"),
            ip_prefix_count=2,
            connection_tracking=ConnectionTracking(tcp_established_timeout=3600, udp_timeout=30),
            cpu_options=CpuOptions(nested_virtualization="enabled"),
        )
    )
    assert rendered["placementGroupSelector"] == {"name": "hpc"}
    assert rendered["ipPrefixCount"] == 2
    assert rendered["connectionTracking"] == {"tcpEstablishedTimeout": 3600, "udpTimeout": 30}
    assert rendered["cpuOptions"] == {"nestedVirtualization": "enabled"}


@pytest.mark.parametrize(
    ("setting", "value", "path", "problem"),
    [
        ("placement_group", {}, "placement_group", "set name or id, exactly one"),
        ("placement_group", {"name": "x", "id": "pg-0a"}, "placement_group", "set name or id, exactly one"),
        ("connection_tracking", {}, "connection_tracking", "set at least one"),
        (
            "connection_tracking",
            {"udp_timeout": 10},
            r"connection_tracking\.udp_timeout",
            "greater than or equal to 30",
        ),
        ("ip_prefix_count", -1, "ip_prefix_count", "greater than or equal to 0"),
    ],
)
def test_bad_launch_options_name_group_and_field(setting: str, value: Any, path: str, problem: str) -> None:
    with pytest.raises(SpecError, match=rf"^nodegroup 'a': {path}: .*{problem}"):
        NodeGroup.model_validate({"name": "a", setting: value})


def test_launch_options_belong_to_the_node_class_owner() -> None:
    with pytest.raises(SpecError, match=r"^nodegroup 'b': network_interfaces: has no effect: the group reuses"):
        NodeGroup(name="b", node_class="a", network_interfaces=[NetworkInterface()])
