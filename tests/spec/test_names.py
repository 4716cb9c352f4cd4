"""The EKS cluster-name rule, and that every AWS name derived from a cluster name stays valid under it."""

from __future__ import annotations

import re

import pytest

from karpenter_infra import Fleet, NodeGroup, NodeGroupDefaults
from karpenter_infra.aws.policies import controller_policy_names
from karpenter_infra.errors import SpecError
from karpenter_infra.spec.platform import PlatformSpec

# AWS's own name rules (IAM CreateRole RoleName, SQS CreateQueue QueueName).
IAM_ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}")
SQS_QUEUE_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")

VALID = ["custom_ci-cluster", "Prod-Cluster", "9lives", "a", "trailing-", "x" * 100]
INVALID = ["-lead", "_lead", "dotted.name", "sp ace", "x" * 101, ""]


def platform(name: str) -> PlatformSpec:
    return PlatformSpec.model_validate(
        {"cluster": {"name": name, "vpc_id": "vpc-0abc", "private_subnet_ids": ["subnet-0a", "subnet-0b"]}}
    )


@pytest.mark.parametrize("name", VALID)
def test_eks_names_are_accepted_and_render(name: str) -> None:
    fleet = Fleet(NodeGroupDefaults(cluster_name=name), [NodeGroup(name="a")], node_role="R")
    [nodeclass] = [m for m in fleet.manifests() if m["kind"] == "EC2NodeClass"]
    assert nodeclass["spec"]["subnetSelectorTerms"] == [{"tags": {"karpenter.sh/discovery": name}}]
    assert nodeclass["spec"]["tags"]["cluster"] == name


@pytest.mark.parametrize("name", INVALID)
def test_names_eks_refuses_are_refused_by_defaults_and_platform(name: str) -> None:
    with pytest.raises(SpecError, match=r"^defaults: cluster_name: "):
        NodeGroupDefaults(cluster_name=name)
    with pytest.raises(SpecError, match=r"^karpenter-infra:platform: cluster\.name: "):
        platform(name)


@pytest.mark.parametrize("name", ["custom_ci-cluster", "Prod-Cluster", "X_" + "y" * 41])
def test_names_derived_from_an_eks_name_are_valid_aws_names(name: str) -> None:
    spec = platform(name)
    assert IAM_ROLE_NAME.fullmatch(spec.node_role_name), spec.node_role_name
    assert IAM_ROLE_NAME.fullmatch(spec.iam.controller_role(name))
    assert SQS_QUEUE_NAME.fullmatch(name)  # the interruption queue is named after the cluster
    assert all(len(policy) <= 128 for policy in controller_policy_names(name).values())
