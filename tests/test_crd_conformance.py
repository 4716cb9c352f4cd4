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
    Budget,
    CapacitySpread,
    Fleet,
    Headroom,
    Instances,
    Kubelet,
    NodeGroup,
    NodeGroupDefaults,
    Requirement,
    SpecError,
    Taint,
)
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
    ["team", "tier", "example.com/owner", "karpenter.k8s.aws/instance-family", "node.kubernetes.io/role"]
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
budgets = st.builds(
    Budget,
    nodes=st.one_of(st.integers(0, 20), st.sampled_from(["10%", "0", "100%"])),
    reasons=st.one_of(
        st.none(), st.lists(st.sampled_from(["Underutilized", "Empty", "Drifted"]), unique=True, min_size=1)
    ),
)
groups = st.builds(
    NodeGroup,
    name=names,
    instances=st.one_of(st.none(), instances),
    availability_zones=st.one_of(st.none(), st.lists(st.sampled_from(["eu-west-1a", "eu-west-1b"]), unique=True)),
    auto_taint=st.one_of(st.none(), st.booleans()),
    taints=st.one_of(st.none(), st.lists(taints, max_size=2)),
    startup_taints=st.one_of(st.none(), st.lists(taints, max_size=1)),
    cilium=st.one_of(st.none(), st.booleans()),
    labels=st.one_of(st.none(), st.dictionaries(label_keys, label_values, max_size=3)),
    weight=st.one_of(st.none(), st.integers(1, 100)),
    limits=st.one_of(
        st.none(),
        st.fixed_dictionaries(
            {},
            optional={
                "cpu": st.integers(0, 1000),
                "memory": st.integers(0, 1000).map(lambda n: f"{n}Gi"),
                "nvidia.com/gpu": st.integers(0, 16),
            },
        ),
    ),
    consolidation_policy=st.one_of(st.none(), st.sampled_from(["WhenEmpty", "WhenEmptyOrUnderutilized"])),
    consolidate_after=st.one_of(st.none(), durations),
    expire_after=st.one_of(st.none(), durations),
    budgets=st.one_of(st.none(), st.lists(budgets, max_size=2)),
    ami_family=st.one_of(st.none(), st.sampled_from(["AL2023", "Bottlerocket", "AL2"])),
    kubelet=st.one_of(
        st.none(),
        st.builds(
            Kubelet,
            max_pods=st.one_of(st.none(), st.integers(1, 250)),
            image_gc_high_threshold_percent=st.one_of(st.none(), st.integers(51, 100)),
            image_gc_low_threshold_percent=st.one_of(st.none(), st.integers(0, 50)),
        ),
    ),
    capacity_spread=st.one_of(st.none(), st.integers(1, 5).map(lambda n: CapacitySpread(start=n, end=n + 2))),
    additional_requirements=st.one_of(
        st.none(),
        st.lists(
            st.builds(
                Requirement,
                key=st.sampled_from(
                    ["karpenter.k8s.aws/instance-local-nvme", "example.com/disk", "karpenter.k8s.aws/instance-memory"]
                ),
                operator=st.sampled_from(["Exists", "DoesNotExist", "Gt", "In"]),
                values=st.lists(st.sampled_from(["100", "2048"]), max_size=1),
            ),
            max_size=2,
        ),
    ),
    headroom=st.one_of(st.none(), st.just([Headroom(size="small", count=2)])),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(groups, min_size=1, max_size=4, unique_by=lambda g: g.name))
def test_any_fleet_the_model_accepts_renders_manifests_the_crds_accept(nodegroups: list[NodeGroup]) -> None:
    try:
        fleet = Fleet(NodeGroupDefaults(cluster_name="prop"), nodegroups, node_role="NodeRole")
    except SpecError:
        assume(False)
        return
    assert crd_errors(fleet.manifests()) == []


@st.composite
def spread_twins(draw: st.DrawFn) -> list[NodeGroup]:
    """A spot group and its on-demand twin splitting one group label's spread values, as the rules demand."""
    name = draw(names)
    split = draw(st.integers(1, 10))
    end = draw(st.integers(split + 1, split + 10))
    zones = draw(st.lists(st.sampled_from(["eu-west-1a", "eu-west-1b", "eu-west-1c"]), unique=True))
    return [
        NodeGroup(
            name=name,
            capacity_spread=CapacitySpread(start=1, end=split),
            instances=Instances(capacity_types=["spot"]),
            availability_zones=zones,
        ),
        NodeGroup(
            name=f"{name}-od",
            group_label=name,
            capacity_spread=CapacitySpread(start=split + 1, end=end),
            instances=Instances(capacity_types=["on-demand"]),
            availability_zones=zones,
        ),
    ]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spread_twins())
def test_spread_twins_the_rules_accept_render_manifests_the_crds_accept(nodegroups: list[NodeGroup]) -> None:
    fleet = Fleet(NodeGroupDefaults(cluster_name="prop"), nodegroups, node_role="NodeRole")
    assert crd_errors(fleet.manifests()) == []
