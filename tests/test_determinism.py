"""Same input, same bytes: order of groups and of mapping keys never reaches the output."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from karpenter_infra import Fleet, NodeGroup, NodeGroupDefaults
from karpenter_infra.stack import load_stack

PROJECT = Path(__file__).resolve().parents[1]


def as_bytes(manifests: list[dict[str, Any]]) -> bytes:
    return json.dumps(manifests).encode()  # no sort_keys: key order is part of what must not change


def reversed_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: reversed_keys(v) for k, v in reversed(list(value.items()))}
    if isinstance(value, list):
        return [reversed_keys(v) for v in value]
    return value


def test_building_twice_is_byte_identical() -> None:
    stack = load_stack("prod", PROJECT)
    assert as_bytes(stack.fleet().manifests()) == as_bytes(stack.fleet().manifests())


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_shuffling_the_nodegroup_list_changes_nothing(rng: random.Random) -> None:
    stack = load_stack("dev", PROJECT)
    shuffled = list(stack.nodegroups)
    rng.shuffle(shuffled)
    expected = as_bytes(stack.fleet().manifests())
    fleet = Fleet(stack.defaults, shuffled, node_role=stack.platform.node_role_name)
    assert as_bytes(fleet.manifests()) == expected


def test_key_order_of_every_mapping_changes_nothing() -> None:
    stack = load_stack("dev", PROJECT)
    expected = as_bytes(stack.fleet().manifests())
    defaults = NodeGroupDefaults.model_validate(reversed_keys(stack.defaults.model_dump(exclude_none=True)))
    groups = [NodeGroup.model_validate(reversed_keys(g.model_dump(exclude_none=True))) for g in stack.nodegroups]
    assert as_bytes(Fleet(defaults, groups, node_role=stack.platform.node_role_name).manifests()) == expected


def test_changing_one_group_changes_only_its_objects() -> None:
    stack = load_stack("dev", PROJECT)
    before = stack.fleet().manifests_by_group()
    changed = [g.model_copy(update={"weight": 7}) if g.name == "jobs" else g for g in stack.nodegroups]
    after = Fleet(stack.defaults, changed, node_role=stack.platform.node_role_name).manifests_by_group()
    differing = {name for name in before if before[name] != after[name]}
    assert differing == {"jobs"}
    [pool_before] = [m for m in before["jobs"] if m["kind"] == "NodePool"]
    [pool_after] = [m for m in after["jobs"] if m["kind"] == "NodePool"]
    assert pool_after["spec"]["weight"] == 7
    assert [m for m in before["jobs"] if m["kind"] != "NodePool"] == [
        m for m in after["jobs"] if m["kind"] != "NodePool"
    ]
    assert pool_before != pool_after


def _containers(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [value, *(c for v in value.values() for c in _containers(v))]
    if isinstance(value, list):
        return [value, *(c for v in value for c in _containers(v))]
    return []


def test_no_two_places_in_the_output_are_one_object() -> None:
    """Groups share resolved values (one per distinct input); editing one manifest must not edit another."""
    groups = [NodeGroup(name=name, labels={"team": "a"}, instances={"cores": [4, 8]}) for name in ("a", "b", "c")]
    defaults = NodeGroupDefaults(
        cluster_name="t",
        instances={"categories": ["m"]},
        kubelet={"cluster_dns": ["10.0.0.10"], "system_reserved": {"cpu": "100m"}},
        node_tags={"team": "a"},
        block_device_mappings=[{"device_name": "/dev/xvda", "volume_size": "20Gi"}],
    )
    fleet = Fleet(defaults, groups, node_role="R")
    for output in (fleet.manifests(), list(fleet.manifests_by_group().values())):
        containers = _containers(output)
        assert len({id(c) for c in containers}) == len(containers)
