"""Everything the fleet renders passes the real Karpenter v1.14 CRDs: schema, unknown fields, CEL rules.

The CRD files are read from ../shared/reference/karpenter-v1.14 by tests/crd_validator.py; the library itself
never reads them, it carries a typed mirror (karpenter_infra/karpenter/), and these tests keep the two honest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from karpenter_infra import (
    BlockDevice,
    Budget,
    CapacityReservationSelectorTerm,
    CapacitySpread,
    ConnectionTracking,
    CpuOptions,
    Fleet,
    Headroom,
    Instances,
    Kubelet,
    NetworkInterface,
    NodeGroup,
    NodeGroupDefaults,
    PlacementGroup,
    Requirement,
    SpecError,
    Taint,
)
from karpenter_infra.spec.nodegroup import NODECLASS_FIELDS, NODEPOOL_ONLY_FIELDS
from karpenter_infra.stack import load_stack
from tests.crd_validator import crd_validator

PROJECT = Path(__file__).resolve().parents[1]


def crd_errors(manifests: list[dict[str, Any]]) -> list[str]:
    validator = crd_validator()
    checked = [m for m in manifests if validator.covers(m)]
    assert checked, "nothing to check"
    return [f"{m['kind']} {m['metadata']['name']}: {e}" for m in checked for e in validator.errors(m)]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_stack_manifest_passes_the_crds(stack: str) -> None:
    manifests = load_stack(stack, PROJECT).fleet().manifests()
    assert crd_errors(manifests) == []
    assert {m["kind"] for m in manifests if crd_validator().covers(m)} == {"NodePool", "EC2NodeClass"}


names = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6})?", fullmatch=True)
label_keys = st.sampled_from(
    ["team", "tier", "example.com/owner", "karpenter.sh/capacity-type", "app.kubernetes.io/part-of"]
)
label_values = st.from_regex(r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?", fullmatch=True)
durations = st.sampled_from(["30s", "5m", "1h", "720h", "1h30m", "Never"])
taints = st.builds(
    Taint,
    key=st.sampled_from(["dedicated", "example.com/gpu", "team"]),
    value=st.one_of(st.none(), label_values),
    effect=st.sampled_from(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
)
instances = st.builds(
    Instances,
    categories=st.one_of(st.none(), st.lists(st.sampled_from(["c", "m", "r", "t", "g"]), unique=True, max_size=4)),
    min_generation=st.one_of(st.none(), st.integers(1, 9)),
    cores=st.one_of(st.none(), st.lists(st.sampled_from([2, 4, 8, 16, 32]), unique=True, max_size=3)),
    architecture=st.one_of(st.none(), st.sampled_from(["amd64", "arm64", "multiarch"])),
    capacity_types=st.one_of(
        st.none(), st.lists(st.sampled_from(["spot", "on-demand", "reserved"]), unique=True, min_size=1)
    ),
    instance_types=st.one_of(
        st.none(), st.lists(st.sampled_from(["m5.large", "c6g.xlarge", "g5.2xlarge"]), unique=True)
    ),
    exclude_families=st.one_of(st.none(), st.lists(st.sampled_from(["t3", "a1", "c6in"]), unique=True)),
    exclude_sizes=st.one_of(st.none(), st.lists(st.sampled_from(["metal", "nano", "micro"]), unique=True)),
    min_values=st.one_of(
        st.none(), st.dictionaries(st.sampled_from(["instance-family", "instance-category"]), st.integers(1, 6))
    ),
)
instances = instances.flatmap(
    lambda base: st.fixed_dictionaries(
        {},
        optional={
            "families": st.lists(st.sampled_from(["m7i", "c7g", "t3", "r6i"]), unique=True, max_size=3),
            "sizes": st.lists(st.sampled_from(["large", "xlarge", "metal"]), unique=True, max_size=2),
            "hypervisors": st.lists(st.sampled_from(["nitro", "xen"]), unique=True, min_size=1),
        },
    ).map(lambda extra: base.model_copy(update=extra))
)
_disk_options = {
    "device_name": st.sampled_from(["/dev/xvda", "/dev/xvdb"]),
    "volume_type": st.one_of(st.none(), st.sampled_from(["gp3", "gp2", "io2"])),
    "encrypted": st.one_of(st.none(), st.booleans()),
    "delete_on_termination": st.one_of(st.none(), st.booleans()),
}
block_devices = st.one_of(
    st.builds(
        BlockDevice,
        volume_size=st.integers(8, 500),
        snapshot_id=st.one_of(st.none(), st.just("snap-0abc")),
        **_disk_options,
    ),
    st.builds(BlockDevice, snapshot_id=st.just("snap-0abc"), **_disk_options),
)
reservation_terms = st.one_of(
    st.builds(CapacityReservationSelectorTerm, id=st.sampled_from(["cr-0abc", "cr-1234"])),
    st.builds(
        CapacityReservationSelectorTerm,
        tags=st.dictionaries(st.sampled_from(["team", "purpose"]), label_values, min_size=1, max_size=2),
        owner_id=st.one_of(st.none(), st.just("123456789012")),
        instance_match_criteria=st.one_of(st.none(), st.sampled_from(["open", "targeted"])),
    ),
)
INTERFACE_SETS = [
    [NetworkInterface()],
    [NetworkInterface(), NetworkInterface(network_card_index=1, interface_type="efa-only")],
    [
        NetworkInterface(),
        NetworkInterface(network_card_index=0, device_index=1, interface_type="efa-only"),
        NetworkInterface(network_card_index=1, device_index=0, interface_type="interface"),
    ],
]
budgets = st.builds(
    Budget,
    nodes=st.one_of(st.integers(0, 20), st.sampled_from(["10%", "0", "100%"])),
    reasons=st.one_of(
        st.none(), st.lists(st.sampled_from(["Underutilized", "Empty", "Drifted"]), unique=True, min_size=1)
    ),
)
group_settings = st.fixed_dictionaries(
    {"name": names},
    optional={
        "instances": instances,
        "availability_zones": st.one_of(
            st.none(), st.lists(st.sampled_from(["eu-west-1a", "eu-west-1b"]), unique=True)
        ),
        "auto_taint": st.one_of(st.none(), st.booleans()),
        "taints": st.one_of(st.none(), st.lists(taints, max_size=2)),
        "startup_taints": st.one_of(st.none(), st.lists(taints, max_size=1)),
        "cilium": st.one_of(st.none(), st.booleans()),
        "labels": st.one_of(st.none(), st.dictionaries(label_keys, label_values, max_size=3)),
        "weight": st.one_of(st.none(), st.integers(1, 100)),
        "limits": st.one_of(
            st.none(),
            st.dictionaries(st.sampled_from(["cpu", "memory", "nvidia.com/gpu"]), st.integers(0, 1000), max_size=2),
        ),
        "consolidation_policy": st.one_of(st.none(), st.sampled_from(["WhenEmpty", "WhenEmptyOrUnderutilized"])),
        "consolidate_after": st.one_of(st.none(), durations),
        "expire_after": st.one_of(st.none(), durations),
        "budgets": st.one_of(st.none(), st.lists(budgets, max_size=2)),
        "ami_family": st.one_of(st.none(), st.sampled_from(["AL2023", "Bottlerocket", "AL2"])),
        "kubelet": st.one_of(
            st.none(),
            st.builds(
                Kubelet,
                max_pods=st.one_of(st.none(), st.integers(0, 250)),
                image_gc_high_threshold_percent=st.one_of(st.none(), st.integers(51, 100)),
                image_gc_low_threshold_percent=st.one_of(st.none(), st.integers(0, 50)),
            ),
        ),
        "capacity_spread": st.one_of(st.none(), st.integers(1, 5).map(lambda n: CapacitySpread(start=n, end=n + 2))),
        "additional_requirements": st.one_of(
            st.none(),
            st.lists(
                st.builds(
                    Requirement,
                    key=st.sampled_from(
                        [
                            "karpenter.k8s.aws/instance-local-nvme",
                            "example.com/disk",
                            "karpenter.k8s.aws/instance-memory",
                        ]
                    ),
                    operator=st.sampled_from(["Exists", "DoesNotExist", "Gt", "In"]),
                    values=st.lists(st.sampled_from(["100", "2048"]), max_size=1),
                ),
                max_size=2,
            ),
        ),
        "headroom": st.one_of(st.none(), st.just([Headroom(size="small", count=2)])),
        "user_data": st.sampled_from(["#!/bin/bash\necho ${#NODES[@]}\ndocker inspect --format '{{.Id}}' x\n"]),
        "library_tags": st.booleans(),
        "group_node_label": st.booleans(),
        "architecture_suffix": st.booleans(),
        "node_tags": st.dictionaries(st.sampled_from(["team", "cost-center"]), label_values, max_size=2),
        "ami_version": st.sampled_from(["latest", "v20251016", "v1.57.0", "1.57.0"]),
        "block_device_mappings": st.lists(block_devices, max_size=2, unique_by=lambda d: d.device_name),
        "capacity_reservation_selector_terms": st.lists(reservation_terms, min_size=1, max_size=3),
        "network_interfaces": st.sampled_from(INTERFACE_SETS),
        "placement_group": st.sampled_from([PlacementGroup(name="hpc"), PlacementGroup(id="pg-0abc")]),
        "ip_prefix_count": st.integers(0, 16),
        "connection_tracking": st.builds(
            ConnectionTracking,
            tcp_established_timeout=st.integers(60, 432000),
            udp_stream_timeout=st.one_of(st.none(), st.integers(60, 180)),
            udp_timeout=st.one_of(st.none(), st.integers(30, 60)),
        ),
        "cpu_options": st.builds(CpuOptions, nested_virtualization=st.sampled_from(["enabled", "disabled"])),
    },
)
#: Where a group's node class comes from: its own, one outside the fleet, or its own without a pool.
nodeclass_source = st.sampled_from(["own", "own", "own", "existing", "class-only"])


@st.composite
def groups(draw: st.DrawFn) -> dict[str, Any]:
    settings = draw(group_settings)
    if "user_data" in settings and draw(st.booleans()):
        settings["user_data_template"] = "#!/bin/bash\necho {{ cluster_name }} {{ group.name }}\n"
        del settings["user_data"]
    source = draw(nodeclass_source)
    if source == "existing":
        settings = {k: v for k, v in settings.items() if k not in NODECLASS_FIELDS}
        settings["existing_node_class"] = "team-shared"
    elif source == "class-only":
        settings = {k: v for k, v in settings.items() if k not in NODEPOOL_ONLY_FIELDS}
        settings["node_class_only"] = True
    return settings


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(groups(), min_size=1, max_size=4, unique_by=lambda g: g["name"]))
def test_any_fleet_the_model_accepts_renders_manifests_the_crds_accept(settings: list[dict[str, Any]]) -> None:
    try:
        nodegroups = [NodeGroup(**group) for group in settings]
        fleet = Fleet(NodeGroupDefaults(cluster_name="Prop_Cluster-1"), nodegroups, node_role="NodeRole")
    except SpecError:
        assume(False)
        return
    assert crd_errors(fleet.manifests()) == []
