"""The node role's managed policies, and the IPv6 CNI policy AWS does not publish."""

from __future__ import annotations

from typing import Any

from karpenter_infra.aws.arns import (
    AwsContext,
    aws_managed_policy_arn,
)
from karpenter_infra.aws.policies.document import policy_document

# The four policies of the template's node role, in the order components attach them (by position).
NODE_ROLE_MANAGED_POLICIES = (
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryPullOnly",
    "AmazonSSMManagedInstanceCore",
)
_CNI_IPV4_POLICY = "AmazonEKS_CNI_Policy"
# AWS publishes no managed policy for IPv6: its EKS guide has each account create one under this name.
CNI_IPV6_POLICY_NAME = "AmazonEKS_CNI_IPv6_Policy"


def node_role_managed_policy_arns(ctx: AwsContext, ipv6: bool) -> list[str]:
    """Without IPv4 CNI permissions on IPv6 clusters: the caller attaches :func:`cni_ipv6_policy` instead."""
    return [
        aws_managed_policy_arn(ctx, name)
        for name in NODE_ROLE_MANAGED_POLICIES
        if not (ipv6 and name == _CNI_IPV4_POLICY)
    ]


def cni_ipv6_policy(ctx: AwsContext) -> dict[str, Any]:
    return policy_document(
        {
            "Effect": "Allow",
            "Action": [
                "ec2:AssignIpv6Addresses",
                "ec2:DescribeInstances",
                "ec2:DescribeTags",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeInstanceTypes",
            ],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": ["ec2:CreateTags"],
            "Resource": [f"arn:{ctx.partition}:ec2:*:*:network-interface/*"],
        },
    )
