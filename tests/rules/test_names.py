"""Kubernetes names: qualified keys, label values, restricted domains, taint pairs, labels against requirements."""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra.rules.names import (
    WELL_KNOWN_LABELS,
    label_problem,
    label_value_problem,
    qualified_name_problem,
    restricted_label_problem,
)
from tests.rules.support import accepted, refused_group


@pytest.mark.parametrize(
    ("key", "ok"),
    [
        ("team", True),
        ("example.com/team", True),
        ("a" * 63, True),
        ("a" * 64, False),
        ("a" * 253 + "/x", True),
        ("a" * 254 + "/x", False),
        ("example.com/a/b", False),
        ("/team", False),
        ("example.com/", False),
        ("Example.com/team", False),
        ("team_", False),
        ("te am", False),
    ],
)
def test_qualified_names(key: str, ok: bool) -> None:
    assert (qualified_name_problem(key) is None) is ok


@pytest.mark.parametrize(
    ("value", "ok"), [("", True), ("v1.2_x-y", True), ("a" * 63, True), ("a" * 64, False), ("-a", False)]
)
def test_label_values(value: str, ok: bool) -> None:
    assert (label_value_problem(value) is None) is ok


@pytest.mark.parametrize(
    ("key", "ok"),
    [
        ("kubernetes.io/arch", True),
        ("topology.kubernetes.io/zone", True),
        ("node.kubernetes.io/role", True),
        ("team.node-restriction.kubernetes.io/x", True),
        ("kops.k8s.io/instancegroup", True),
        ("karpenter.k8s.aws/instance-family", True),
        ("karpenter.sh/capacity-type", True),
        ("example.com/x", True),
        ("karpenter.sh/custom", False),
        ("team.karpenter.sh/x", False),
        ("karpenter.k8s.aws/custom", False),
        ("kubernetes.io/hostname", False),
        ("app.kubernetes.io/part-of", True),
        ("node-role.kubernetes.io/worker", True),
        ("k8s.io/x", True),
        ("karpenter.k8s.aws/ec2nodeclass", False),
    ],
)
def test_restricted_domains_follow_karpenter(key: str, ok: bool) -> None:
    assert (restricted_label_problem(key) is None) is ok


def test_well_known_labels_are_karpenter_v1_14s() -> None:
    # Found by `make conformance`: v1.14.1 registers no instance-nitro-enclaves-supported label (the CRD refuses it).
    assert "karpenter.k8s.aws/instance-nitro-enclaves-supported" not in WELL_KNOWN_LABELS
    assert restricted_label_problem("karpenter.k8s.aws/instance-nitro-enclaves-supported") is not None


def test_node_labels_leave_the_karpenter_sh_domain_to_the_crd_rules() -> None:
    # The NodePool mirror's CEL rules refuse karpenter.sh/... with the group's name; no second message for it.
    assert label_problem("karpenter.sh/custom", "x") is None
    assert label_problem("app.kubernetes.io/part-of", "x") is None
    assert label_problem("karpenter.k8s.aws/custom", "x") is not None


@pytest.mark.parametrize(
    ("settings", "field", "words"),
    [
        ({"labels": {"a/b/c": "x"}}, "labels['a/b/c']", "more than one '/'"),
        ({"labels": {"team": "-x"}}, "labels['team']", "starting and ending alphanumeric"),
        ({"annotations": {"x" * 64: "note"}}, f"annotations[{'x' * 64!r}]", "more than 63"),
        ({"taints": [{"key": "a" * 64}]}, "taints[0]", "more than 63"),
        ({"startup_taints": [{"key": "ok", "value": "-bad"}]}, "startup_taints[0]", "alphanumeric"),
        (
            {"taints": [{"key": "gpu"}], "startup_taints": [{"key": "gpu"}]},
            "startup_taints",
            "appears twice",
        ),
        (
            {"labels": {"kubernetes.io/arch": "arm64"}},
            "labels['kubernetes.io/arch']",
            "contradicts instances.architecture ['amd64']",
        ),
        (
            {"labels": {"karpenter.sh/capacity-type": "spot"}},
            "labels['karpenter.sh/capacity-type']",
            "contradicts instances.capacity_types",
        ),
        # Found by `make conformance`: the NodePool CRD's label rule lets it through, RuntimeValidate refuses it.
        (
            {"labels": {"karpenter.k8s.aws/ec2nodeclass": "x"}},
            "labels['karpenter.k8s.aws/ec2nodeclass']",
            "set by Karpenter",
        ),
        (
            {"additional_requirements": [{"key": "karpenter.k8s.aws/ec2nodeclass", "operator": "NotIn"}]},
            "additional_requirements[0].key",
            "a domain Karpenter reserves",
        ),
    ],
)
def test_refused(settings: dict[str, Any], field: str, words: str) -> None:
    refused_group(field, words, **settings)


@pytest.mark.parametrize(
    "settings",
    [
        {"labels": {"example.com/team": "web", "node.kubernetes.io/role": "web"}},
        {"annotations": {"example.com/owner": "anything at all, annotations take any value"}},
        {"taints": [{"key": "gpu", "effect": "NoSchedule"}], "startup_taints": [{"key": "gpu", "effect": "NoExecute"}]},
        {"labels": {"kubernetes.io/arch": "arm64"}, "instances": {"architecture": "arm64"}},
        {"labels": {"kubernetes.io/arch": "arm64"}, "instances": {"architecture": "multiarch"}},
    ],
)
def test_accepted(settings: dict[str, Any]) -> None:
    accepted(**settings)
