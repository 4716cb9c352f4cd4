"""NodePool: valid manifests pass; each schema constraint and CEL rule rejects, at the right path, with its message.

``VALID`` and ``INVALID`` are also replayed against the real CRDs by ``test_agreement_with_crds.py``.
"""

from __future__ import annotations

import copy
import re
from typing import Any, NamedTuple

import pytest
from pydantic import ValidationError

from karpenter_infra.karpenter import ManifestError, NodePool, validate_manifest
from karpenter_infra.karpenter.nodepool import NodePoolRule, Requirement, restricted_label_rules
from karpenter_infra.karpenter.patterns import ConsolidationPolicy, DisruptionReason, Operator, TaintEffect

Manifest = dict[str, Any]
DELETE = object()


class Case(NamedTuple):
    id: str
    manifest: Manifest
    #: Where the problem is reported, e.g. ``spec.template.spec.requirements[2].values``.
    path: str = ""
    #: A CEL rule (compared exactly) or a fragment of pydantic's message.
    message: str = ""
    #: False where we are deliberately stricter than the CRD; the reason is in the id.
    crd_agrees: bool = True


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def edit(base: Manifest, changes: dict[str, Any]) -> Manifest:
    """A deep copy of ``base`` with ``{"spec.weight": 5, "spec.limits": DELETE}`` applied."""
    manifest = copy.deepcopy(base)
    for path, value in changes.items():
        steps: list[str | int] = [name if name else int(index) for name, index in _STEP.findall(path)]
        parent: Any = manifest
        for step in steps[:-1]:
            parent = parent[step]
        if value is DELETE:
            del parent[steps[-1]]
        else:
            parent[steps[-1]] = copy.deepcopy(value)
    return manifest


REQUIREMENTS = "spec.template.spec.requirements"

NODE_POOL: Manifest = {
    "apiVersion": "karpenter.sh/v1",
    "kind": "NodePool",
    "metadata": {
        "name": "workers-amd64",
        "labels": {"app.kubernetes.io/managed-by": "karpenter-infra", "nodegroup": "workers"},
        "annotations": {"karpenter-infra.dev/revision": "3"},
    },
    "spec": {
        "template": {
            "metadata": {
                "labels": {
                    "team": "platform",
                    "empty-value": "",
                    "karpenter.sh/capacity-type": "spot",
                    "karpenter.k8s.aws/instance-family": "m7i",
                },
                "annotations": {"example.com/owner": "platform team <platform@example.com>"},
            },
            "spec": {
                "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "workers-amd64"},
                "requirements": [
                    {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]},
                    {
                        "key": "karpenter.sh/capacity-type",
                        "operator": "In",
                        "values": ["spot", "on-demand"],
                        "minValues": 2,
                    },
                    {"key": "karpenter.k8s.aws/instance-generation", "operator": "Gt", "values": ["5"]},
                    {"key": "karpenter.k8s.aws/instance-cpu", "operator": "Lte", "values": ["64"]},
                    {"key": "karpenter.k8s.aws/instance-family", "operator": "Exists", "minValues": 5},
                    {"key": "karpenter.k8s.aws/instance-size", "operator": "NotIn", "values": ["metal"]},
                    {"key": "example.com/gpu", "operator": "DoesNotExist"},
                ],
                "taints": [{"key": "workload", "value": "batch", "effect": "NoSchedule"}],
                "startupTaints": [
                    {
                        "key": "node.cilium.io/agent-not-ready",
                        "effect": "NoExecute",
                        "timeAdded": "2025-01-02T03:04:05Z",
                    }
                ],
                "expireAfter": "720h",
                "terminationGracePeriod": "2h30m",
            },
        },
        "disruption": {
            "consolidationPolicy": "Balanced",
            "consolidateAfter": "5m",
            "budgets": [
                {"nodes": "10%"},
                {
                    "nodes": "0",
                    "reasons": ["Drifted", "Underutilized"],
                    "schedule": "0 9 * * mon-fri",
                    "duration": "8h",
                },
                # nodes is required, but defaulted ("10%") before the apiserver validates.
                {"schedule": "@daily", "duration": "1h30m"},
            ],
        },
        "limits": {"cpu": 1000, "memory": "4000Gi", "nvidia.com/gpu": "8"},
        "weight": 50,
    },
}

MINIMAL: Manifest = {
    "apiVersion": "karpenter.sh/v1",
    "kind": "NodePool",
    "metadata": {"name": "minimal"},
    "spec": {
        "template": {
            "spec": {
                "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "default"},
                "requirements": [],
            }
        }
    },
}

STATIC = edit(NODE_POOL, {"spec.replicas": 3, "spec.limits": {"nodes": 5}, "spec.weight": DELETE})


def requirement(term: dict[str, Any]) -> Manifest:
    return edit(NODE_POOL, {f"{REQUIREMENTS}[0]": term})


def labels(extra: dict[str, str]) -> Manifest:
    return edit(NODE_POOL, {"spec.template.metadata.labels": {"team": "platform", **extra}})


VALID: list[Case] = [
    Case("full", NODE_POOL),
    Case("minimal", MINIMAL),
    Case("static", STATIC),
    Case("static-without-limits", edit(STATIC, {"spec.limits": DELETE})),
    Case("static-with-empty-limits", edit(STATIC, {"spec.limits": {}})),
    Case("static-zero-replicas", edit(STATIC, {"spec.replicas": 0})),
    Case(
        "never-expire-never-consolidate",
        edit(NODE_POOL, {"spec.template.spec.expireAfter": "Never", "spec.disruption.consolidateAfter": "Never"}),
    ),
    Case(
        "compound-durations",
        edit(
            NODE_POOL, {"spec.template.spec.expireAfter": "1h30m10s", "spec.disruption.budgets[1].duration": "1h30m0s"}
        ),
    ),
    Case("weight-bounds", edit(NODE_POOL, {"spec.weight": 100})),
    Case("budget-count", edit(NODE_POOL, {"spec.disruption.budgets": [{"nodes": "100%"}, {"nodes": "250"}]})),
    Case("no-budgets", edit(NODE_POOL, {"spec.disruption.budgets": []})),
    Case("gt-zero", requirement({"key": "karpenter.k8s.aws/instance-cpu", "operator": "Gt", "values": ["0"]})),
    # CEL's int() is Go's ParseInt: a sign is allowed, and -0 is 0.
    Case("gte-plus-sign", requirement({"key": "karpenter.k8s.aws/instance-cpu", "operator": "Gte", "values": ["+7"]})),
    Case("lt-minus-zero", requirement({"key": "karpenter.k8s.aws/instance-cpu", "operator": "Lt", "values": ["-0"]})),
    Case(
        "in-min-values-equal",
        requirement({"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["a", "b"], "minValues": 2}),
    ),
    Case("notin-without-values", requirement({"key": "example.com/x", "operator": "NotIn"})),
    # The CRD's label-value pattern sits on the array, not its items, so the apiserver does not apply it.
    Case(
        "requirement-value-not-a-label-value",
        requirement({"key": "example.com/x", "operator": "In", "values": ["not a label value!"]}),
    ),
    Case("key-mentions-domain-elsewhere", requirement({"key": "example.com/karpenter.sh", "operator": "Exists"})),
    Case("domain-starts-with-karpenter-sh", requirement({"key": "karpenter.sh.example.com/x", "operator": "Exists"})),
    Case("allowed-aws-label", labels({"karpenter.k8s.aws/instance-category": "m"})),
    Case("unprefixed-label-keys-unchecked", labels({"Not A Qualified Key": "x"})),
    Case("hundred-labels", edit(NODE_POOL, {"spec.template.metadata.labels": {f"l{i}": "v" for i in range(100)}})),
    Case("limits-int-and-quantities", edit(NODE_POOL, {"spec.limits": {"cpu": -1, "memory": "1.5e3", "pods": "+.5"}})),
    Case(
        "key-only-taint", edit(NODE_POOL, {"spec.template.spec.taints": [{"key": "dedicated", "effect": "NoExecute"}]})
    ),
    Case(
        "taint-time-offset",
        edit(NODE_POOL, {"spec.template.spec.startupTaints[0].timeAdded": "2025-01-02T03:04:05.123+02:00"}),
    ),
    Case("taint-value-qualified", edit(NODE_POOL, {"spec.template.spec.taints[0].value": "example.com/batch"})),
]


def _invalid_requirement(name: str, term: dict[str, Any], field: str, rule: NodePoolRule) -> Case:
    return Case(name, requirement(term), f"{REQUIREMENTS}[0].{field}", rule)


_LABELS = "spec.template.metadata.labels"

INVALID: list[Case] = [
    # --- CEL rules
    Case(
        "schedule-without-duration",
        edit(NODE_POOL, {"spec.disruption.budgets[1].duration": DELETE}),
        "spec.disruption.budgets[1]",
        NodePoolRule.SCHEDULE_WITH_DURATION,
    ),
    Case(
        "duration-without-schedule",
        edit(NODE_POOL, {"spec.disruption.budgets[0].duration": "8h"}),
        "spec.disruption.budgets[0]",
        NodePoolRule.SCHEDULE_WITH_DURATION,
    ),
    Case(
        "static-with-cpu-limit",
        edit(STATIC, {"spec.limits": {"nodes": 5, "cpu": 10}}),
        "spec.limits",
        NodePoolRule.STATIC_LIMITS,
    ),
    Case(
        "static-with-only-cpu-limit",
        edit(STATIC, {"spec.limits": {"cpu": 10}}),
        "spec.limits",
        NodePoolRule.STATIC_LIMITS,
    ),
    Case("static-with-weight", edit(STATIC, {"spec.weight": 10}), "spec.weight", NodePoolRule.STATIC_WEIGHT),
    Case(
        "empty-group",
        edit(NODE_POOL, {"spec.template.spec.nodeClassRef.group": ""}),
        "spec.template.spec.nodeClassRef.group",
        NodePoolRule.GROUP_EMPTY,
    ),
    Case(
        "empty-kind",
        edit(NODE_POOL, {"spec.template.spec.nodeClassRef.kind": ""}),
        "spec.template.spec.nodeClassRef.kind",
        NodePoolRule.KIND_EMPTY,
    ),
    Case(
        "empty-name",
        edit(NODE_POOL, {"spec.template.spec.nodeClassRef.name": ""}),
        "spec.template.spec.nodeClassRef.name",
        NodePoolRule.NAME_EMPTY,
    ),
    Case(
        "label-karpenter-sh-domain",
        labels({"karpenter.sh/team": "x"}),
        f'{_LABELS}["karpenter.sh/team"]',
        NodePoolRule.KARPENTER_SH_DOMAIN,
    ),
    Case(
        "label-karpenter-sh-subdomain",
        labels({"team.karpenter.sh/x": "x"}),
        f'{_LABELS}["team.karpenter.sh/x"]',
        NodePoolRule.KARPENTER_SH_DOMAIN,
    ),
    Case(
        "label-karpenter-sh-suffix-without-slash",
        labels({"notkarpenter.sh": "x"}),
        f'{_LABELS}["notkarpenter.sh"]',
        NodePoolRule.KARPENTER_SH_DOMAIN,
    ),
    Case(
        "label-nodepool",
        labels({"karpenter.sh/nodepool": "x"}),
        f'{_LABELS}["karpenter.sh/nodepool"]',
        NodePoolRule.NODEPOOL_LABEL,
    ),
    Case(
        "label-hostname",
        labels({"kubernetes.io/hostname": "x"}),
        f'{_LABELS}["kubernetes.io/hostname"]',
        NodePoolRule.HOSTNAME_LABEL,
    ),
    Case(
        "label-karpenter-k8s-aws-domain",
        labels({"karpenter.k8s.aws/ec2nodeclass-owner": "x"}),
        f'{_LABELS}["karpenter.k8s.aws/ec2nodeclass-owner"]',
        NodePoolRule.KARPENTER_K8S_AWS_DOMAIN,
    ),
    _invalid_requirement(
        "key-karpenter-sh-domain",
        {"key": "karpenter.sh/team", "operator": "Exists"},
        "key",
        NodePoolRule.KARPENTER_SH_DOMAIN,
    ),
    _invalid_requirement(
        "key-nodepool",
        {"key": "karpenter.sh/nodepool", "operator": "In", "values": ["a"]},
        "key",
        NodePoolRule.NODEPOOL_LABEL,
    ),
    _invalid_requirement(
        "key-hostname",
        {"key": "kubernetes.io/hostname", "operator": "In", "values": ["a"]},
        "key",
        NodePoolRule.HOSTNAME_LABEL,
    ),
    _invalid_requirement(
        "key-karpenter-k8s-aws-domain",
        {"key": "karpenter.k8s.aws/instance-price", "operator": "Exists"},
        "key",
        NodePoolRule.KARPENTER_K8S_AWS_DOMAIN,
    ),
    _invalid_requirement(
        "in-without-values", {"key": "example.com/x", "operator": "In"}, "values", NodePoolRule.IN_NEEDS_VALUES
    ),
    _invalid_requirement(
        "in-with-empty-values",
        {"key": "example.com/x", "operator": "In", "values": []},
        "values",
        NodePoolRule.IN_NEEDS_VALUES,
    ),
    _invalid_requirement(
        "gt-not-an-integer",
        {"key": "example.com/x", "operator": "Gt", "values": ["five"]},
        "values",
        NodePoolRule.NUMERIC_SINGLE_VALUE,
    ),
    _invalid_requirement(
        "lt-negative",
        {"key": "example.com/x", "operator": "Lt", "values": ["-1"]},
        "values",
        NodePoolRule.NUMERIC_SINGLE_VALUE,
    ),
    _invalid_requirement(
        "gte-two-values",
        {"key": "example.com/x", "operator": "Gte", "values": ["1", "2"]},
        "values",
        NodePoolRule.NUMERIC_SINGLE_VALUE,
    ),
    _invalid_requirement(
        "lte-without-values", {"key": "example.com/x", "operator": "Lte"}, "values", NodePoolRule.NUMERIC_SINGLE_VALUE
    ),
    _invalid_requirement(
        "gt-hex",
        {"key": "example.com/x", "operator": "Gt", "values": ["0x10"]},
        "values",
        NodePoolRule.NUMERIC_SINGLE_VALUE,
    ),
    _invalid_requirement(
        "gt-padded",
        {"key": "example.com/x", "operator": "Gt", "values": [" 7"]},
        "values",
        NodePoolRule.NUMERIC_SINGLE_VALUE,
    ),
    _invalid_requirement(
        "gt-beyond-int64",
        {"key": "example.com/x", "operator": "Gt", "values": [str(2**63)]},
        "values",
        NodePoolRule.NUMERIC_SINGLE_VALUE,
    ),
    _invalid_requirement(
        "min-values-above-count",
        {"key": "example.com/x", "operator": "In", "values": ["a"], "minValues": 2},
        "minValues",
        NodePoolRule.MIN_VALUES,
    ),
    # --- schema: top level and metadata
    Case("wrong-api-version", edit(NODE_POOL, {"apiVersion": "karpenter.sh/v1beta1"}), "apiVersion", "karpenter.sh/v1"),
    Case("no-spec", edit(NODE_POOL, {"spec": DELETE}), "spec", "Field required"),
    Case(
        "status-is-not-ours",
        edit(NODE_POOL, {"status": {}}),
        "status",
        "Extra inputs are not permitted",
        crd_agrees=False,
    ),  # the apiserver ignores status on create; a renderer emitting one has a bug
    Case("no-name", edit(NODE_POOL, {"metadata.name": DELETE}), "metadata.name", "Field required"),
    Case("uppercase-name", edit(NODE_POOL, {"metadata.name": "Workers"}), "metadata.name", "should match pattern"),
    Case("name-over-63", edit(NODE_POOL, {"metadata.name": "w" * 64}), "metadata.name", "at most 63"),
    Case(
        "dotted-name-is-no-dns-label",
        edit(NODE_POOL, {"metadata.name": "workers.amd64"}),
        "metadata.name",
        "should match pattern",
        crd_agrees=False,
    ),  # a subdomain the apiserver and Karpenter would take
    Case(
        "bad-metadata-label-key",
        edit(NODE_POOL, {"metadata.labels": {"a/b/c": "x"}}),
        'metadata.labels["a/b/c"]',
        "invalid key 'a/b/c'",
    ),
    Case(
        "bad-metadata-label-value",
        edit(NODE_POOL, {"metadata.labels": {"team": "-x"}}),
        "metadata.labels.team",
        "should match pattern",
    ),
    # --- schema: spec
    Case(
        "unknown-field",
        edit(NODE_POOL, {"spec.template.spec.kubelet": {}}),
        "spec.template.spec.kubelet",
        "Extra inputs are not permitted",
    ),
    Case(
        "snake-case-field",
        edit(NODE_POOL, {"spec.disruption.consolidate_after": "5m", "spec.disruption.consolidateAfter": DELETE}),
        "spec.disruption.consolidate_after",
        "Extra inputs are not permitted",
    ),
    Case("null-instead-of-absent", edit(NODE_POOL, {"spec.weight": None}), "spec.weight", "valid integer"),
    Case("weight-zero", edit(NODE_POOL, {"spec.weight": 0}), "spec.weight", "greater than or equal to 1"),
    Case("weight-over-100", edit(NODE_POOL, {"spec.weight": 101}), "spec.weight", "less than or equal to 100"),
    Case("weight-as-string", edit(NODE_POOL, {"spec.weight": "50"}), "spec.weight", "valid integer"),
    Case("weight-as-bool", edit(NODE_POOL, {"spec.weight": True}), "spec.weight", "valid integer"),
    Case("negative-replicas", edit(STATIC, {"spec.replicas": -1}), "spec.replicas", "greater than or equal to 0"),
    Case("replicas-beyond-int64", edit(STATIC, {"spec.replicas": 2**63}), "spec.replicas", "less than or equal"),
    Case("limit-float", edit(NODE_POOL, {"spec.limits": {"cpu": 1.5}}), "spec.limits.cpu", "integer or a string"),
    Case(
        "limit-bad-quantity",
        edit(NODE_POOL, {"spec.limits": {"memory": "8GB"}}),
        "spec.limits.memory",
        "integer or a string",
    ),
    Case("no-template-spec", edit(NODE_POOL, {"spec.template.spec": DELETE}), "spec.template.spec", "Field required"),
    Case(
        "no-node-class-ref",
        edit(NODE_POOL, {"spec.template.spec.nodeClassRef": DELETE}),
        "spec.template.spec.nodeClassRef",
        "Field required",
    ),
    Case("no-requirements", edit(NODE_POOL, {REQUIREMENTS: DELETE}), REQUIREMENTS, "Field required"),
    Case(
        "node-class-group-with-slash",
        edit(NODE_POOL, {"spec.template.spec.nodeClassRef.group": "a/b"}),
        "spec.template.spec.nodeClassRef.group",
        "should match pattern",
    ),
    Case(
        "101-requirements",
        edit(NODE_POOL, {REQUIREMENTS: [{"key": f"k{i}", "operator": "Exists"} for i in range(101)]}),
        REQUIREMENTS,
        "at most 100 items",
    ),
    Case(
        "key-over-316", requirement({"key": "a" * 317, "operator": "Exists"}), f"{REQUIREMENTS}[0].key", "at most 316"
    ),
    Case(
        "key-bad-shape",
        requirement({"key": "Example.com/x", "operator": "Exists"}),
        f"{REQUIREMENTS}[0].key",
        "should match pattern",
    ),
    Case(
        "unknown-operator",
        requirement({"key": "example.com/x", "operator": "Equals", "values": ["a"]}),
        f"{REQUIREMENTS}[0].operator",
        "Input should be 'Gte', 'Lte', 'In'",
    ),
    Case("no-operator", requirement({"key": "example.com/x"}), f"{REQUIREMENTS}[0].operator", "Field required"),
    Case(
        "min-values-zero",
        requirement({"key": "example.com/x", "operator": "Exists", "minValues": 0}),
        f"{REQUIREMENTS}[0].minValues",
        "greater than or equal to 1",
    ),
    Case(
        "min-values-over-50",
        requirement({"key": "example.com/x", "operator": "Exists", "minValues": 51}),
        f"{REQUIREMENTS}[0].minValues",
        "less than or equal to 50",
    ),
    Case(
        "values-not-a-list",
        requirement({"key": "example.com/x", "operator": "In", "values": "a"}),
        f"{REQUIREMENTS}[0].values",
        "valid list",
    ),
    Case("label-value-over-63", labels({"team": "t" * 64}), f"{_LABELS}.team", "at most 63"),
    Case("label-value-bad-shape", labels({"team": "a b"}), f"{_LABELS}.team", "should match pattern"),
    Case("101-labels", edit(NODE_POOL, {_LABELS: {f"l{i}": "v" for i in range(101)}}), _LABELS, "at most 100 items"),
    Case(
        "taint-empty-key",
        edit(NODE_POOL, {"spec.template.spec.taints[0].key": ""}),
        "spec.template.spec.taints[0].key",
        "at least 1 character",
    ),
    Case(
        "taint-bad-key",
        edit(NODE_POOL, {"spec.template.spec.taints[0].key": "-workload"}),
        "spec.template.spec.taints[0].key",
        "should match pattern",
    ),
    Case(
        "taint-empty-value",
        edit(NODE_POOL, {"spec.template.spec.taints[0].value": ""}),
        "spec.template.spec.taints[0].value",
        "should match pattern",
    ),
    Case(
        "taint-bad-effect",
        edit(NODE_POOL, {"spec.template.spec.startupTaints[0].effect": "NoEvict"}),
        "spec.template.spec.startupTaints[0].effect",
        "Input should be 'NoSchedule'",
    ),
    Case(
        "taint-no-effect",
        edit(NODE_POOL, {"spec.template.spec.taints[0].effect": DELETE}),
        "spec.template.spec.taints[0].effect",
        "Field required",
    ),
    Case(
        "taint-time-not-a-time",
        edit(NODE_POOL, {"spec.template.spec.startupTaints[0].timeAdded": "yesterday"}),
        "spec.template.spec.startupTaints[0].timeAdded",
        "should match pattern",
    ),
    Case(
        "taint-time-impossible",
        edit(NODE_POOL, {"spec.template.spec.startupTaints[0].timeAdded": "2025-02-30T00:00:00Z"}),
        "spec.template.spec.startupTaints[0].timeAdded",
        "RFC 3339",
    ),
    Case(
        "expire-after-days",
        edit(NODE_POOL, {"spec.template.spec.expireAfter": "30d"}),
        "spec.template.spec.expireAfter",
        "should match pattern",
    ),
    Case(
        "grace-period-never",
        edit(NODE_POOL, {"spec.template.spec.terminationGracePeriod": "Never"}),
        "spec.template.spec.terminationGracePeriod",
        "should match pattern",
    ),
    Case(
        "consolidate-after-words",
        edit(NODE_POOL, {"spec.disruption.consolidateAfter": "5 minutes"}),
        "spec.disruption.consolidateAfter",
        "should match pattern",
    ),
    Case(
        "no-consolidate-after",
        edit(NODE_POOL, {"spec.disruption.consolidateAfter": DELETE}),
        "spec.disruption.consolidateAfter",
        "Field required",
    ),
    Case(
        "v1beta1-policy",
        edit(NODE_POOL, {"spec.disruption.consolidationPolicy": "WhenUnderutilized"}),
        "spec.disruption.consolidationPolicy",
        "Input should be 'WhenEmpty'",
    ),
    Case(
        "budget-over-100-percent",
        edit(NODE_POOL, {"spec.disruption.budgets[0].nodes": "101%"}),
        "spec.disruption.budgets[0].nodes",
        "should match pattern",
    ),
    Case(
        "budget-as-int",
        edit(NODE_POOL, {"spec.disruption.budgets[0].nodes": 5}),
        "spec.disruption.budgets[0].nodes",
        "valid string",
    ),
    Case(
        "budget-unknown-reason",
        edit(NODE_POOL, {"spec.disruption.budgets[1].reasons": ["Expired"]}),
        "spec.disruption.budgets[1].reasons[0]",
        "Input should be 'Underutilized'",
    ),
    Case(
        "budget-duplicate-reason",
        edit(NODE_POOL, {"spec.disruption.budgets[1].reasons": ["Empty", "Drifted", "Empty"]}),
        "spec.disruption.budgets[1].reasons[2]",
        'Duplicate value: "Empty"',
    ),
    Case(
        "budget-schedule-four-fields",
        edit(NODE_POOL, {"spec.disruption.budgets[1].schedule": "0 9 * *"}),
        "spec.disruption.budgets[1].schedule",
        "should match pattern",
    ),
    Case(
        "budget-duration-seconds",
        edit(NODE_POOL, {"spec.disruption.budgets[1].duration": "30s"}),
        "spec.disruption.budgets[1].duration",
        "should match pattern",
    ),
    Case(
        "51-budgets",
        edit(NODE_POOL, {"spec.disruption.budgets": [{"nodes": "1"}] * 51}),
        "spec.disruption.budgets",
        "at most 50 items",
    ),
]


def _rejection(manifest: Manifest) -> list[tuple[str, str]]:
    with pytest.raises(ManifestError) as caught:
        validate_manifest(manifest)
    assert caught.value.kind == "NodePool"
    return caught.value.issues


@pytest.mark.parametrize("case", VALID, ids=[case.id for case in VALID])
def test_valid(case: Case) -> None:
    validate_manifest(case.manifest)
    NodePool.model_validate(case.manifest)


@pytest.mark.parametrize("case", INVALID, ids=[case.id for case in INVALID])
def test_invalid(case: Case) -> None:
    issues = _rejection(case.manifest)
    if isinstance(case.message, NodePoolRule):
        assert (case.path, case.message.value) in issues
    else:
        assert any(path == case.path and case.message in message for path, message in issues), issues


def test_every_rule_is_exercised() -> None:
    exercised = {case.message for case in INVALID if isinstance(case.message, NodePoolRule)}
    assert exercised == set(NodePoolRule)


def test_every_broken_rule_is_reported_at_once() -> None:
    manifest = edit(
        NODE_POOL,
        {
            f"{REQUIREMENTS}[0]": {"key": "karpenter.sh/nodepool", "operator": "In", "minValues": 3},
            f"{REQUIREMENTS}[2].values": ["1", "2"],
        },
    )
    assert _rejection(manifest) == [
        (f"{REQUIREMENTS}[0].key", NodePoolRule.NODEPOOL_LABEL),
        (f"{REQUIREMENTS}[0].values", NodePoolRule.IN_NEEDS_VALUES),
        (f"{REQUIREMENTS}[0].minValues", NodePoolRule.MIN_VALUES),
        (f"{REQUIREMENTS}[2].values", NodePoolRule.NUMERIC_SINGLE_VALUE),
    ]


def test_manifest_error_names_the_object() -> None:
    with pytest.raises(ManifestError) as caught:
        validate_manifest(edit(NODE_POOL, {"spec.weight": 0}))
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.kind, error.name) == ("NodePool", "workers-amd64")
    assert str(error) == "NodePool workers-amd64: spec.weight: Input should be greater than or equal to 1, got 0"


def test_unnamed_manifest_is_still_reported() -> None:
    with pytest.raises(ManifestError) as caught:
        validate_manifest(edit(NODE_POOL, {"metadata": DELETE}))
    assert caught.value.name == "<unnamed>"
    assert ("metadata", "Field required") in caught.value.issues


@pytest.mark.parametrize(
    "manifest",
    [
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"}, "spec": {"replicas": "many"}},
        {"apiVersion": "karpenter.sh/v1alpha1", "kind": "NodeOverlay", "metadata": {"name": "x"}, "spec": {}},
        {"apiVersion": "example.com/v1", "kind": "NodePool", "spec": "someone else's"},
        {"kind": ["not", "a", "kind"]},
    ],
    ids=["deployment", "node-overlay", "foreign-nodepool", "garbage"],
)
def test_other_kinds_are_not_ours(manifest: Manifest) -> None:
    validate_manifest(manifest)


def test_model_gives_typed_access() -> None:
    pool = NodePool.model_validate(NODE_POOL)
    template = pool.spec.template.spec
    assert template.requirements[1].operator is Operator.IN
    assert template.requirements[1].min_values == 2
    assert template.taints is not None and template.taints[0].effect is TaintEffect.NO_SCHEDULE
    assert pool.spec.disruption is not None
    assert pool.spec.disruption.consolidation_policy is ConsolidationPolicy.BALANCED
    assert pool.spec.disruption.budgets is not None
    assert pool.spec.disruption.budgets[1].reasons == [DisruptionReason.DRIFTED, DisruptionReason.UNDERUTILIZED]
    assert pool.spec.limits == {"cpu": 1000, "memory": "4000Gi", "nvidia.com/gpu": "8"}


def test_models_are_built_from_python_names_too() -> None:
    term = Requirement(key="kubernetes.io/os", operator=Operator.IN, values=["linux"], min_values=1)
    assert term.model_dump(by_alias=True, exclude_none=True) == {
        "key": "kubernetes.io/os",
        "operator": "In",
        "values": ["linux"],
        "minValues": 1,
    }
    with pytest.raises(ValidationError, match="frozen"):
        setattr(term, "key", "kubernetes.io/arch")  # noqa: B010


def test_strict_means_no_coercion() -> None:
    with pytest.raises(ValidationError, match="valid string"):
        NodePool.model_validate(edit(NODE_POOL, {f"{REQUIREMENTS}[0].operator": b"In"}))
    with pytest.raises(ValidationError, match="valid integer"):
        NodePool.model_validate(edit(NODE_POOL, {"spec.weight": 50.0}))


def test_restricted_label_rules_follow_cel_find() -> None:
    """``find("^([^/]+)")`` is the text before the first slash; a key starting with ``/`` has an empty domain."""
    assert restricted_label_rules("/karpenter.sh") == ()
    assert restricted_label_rules("karpenter.sh") == (NodePoolRule.KARPENTER_SH_DOMAIN,)
    assert restricted_label_rules("karpenter.sh/capacity-type") == ()
    assert restricted_label_rules("karpenter.sh/nodepool") == (NodePoolRule.NODEPOOL_LABEL,)
