"""The nodegroup list on EKS Auto Mode: what translates, exactly how, and every setting that is refused, by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from karpenter_infra import (
    BlockDevice,
    Fleet,
    Instances,
    Kubelet,
    NodeGroup,
    NodeGroupDefaults,
    Requirement,
    SpecError,
)
from karpenter_infra.automode.labels import LABELS
from karpenter_infra.automode.refuse import UNSUPPORTED
from karpenter_infra.spec.automode import AutoModeNodeClass, CertificateBundle, PodSecurityGroupSelectorTerm
from karpenter_infra.spec.launch import (
    CapacityReservationSelectorTerm,
    ConnectionTracking,
    CpuOptions,
    NetworkInterface,
    PlacementGroup,
)
from karpenter_infra.spec.nodeclass import AmiSelectorTerm, MetadataOptions, SubnetSelectorTerm
from karpenter_infra.stack import load_stack
from tests.crd_validator import crd_validator
from tests.test_crd_conformance import groups as any_group

PROJECT = Path(__file__).resolve().parents[2]
DEFAULTS = NodeGroupDefaults(cluster_name="auto")
Manifest = dict[str, Any]


def auto_fleet(*nodegroups: NodeGroup, defaults: NodeGroupDefaults = DEFAULTS) -> Fleet:
    return Fleet(defaults, list(nodegroups), node_role="EKSAutoNodeRole-auto", backend="auto-mode")


def one(fleet: Fleet, kind: str, name: str) -> Manifest:
    found = [m for m in fleet.manifests() if m["kind"] == kind and m["metadata"]["name"] == name]
    assert len(found) == 1, [m["metadata"]["name"] for m in fleet.manifests() if m["kind"] == kind]
    return found[0]


def requirements(pool: Manifest) -> dict[str, Manifest]:
    return {term["key"]: term for term in pool["spec"]["template"]["spec"]["requirements"]}


def refused(*nodegroups: NodeGroup, defaults: NodeGroupDefaults = DEFAULTS) -> str:
    with pytest.raises(SpecError) as raised:
        auto_fleet(*nodegroups, defaults=defaults)
    return str(raised.value)


# --- the stack ----------------------------------------------------------------------------------------------------


def test_the_auto_stack_renders_node_classes_and_pools_that_reference_them() -> None:
    fleet = load_stack("auto", PROJECT).fleet()
    manifests = fleet.manifests()
    kinds = {(m["apiVersion"], m["kind"]) for m in manifests}
    assert ("eks.amazonaws.com/v1", "NodeClass") in kinds
    assert not any(m["kind"] == "EC2NodeClass" for m in manifests)
    classes = {m["metadata"]["name"] for m in manifests if m["kind"] == "NodeClass"}
    for pool in (m for m in manifests if m["kind"] == "NodePool"):
        ref = pool["spec"]["template"]["spec"]["nodeClassRef"]
        assert ref == {"group": "eks.amazonaws.com", "kind": "NodeClass", "name": ref["name"]}
        assert ref["name"] in classes
        assert not any(key.startswith("karpenter.k8s.aws/") for key in requirements(pool))


def test_every_auto_stack_node_pool_passes_the_real_v1_14_crd_and_its_cel_rules() -> None:
    validator = crd_validator()
    pools = [m for m in load_stack("auto", PROJECT).fleet().manifests() if m["kind"] == "NodePool"]
    assert len(pools) == 9
    assert [e for pool in pools for e in validator.errors(pool)] == []


def test_the_auto_stack_keeps_headroom_and_off_hours_of_dev() -> None:
    auto = load_stack("auto", PROJECT).fleet().manifests()
    dev = load_stack("dev", PROJECT).fleet().manifests()

    def workloads(manifests: list[Manifest]) -> set[tuple[str, str]]:
        return {(m["kind"], m["metadata"]["name"]) for m in manifests if m["kind"] in ("Deployment", "CronJob")}

    assert workloads(auto) == workloads(dev) != set()


# --- translation ----------------------------------------------------------------------------------------------------


def test_every_instance_key_the_model_renders_moves_to_the_auto_mode_domain() -> None:
    shaped = NodeGroup(
        name="shaped",
        instances=Instances(
            categories=["c", "m"],
            min_generation=6,
            cores=[4, 8],
            cpu_manufacturers=["intel"],
            exclude_families=["t3"],
            exclude_sizes=["metal"],
            min_values={"instance-family": 2},
        ),
    )
    typed = NodeGroup(name="typed", instances=Instances(instance_types=["m5.large"], capacity_types=["spot"]))
    fleet = auto_fleet(shaped, typed)
    terms = requirements(one(fleet, "NodePool", "shaped-amd64"))
    for suffix in ("category", "generation", "cpu", "cpu-manufacturer", "family", "size"):
        assert f"eks.amazonaws.com/instance-{suffix}" in terms
    assert terms["eks.amazonaws.com/instance-generation"]["values"] == ["5"]
    listed = one(fleet, "NodePool", "shaped-amd64")["spec"]["template"]["spec"]["requirements"]
    assert {"key": "eks.amazonaws.com/instance-family", "operator": "NotIn", "values": ["t3"]} in listed
    assert {"key": "eks.amazonaws.com/instance-family", "operator": "Exists", "minValues": 2} in listed
    typed_terms = requirements(one(fleet, "NodePool", "typed-amd64"))
    assert typed_terms["node.kubernetes.io/instance-type"]["values"] == ["m5.large"]
    assert typed_terms["karpenter.sh/capacity-type"]["values"] == ["spot"]
    # Auto Mode runs Linux only and has no kubernetes.io/os label: the always-true term goes.
    assert "kubernetes.io/os" not in terms


def test_raw_requirements_translate_when_auto_mode_has_the_label() -> None:
    group = NodeGroup(
        name="nvme",
        additional_requirements=[
            Requirement(key="karpenter.k8s.aws/instance-local-nvme", operator="Gt", values=["99"])
        ],
    )
    terms = requirements(one(auto_fleet(group), "NodePool", "nvme-amd64"))
    assert terms["eks.amazonaws.com/instance-local-nvme"]["values"] == ["99"]


def test_every_translated_label_keeps_its_suffix() -> None:
    assert all(new == "eks.amazonaws.com/" + old.removeprefix("karpenter.k8s.aws/") for old, new in LABELS.items())


@pytest.mark.parametrize(
    ("group", "field"),
    [
        (NodeGroup(name="win", instances=Instances(operating_systems=["windows"])), "instances.operating_systems"),
        (
            NodeGroup(
                name="flex",
                additional_requirements=[
                    Requirement(key="karpenter.k8s.aws/instance-capability-flex", operator="In", values=["true"])
                ],
            ),
            "additional_requirements",
        ),
        (
            NodeGroup(name="floor", instances=Instances(min_values={"karpenter.k8s.aws/instance-tenancy": 2})),
            "instances.min_values",
        ),
    ],
    ids=["windows", "label without an Auto Mode twin", "min_values on such a label"],
)
def test_requirements_auto_mode_cannot_express_are_refused_naming_group_and_field(group: NodeGroup, field: str) -> None:
    message = refused(group)
    assert message.startswith(f"nodegroup '{group.name}': {field}: ")
    assert "Auto Mode" in message


# --- refused settings -----------------------------------------------------------------------------------------------

SAMPLES: dict[str, Any] = {
    "instance_profile": "profile",
    "ami_family": "Bottlerocket",
    "ami_version": "v20251016",
    "ami_selector_terms": [AmiSelectorTerm(id="ami-0abc")],
    "kubelet": Kubelet(max_pods=50),
    "user_data": "#!/bin/sh\necho hi\n",
    "user_data_values": {"a": 1},
    "metadata_options": MetadataOptions(http_put_response_hop_limit=2),
    "detailed_monitoring": True,
    "instance_store_policy": "RAID0",
    "user_data_template": "#!/bin/sh\necho {{ cluster_name }}\n",
    "network_interfaces": [NetworkInterface()],
    "placement_group": PlacementGroup(name="hpc"),
    "ip_prefix_count": 1,
    "connection_tracking": ConnectionTracking(tcp_established_timeout=60),
    "cpu_options": CpuOptions(nested_virtualization="enabled"),
    "existing_node_class": "team-x",
}
#: Settings only a group has (the defaults cannot name another team's node class).
GROUP_ONLY = {"existing_node_class"}


def test_every_refused_setting_has_a_sample() -> None:
    assert set(SAMPLES) == set(UNSUPPORTED)


@pytest.mark.parametrize("field", sorted(UNSUPPORTED))
def test_a_group_setting_auto_mode_cannot_express_is_refused_naming_group_field_and_backend(field: str) -> None:
    message = refused(NodeGroup(name="jobs", **{field: SAMPLES[field]}))
    assert message.startswith(f"nodegroup 'jobs': {field}: not supported by EKS Auto Mode: ")


@pytest.mark.parametrize("field", sorted(set(UNSUPPORTED) - GROUP_ONLY))
def test_the_same_setting_in_the_defaults_is_refused_naming_the_defaults(field: str) -> None:
    defaults = NodeGroupDefaults(cluster_name="auto", **{field: SAMPLES[field]})
    assert refused(NodeGroup(name="a"), defaults=defaults).startswith(f"defaults: {field}: not supported by EKS")


@pytest.mark.parametrize(
    ("device", "field"),
    [
        (BlockDevice(device_name="/dev/xvdb", volume_size=100), "block_device_mappings[0].device_name"),
        (BlockDevice(volume_size=100, volume_type="io2", iops=4000), "block_device_mappings[0].volume_type"),
        (BlockDevice(volume_size=100, encrypted=False), "block_device_mappings[0].encrypted"),
        (BlockDevice(volume_size=100, delete_on_termination=False), "block_device_mappings[0].delete_on_termination"),
        (BlockDevice(snapshot_id="snap-0abc"), "block_device_mappings[0].snapshot_id"),
    ],
    ids=["not the root", "io2", "unencrypted", "kept after termination", "from a snapshot"],
)
def test_block_devices_that_do_not_map_exactly_are_refused(device: BlockDevice, field: str) -> None:
    message = refused(NodeGroup(name="disk", block_device_mappings=[device]))
    assert message.startswith(f"nodegroup 'disk': {field}: not supported by EKS Auto Mode")


def test_a_second_block_device_is_refused() -> None:
    devices = [BlockDevice(volume_size=100), BlockDevice(device_name="/dev/xvdb", volume_size=500)]
    message = refused(NodeGroup(name="disks", block_device_mappings=devices))
    assert message.startswith("nodegroup 'disks': block_device_mappings: not supported by EKS Auto Mode")


def test_the_root_volume_becomes_ephemeral_storage_exactly() -> None:
    device = BlockDevice(volume_size=500, iops=6000, throughput=500, kms_key_id="alias/nodes")
    spec = one(auto_fleet(NodeGroup(name="jobs", block_device_mappings=[device])), "NodeClass", "jobs-amd64")["spec"]
    assert spec["ephemeralStorage"] == {"size": "500Gi", "iops": 6000, "throughput": 500, "kmsKeyID": "alias/nodes"}


def test_out_of_range_ephemeral_storage_is_refused_by_the_mirror_naming_the_group() -> None:
    message = refused(NodeGroup(name="slow", block_device_mappings=[BlockDevice(volume_size=100, iops=20000)]))
    assert message.startswith("nodegroup 'slow': NodeClass slow-amd64: spec.ephemeralStorage.iops: ")


@pytest.mark.parametrize("expire", ["Never", "720h", "505h"])
def test_node_lifetimes_beyond_21_days_are_refused(expire: str) -> None:
    message = refused(NodeGroup(name="old", expire_after=expire))
    assert message.startswith("nodegroup 'old': expire_after: not supported by EKS Auto Mode")


def test_a_lifetime_nobody_chose_is_the_longest_auto_mode_allows_and_a_chosen_one_is_kept() -> None:
    fleet = auto_fleet(NodeGroup(name="left"), NodeGroup(name="chosen", expire_after="168h"))
    assert one(fleet, "NodePool", "left-amd64")["spec"]["template"]["spec"]["expireAfter"] == "504h"
    assert one(fleet, "NodePool", "chosen-amd64")["spec"]["template"]["spec"]["expireAfter"] == "168h"


# --- Auto Mode's own settings ---------------------------------------------------------------------------------------


def test_auto_mode_settings_merge_key_by_key_and_render_every_node_class_field() -> None:
    defaults = NodeGroupDefaults(
        cluster_name="auto",
        auto_mode=AutoModeNodeClass(network_policy="DefaultDeny", snat_policy="Disabled", fips=True),
        associate_public_ip_address=False,
    )
    group = NodeGroup(
        name="isolated",
        auto_mode=AutoModeNodeClass(
            network_policy="DefaultAllow",
            network_policy_event_logs="Enabled",
            pod_subnet_selector_terms=[SubnetSelectorTerm(tags={"pods": "true"})],
            pod_security_group_selector_terms=[PodSecurityGroupSelectorTerm(id="sg-0abc")],
            https_proxy="http://proxy:3128",
            no_proxy=["169.254.169.254"],
            kernel_lockdown="integrity",
            certificate_bundles=[CertificateBundle(name="corp", data="LS0t")],
        ),
    )
    spec = one(auto_fleet(group, defaults=defaults), "NodeClass", "isolated-amd64")["spec"]
    assert spec["networkPolicy"] == "DefaultAllow"  # the group's key wins
    assert spec["snatPolicy"] == "Disabled"  # the defaults' key stays
    assert spec["networkPolicyEventLogs"] == "Enabled"
    assert spec["podSubnetSelectorTerms"] == [{"tags": {"pods": "true"}}]
    assert spec["podSecurityGroupSelectorTerms"] == [{"id": "sg-0abc"}]
    assert spec["advancedNetworking"] == {
        "associatePublicIPAddress": False,
        "httpsProxy": "http://proxy:3128",
        "noProxy": ["169.254.169.254"],
    }
    assert spec["advancedSecurity"] == {"fips": True, "kernelLockdown": "integrity"}
    assert spec["certificateBundles"] == [{"name": "corp", "data": "LS0t"}]
    assert spec["role"] == "EKSAutoNodeRole-auto"
    assert spec["subnetSelectorTerms"] == [{"tags": {"karpenter.sh/discovery": "auto"}}]


def test_capacity_reservations_are_the_groups_own_field_on_either_backend() -> None:
    terms = [
        CapacityReservationSelectorTerm(id="cr-0123456789abcdef0"),
        CapacityReservationSelectorTerm(tags={"team": "ml"}, owner_id="111122223333"),
    ]
    group = NodeGroup(name="ml", capacity_reservation_selector_terms=terms)
    spec = one(auto_fleet(group), "NodeClass", "ml-amd64")["spec"]
    assert spec["capacityReservationSelectorTerms"] == [
        {"id": "cr-0123456789abcdef0"},
        {"owner": "111122223333", "tags": {"team": "ml"}},
    ]
    targeted = NodeGroup(
        name="ml", capacity_reservation_selector_terms=[CapacityReservationSelectorTerm(instance_match_criteria="open")]
    )
    assert refused(targeted).startswith("nodegroup 'ml': capacity_reservation_selector_terms: not supported by EKS")


def test_pod_subnets_without_pod_security_groups_are_refused_naming_the_group() -> None:
    group = NodeGroup(
        name="pods", auto_mode=AutoModeNodeClass(pod_subnet_selector_terms=[SubnetSelectorTerm(id="subnet-1")])
    )
    assert refused(group).startswith("nodegroup 'pods': NodeClass pods-amd64: spec.podSubnetSelectorTerms: ")


@pytest.mark.parametrize("where", ["group", "defaults"])
def test_auto_mode_settings_are_an_error_on_the_karpenter_backend(where: str) -> None:
    settings_ = AutoModeNodeClass(network_policy="DefaultDeny")
    defaults = NodeGroupDefaults(cluster_name="k", auto_mode=settings_ if where == "defaults" else None)
    group = NodeGroup(name="web", auto_mode=settings_ if where == "group" else None)
    with pytest.raises(SpecError) as raised:
        Fleet(defaults, [group], node_role="role")
    owner = "nodegroup 'web'" if where == "group" else "defaults"
    assert str(raised.value).startswith(f"{owner}: auto_mode: needs backend auto-mode")


def test_a_group_reusing_a_node_class_points_at_the_owners_node_class() -> None:
    fleet = auto_fleet(NodeGroup(name="a"), NodeGroup(name="b", node_class="a"))
    assert one(fleet, "NodePool", "b-amd64")["spec"]["template"]["spec"]["nodeClassRef"]["name"] == "a-amd64"
    assert [m["metadata"]["name"] for m in fleet.manifests() if m["kind"] == "NodeClass"] == ["a-amd64"]


# --- any fleet ------------------------------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_group(), min_size=1, max_size=4, unique_by=lambda g: g["name"]))
def test_any_fleet_renders_crd_valid_pools_on_auto_mode_or_is_refused_naming_a_group(
    nodegroups: list[dict[str, Any]],
) -> None:
    try:
        fleet = auto_fleet(*(NodeGroup(**group) for group in nodegroups))
    except SpecError as exc:
        assert str(exc).startswith(("nodegroup '", "defaults: "))
        return
    validator = crd_validator()
    manifests = fleet.manifests()
    assert [e for m in manifests if m["kind"] == "NodePool" for e in validator.errors(m)] == []
    for manifest in manifests:
        fleet.backend.validate(manifest)  # NodeClasses through the Auto Mode mirror
        if manifest["kind"] == "NodePool":
            assert not any(key.startswith("karpenter.k8s.aws/") for key in requirements(manifest))
