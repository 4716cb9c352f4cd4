"""Groups that point at an EC2NodeClass the fleet does not render, and node classes rendered without a pool."""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra import Fleet, Headroom, NodeGroup, NodeGroupDefaults, SpecError

DEFAULTS = NodeGroupDefaults(cluster_name="c", ami_version="v20251016", user_data="#!/bin/sh\n")


def manifests(*groups: NodeGroup) -> list[dict[str, Any]]:
    return Fleet(DEFAULTS, list(groups), node_role="R").manifests()


def kinds(found: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(m["kind"], m["metadata"]["name"]) for m in found]


def test_existing_node_class_renders_only_the_pool_with_a_full_reference() -> None:
    found = manifests(NodeGroup(name="web", existing_node_class="default"))
    assert kinds(found) == [("NodePool", "web-amd64")]
    assert found[0]["spec"]["template"]["spec"]["nodeClassRef"] == {
        "group": "karpenter.k8s.aws",
        "kind": "EC2NodeClass",
        "name": "default",
    }


def test_existing_node_class_ignores_the_defaults_node_class_settings() -> None:
    groups = Fleet(DEFAULTS, [NodeGroup(name="web", existing_node_class="default")], node_role="R").groups
    assert groups[0].nodeclass is None and groups[0].existing_node_class
    assert Fleet(DEFAULTS, [NodeGroup(name="web", existing_node_class="default")]).node_roles == []


@pytest.mark.parametrize(
    ("setting", "value"),
    [("role", "R2"), ("ami_version", "v20250101"), ("user_data", "x"), ("node_tags", {"a": "b"})],
)
def test_node_class_settings_on_an_existing_class_group_are_errors(setting: str, value: Any) -> None:
    with pytest.raises(
        SpecError, match=rf"^nodegroup 'web': {setting}: has no effect: the group uses the existing EC2NodeClass"
    ):
        NodeGroup(name="web", existing_node_class="default", **{setting: value})


def test_existing_node_class_and_node_class_together_are_an_error() -> None:
    with pytest.raises(SpecError, match=r"^nodegroup 'b': existing_node_class: set node_class or existing"):
        NodeGroup(name="b", node_class="a", existing_node_class="default")


def test_existing_node_class_name_must_be_an_object_name() -> None:
    with pytest.raises(SpecError, match=r"^nodegroup 'b': existing_node_class: must be lower-case letters"):
        NodeGroup(name="b", existing_node_class="Not_A_Name")


def test_existing_node_class_that_the_fleet_renders_points_at_its_group() -> None:
    with pytest.raises(
        SpecError, match=r"^nodegroup 'b': existing_node_class: the fleet renders .* set node_class='a'"
    ):
        manifests(NodeGroup(name="a"), NodeGroup(name="b", existing_node_class="a-amd64"))


def test_reusing_a_group_that_uses_an_existing_class_names_the_class() -> None:
    with pytest.raises(SpecError, match=r"^nodegroup 'b': node_class: .*set existing_node_class='default'"):
        manifests(NodeGroup(name="a", existing_node_class="default"), NodeGroup(name="b", node_class="a"))


def test_node_class_only_renders_the_class_named_after_the_group() -> None:
    found = manifests(NodeGroup(name="shared", node_class_only=True))
    assert kinds(found) == [("EC2NodeClass", "shared")]
    assert found[0]["spec"]["userData"] == "#!/bin/sh\n"
    assert found[0]["spec"]["amiSelectorTerms"] == [{"alias": "al2023@v20251016"}]


def test_a_pool_may_reuse_a_node_class_only_group() -> None:
    found = manifests(NodeGroup(name="shared", node_class_only=True), NodeGroup(name="web", node_class="shared"))
    assert kinds(found) == [("EC2NodeClass", "shared"), ("NodePool", "web-amd64")]
    assert found[1]["spec"]["template"]["spec"]["nodeClassRef"]["name"] == "shared"


@pytest.mark.parametrize(
    ("setting", "value"),
    [("taints", []), ("weight", 5), ("headroom", [Headroom(size="small", count=1)]), ("replicas", 1)],
)
def test_pool_settings_on_a_node_class_only_group_are_errors(setting: str, value: Any) -> None:
    with pytest.raises(SpecError, match=rf"^nodegroup 'c': {setting}: has no effect: node_class_only renders no"):
        NodeGroup(name="c", node_class_only=True, **{setting: value})


def test_a_class_only_name_may_not_clash_with_a_rendered_class() -> None:
    with pytest.raises(SpecError, match=r"renders EC2NodeClass 'web-amd64', as does group"):
        manifests(NodeGroup(name="web"), NodeGroup(name="web-amd64", node_class_only=True))
