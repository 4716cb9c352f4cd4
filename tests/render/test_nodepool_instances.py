"""Positive instance lists: families, sizes and hypervisors, with the exclusions and with instance_types."""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra import Fleet, Instances, NodeGroup, NodeGroupDefaults, SpecError


def requirements(group: NodeGroup, **defaults: Any) -> list[dict[str, Any]]:
    fleet = Fleet(NodeGroupDefaults.model_validate({"cluster_name": "t", **defaults}), [group], node_role="R")
    [manifest] = [m for m in fleet.manifests() if m["kind"] == "NodePool"]
    terms: list[dict[str, Any]] = manifest["spec"]["template"]["spec"]["requirements"]
    return terms


def on(key: str, terms: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [t for t in terms if t["key"] == f"karpenter.k8s.aws/instance-{key}"]


def test_families_sizes_hypervisors_render_in_terms() -> None:
    terms = requirements(
        NodeGroup(
            name="a",
            instances=Instances(families=["m7i", "c7i"], sizes=["xlarge", "large"], hypervisors=["nitro"]),
        )
    )
    assert on("family", terms) == [
        {"key": "karpenter.k8s.aws/instance-family", "operator": "In", "values": ["c7i", "m7i"]}
    ]
    assert on("size", terms) == [
        {"key": "karpenter.k8s.aws/instance-size", "operator": "In", "values": ["large", "xlarge"]}
    ]
    assert on("hypervisor", terms) == [
        {"key": "karpenter.k8s.aws/instance-hypervisor", "operator": "In", "values": ["nitro"]}
    ]


def test_positive_lists_combine_with_exclusions() -> None:
    terms = requirements(
        NodeGroup(name="a", instances=Instances(families=["m7i"], exclude_sizes=["metal-24xl"])),
        instances=Instances(exclude_families=["t3"]),
    )
    assert [(t["operator"], t["values"]) for t in on("family", terms)] == [("In", ["m7i"]), ("NotIn", ["t3"])]
    assert [(t["operator"], t["values"]) for t in on("size", terms)] == [("NotIn", ["metal-24xl"])]


def test_min_values_go_on_the_family_in_term() -> None:
    terms = requirements(
        NodeGroup(name="a", instances=Instances(families=["m7i", "m6i"], min_values={"instance-family": 2}))
    )
    assert on("family", terms) == [
        {"key": "karpenter.k8s.aws/instance-family", "operator": "In", "values": ["m6i", "m7i"], "minValues": 2}
    ]


@pytest.mark.parametrize(
    ("group_instances", "defaults_instances", "field", "value"),
    [
        (Instances(families=["t3", "m7i"], exclude_families=["t3"]), None, "families", "t3"),
        (Instances(families=["t3"]), Instances(exclude_families=["t3"]), "families", "t3"),
        (Instances(sizes=["metal"], exclude_sizes=["metal"]), None, "sizes", "metal"),
    ],
)
def test_included_and_excluded_is_an_error(
    group_instances: Instances, defaults_instances: Instances | None, field: str, value: str
) -> None:
    with pytest.raises(
        SpecError, match=rf"^nodegroup 'a': instances\.{field}: '{value}' is also in instances\.exclude_"
    ):
        requirements(NodeGroup(name="a", instances=group_instances), instances=defaults_instances)


def test_instance_types_replace_the_positive_lists_but_not_the_exclusions() -> None:
    """Explicit beats inherited: the defaults' filters never narrow a group's own list of types; an inherited
    exclusion that removes a named type is an error saying it came from the defaults (tests/catalog)."""
    terms = requirements(
        NodeGroup(name="a", instances=Instances(instance_types=["m7i.large"])),
        instances=Instances(families=["c7i"], sizes=["large"], hypervisors=["nitro"], exclude_families=["t3"]),
    )
    keys = [(t["key"], t["operator"]) for t in terms]
    assert ("node.kubernetes.io/instance-type", "In") in keys
    assert [(t["operator"], t["values"]) for t in on("family", terms)] == [("NotIn", ["t3"])]
    assert on("size", terms) == [] and on("hypervisor", terms) == [] and on("category", terms) == []


def test_a_groups_own_filters_beside_its_types_stay() -> None:
    terms = requirements(
        NodeGroup(name="a", instances=Instances(instance_types=["m7i.large"], exclude_families=["t3"]))
    )
    assert [(t["operator"], t["values"]) for t in on("family", terms)] == [("NotIn", ["t3"])]


def test_families_are_not_narrowed_by_inherited_categories_or_generation() -> None:
    """The issue's case: families [t3, t3a, m5] with the library's categories c, m, r would drop t3 and t3a."""
    terms = requirements(
        NodeGroup(name="a", instances=Instances(families=["t3", "t3a", "m5"])),
        instances=Instances(categories=["c", "m", "r"], min_generation=6),
    )
    assert on("category", terms) == [] and on("generation", terms) == []
    assert [t["values"] for t in on("family", terms)] == [["m5", "t3", "t3a"]]
