"""A manifest's shape is checked once: one that differs from a valid one only in its independent parts (names,
labels, ``nodeClassRef.name``, user data, tag values) gets exactly the verdict and errors of the whole check."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from karpenter_infra.karpenter import EC2NodeClass, ManifestError, NodePool, validate_manifest
from karpenter_infra.karpenter import validate as validate_module
from karpenter_infra.karpenter.validate import manifest_issues
from tests.karpenter.test_ec2nodeclass import EC2_NODE_CLASS
from tests.karpenter.test_nodepool import DELETE, MINIMAL, NODE_POOL, edit

Manifest = dict[str, Any]
TEMPLATE = "spec.template"

VARIANTS: list[tuple[str, Manifest]] = [
    ("renamed", edit(NODE_POOL, {"metadata.name": "other", "spec.template.spec.nodeClassRef.name": "other"})),
    ("bad-name", edit(NODE_POOL, {"metadata.name": "Not_A_DNS_Label"})),
    ("long-name", edit(NODE_POOL, {"metadata.name": "x" * 64})),
    ("bad-label-value", edit(NODE_POOL, {"metadata.labels.nodegroup": "-bad"})),
    ("bad-label-key", edit(NODE_POOL, {"metadata.labels": {"not a key": "x"}})),
    ("more-labels", edit(NODE_POOL, {"metadata.labels": {"a": "b", "example.com/c": "d"}})),
    ("no-metadata", edit(NODE_POOL, {"metadata": DELETE})),
    ("null-metadata", edit(NODE_POOL, {"metadata": None})),
    ("node-labels", edit(NODE_POOL, {f"{TEMPLATE}.metadata.labels": {"team": "b", "nodegroup": "c"}})),
    ("restricted-node-label", edit(NODE_POOL, {f"{TEMPLATE}.metadata.labels": {"karpenter.sh/nodepool": "x"}})),
    ("bad-node-label-value", edit(NODE_POOL, {f"{TEMPLATE}.metadata.labels.team": "a b"})),
    ("null-template-metadata", edit(NODE_POOL, {f"{TEMPLATE}.metadata": None})),
    ("no-template-metadata", edit(NODE_POOL, {f"{TEMPLATE}.metadata": DELETE})),
    ("empty-class-name", edit(NODE_POOL, {f"{TEMPLATE}.spec.nodeClassRef.name": ""})),
    ("class-name-not-a-string", edit(NODE_POOL, {f"{TEMPLATE}.spec.nodeClassRef.name": 5})),
    ("minimal-renamed", edit(MINIMAL, {"metadata.name": "other"})),
    ("class-renamed", edit(EC2_NODE_CLASS, {"metadata.name": "other", "metadata.labels": {"nodegroup": "b"}})),
    ("class-bad-name", edit(EC2_NODE_CLASS, {"metadata.name": "a.b"})),
    ("user-data", edit(EC2_NODE_CLASS, {"spec.userData": "#!/bin/sh\necho other\n"})),
    ("user-data-not-a-string", edit(EC2_NODE_CLASS, {"spec.userData": 5})),
    ("user-data-null", edit(EC2_NODE_CLASS, {"spec.userData": None})),
    ("tag-values", edit(EC2_NODE_CLASS, {"spec.tags": {"team": "other", "cost-center": ""}})),
    ("tag-value-not-a-string", edit(EC2_NODE_CLASS, {"spec.tags": {"team": 1}})),
    ("restricted-tag", edit(EC2_NODE_CLASS, {"spec.tags": {"karpenter.sh/nodepool": "x"}})),
    ("true-for-one", edit(NODE_POOL, {"spec.limits.cpu": True})),
]


def _whole_check(manifest: Manifest) -> list[tuple[str, str]] | None:
    model = NodePool if manifest["kind"] == "NodePool" else EC2NodeClass
    try:
        model.model_validate(manifest, by_alias=True, by_name=False)
    except ValidationError as exc:
        return manifest_issues(exc)
    return None


def _checked(manifest: Manifest) -> list[tuple[str, str]] | None:
    try:
        validate_manifest(manifest)
    except ManifestError as exc:
        return exc.issues
    return None


@pytest.mark.parametrize(("variant", "manifest"), VARIANTS, ids=[v for v, _ in VARIANTS])
def test_a_variant_of_a_known_shape_gets_the_whole_checks_verdict(variant: str, manifest: Manifest) -> None:
    for known in (NODE_POOL, MINIMAL, EC2_NODE_CLASS):
        validate_manifest(known)
    assert _checked(manifest) == _whole_check(manifest)
    assert _checked(manifest) == _whole_check(manifest)  # and again, once its own shape is known


def test_a_known_shape_is_not_checked_whole_again(monkeypatch: pytest.MonkeyPatch) -> None:
    validate_manifest(NODE_POOL)
    checked: list[type] = []
    whole = validate_module._validate

    def counting(model: type[Any], data: Any) -> None:
        checked.append(model)
        whole(model, data)

    monkeypatch.setattr(validate_module, "_validate", counting)
    validate_manifest(edit(NODE_POOL, {"metadata.name": "renamed", f"{TEMPLATE}.metadata.labels.team": "b"}))
    assert NodePool not in checked and checked
    validate_manifest(edit(NODE_POOL, {"spec.weight": 7}))  # a new shape: checked whole, then remembered
    assert NodePool in checked
