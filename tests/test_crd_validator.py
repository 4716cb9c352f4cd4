"""The CRD validator rejects what the Karpenter v1.14 API would reject, and accepts what it would accept.

Every other test that says "the CRDs accept this" leans on tests/crd_validator.py, so this file proves the harness
bites: each case below breaks exactly one rule of a known-good manifest and expects the matching error.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.crd_validator import REFERENCE_DIR_ENV, CRDValidator, crd_validator, reference_dir

Manifest = dict[str, Any]

NODE_POOL: Manifest = {
    "apiVersion": "karpenter.sh/v1",
    "kind": "NodePool",
    "metadata": {"name": "workers-amd64", "labels": {"app.kubernetes.io/managed-by": "karpenter-infra"}},
    "spec": {
        "template": {
            "metadata": {"labels": {"team": "platform"}},
            "spec": {
                "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "workers-amd64"},
                "requirements": [
                    {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]},
                    {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand", "spot"]},
                    {"key": "karpenter.k8s.aws/instance-category", "operator": "In", "values": ["c", "m", "r"]},
                    {"key": "karpenter.k8s.aws/instance-generation", "operator": "Gt", "values": ["5"]},
                ],
                "taints": [{"key": "workload", "value": "batch", "effect": "NoSchedule"}],
                "expireAfter": "720h",
            },
        },
        "disruption": {
            "consolidationPolicy": "WhenEmptyOrUnderutilized",
            "consolidateAfter": "1m",
            "budgets": [{"nodes": "10%"}, {"nodes": "0", "schedule": "0 9 * * mon-fri", "duration": "8h"}],
        },
        "limits": {"cpu": "1000", "memory": "1000Gi"},
        "weight": 10,
    },
}

EC2_NODE_CLASS: Manifest = {
    "apiVersion": "karpenter.k8s.aws/v1",
    "kind": "EC2NodeClass",
    "metadata": {"name": "workers-amd64"},
    "spec": {
        "role": "KarpenterNodeRole-dev",
        "amiSelectorTerms": [{"alias": "al2023@latest"}],
        "subnetSelectorTerms": [{"tags": {"karpenter.sh/discovery": "dev"}}],
        "securityGroupSelectorTerms": [{"tags": {"karpenter.sh/discovery": "dev"}}],
        "blockDeviceMappings": [
            {
                "deviceName": "/dev/xvda",
                "rootVolume": True,
                "ebs": {"volumeSize": "100Gi", "volumeType": "gp3", "encrypted": True, "deleteOnTermination": True},
            }
        ],
        "metadataOptions": {"httpEndpoint": "enabled", "httpPutResponseHopLimit": 1, "httpTokens": "required"},
        "kubelet": {
            "maxPods": 110,
            "evictionSoft": {"memory.available": "5%"},
            "evictionSoftGracePeriod": {"memory.available": "1m"},
            "imageGCHighThresholdPercent": 85,
            "imageGCLowThresholdPercent": 80,
            "kubeReserved": {"cpu": "100m", "memory": "1Gi"},
        },
        "tags": {"team": "platform"},
    },
}

_DELETE = object()


def edited(base: Manifest, *edits: tuple[Sequence[str | int], Any]) -> Manifest:
    """A copy of `base` with each (path, value) set, or removed when the value is _DELETE."""
    manifest = copy.deepcopy(base)
    for path, value in edits:
        parent: Any = manifest
        for step in path[:-1]:
            parent = parent[step]
        if value is _DELETE:
            del parent[path[-1]]
        else:
            parent[path[-1]] = value
    return manifest


TEMPLATE_SPEC = ("spec", "template", "spec")
REQUIREMENT = (*TEMPLATE_SPEC, "requirements", 0)
KUBELET = ("spec", "kubelet")


def test_valid_manifests_pass() -> None:
    validator = crd_validator()
    assert validator.errors(NODE_POOL) == []
    assert validator.errors(EC2_NODE_CLASS) == []
    validator.check(NODE_POOL)
    validator.check(EC2_NODE_CLASS)


#: (id, a known-good manifest with one rule broken, text one of the errors must contain)
REJECTED: list[tuple[str, Manifest, str]] = [
    (
        "unknown-field",
        edited(NODE_POOL, ((*TEMPLATE_SPEC, "colour"), "blue")),
        "spec.template.spec: unknown field 'colour'",
    ),
    (
        "consolidation-policy-enum",
        edited(NODE_POOL, (("spec", "disruption", "consolidationPolicy"), "WhenIdle")),
        'spec.disruption.consolidationPolicy: Unsupported value: "WhenIdle"',
    ),
    (
        "weight-0",
        edited(NODE_POOL, (("spec", "weight"), 0)),
        "spec.weight: Invalid value: 0: should be greater than or equal to 1",
    ),
    (
        "weight-101",
        edited(NODE_POOL, (("spec", "weight"), 101)),
        "spec.weight: Invalid value: 101: should be less than or equal to 100",
    ),
    (
        "in-without-values",
        edited(NODE_POOL, ((*REQUIREMENT, "values"), [])),
        "spec.template.spec.requirements: requirements with operator 'In' must have a value defined",
    ),
    (
        "gt-not-an-integer",
        edited(NODE_POOL, ((*REQUIREMENT, "operator"), "Gt"), ((*REQUIREMENT, "values"), ["four"])),
        "must have a single positive integer value",
    ),
    (
        # cel-python alone reads int('0x10') as 16; the API server's cel-go refuses it.
        "gt-hex-is-not-a-go-int",
        edited(NODE_POOL, ((*REQUIREMENT, "operator"), "Gt"), ((*REQUIREMENT, "values"), ["0x10"])),
        "cannot convert '0x10' to int evaluating rule: requirements operator 'Gt', 'Lt', 'Gte', or 'Lte'",
    ),
    (
        "min-values-above-values",
        edited(NODE_POOL, ((*REQUIREMENT, "minValues"), 2)),
        "requirements with 'minValues' must have at least that many values specified in the 'values' field",
    ),
    (
        "budget-schedule-without-duration",
        edited(NODE_POOL, (("spec", "disruption", "budgets"), [{"nodes": "1", "schedule": "@daily"}])),
        "spec.disruption.budgets: 'schedule' must be set with 'duration'",
    ),
    (
        "restricted-label-domain",
        edited(NODE_POOL, (("spec", "template", "metadata", "labels", "karpenter.sh/foo"), "x")),
        'spec.template.metadata.labels: label domain "karpenter.sh" is restricted',
    ),
    (
        "restricted-requirement-domain",
        edited(NODE_POOL, ((*REQUIREMENT, "key"), "karpenter.sh/foo")),
        'spec.template.spec.requirements[0].key: label domain "karpenter.sh" is restricted',
    ),
    (
        "hostname-requirement",
        edited(NODE_POOL, ((*REQUIREMENT, "key"), "kubernetes.io/hostname")),
        'spec.template.spec.requirements[0].key: label "kubernetes.io/hostname" is restricted',
    ),
    (
        "nodepool-name-64-characters",
        edited(NODE_POOL, (("metadata", "name"), "n" * 64)),
        "karpenter.sh/nodepool, so it must be a valid label value of at most 63 characters",
    ),
    (
        "nodepool-name-uppercase",
        edited(NODE_POOL, (("metadata", "name"), "Workers")),
        "metadata.name: Invalid value: 'Workers': must be a lowercase RFC 1123 subdomain",
    ),
    (
        "disruption-without-consolidate-after",
        edited(NODE_POOL, (("spec", "disruption"), {"consolidationPolicy": "WhenEmpty"})),
        "spec.disruption.consolidateAfter: Required value",
    ),
    (
        "limit-not-a-quantity",
        edited(NODE_POOL, (("spec", "limits", "cpu"), "lots")),
        'spec.limits[cpu]: Invalid value: "lots": should match',
    ),
    (
        "limit-not-int-or-string",
        edited(NODE_POOL, (("spec", "limits", "cpu"), True)),
        "spec.limits[cpu]: Invalid value: true: must be an integer or a string",
    ),
    (
        "role-and-instance-profile",
        edited(EC2_NODE_CLASS, (("spec", "instanceProfile"), "KarpenterNodeInstanceProfile")),
        "spec: must specify exactly one of ['role', 'instanceProfile']",
    ),
    (
        "neither-role-nor-instance-profile",
        edited(EC2_NODE_CLASS, (("spec", "role"), _DELETE)),
        "spec: must specify exactly one of ['role', 'instanceProfile']",
    ),
    (
        "alias-with-id",
        edited(EC2_NODE_CLASS, (("spec", "amiSelectorTerms", 0, "id"), "ami-0123456789abcdef0")),
        "spec.amiSelectorTerms: 'alias' is mutually exclusive, cannot be set with a combination of other fields",
    ),
    (
        "windows-alias-pinned",
        edited(EC2_NODE_CLASS, (("spec", "amiSelectorTerms", 0, "alias"), "windows2022@v1")),
        "spec.amiSelectorTerms[0].alias: windows families may only specify version 'latest'",
    ),
    (
        "al2-family-with-al2023-alias",
        edited(EC2_NODE_CLASS, (("spec", "amiFamily"), "AL2")),
        "spec: if set, amiFamily must be 'AL2023' or 'Custom' when using an AL2023 alias",
    ),
    (
        "no-family-no-alias",
        edited(EC2_NODE_CLASS, (("spec", "amiSelectorTerms"), [{"id": "ami-0123456789abcdef0"}])),
        "spec: must specify amiFamily if amiSelectorTerms does not contain an alias",
    ),
    (
        "volume-size-0",
        edited(EC2_NODE_CLASS, (("spec", "blockDeviceMappings", 0, "ebs", "volumeSize"), "0Gi")),
        'spec.blockDeviceMappings[0].ebs.volumeSize: Invalid value: "0Gi": should match',
    ),
    (
        "two-root-volumes",
        edited(
            EC2_NODE_CLASS,
            (
                ("spec", "blockDeviceMappings"),
                [
                    {"deviceName": "/dev/xvda", "rootVolume": True, "ebs": {"volumeSize": "20Gi"}},
                    {"deviceName": "/dev/xvdb", "rootVolume": True, "ebs": {"volumeSize": "100Gi"}},
                ],
            ),
        ),
        "spec.blockDeviceMappings: must have only one blockDeviceMappings with rootVolume",
    ),
    (
        "eviction-soft-without-grace-periods",
        edited(EC2_NODE_CLASS, ((*KUBELET, "evictionSoftGracePeriod"), _DELETE)),
        "spec.kubelet: no such member in mapping: 'evictionSoftGracePeriod' evaluating rule: "
        "evictionSoft OwnerKey does not have a matching evictionSoftGracePeriod",
    ),
    (
        "eviction-soft-without-matching-grace-period",
        edited(EC2_NODE_CLASS, ((*KUBELET, "evictionSoftGracePeriod"), {"nodefs.available": "1m"})),
        "spec.kubelet: evictionSoft OwnerKey does not have a matching evictionSoftGracePeriod",
    ),
    (
        "image-gc-high-not-above-low",
        edited(EC2_NODE_CLASS, ((*KUBELET, "imageGCHighThresholdPercent"), 80)),
        "spec.kubelet: imageGCHighThresholdPercent must be greater than imageGCLowThresholdPercent",
    ),
    (
        "kube-reserved-bad-key",
        edited(EC2_NODE_CLASS, ((*KUBELET, "kubeReserved", "cpus"), "100m")),
        "spec.kubelet.kubeReserved: valid keys for kubeReserved are ['cpu','memory','ephemeral-storage','pid']",
    ),
    (
        "restricted-tag",
        edited(EC2_NODE_CLASS, (("spec", "tags", "kubernetes.io/cluster/x"), "owned")),
        "spec.tags: tag contains a restricted tag matching kubernetes.io/cluster/",
    ),
    (
        "nodeclass-name-64-characters",
        edited(EC2_NODE_CLASS, (("metadata", "name"), "c" * 64)),
        "karpenter.k8s.aws/ec2nodeclass, so it must be a valid label value of at most 63 characters",
    ),
]


@pytest.mark.parametrize(("manifest", "expected"), [pytest.param(m, e, id=i) for i, m, e in REJECTED])
def test_violation_is_rejected(manifest: Manifest, expected: str) -> None:
    errors = crd_validator().errors(manifest)
    assert any(expected in error for error in errors), errors


def test_shortcuts_agree_with_plain_evaluation() -> None:
    """The memo, the projection onto `self.<field>` and the per-element `all()` never change an answer."""
    plain = CRDValidator(fast=False)
    for manifest in [NODE_POOL, EC2_NODE_CLASS, *(manifest for _, manifest, _ in REJECTED)]:
        assert crd_validator().errors(manifest) == plain.errors(manifest)


def test_schema_errors_that_block_cel_skip_it_like_the_api_server() -> None:
    """A wrong type, enum, required or size error stops all CEL evaluation (apiextensions' hasBlockingErr)."""
    manifest = edited(NODE_POOL, (("spec", "weight"), "ten"), ((*REQUIREMENT, "key"), "kubernetes.io/hostname"))
    errors = crd_validator().errors(manifest)
    assert 'spec.weight: Invalid value: "ten": must be of type integer' in errors
    assert not any("restricted" in error for error in errors), errors
    assert errors[-1].startswith("<root>: some validation rules were not checked because the object was invalid")


def test_check_raises_with_every_error() -> None:
    broken = edited(NODE_POOL, (("spec", "weight"), 0), ((*TEMPLATE_SPEC, "colour"), "blue"))
    with pytest.raises(AssertionError) as raised:
        crd_validator().check(broken)
    assert "spec.weight" in str(raised.value)
    assert "unknown field 'colour'" in str(raised.value)


def test_defaults_fill_a_copy_before_validation() -> None:
    """Fields with a default may be omitted, as on the API server; the caller's manifest is left untouched."""
    minimal = edited(NODE_POOL, (("spec", "disruption"), _DELETE), (("spec", "weight"), _DELETE))
    budget_without_nodes = edited(
        NODE_POOL, (("spec", "disruption", "budgets"), [{"schedule": "@daily", "duration": "10m"}])
    )
    before = copy.deepcopy(minimal)
    assert crd_validator().errors(minimal) == []
    assert crd_validator().errors(budget_without_nodes) == []  # `nodes` is required, and defaults to 10%.
    assert minimal == before


def test_unknown_kinds_are_reported_not_validated() -> None:
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}
    assert not crd_validator().covers(config_map)
    assert crd_validator().covers(NODE_POOL)
    [error] = crd_validator().errors(config_map)
    assert "no CRD" in error
    assert "serves v1 ConfigMap" in error


def test_non_json_values_are_errors() -> None:
    manifest = edited(NODE_POOL, (("spec", "weight"), 10.0), (("spec", "limits", "cpu"), Path("x")))
    errors = crd_validator().errors(manifest)
    assert any("spec.weight: Invalid value: 10.0: must be of type integer" in error for error in errors), errors
    assert any("spec.limits.cpu: PosixPath" in error for error in errors), errors


def _declared_rules() -> list[str]:
    """Every `rule:` in the CRD files, by a schema-agnostic walk that cannot share the validator's blind spots."""
    found: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "x-kubernetes-validations":
                    found.extend(entry["rule"] for entry in value)
                else:
                    visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    for path in sorted((reference_dir() / "crds").glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            visit(document)
    return found


def test_every_cel_rule_compiles_and_only_transition_rules_are_skipped() -> None:
    validator = crd_validator()
    declared = _declared_rules()
    assert len(validator.rules) > 40
    assert sorted(rule.rule for rule in validator.rules) == sorted(declared)
    assert len(validator.skipped_rules) == sum("oldSelf" in rule for rule in declared) > 0
    assert all("oldSelf" in rule.rule for rule in validator.skipped_rules)


def test_all_five_crds_are_loaded() -> None:
    assert crd_validator().kinds == [
        ("autoscaling.x-k8s.io/v1beta1", "CapacityBuffer"),
        ("karpenter.k8s.aws/v1", "EC2NodeClass"),
        ("karpenter.sh/v1", "NodeClaim"),
        ("karpenter.sh/v1", "NodePool"),
        ("karpenter.sh/v1alpha1", "NodeOverlay"),
    ]


def test_reference_dir_can_be_overridden(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(REFERENCE_DIR_ENV, str(tmp_path))
    assert reference_dir() == tmp_path
    with pytest.raises(FileNotFoundError, match=REFERENCE_DIR_ENV):
        CRDValidator()
