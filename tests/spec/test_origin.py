"""A problem with a value the group inherited says ``(from defaults)``; one with the group's own value does not."""

from __future__ import annotations

import pytest

from karpenter_infra import Fleet, Instances, NodeGroup, NodeGroupDefaults, SpecError, Taint
from karpenter_infra.spec.origin import inherited_paths, inherits, is_inherited


def test_inherited_paths_are_the_settings_and_keys_the_group_leaves_to_the_defaults() -> None:
    defaults = NodeGroupDefaults(
        cluster_name="c",
        taints=[],
        labels={"team": "a", "tier": "b"},
        instances=Instances(categories=["m"], cores=[4]),
        kubelet={"max_pods": 50},
    )
    group = NodeGroup(name="web", labels={"team": "web"}, instances=Instances(cores=[8]))
    assert inherited_paths(group, defaults) == {
        "taints",
        "labels['tier']",
        "instances.categories",
        "kubelet",
    }
    assert is_inherited("taints[0].effect", inherited_paths(group, defaults))
    assert not is_inherited("labels['team']", inherited_paths(group, defaults))
    assert not is_inherited("instances.cores", inherited_paths(group, defaults))


def test_an_inherited_bad_value_names_the_defaults_and_an_own_one_does_not() -> None:
    arm = {"kubernetes.io/arch": "arm64"}
    defaults = NodeGroupDefaults(cluster_name="c", labels=arm)
    groups = [NodeGroup(name="inherits"), NodeGroup(name="own", labels=arm)]
    with pytest.raises(SpecError) as caught:
        Fleet(defaults, groups, node_role="R")
    lines = str(caught.value).splitlines()
    assert [line.split(": ")[:2] for line in lines] == [
        ["nodegroup 'inherits'", "labels['kubernetes.io/arch'] (from defaults)"],
        ["nodegroup 'own'", "labels['kubernetes.io/arch']"],
    ]


def test_an_inherited_value_that_draws_a_warning_names_the_defaults() -> None:
    defaults = NodeGroupDefaults(cluster_name="c", expire_after="1m", consolidate_after="1h")
    fleet = Fleet(defaults, [NodeGroup(name="web"), NodeGroup(name="own", expire_after="2m")], node_role="R")
    warned = {w.owner: w.located for w in fleet.warnings if w.rule == "expire-before-consolidate"}
    assert warned == {"nodegroup 'web'": "expire_after (from defaults)", "nodegroup 'own'": "expire_after"}
    lines = [str(w) for w in fleet.warnings]
    assert any(line.startswith("nodegroup 'web': expire_after (from defaults): 1m is shorter") for line in lines)


@pytest.mark.parametrize(
    "field",
    [
        "taints",
        "taints[0].effect",
        "labels['tier']",
        "labels['team']",
        "instances.categories",
        "instances.cores",
        "kubelet.max_pods",
        "weight",
        "name",
    ],
)
def test_the_cheap_lookup_agrees_with_the_paths(field: str) -> None:
    defaults = NodeGroupDefaults(
        cluster_name="c",
        taints=[],
        labels={"team": "a", "tier": "b"},
        instances=Instances(categories=["m"], cores=[4]),
        kubelet={"max_pods": 50},
    )
    group = NodeGroup(name="web", labels={"team": "web"}, instances=Instances(cores=[8]))
    assert inherits(field, group, defaults) == is_inherited(field, inherited_paths(group, defaults))


def test_a_resolve_error_about_an_inherited_setting_says_so() -> None:
    """The duplicate-taint refusal (Karpenter keys taints and startup taints together) raised while resolving: the
    group that inherits the startup taint is told where it lives; the group that set its own is not."""
    taint = Taint(key="x", value="2", effect="NoSchedule")
    defaults = NodeGroupDefaults(cluster_name="c", startup_taints=[Taint(key="x", value="1", effect="NoSchedule")])
    groups = [NodeGroup(name="a", taints=[taint]), NodeGroup(name="b", taints=[taint], startup_taints=[taint])]
    with pytest.raises(SpecError) as raised:
        Fleet(defaults, groups, node_role="r").manifests()
    assert str(raised.value).splitlines() == [
        "nodegroup 'a': startup_taints (from defaults): taint 'x' with effect NoSchedule appears twice",
        "nodegroup 'b': startup_taints: taint 'x' with effect NoSchedule appears twice",
    ]
