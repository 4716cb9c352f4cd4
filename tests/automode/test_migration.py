"""`karpenter-infra diff` on a backend change: every pool says, plainly, that all of its nodes are replaced."""

from __future__ import annotations

from pathlib import Path

from karpenter_infra import Fleet, NodeGroup, NodeGroupDefaults
from karpenter_infra.diff import Impact, diff_manifests, report

DEFAULTS = NodeGroupDefaults(cluster_name="c")
GROUPS = [NodeGroup(name="web"), NodeGroup(name="web-od", group_label="web", node_class="web")]
PROJECT = Path(__file__).resolve().parents[2]


def manifests(backend: str) -> list[dict[str, object]]:
    return Fleet(DEFAULTS, GROUPS, node_role="Nodes", backend=backend).manifests()


def test_moving_to_auto_mode_replaces_every_node_of_every_pool() -> None:
    changes = diff_manifests(manifests("karpenter"), manifests("auto-mode"))
    pools = [c for c in changes if c.kind == "NodePool"]
    assert {c.name for c in pools} == {"web-amd64", "web-od-amd64"}
    # Everything that exists goes: each pool is deleted and created again (the API server refuses to change its
    # nodeClassRef's group), each old class is removed; what is added (the new NodeClasses) replaces nothing by itself.
    assert {c.impact for c in pools} == {Impact.RECREATE} and all(c.replaces_nodes for c in pools)
    assert all(c.impact is Impact.DRIFT for c in changes if c.change == "removed")
    assert {c.impact for c in changes if c.change == "added"} == {Impact.NEW}
    text = report(changes)
    for pool in ("web-amd64", "web-od-amd64"):
        assert f"changed NodePool {pool}  [REPLACES EVERY NODE: backend karpenter -> auto-mode]" in text
    assert "removed EC2NodeClass web-amd64  [REMOVES NODES: Karpenter drains and terminates them]" in text
    assert "added NodeClass web-amd64  [new: replaces no node]" in text
    assert "nodeClassRef's group is immutable" in text
    assert "widens" not in text  # nothing of the old pool survives, so no field is "only behaviour"


def test_moving_back_says_so_too() -> None:
    text = report(diff_manifests(manifests("auto-mode"), manifests("karpenter")))
    assert text.count("[REPLACES EVERY NODE: backend auto-mode -> karpenter]") == 2


def test_a_change_within_one_backend_is_weighed_as_before() -> None:
    wider = [NodeGroup(name="web", weight=10), GROUPS[1]]
    after = Fleet(DEFAULTS, wider, node_role="Nodes", backend="auto-mode").manifests()
    text = report(diff_manifests(manifests("auto-mode"), after))
    assert "changed NodePool web-amd64  [behaviour only]" in text
    assert "backend" not in text
