"""Turning off the group node label: what it renders, and the combinations that would break without it."""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra import CapacitySpread, Fleet, Headroom, Instances, NodeGroup, NodeGroupDefaults, SpecError


def fleet(*groups: NodeGroup, **defaults: Any) -> Fleet:
    return Fleet(NodeGroupDefaults.model_validate({"cluster_name": "t", **defaults}), list(groups), node_role="R")


def pool(group: NodeGroup, **defaults: Any) -> dict[str, Any]:
    [manifest] = [m for m in fleet(group, **defaults).manifests() if m["kind"] == "NodePool"]
    return manifest


@pytest.mark.parametrize("where", ["group", "defaults"])
def test_group_node_label_off_renders_no_node_labels(where: str) -> None:
    manifest = (
        pool(NodeGroup(name="a", group_node_label=False))
        if where == "group"
        else pool(NodeGroup(name="a"), group_node_label=False)
    )
    assert "metadata" not in manifest["spec"]["template"]
    # The NodePool object keeps its own label: `kubectl get nodepools -l`, the diff's grouping and the alerts use it.
    assert manifest["metadata"]["labels"] == {"app.kubernetes.io/managed-by": "karpenter-infra", "nodegroup": "a"}


def test_group_node_label_off_keeps_the_users_labels_including_the_key() -> None:
    manifest = pool(NodeGroup(name="a", group_node_label=False, labels={"nodegroup": "owned-elsewhere", "x": "y"}))
    assert manifest["spec"]["template"]["metadata"] == {"labels": {"nodegroup": "owned-elsewhere", "x": "y"}}


def test_headroom_still_targets_its_pool_without_the_group_label() -> None:
    manifests = fleet(NodeGroup(name="a", group_node_label=False, headroom=[Headroom(size="small", count=1)]))
    [deployment] = [m for m in manifests.manifests() if m["kind"] == "Deployment"]
    terms = deployment["spec"]["template"]["spec"]["affinity"]["nodeAffinity"][
        "requiredDuringSchedulingIgnoredDuringExecution"
    ]["nodeSelectorTerms"]
    assert terms == [{"matchExpressions": [{"key": "karpenter.sh/nodepool", "operator": "In", "values": ["a-amd64"]}]}]


def test_capacity_spread_without_the_group_label_is_refused() -> None:
    with pytest.raises(SpecError, match=r"^nodegroup 'a': group_node_label \(from defaults\): capacity_spread needs"):
        fleet(NodeGroup(name="a", capacity_spread=CapacitySpread(start=1, end=2)), group_node_label=False)


def test_both_opt_outs_leave_nothing_the_library_adds() -> None:
    built = fleet(NodeGroup(name="a"), group_node_label=False, library_tags=False)
    kinds = {m["kind"]: m for m in built.manifests()}
    assert "tags" not in kinds["EC2NodeClass"]["spec"]
    assert "metadata" not in kinds["NodePool"]["spec"]["template"]


def test_without_the_architecture_suffix_pool_and_class_are_named_after_the_group() -> None:
    built = fleet(NodeGroup(name="default", instances=Instances(architecture="arm64")), architecture_suffix=False)
    names = {(m["kind"], m["metadata"]["name"]) for m in built.manifests()}
    assert names == {("EC2NodeClass", "default"), ("NodePool", "default")}
    [pool] = [m for m in built.manifests() if m["kind"] == "NodePool"]
    assert pool["spec"]["template"]["spec"]["nodeClassRef"]["name"] == "default"


def test_a_name_without_suffix_may_not_clash_with_a_suffixed_one() -> None:
    with pytest.raises(SpecError, match=r"renders NodePool 'a-amd64', as does group"):
        fleet(NodeGroup(name="a"), NodeGroup(name="a-amd64", architecture_suffix=False))
