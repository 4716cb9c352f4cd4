"""A NodePool that can never launch a node is an error when the fleet is built, naming the group and the field."""

from __future__ import annotations

import pytest

from karpenter_infra import Fleet, Headroom, Instances, NodeGroup, NodeGroupDefaults, Requirement, SpecError
from stacks.nodegroups import dev, prod
from tests.catalog.support import fleet


def error(group: NodeGroup) -> str:
    with pytest.raises(SpecError) as caught:
        fleet(group)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_the_requirement_that_empties_the_set_is_named_with_what_came_before() -> None:
    group = NodeGroup(name="x", instances=Instances(categories=["t"], min_generation=9))
    assert error(group) == "nodegroup 'x': instances.min_generation: 9 leaves no instance type in categories ['t']"
    windows_arm = NodeGroup(
        name="w", ami_family="Windows2022", instances=Instances(architecture="arm64", operating_systems=["windows"])
    )
    assert error(windows_arm) == (
        "nodegroup 'w': instances.operating_systems: ['windows'] leaves no instance type in "
        "categories ['c', 'm', 'r'], architecture arm64"
    )
    gpu_c = NodeGroup(
        name="g",
        instances=Instances(categories=["c"]),
        additional_requirements=[Requirement(key="karpenter.k8s.aws/instance-gpu-count", operator="Exists")],
    )
    assert error(gpu_c) == (
        "nodegroup 'g': additional_requirements[0]: karpenter.k8s.aws/instance-gpu-count Exists leaves no instance "
        "type in categories ['c'], architecture amd64"
    )


def test_an_explicit_type_outside_the_catalog_gets_the_closest_names() -> None:
    """Beside a known type it is a warning (Karpenter ignores it); alone it is an error (nothing can launch)."""
    group = NodeGroup(name="x", instances=Instances(instance_types=["m7i.xlarge", "m7q.xlarge"]))
    assert [str(w) for w in fleet(group).warnings if w.rule == "unknown-value"] == [
        "nodegroup 'x': instances.instance_types: 'm7q.xlarge' is not in the instance-type catalog (us-east-1); "
        "did you mean 'm7a.xlarge', 'm7g.xlarge', 'm7i.xlarge'?; Karpenter ignores it"
    ]
    alone = NodeGroup(name="x", instances=Instances(instance_types=["m7q.xlarge"]))
    assert error(alone).startswith("nodegroup 'x': instances.instance_types: 'm7q.xlarge' is not in the instance")


def test_an_explicit_type_of_the_wrong_architecture_or_os_is_refused() -> None:
    graviton = NodeGroup(name="x", instances=Instances(instance_types=["m7g.xlarge"]))
    assert error(graviton) == (
        "nodegroup 'x': instances.instance_types: 'm7g.xlarge' contradicts instances.architecture amd64: it is arm64"
    )
    windows = NodeGroup(
        name="w",
        ami_family="Windows2022",
        instances=Instances(
            instance_types=["m7g.xlarge", "m7i.xlarge"], architecture="multiarch", operating_systems=["windows"]
        ),
    )
    assert error(windows) == (
        "nodegroup 'w': instances.instance_types: 'm7g.xlarge' contradicts instances.operating_systems ['windows']: "
        "it is arm64, and no Windows AMI runs on arm64"
    )


def test_an_explicit_type_excluded_again_by_its_family_is_refused() -> None:
    group = NodeGroup(
        name="x", instances=Instances(instance_types=["c6i.large", "c7i.large"], exclude_families=["c6i"])
    )
    assert error(group) == (
        "nodegroup 'x': instances.instance_types: 'c6i.large' contradicts instances.exclude_families ['c6i']: "
        "its karpenter.k8s.aws/instance-family is 'c6i'"
    )


def test_categories_and_families_that_do_not_exist_are_warnings_unless_nothing_else_is_named() -> None:
    [unknown] = fleet(NodeGroup(name="x", instances=Instances(categories=["c", "zz"]))).warnings
    assert str(unknown).startswith(
        "nodegroup 'x': instances.categories: 'zz' is no instance-category of any instance type in the catalog "
        "(known: a, c, d,"
    )
    assert unknown.rule == "unknown-value"
    excluded = fleet(NodeGroup(name="x", instances=Instances(exclude_families=["c6ix"]))).warnings
    assert [w.rule for w in excluded] == ["unknown-value"]
    assert str(excluded[0]).endswith("did you mean 'c6i', 'c6id', 'c6in'?; Karpenter ignores it")
    assert error(NodeGroup(name="x", instances=Instances(categories=["zz"]))).startswith(
        "nodegroup 'x': instances.categories: 'zz' is no instance-category"
    )


def test_an_unknown_exclusion_from_the_defaults_says_so() -> None:
    built = Fleet(
        NodeGroupDefaults(cluster_name="c", instances=Instances(exclude_families=["c6ix"])),
        [NodeGroup(name="x")],
        node_role="R",
    )
    assert [w.field for w in built.warnings] == ["instances.exclude_families (from defaults)"]


def test_min_values_the_admitted_set_cannot_meet() -> None:
    group = NodeGroup(
        name="x",
        instances=Instances(instance_types=["c7i.large", "c7i.xlarge", "m7i.large"], min_values={"instance-family": 5}),
    )
    assert error(group) == (
        "nodegroup 'x': instances.min_values: instance-family needs 5 distinct values, but the pool admits 2 (c7i, m7i)"
    )
    enough = Instances(instance_types=["c7i.large", "m7i.large"], min_values={"instance-family": 2})
    fleet(NodeGroup(name="y", instances=enough))


def test_a_headroom_pod_larger_than_every_admitted_node() -> None:
    group = NodeGroup(
        name="x", instances=Instances(cores=[2]), headroom=[Headroom(size="small"), Headroom(size="xlarge")]
    )
    assert error(group) == (
        "nodegroup 'x': headroom[1]: headroom pods of size xlarge (8 cpu, 32Gi) fit no node the pool admits; the "
        "largest, m2.xlarge, has 1930m cpu and 15203Mi allocatable"
    )
    fleet(NodeGroup(name="y", instances=Instances(cores=[16]), headroom=[Headroom(size="xlarge")]))


def test_limits_below_the_smallest_admitted_node() -> None:
    small_cpu = NodeGroup(name="x", instances=Instances(cores=[4]), limits={"cpu": 2})
    assert error(small_cpu) == (
        "nodegroup 'x': limits: cpu 2 is less than the smallest node the pool admits (c3.xlarge, 4 vCPU): "
        "it can never launch"
    )
    small_memory = NodeGroup(name="x", instances=Instances(cores=[4]), limits={"memory": "4Gi"})
    assert error(small_memory) == (
        "nodegroup 'x': limits: memory 4Gi is less than the smallest node the pool admits (c3.xlarge, 7104Mi): "
        "it can never launch"
    )
    fleet(NodeGroup(name="y", instances=Instances(cores=[4]), limits={"cpu": 4, "memory": "7104Mi"}))


def test_a_gpu_limit_on_a_pool_without_gpu_types_is_a_warning_unless_inherited() -> None:
    [warning] = fleet(NodeGroup(name="x", limits={"nvidia.com/gpu": 4})).warnings
    assert str(warning) == (
        "nodegroup 'x': limits['nvidia.com/gpu']: nvidia.com/gpu 4 is set, but no instance type the pool admits "
        "offers nvidia.com/gpu: the limit bounds nothing"
    )
    inherited = Fleet(
        NodeGroupDefaults(cluster_name="c", limits={"nvidia.com/gpu": 8}), [NodeGroup(name="x")], node_role="R"
    )
    assert inherited.warnings == []
    fleet(NodeGroup(name="g", instances=Instances(instance_types=["g5.xlarge"]), limits={"nvidia.com/gpu": 4}))
    fleet(NodeGroup(name="n", limits={"nvidia.com/gpu": 0}))  # zero GPUs: a statement, not a mistake


def test_the_repository_stacks_launch() -> None:
    for module in (dev, prod):
        built = Fleet(module.DEFAULTS, module.NODEGROUPS, node_role="R")
        assert {name: pool.summary.count > 0 for name, pool in built.catalog_report.pools.items()} == {
            g.name: True for g in module.NODEGROUPS
        }


def test_a_class_only_group_is_not_judged_as_a_pool() -> None:
    """``node_class_only`` renders an EC2NodeClass and no NodePool: the catalog has nothing to evaluate for it."""
    fleet = Fleet(
        NodeGroupDefaults(cluster_name="c"),
        [NodeGroup(name="shared", node_class_only=True), NodeGroup(name="web")],
        node_role="R",
    )
    assert sorted(fleet.catalog_report.pools) == ["web"]


def test_an_inherited_exclusion_that_removes_a_named_type_says_where_it_came_from() -> None:
    built = NodeGroupDefaults(cluster_name="c", instances=Instances(exclude_families=["c6i"]))
    group = NodeGroup(name="x", instances=Instances(instance_types=["c6i.large", "c7i.large"]))
    with pytest.raises(SpecError) as caught:
        Fleet(built, [group], node_role="R")
    assert str(caught.value).startswith(
        "nodegroup 'x': instances.instance_types: 'c6i.large' contradicts instances.exclude_families (from defaults)"
    )


def test_a_template_label_that_empties_the_pool_is_refused_naming_the_label() -> None:
    # Karpenter adds every template label to the pool's requirements (NewNodeClaimTemplate, NewLabelRequirements).
    gpu = NodeGroup(name="cpu", labels={"karpenter.k8s.aws/instance-gpu-count": "8"})
    assert error(gpu) == (
        "nodegroup 'cpu': labels['karpenter.k8s.aws/instance-gpu-count']: '8' leaves no instance type in "
        "categories ['c', 'm', 'r'], architecture amd64"
    )
    typo = error(NodeGroup(name="fam", labels={"karpenter.k8s.aws/instance-family": "x"}))
    assert typo.startswith(
        "nodegroup 'fam': labels['karpenter.k8s.aws/instance-family']: 'x' is no instance-family of any instance type"
    )


def test_a_template_label_that_narrows_the_pool_is_accepted_and_narrows_it() -> None:
    group = NodeGroup(name="m6i", labels={"karpenter.k8s.aws/instance-family": "m6i", "team": "web"})
    built = fleet(group)
    assert built.catalog_report.pools["m6i"].summary.families == ("m6i",)
