"""The controller's policies, statement for statement as the template's; the package docstring lists the departures."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from karpenter_infra.aws.arns import (
    AwsContext,
    check_queue_arn,
    check_role_arn,
    eks_cluster_arn,
)
from karpenter_infra.aws.policies.document import check_size, policy_document

_MANAGED_POLICY_NAME_MAX_CHARS = 128

# Short names are the template's resource names in kebab case, without the "Policy" suffix.
CONTROLLER_POLICY_KEYS = (
    "node-lifecycle",
    "iam-integration",
    "eks-integration",
    "interruption",
    "zonal-shift",
    "resource-discovery",
)
_MANAGED_POLICY_NAME_PREFIXES = {
    "node-lifecycle": "KarpenterControllerNodeLifecyclePolicy",
    "iam-integration": "KarpenterControllerIAMIntegrationPolicy",
    "eks-integration": "KarpenterControllerEKSIntegrationPolicy",
    "interruption": "KarpenterControllerInterruptionPolicy",
    "zonal-shift": "KarpenterControllerZonalShiftPolicy",
    "resource-discovery": "KarpenterControllerResourceDiscoveryPolicy",
}

# The template lists both spellings in every partition instead of ec2.${AWS::URLSuffix}, so the condition holds
# whichever name EC2 presents; a PassRole denied here fails at node launch, long after the deploy succeeded.
_EC2_SERVICE_NAMES = ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"]

_CLUSTER_NAME = re.compile(r"[0-9A-Za-z][A-Za-z0-9_-]{0,99}")


def controller_policy_names(cluster_name: str) -> dict[str, str]:
    """The template's ``ManagedPolicyName`` per policy, so a reader of the IAM console recognises them."""
    cluster = _check_cluster_name(cluster_name)
    names = {key: f"{_MANAGED_POLICY_NAME_PREFIXES[key]}-{cluster}" for key in CONTROLLER_POLICY_KEYS}
    too_long = {key: name for key, name in names.items() if len(name) > _MANAGED_POLICY_NAME_MAX_CHARS}
    if too_long:
        raise ValueError(
            f"cluster name {cluster_name!r}: policy names {sorted(too_long.values())} exceed IAM's "
            f"{_MANAGED_POLICY_NAME_MAX_CHARS} characters"
        )
    return names


def controller_policies(
    ctx: AwsContext,
    cluster_name: str,
    node_role_arns: Sequence[str],
    interruption_queue_arn: str | None,
) -> dict[str, dict[str, Any]]:
    cluster = _check_cluster_name(cluster_name)
    roles = _passable_roles(ctx, node_role_arns)
    policies = {
        "node-lifecycle": _node_lifecycle(ctx, cluster),
        "iam-integration": _iam_integration(ctx, cluster, roles),
        "eks-integration": _eks_integration(ctx, cluster),
    }
    if interruption_queue_arn is not None:
        policies["interruption"] = _interruption(check_queue_arn(ctx, interruption_queue_arn))
    policies["zonal-shift"] = _zonal_shift(ctx, cluster)
    policies["resource-discovery"] = _resource_discovery(ctx)
    for key, document in policies.items():
        check_size(f"controller policy {key!r}", document)
    return policies


def _node_lifecycle(ctx: AwsContext, cluster: str) -> dict[str, Any]:
    p, r = ctx.partition, ctx.region
    owned = f"kubernetes.io/cluster/{cluster}"
    launched = [
        f"arn:{p}:ec2:{r}:*:fleet/*",
        f"arn:{p}:ec2:{r}:*:instance/*",
        f"arn:{p}:ec2:{r}:*:volume/*",
        f"arn:{p}:ec2:{r}:*:network-interface/*",
        f"arn:{p}:ec2:{r}:*:launch-template/*",
        f"arn:{p}:ec2:{r}:*:spot-instances-request/*",
    ]
    return policy_document(
        {
            "Sid": "AllowScopedEC2InstanceAccessActions",
            "Effect": "Allow",
            "Resource": [
                f"arn:{p}:ec2:{r}::image/*",
                f"arn:{p}:ec2:{r}::snapshot/*",
                f"arn:{p}:ec2:{r}:*:security-group/*",
                f"arn:{p}:ec2:{r}:*:subnet/*",
                f"arn:{p}:ec2:{r}:*:capacity-reservation/*",
                f"arn:{p}:ec2:{r}:*:placement-group/*",
            ],
            "Action": ["ec2:RunInstances", "ec2:CreateFleet"],
        },
        {
            "Sid": "AllowScopedEC2LaunchTemplateAccessActions",
            "Effect": "Allow",
            "Resource": f"arn:{p}:ec2:{r}:*:launch-template/*",
            "Action": ["ec2:RunInstances", "ec2:CreateFleet"],
            "Condition": {
                "StringEquals": {f"aws:ResourceTag/{owned}": "owned"},
                "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"},
            },
        },
        {
            "Sid": "AllowScopedEC2InstanceActionsWithTags",
            "Effect": "Allow",
            "Resource": list(launched),
            "Action": ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
            "Condition": {
                "StringEquals": {
                    f"aws:RequestTag/{owned}": "owned",
                    "aws:RequestTag/eks:eks-cluster-name": cluster,
                },
                "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"},
            },
        },
        {
            "Sid": "AllowScopedResourceCreationTagging",
            "Effect": "Allow",
            "Resource": list(launched),
            "Action": "ec2:CreateTags",
            "Condition": {
                "StringEquals": {
                    f"aws:RequestTag/{owned}": "owned",
                    "aws:RequestTag/eks:eks-cluster-name": cluster,
                    "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
                },
                "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"},
            },
        },
        {
            "Sid": "AllowScopedResourceTagging",
            "Effect": "Allow",
            "Resource": f"arn:{p}:ec2:{r}:*:instance/*",
            "Action": "ec2:CreateTags",
            "Condition": {
                "StringEquals": {f"aws:ResourceTag/{owned}": "owned"},
                "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"},
                "StringEqualsIfExists": {"aws:RequestTag/eks:eks-cluster-name": cluster},
                "ForAllValues:StringEquals": {
                    "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"]
                },
            },
        },
        {
            "Sid": "AllowScopedDeletion",
            "Effect": "Allow",
            "Resource": [f"arn:{p}:ec2:{r}:*:instance/*", f"arn:{p}:ec2:{r}:*:launch-template/*"],
            "Action": ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
            "Condition": {
                "StringEquals": {f"aws:ResourceTag/{owned}": "owned"},
                "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"},
            },
        },
    )


def _iam_integration(ctx: AwsContext, cluster: str, roles: list[str]) -> dict[str, Any]:
    profiles = f"arn:{ctx.partition}:iam::{ctx.account_id}:instance-profile/*"
    owned = f"kubernetes.io/cluster/{cluster}"
    region_tag = "topology.kubernetes.io/region"
    return policy_document(
        {
            "Sid": "AllowPassingInstanceRole",
            "Effect": "Allow",
            # One role reads as the template does; several are a list.
            "Resource": roles[0] if len(roles) == 1 else roles,
            "Action": "iam:PassRole",
            "Condition": {"StringEquals": {"iam:PassedToService": list(_EC2_SERVICE_NAMES)}},
        },
        {
            "Sid": "AllowScopedInstanceProfileCreationActions",
            "Effect": "Allow",
            "Resource": profiles,
            "Action": ["iam:CreateInstanceProfile"],
            "Condition": {
                "StringEquals": {
                    f"aws:RequestTag/{owned}": "owned",
                    "aws:RequestTag/eks:eks-cluster-name": cluster,
                    f"aws:RequestTag/{region_tag}": ctx.region,
                },
                "StringLike": {"aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*"},
            },
        },
        {
            "Sid": "AllowScopedInstanceProfileTagActions",
            "Effect": "Allow",
            "Resource": profiles,
            "Action": ["iam:TagInstanceProfile"],
            "Condition": {
                "StringEquals": {
                    f"aws:ResourceTag/{owned}": "owned",
                    f"aws:ResourceTag/{region_tag}": ctx.region,
                    f"aws:RequestTag/{owned}": "owned",
                    "aws:RequestTag/eks:eks-cluster-name": cluster,
                    f"aws:RequestTag/{region_tag}": ctx.region,
                },
                "StringLike": {
                    "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
                    "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
                },
            },
        },
        {
            "Sid": "AllowScopedInstanceProfileActions",
            "Effect": "Allow",
            "Resource": profiles,
            "Action": [
                "iam:AddRoleToInstanceProfile",
                "iam:RemoveRoleFromInstanceProfile",
                "iam:DeleteInstanceProfile",
            ],
            "Condition": {
                "StringEquals": {
                    f"aws:ResourceTag/{owned}": "owned",
                    f"aws:ResourceTag/{region_tag}": ctx.region,
                },
                "StringLike": {"aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*"},
            },
        },
    )


def _eks_integration(ctx: AwsContext, cluster: str) -> dict[str, Any]:
    return policy_document(
        {
            "Sid": "AllowAPIServerEndpointDiscovery",
            "Effect": "Allow",
            "Resource": eks_cluster_arn(ctx, cluster),
            "Action": "eks:DescribeCluster",
        }
    )


def _interruption(queue_arn: str) -> dict[str, Any]:
    return policy_document(
        {
            "Sid": "AllowInterruptionQueueActions",
            "Effect": "Allow",
            "Resource": queue_arn,
            "Action": ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
        }
    )


def _zonal_shift(ctx: AwsContext, cluster: str) -> dict[str, Any]:
    # "*" as in the template: the condition on the resource identifier is what keeps it to this cluster.
    return policy_document(
        {
            "Sid": "AllowZonalShiftStatusReadOnly",
            "Effect": "Allow",
            "Resource": "*",
            "Action": ["arc-zonal-shift:GetManagedResource"],
            "Condition": {"StringEquals": {"arc-zonal-shift:ResourceIdentifier": eks_cluster_arn(ctx, cluster)}},
        }
    )


def _resource_discovery(ctx: AwsContext) -> dict[str, Any]:
    return policy_document(
        {
            "Sid": "AllowRegionalReadActions",
            "Effect": "Allow",
            "Resource": "*",
            "Action": [
                "ec2:DescribeCapacityReservations",
                "ec2:DescribeImages",
                "ec2:DescribeInstances",
                "ec2:DescribeInstanceStatus",
                "ec2:DescribeInstanceTypeOfferings",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplates",
                "ec2:DescribePlacementGroups",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSpotPriceHistory",
                "ec2:DescribeSubnets",
            ],
            "Condition": {"StringEquals": {"aws:RequestedRegion": ctx.region}},
        },
        {
            "Sid": "AllowSSMReadActions",
            "Effect": "Allow",
            "Resource": f"arn:{ctx.partition}:ssm:{ctx.region}::parameter/aws/service/*",
            "Action": "ssm:GetParameter",
        },
        {
            "Sid": "AllowPricingReadActions",
            "Effect": "Allow",
            "Resource": "*",
            "Action": "pricing:GetProducts",
        },
        {
            "Sid": "AllowUnscopedInstanceProfileListAction",
            "Effect": "Allow",
            "Resource": "*",
            "Action": "iam:ListInstanceProfiles",
        },
        {
            "Sid": "AllowInstanceProfileReadActions",
            "Effect": "Allow",
            "Resource": f"arn:{ctx.partition}:iam::{ctx.account_id}:instance-profile/*",
            "Action": "iam:GetInstanceProfile",
        },
    )


def _passable_roles(ctx: AwsContext, node_role_arns: Sequence[str]) -> list[str]:
    if isinstance(node_role_arns, str):
        # A lone string is a Sequence[str] too; iterating it would yield one "role" per character.
        raise TypeError(f"node_role_arns: expected a list of role ARNs, got the string {node_role_arns!r}")
    if not node_role_arns:
        raise ValueError("node_role_arns: the controller must be able to pass at least one node role, got none")
    return sorted({check_role_arn(ctx, arn) for arn in node_role_arns})


def _check_cluster_name(cluster_name: str) -> str:
    # Cluster names end up in tag keys and ARNs; a stray "*" or "/" would widen or break every condition.
    if not isinstance(cluster_name, str) or _CLUSTER_NAME.fullmatch(cluster_name) is None:
        raise ValueError(
            f"cluster name {cluster_name!r}: EKS allows 1-100 letters, digits, '-' and '_', starting with a "
            "letter or digit"
        )
    return cluster_name
