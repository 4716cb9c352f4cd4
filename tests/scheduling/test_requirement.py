"""The requirement algebra against the cases Karpenter's own ``requirement_test.go`` pins (tag v1.14.1)."""

from __future__ import annotations

import pytest

from karpenter_infra.scheduling import Requirement, RequirementError, Requirements, pod_requirements


def req(operator: str, *values: str, key: str = "k") -> Requirement:
    return Requirement.of(key, operator, values)


def test_gt_and_lt_become_inclusive_bounds() -> None:
    gt = req("Gt", "5")
    assert (gt.gte, gt.lte, gt.operator) == (6, None, "Exists")
    assert gt.has("6") and not gt.has("5") and not gt.has("six")
    lt = req("Lt", "5")
    assert lt.has("4") and not lt.has("5")
    assert req("Gte", "5").has("5") and req("Lte", "5").has("5") and not req("Lte", "5").has("6")


def test_not_in_is_a_complement_set() -> None:
    notin = req("NotIn", "a", "b")
    assert notin.complement and notin.operator == "NotIn" and notin.admits_absent
    assert notin.has("c") and not notin.has("a")


@pytest.mark.parametrize(
    ("left", "right", "meets"),
    [
        (req("In", "a", "b"), req("In", "b", "c"), True),
        (req("In", "a"), req("In", "b"), False),
        (req("In", "a"), req("NotIn", "a"), False),
        (req("In", "a", "b"), req("NotIn", "a"), True),
        (req("NotIn", "a"), req("NotIn", "b"), True),
        (req("Exists"), req("DoesNotExist"), False),
        (req("Gt", "5"), req("Lt", "6"), False),
        (req("Gt", "5"), req("Lt", "8"), True),
        (req("Gt", "5"), req("In", "5", "7"), True),
        (req("Gt", "5"), req("In", "1", "5"), False),
        (req("Lt", "3"), req("In", "x"), False),
    ],
)
def test_has_intersection(left: Requirement, right: Requirement, meets: bool) -> None:
    assert left.has_intersection(right) is meets
    assert right.has_intersection(left) is meets


def test_intersection_keeps_both() -> None:
    both = req("NotIn", "a").intersection(req("In", "a", "b", "c"))
    assert (both.operator, both.values) == ("In", frozenset({"b", "c"}))
    bounded = req("Gt", "2").intersection(req("In", "1", "3", "x"))
    assert bounded.values == frozenset({"3"})
    empty = req("Gt", "5").intersection(req("Lt", "3"))
    assert empty.operator == "DoesNotExist"


def test_beta_aliases_are_normalised() -> None:
    assert Requirement.of("beta.kubernetes.io/arch", "In", ["arm64"]).key == "kubernetes.io/arch"
    assert Requirement.of("failure-domain.beta.kubernetes.io/zone", "In", ["a"]).key == "topology.kubernetes.io/zone"


def test_a_bound_must_be_an_integer() -> None:
    with pytest.raises(RequirementError):
        req("Gt", "x")


@pytest.mark.parametrize(
    ("narrow", "wide", "inside"),
    [
        (req("In", "a"), req("In", "a", "b"), True),
        (req("In", "c"), req("In", "a", "b"), False),
        (req("In", "a"), req("Exists"), True),
        (req("NotIn", "a"), req("Exists"), False),  # a node without the label
        (req("Gt", "5"), req("Gt", "3"), True),
        (req("Gt", "3"), req("Gt", "5"), False),
        (req("Gt", "5"), req("Exists"), True),
        (req("In", "6", "7"), req("Gt", "5"), True),
        (req("NotIn", "a", "b"), req("NotIn", "a"), True),
        (req("NotIn", "a"), req("NotIn", "a", "b"), False),
        (req("DoesNotExist"), req("NotIn", "a"), True),
        (req("Exists"), req("In", "a"), False),
    ],
)
def test_within(narrow: Requirement, wide: Requirement, inside: bool) -> None:
    assert narrow.within(wide) is inside


def test_a_key_no_pool_defines_has_no_known_values() -> None:
    pool = Requirements.from_terms([{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]}])
    pod = Requirements.from_labels({"team": "payments"})
    assert pool.compatible(pod) == 'label "team" does not have known values'
    assert pool.compatible(pod, allow_undefined=frozenset({"team"})) is None
    # NotIn and DoesNotExist need no known values: a node without the label satisfies them.
    assert pool.compatible(Requirements.from_terms([{"key": "team", "operator": "DoesNotExist"}])) is None


def test_a_typo_gets_karpenters_hint() -> None:
    pool = Requirements.from_labels({"example.com/team": "a"})
    assert pool.compatible(Requirements.from_labels({"team": "a"})) == (
        'label "team" does not have known values (typo of "example.com/team"?)'
    )


def test_incompatible_values_name_both_sides() -> None:
    pool = Requirements.from_terms([{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]}])
    pod = Requirements.from_labels({"kubernetes.io/arch": "arm64"})
    assert (
        pool.compatible(pod)
        == "key kubernetes.io/arch, kubernetes.io/arch In [arm64] not in kubernetes.io/arch In [amd64]"
    )


def test_pod_requirements_take_one_term_and_the_heaviest_preference() -> None:
    spec = {
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "affinity": {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [
                        {"matchExpressions": [{"key": "a", "operator": "In", "values": ["1"]}]},
                        {"matchExpressions": [{"key": "b", "operator": "Exists"}]},
                    ]
                },
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {"weight": 1, "preference": {"matchExpressions": [{"key": "c", "operator": "Exists"}]}},
                    {"weight": 50, "preference": {"matchExpressions": [{"key": "d", "operator": "Exists"}]}},
                ],
            }
        },
    }
    assert set(pod_requirements(spec)) == {"kubernetes.io/os", "a", "d"}
    assert set(pod_requirements(spec, term=1, preferred=False)) == {"kubernetes.io/os", "b"}
