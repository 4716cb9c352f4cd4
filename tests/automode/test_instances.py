"""The catalog on EKS Auto Mode: its pools read back in the catalog's keys, among the types AWS says it launches."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from karpenter_infra import Fleet, Instances, NodeGroup, NodeGroupDefaults, Requirement, SpecError
from karpenter_infra.automode.instances import AUTO_MODE, SUPPORTED_FAMILIES
from karpenter_infra.automode.render import AutoModeBackend
from karpenter_infra.catalog.evaluate import admitted_types
from karpenter_infra.render.nodepool import node_pool
from karpenter_infra.spec.resolve import resolve
from karpenter_infra.stack import load_stack
from tests.catalog.support import catalog
from tests.catalog.test_evaluate import RECORDS
from tests.catalog.test_evaluate import groups as any_group

PROJECT = Path(__file__).resolve().parents[2]
DEFAULTS = NodeGroupDefaults(cluster_name="auto")


def on(backend: str, *groups: NodeGroup) -> Fleet:
    return Fleet(DEFAULTS, list(groups), node_role="R", backend=backend)


def admitted(fleet: Fleet, group: str) -> set[str]:
    return set(catalog().names_of(fleet.catalog_report.pools[group].bits))


def launchable_by_name() -> set[str]:
    """AWS's rule read straight off each type's name and vCPUs, not through the catalog's index."""
    return {
        r.name
        for r in RECORDS
        if r.name.split(".")[0] in SUPPORTED_FAMILIES
        and int(r.labels["karpenter.k8s.aws/instance-cpu"]) > 1
        and r.name.split(".")[1] not in {"nano", "micro", "small"}
    }


def test_auto_mode_launches_the_families_aws_lists_above_its_minimum_size() -> None:
    launchable = set(catalog().names_of(AUTO_MODE.launchable(catalog())))
    assert launchable == launchable_by_name()
    assert {"m5.large", "t3.medium", "c7g.large", "g5.xlarge", "p5.48xlarge", "m7i.metal-24xl"} <= launchable
    # Too small (size or a single vCPU), or a family AWS does not list.
    assert not {"t3.micro", "t3.small", "t4g.nano", "c6g.medium", "a1.large", "m3.large", "u-6tb1.112xlarge"} & (
        launchable
    )


GROUPS = [
    NodeGroup(name="plain"),
    NodeGroup(name="compute", instances=Instances(categories=["c", "m"], min_generation=6, cores=[2, 4, 8])),
    NodeGroup(name="graviton", instances=Instances(architecture="arm64", cpu_manufacturers=["aws"])),
    NodeGroup(name="both", instances=Instances(architecture="multiarch", exclude_families=["t3", "m5"])),
    NodeGroup(name="burst", instances=Instances(categories=["t"], exclude_sizes=["2xlarge"])),
    NodeGroup(
        name="gpu",
        instances=Instances(categories=["g", "p"]),
        additional_requirements=[
            Requirement(key="karpenter.k8s.aws/instance-gpu-count", operator="Gt", values=["0"]),
            Requirement(key="karpenter.k8s.aws/instance-memory", operator="Lt", values=["262144"]),
        ],
    ),
]


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g.name)
def test_a_pool_admits_on_auto_mode_what_it_admits_on_karpenter_less_the_types_auto_mode_never_launches(
    group: NodeGroup,
) -> None:
    auto, karpenter = on("auto-mode", group), on("karpenter", group)
    pool = next(m for m in auto.manifests() if m["kind"] == "NodePool")
    keys = {t["key"] for t in pool["spec"]["template"]["spec"]["requirements"]}
    assert not any(k.startswith("karpenter.k8s.aws/") for k in keys)
    assert admitted(auto, group.name) == admitted(karpenter, group.name) & launchable_by_name()
    # Read as if its eks.amazonaws.com keys were unknown labels, the pool would seem to admit more.
    assert admitted_types(pool, catalog()) > admitted(auto, group.name)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_group)
def test_the_auto_mode_view_of_any_translatable_pool_is_the_karpenter_one_among_launchable_types(
    group: NodeGroup,
) -> None:
    try:
        (resolved,) = resolve(DEFAULTS, [group], "R")
        auto_pool = AutoModeBackend(DEFAULTS, [group]).node_pool(resolved)
    except SpecError:
        return  # refused before the catalog: Windows, or a label Auto Mode lacks
    expected = admitted_types(node_pool(resolved), catalog()) & launchable_by_name()
    assert admitted_types(auto_pool, catalog(), AUTO_MODE) == expected


def test_an_explicit_type_auto_mode_does_not_launch_is_an_error_naming_group_field_and_why() -> None:
    named = ["t3.micro", "a1.large", "c6g.medium", "m5.large"]
    group = NodeGroup(name="tiny", instances=Instances(architecture="multiarch", instance_types=named))
    assert admitted(on("karpenter", group), "tiny") == set(named)
    with pytest.raises(SpecError) as raised:
        on("auto-mode", group)
    assert str(raised.value) == (
        "nodegroup 'tiny': instances.instance_types: 'a1.large' (family a1 is not in AWS's list), 'c6g.medium' "
        "(1 vCPU, it needs more than 1), 't3.micro' (size micro is below its minimum) are not instance types "
        "EKS Auto Mode launches"
    )


def test_a_type_named_in_additional_requirements_is_refused_there() -> None:
    group = NodeGroup(
        name="raw",
        additional_requirements=[
            Requirement(key="node.kubernetes.io/instance-type", operator="In", values=["m3.large", "m5.large"])
        ],
    )
    with pytest.raises(SpecError, match=r"^nodegroup 'raw': additional_requirements\[0\]: 'm3.large' \(family m3 "):
        on("auto-mode", group)


def test_a_pool_left_with_only_unlaunchable_types_says_auto_mode_emptied_it() -> None:
    group = NodeGroup(name="small", instances=Instances(categories=["t"], cores=[1]))
    assert admitted(on("karpenter", group), "small")
    with pytest.raises(SpecError) as raised:
        on("auto-mode", group)
    assert str(raised.value) == (
        "nodegroup 'small': instances.cores: [1] leaves no instance type EKS Auto Mode launches in categories ['t']"
    )


def test_the_auto_stack_builds_and_its_pools_admit_only_launchable_types() -> None:
    report = load_stack("auto", PROJECT).fleet().catalog_report
    assert report.view is AUTO_MODE
    launchable = launchable_by_name()
    assert report.pools
    for pool in report.pools.values():
        names = set(catalog().names_of(pool.bits))
        assert names and names <= launchable, pool.nodepool
