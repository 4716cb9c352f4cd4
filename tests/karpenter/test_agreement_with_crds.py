"""Our mirror and the real CRDs (``tests/crd_validator.py``: the CRD schema plus its CEL rules) accept the same things.

Every hand-written case of ``test_nodepool.py`` and ``test_ec2nodeclass.py`` is replayed, then hypothesis varies the
parts of a NodePool most exposed to user input: requirements, template labels and taints, plus AMI aliases and tags
of an EC2NodeClass. Only acceptance is compared; paths and wording legitimately differ.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from karpenter_infra.karpenter import ManifestError, validate_manifest
from karpenter_infra.karpenter.patterns import (
    KARPENTER_K8S_AWS_ALLOWED_LABELS,
    KARPENTER_SH_ALLOWED_LABELS,
    RESTRICTED_TAG_KEYS,
    AmiAliasFamily,
    AmiFamily,
    Operator,
    TaintEffect,
)
from tests.crd_validator import crd_validator
from tests.karpenter import test_ec2nodeclass, test_nodepool
from tests.karpenter.test_nodepool import Case, edit

Manifest = dict[str, Any]

CASES: list[Case] = [
    *test_nodepool.VALID,
    *test_nodepool.INVALID,
    *test_ec2nodeclass.VALID,
    *test_ec2nodeclass.INVALID,
]


def ours(manifest: Manifest) -> list[tuple[str, str]]:
    try:
        validate_manifest(manifest)
    except ManifestError as exc:
        return exc.issues
    return []


def theirs(manifest: Manifest) -> list[str]:
    return crd_validator().errors(manifest)


def assert_agree(manifest: Manifest) -> None:
    our_issues, their_errors = ours(manifest), theirs(manifest)
    assert bool(our_issues) == bool(their_errors), f"ours: {our_issues}\nCRD: {their_errors}"


@pytest.mark.parametrize("case", CASES, ids=[f"{case.manifest['kind']}-{case.id}" for case in CASES])
def test_hand_written_cases_agree(case: Case) -> None:
    if case.crd_agrees:
        assert_agree(case.manifest)
    else:  # where we are stricter on purpose, keep proving it is only there
        assert ours(case.manifest) and not theirs(case.manifest)


# --- generated NodePools --------------------------------------------------------------------------------------------

# Letters the patterns care about, plus a few that only a careless regex would accept.
_ALPHABET = "abcXYZ019-_./ @\n\u00e9\u0665"
_text = st.text(_ALPHABET, max_size=12)
_qualified = st.from_regex(
    r"\A([a-z0-9]([-a-z0-9]{0,6}[a-z0-9])?(\.[a-z]{1,4}){0,2}/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,8}[A-Za-z0-9])?\Z"
)


def mostly(usual: st.SearchStrategy[Any], odd: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``odd`` one time in eight: enough to hit every rule, rare enough that some manifests pass."""
    return st.integers(0, 7).flatmap(lambda roll: odd if roll == 0 else usual)


_label_keys = mostly(
    st.one_of(
        st.sampled_from(
            [
                *sorted(KARPENTER_SH_ALLOWED_LABELS | KARPENTER_K8S_AWS_ALLOWED_LABELS),
                "kubernetes.io/arch",
                "karpenter.sh.example.com/x",
                "example.com/karpenter.sh",
                "/karpenter.sh",
            ]
        ),
        _qualified,
    ),
    st.one_of(
        st.sampled_from(
            [
                "karpenter.sh/nodepool",
                "karpenter.sh/team",
                "kubernetes.io/hostname",
                "karpenter.k8s.aws/instance-price",
                "team.karpenter.sh/x",
                "karpenter.sh",
                "xkarpenter.k8s.aws",
            ]
        ),
        _text,
    ),
)
_integer_text = mostly(
    st.integers(0, 10**6).map(str),
    st.one_of(
        st.integers(-5, 2**64).map(str),
        st.sampled_from(["+7", "-0", "007", " 1", "1 ", "0x1", "1e3", "1_0", "", "\u0661"]),
    ),
)
_values = st.one_of(st.lists(_integer_text, min_size=1, max_size=1), st.lists(mostly(_qualified, _text), max_size=3))
_requirement = st.fixed_dictionaries(
    {"key": _label_keys, "operator": mostly(st.sampled_from([o.value for o in Operator]), st.just("Equals"))},
    optional={"values": _values, "minValues": mostly(st.integers(1, 3), st.integers(-1, 52))},
)
_label_values = mostly(_qualified.filter(lambda v: "/" not in v), st.one_of(_text, st.just("v" * 64)))
_taint = st.fixed_dictionaries(
    {
        "key": mostly(_qualified, _text),
        "effect": mostly(st.sampled_from([e.value for e in TaintEffect]), st.just("NoEvict")),
    },
    optional={
        "value": mostly(_qualified, _text),
        "timeAdded": st.sampled_from(["2025-01-02T03:04:05Z", "2025-02-30T00:00:00Z", "2025-01-02t03:04:05z", "now"]),
    },
)

_SLOW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _nodepool(
    requirements: list[dict[str, Any]],
    labels: dict[str, str],
    taints: list[dict[str, Any]],
    startup_taints: list[dict[str, Any]],
) -> dict[str, Any]:
    return edit(
        test_nodepool.MINIMAL,
        {
            "spec.template.spec.requirements": requirements,
            "spec.template.metadata": {"labels": labels},
            "spec.template.spec.taints": taints,
            "spec.template.spec.startupTaints": startup_taints,
        },
    )


#: NodePools around the minimal one, with generated requirements, labels and taints; `make conformance` draws from
#: the same strategy for Karpenter's own code.
generated_nodepools = st.builds(
    _nodepool,
    requirements=st.lists(_requirement, max_size=4),
    labels=st.dictionaries(_label_keys, _label_values, max_size=3),
    taints=st.lists(_taint, max_size=2),
    startup_taints=st.lists(_taint, max_size=2),
)


@_SLOW
@given(generated_nodepools)
def test_generated_node_pools_agree(manifest: dict[str, Any]) -> None:
    assert_agree(manifest)


# --- generated EC2NodeClasses ---------------------------------------------------------------------------------------

_alias = mostly(
    st.builds(
        "{}@{}".format,
        mostly(st.sampled_from([f.value for f in AmiAliasFamily]), _text),
        mostly(st.sampled_from(["latest", "v20250101"]), _text),
    ),
    _text,
)
_ami_term = st.one_of(
    st.fixed_dictionaries({"alias": _alias}),
    st.fixed_dictionaries(
        {},
        optional={
            "id": st.sampled_from(["ami-0abc", "img-1"]),
            "name": _text,
            "owner": st.just("self"),
            "tags": st.dictionaries(mostly(_qualified, _text), mostly(_qualified, _text), max_size=2),
            "alias": _alias,
        },
    ),
)
_tag_keys = mostly(
    st.one_of(_qualified, st.just("kubernetes.io/role")),
    st.one_of(st.sampled_from([*RESTRICTED_TAG_KEYS, "kubernetes.io/cluster/dev", ""]), _text),
)


def _nodeclass(terms: list[dict[str, Any]], ami_family: str | None, tags: dict[str, str]) -> dict[str, Any]:
    changes: dict[str, Any] = {"spec.amiSelectorTerms": terms, "spec.tags": tags, "spec.amiFamily": ami_family}
    if ami_family is None:
        changes["spec.amiFamily"] = test_nodepool.DELETE
    return edit(test_ec2nodeclass.MINIMAL, changes)


#: EC2NodeClasses around the minimal one, with generated AMI terms, family and tags (shared with `make conformance`).
generated_nodeclasses = st.builds(
    _nodeclass,
    terms=st.lists(_ami_term, min_size=1, max_size=2),
    ami_family=st.one_of(st.none(), st.sampled_from([f.value for f in AmiFamily])),
    tags=st.dictionaries(_tag_keys, _text, max_size=3),
)


@_SLOW
@given(generated_nodeclasses)
def test_generated_node_classes_agree(manifest: dict[str, Any]) -> None:
    assert_agree(manifest)
