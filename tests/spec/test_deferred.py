"""Model errors are collected, not raised one at a time: within one model, and across models while collecting."""

from __future__ import annotations

import pytest

from karpenter_infra import NodeGroup, NodeGroupDefaults, SpecError
from karpenter_infra.spec.deferred import collecting


def test_every_contradiction_of_one_group_is_reported() -> None:
    with pytest.raises(SpecError) as caught:
        NodeGroup(
            name="web", role="r", instance_profile="p", user_data="x", user_data_template="y", replicas=2, weight=3
        )
    assert [field for field, _ in caught.value.issues] == ["role", "user_data", "weight"]


def test_while_collecting_each_model_records_its_error_and_the_next_one_is_still_checked() -> None:
    with collecting() as errors:
        defaults = NodeGroupDefaults(cluster_name="c", weight=500)
        group = NodeGroup(name="web", node_class="web")
        NodeGroup(name="ok")
    assert [(e.owner, e.issues[0][0]) for e in errors] == [("defaults", "weight"), ("nodegroup 'web'", "node_class")]
    # the stand-ins are valid models, so the user's module can run on; they never reach a fleet
    assert isinstance(defaults, NodeGroupDefaults) and isinstance(group, NodeGroup)


def test_outside_collecting_a_model_raises() -> None:
    with pytest.raises(SpecError, match="node_class: a group cannot reuse its own node class"):
        NodeGroup(name="web", node_class="web")
