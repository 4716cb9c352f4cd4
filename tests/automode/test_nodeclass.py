"""The Auto Mode NodeClass mirror: a full manifest passes; each documented constraint rejects, at its path."""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra.automode.nodeclass import NodeClassRule
from karpenter_infra.automode.render import AutoModeBackend
from karpenter_infra.karpenter import ManifestError
from karpenter_infra.spec.nodegroup import NodeGroupDefaults
from tests.karpenter.test_nodepool import DELETE, Case, edit

Manifest = dict[str, Any]

NODE_CLASS: Manifest = {
    "apiVersion": "eks.amazonaws.com/v1",
    "kind": "NodeClass",
    "metadata": {"name": "jobs-amd64", "labels": {"app.kubernetes.io/managed-by": "karpenter-infra"}},
    "spec": {
        "role": "EKSAutoNodeRole-auto",
        "subnetSelectorTerms": [{"tags": {"karpenter.sh/discovery": "auto"}}, {"id": "subnet-0abc123"}],
        "securityGroupSelectorTerms": [{"tags": {"karpenter.sh/discovery": "auto"}}, {"name": "nodes"}],
        "podSubnetSelectorTerms": [{"tags": {"pods": "true"}}],
        "podSecurityGroupSelectorTerms": [{"id": "sg-0abc"}],
        "capacityReservationSelectorTerms": [{"tags": {"team": "ml"}, "owner": "123456789012"}, {"id": "cr-0ab"}],
        "snatPolicy": "Disabled",
        "networkPolicy": "DefaultDeny",
        "networkPolicyEventLogs": "Enabled",
        "ephemeralStorage": {"size": "160Gi", "iops": 3000, "throughput": 125, "kmsKeyID": "alias/nodes"},
        "advancedNetworking": {
            "associatePublicIPAddress": False,
            "httpsProxy": "http://proxy:3128",
            "noProxy": ["169.254.169.254"],
        },
        "advancedSecurity": {"fips": True, "kernelLockdown": "integrity"},
        "certificateBundles": [{"name": "corp", "data": "LS0tLS1CRUdJTg=="}],
        "tags": {"team": "platform"},
    },
}

INVALID = [
    Case("no role", edit(NODE_CLASS, {"spec.role": DELETE}), "spec.role", "Field required"),
    Case("empty role", edit(NODE_CLASS, {"spec.role": ""}), "spec.role", NodeClassRule.ROLE_EMPTY),
    Case("no subnets", edit(NODE_CLASS, {"spec.subnetSelectorTerms": []}), "spec.subnetSelectorTerms"),
    Case(
        "empty subnet term",
        edit(NODE_CLASS, {"spec.subnetSelectorTerms": [{}]}),
        "spec.subnetSelectorTerms[0]",
        NodeClassRule.TERM_EMPTY,
    ),
    Case(
        "subnet id with tags",
        edit(NODE_CLASS, {"spec.subnetSelectorTerms": [{"id": "subnet-1", "tags": {"a": "b"}}]}),
        "spec.subnetSelectorTerms[0].id",
        NodeClassRule.ID_EXCLUSIVE,
    ),
    Case(
        "bad subnet id",
        edit(NODE_CLASS, {"spec.subnetSelectorTerms": [{"id": "vpc-1"}]}),
        "spec.subnetSelectorTerms[0].id",
        "pattern",
    ),
    Case(
        "no security groups",
        edit(NODE_CLASS, {"spec.securityGroupSelectorTerms": []}),
        "spec.securityGroupSelectorTerms",
        NodeClassRule.SECURITY_GROUP_TERMS_EMPTY,
    ),
    Case(
        "empty tag value in a selector",
        edit(NODE_CLASS, {"spec.securityGroupSelectorTerms": [{"tags": {"a": ""}}]}),
        "spec.securityGroupSelectorTerms[0].tags.a",
        NodeClassRule.SELECTOR_TAGS_EMPTY,
    ),
    Case(
        "pod subnets without pod security groups",
        edit(NODE_CLASS, {"spec.podSecurityGroupSelectorTerms": DELETE}),
        "spec.podSubnetSelectorTerms",
        NodeClassRule.POD_NETWORK_PAIR,
    ),
    Case(
        "pod security group by name",
        edit(NODE_CLASS, {"spec.podSecurityGroupSelectorTerms": [{"name": "pods"}]}),
        "spec.podSecurityGroupSelectorTerms[0].name",
        "Extra inputs",
    ),
    Case(
        "capacity reservation owner not an account",
        edit(NODE_CLASS, {"spec.capacityReservationSelectorTerms": [{"tags": {"a": "b"}, "owner": "me"}]}),
        "spec.capacityReservationSelectorTerms[0].owner",
        "pattern",
    ),
    Case("snat policy", edit(NODE_CLASS, {"spec.snatPolicy": "random"}), "spec.snatPolicy", "Input should be"),
    Case(
        "network policy",
        edit(NODE_CLASS, {"spec.networkPolicy": "Deny"}),
        "spec.networkPolicy",
        "Input should be",
    ),
    Case(
        "network policy event logs",
        edit(NODE_CLASS, {"spec.networkPolicyEventLogs": "On"}),
        "spec.networkPolicyEventLogs",
        "Input should be",
    ),
    Case(
        "ephemeral size over 59000Gi",
        edit(NODE_CLASS, {"spec.ephemeralStorage.size": "59001Gi"}),
        "spec.ephemeralStorage.size",
        "pattern",
    ),
    Case(
        "ephemeral size in Mi",
        edit(NODE_CLASS, {"spec.ephemeralStorage.size": "500Mi"}),
        "spec.ephemeralStorage.size",
        "pattern",
    ),
    Case(
        "ephemeral iops under 3000",
        edit(NODE_CLASS, {"spec.ephemeralStorage.iops": 2999}),
        "spec.ephemeralStorage.iops",
        "greater than or equal to 3000",
    ),
    Case(
        "ephemeral iops over 16000",
        edit(NODE_CLASS, {"spec.ephemeralStorage.iops": 16001}),
        "spec.ephemeralStorage.iops",
        "less than or equal to 16000",
    ),
    Case(
        "ephemeral throughput over 1000",
        edit(NODE_CLASS, {"spec.ephemeralStorage.throughput": 1001}),
        "spec.ephemeralStorage.throughput",
        "less than or equal to 1000",
    ),
    Case(
        "snake_case kms key",
        edit(NODE_CLASS, {"spec.ephemeralStorage": {"kms_key_id": "k"}}),
        "spec.ephemeralStorage.kms_key_id",
        "Extra inputs",
    ),
    Case(
        "kernel lockdown",
        edit(NODE_CLASS, {"spec.advancedSecurity.kernelLockdown": "confidentiality"}),
        "spec.advancedSecurity.kernelLockdown",
        "Input should be",
    ),
    Case(
        "certificate bundle without data",
        edit(NODE_CLASS, {"spec.certificateBundles": [{"name": "corp", "data": ""}]}),
        "spec.certificateBundles[0].data",
        NodeClassRule.BUNDLE_EMPTY,
    ),
    Case("empty tag key", edit(NODE_CLASS, {"spec.tags": {"": "x"}}), 'spec.tags[""]', NodeClassRule.TAG_KEY_EMPTY),
    Case("EC2NodeClass field", edit(NODE_CLASS, {"spec.userData": "#!/bin/sh"}), "spec.userData", "Extra inputs"),
    Case("amiFamily", edit(NODE_CLASS, {"spec.amiFamily": "AL2023"}), "spec.amiFamily", "Extra inputs"),
    Case("explicit null", edit(NODE_CLASS, {"spec.snatPolicy": None}), "spec.snatPolicy", "Input should be"),
    Case(
        "wrong API version",
        edit(NODE_CLASS, {"apiVersion": "eks.amazonaws.com/v1beta1"}),
        "apiVersion",
        "Input should be",
    ),
]


@pytest.fixture(scope="module")
def backend() -> AutoModeBackend:
    return AutoModeBackend(NodeGroupDefaults(cluster_name="auto"), [])


def test_a_node_class_using_every_documented_field_passes(backend: AutoModeBackend) -> None:
    backend.validate(NODE_CLASS)


@pytest.mark.parametrize("case", INVALID, ids=lambda c: c.id)
def test_invalid_node_classes_are_refused_at_their_path(backend: AutoModeBackend, case: Case) -> None:
    with pytest.raises(ManifestError) as raised:
        backend.validate(case.manifest)
    assert raised.value.kind == "NodeClass"
    assert raised.value.name == "jobs-amd64"
    paths = dict(raised.value.issues)
    assert case.path in paths, raised.value.issues
    assert case.message in paths[case.path]
