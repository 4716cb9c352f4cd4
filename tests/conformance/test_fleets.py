"""A hypothesis-generated corpus, checked by Karpenter's own code (see oracle.py).

- Any fleet our models and rules accept renders manifests that Karpenter accepts (the strategies of
  tests/test_crd_conformance.py, which the fast suite runs against the Python CEL stand-in).
- Generated NodePools and EC2NodeClasses (the strategies of tests/karpenter/test_agreement_with_crds.py): the mirror
  refuses exactly what Karpenter refuses.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from karpenter_infra import Fleet, NodeGroup, NodeGroupDefaults, SpecError
from tests.conformance.oracle import Manifest, Oracle
from tests.conformance.test_manifests import disagreement
from tests.karpenter.test_agreement_with_crds import (
    _label_keys,
    _label_values,
    _requirement,
    _taint,
    generated_nodeclasses,
    generated_nodepools,
)
from tests.test_crd_conformance import groups, spread_twins

_CORPUS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def refused(oracle: Oracle, manifests: list[Manifest]) -> list[str]:
    return [v.line() for v in map(oracle.check, manifests) if v.verdict == "refused"]


@_CORPUS
@given(st.lists(groups(), min_size=1, max_size=4, unique_by=lambda g: g["name"]))
def test_any_fleet_the_model_accepts_karpenter_accepts(oracle: Oracle, settings: list[dict[str, Any]]) -> None:
    try:
        nodegroups = [NodeGroup(**group) for group in settings]
        fleet = Fleet(NodeGroupDefaults(cluster_name="Prop_Cluster-1"), nodegroups, node_role="NodeRole")
        manifests = fleet.manifests()
    except SpecError:
        assume(False)
        return
    assert refused(oracle, manifests) == []


def as_settings(manifest_part: dict[str, Any]) -> dict[str, Any]:
    """A generated requirement or taint, in the spelling of our models (``min_values``; no ``timeAdded``)."""
    renamed = {"minValues": "min_values"}
    return {renamed.get(k, k): v for k, v in manifest_part.items() if k != "timeAdded"}


#: Node groups with the raw parts a user types most freely (labels, requirements, taints), mostly odd values.
odd_groups = st.fixed_dictionaries(
    {"name": st.sampled_from(["odd", "odd-two"])},
    optional={
        "labels": st.dictionaries(_label_keys, _label_values, max_size=3),
        "additional_requirements": st.lists(_requirement.map(as_settings), max_size=3),
        "taints": st.lists(_taint.map(as_settings), max_size=2),
    },
)


@_CORPUS
@given(st.lists(odd_groups, min_size=1, max_size=2, unique_by=lambda g: str(g["name"])))
def test_odd_labels_and_requirements_the_rules_accept_karpenter_accepts(
    oracle: Oracle, settings: list[dict[str, Any]]
) -> None:
    try:
        nodegroups = [NodeGroup(**group) for group in settings]
        manifests = Fleet(NodeGroupDefaults(cluster_name="odd"), nodegroups, node_role="NodeRole").manifests()
    except (SpecError, ValueError, TypeError):
        assume(False)
        return
    assert refused(oracle, manifests) == []


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spread_twins())
def test_spread_twins_karpenter_accepts(oracle: Oracle, nodegroups: list[NodeGroup]) -> None:
    fleet = Fleet(NodeGroupDefaults(cluster_name="prop"), nodegroups, node_role="NodeRole")
    assert refused(oracle, fleet.manifests()) == []


@_CORPUS
@given(generated_nodepools)
def test_generated_node_pools_the_mirror_and_karpenter_agree(oracle: Oracle, manifest: dict[str, Any]) -> None:
    assert disagreement(manifest, oracle.check(manifest)) is None


@_CORPUS
@given(generated_nodeclasses)
def test_generated_node_classes_the_mirror_and_karpenter_agree(oracle: Oracle, manifest: dict[str, Any]) -> None:
    assert disagreement(manifest, oracle.check(manifest)) is None
