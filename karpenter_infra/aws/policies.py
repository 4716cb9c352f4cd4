"""The IAM documents and EventBridge patterns of Karpenter v1.14's CloudFormation template, built from Python.

The template (``getting-started-with-karpenter/cloudformation.yaml``) is what Karpenter tests its permissions
against, so every controller policy here reproduces it statement for statement: same Sids, same actions in the
same order, resources and conditions scoped to the same cluster, region, account and partition. The only
deliberate departures:

- ``iam:PassRole`` names every node role the fleet uses (the template knows only its own node role), sorted and
  without wildcards.
- The interruption policy only exists when there is a queue: it is the one controller policy whose resource is
  the queue ARN.
- The queue policy carries ``"Version": "2012-10-17"`` (the template omits it, which means 2008-10-17; no policy
  variable is used, so both grant the same) and the condition value ``"false"`` as IAM stores it (the template
  writes a YAML boolean).

Plain dicts in, plain dicts out: the components serialise them, nothing here imports Pulumi.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from karpenter_infra.aws.arns import (
    AwsContext,
    aws_managed_policy_arn,
    check_queue_arn,
    check_role_arn,
    eks_cluster_arn,
    service_principal,
)
from karpenter_infra.errors import shown

POLICY_VERSION = "2012-10-17"
# IAM rejects a customer managed policy longer than this (whitespace not counted); failing here names the
# policy and the cause, failing in AWS happens halfway through a deployment.
MANAGED_POLICY_MAX_CHARS = 6144
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

# Interruption queue settings of the template. An interruption message is only useful for minutes (a Spot
# warning gives two), so older ones are dropped; SSE-SQS encrypts at rest without a key to manage.
QUEUE_MESSAGE_RETENTION_SECONDS = 300
QUEUE_SQS_MANAGED_SSE = True
QUEUE_POLICY_ID = "EC2InterruptionPolicy"
INTERRUPTION_QUEUE_TARGET_ID = "KarpenterInterruptionQueueTarget"
# The template names these principals literally, in every partition, rather than with ${AWS::URLSuffix}.
_QUEUE_SENDERS = ["events.amazonaws.com", "sqs.amazonaws.com"]

POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com"
IRSA_AUDIENCE = "sts.amazonaws.com"

_CLUSTER_NAME = re.compile(r"[0-9A-Za-z][A-Za-z0-9_-]{0,99}")
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")
_SID = re.compile(r"[A-Za-z0-9]+")
_EXTRA_STATEMENT_KEYS = ("Sid", "Effect", "Action", "Resource", "Condition")


# --- controller -------------------------------------------------------------------------------------------------


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
        _check_size(f"controller policy {key!r}", document)
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
    return _document(
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
    return _document(
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
    return _document(
        {
            "Sid": "AllowAPIServerEndpointDiscovery",
            "Effect": "Allow",
            "Resource": eks_cluster_arn(ctx, cluster),
            "Action": "eks:DescribeCluster",
        }
    )


def _interruption(queue_arn: str) -> dict[str, Any]:
    return _document(
        {
            "Sid": "AllowInterruptionQueueActions",
            "Effect": "Allow",
            "Resource": queue_arn,
            "Action": ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
        }
    )


def _zonal_shift(ctx: AwsContext, cluster: str) -> dict[str, Any]:
    # "*" as in the template: the condition on the resource identifier is what keeps it to this cluster.
    return _document(
        {
            "Sid": "AllowZonalShiftStatusReadOnly",
            "Effect": "Allow",
            "Resource": "*",
            "Action": ["arc-zonal-shift:GetManagedResource"],
            "Condition": {"StringEquals": {"arc-zonal-shift:ResourceIdentifier": eks_cluster_arn(ctx, cluster)}},
        }
    )


def _resource_discovery(ctx: AwsContext) -> dict[str, Any]:
    return _document(
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


# --- user statements --------------------------------------------------------------------------------------------


def extra_statements_policy(statements: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A separate policy, so the template's six stay byte-comparable with upstream whatever a team adds."""
    if not statements:
        raise ValueError("extra statements: got none; leave the extra policy out instead")
    checked = [check_statement(index, statement) for index, statement in enumerate(statements)]
    sids = [s["Sid"] for s in checked if "Sid" in s]
    duplicates = sorted({sid for sid in sids if sids.count(sid) > 1})
    if duplicates:
        raise ValueError(f"extra statements: Sid must be unique within the policy, repeated: {duplicates}")
    document = _document(*checked)
    _check_size("extra controller policy", document)
    return document


def check_statement(index: int, statement: Mapping[str, Any]) -> dict[str, Any]:
    where = f"extra statement [{index}]"
    if not isinstance(statement, Mapping):
        raise ValueError(f"{where}: expected a mapping, got {shown(statement)}")
    unknown = sorted(set(statement) - set(_EXTRA_STATEMENT_KEYS))
    if unknown:
        hint = " (an identity policy names no Principal)" if {"Principal", "NotPrincipal"} & set(unknown) else ""
        raise ValueError(f"{where}: unknown keys {unknown}{hint}; allowed: {list(_EXTRA_STATEMENT_KEYS)}")
    missing = [key for key in ("Effect", "Action", "Resource") if key not in statement]
    if missing:
        raise ValueError(f"{where}: missing {missing}")
    if "Sid" in statement and (not isinstance(statement["Sid"], str) or _SID.fullmatch(statement["Sid"]) is None):
        raise ValueError(f"{where}: Sid must be letters and digits only, got {shown(statement['Sid'])}")
    if statement["Effect"] not in ("Allow", "Deny"):
        raise ValueError(f"{where}: Effect must be 'Allow' or 'Deny', got {shown(statement['Effect'])}")
    for key in ("Action", "Resource"):
        _check_strings(f"{where}: {key}", statement[key])
    condition = statement.get("Condition")
    if condition is not None and not (
        isinstance(condition, Mapping) and all(isinstance(v, Mapping) for v in condition.values())
    ):
        raise ValueError(f"{where}: Condition must map operators to {{key: value}}, got {shown(condition)}")
    return {key: copy.deepcopy(statement[key]) for key in _EXTRA_STATEMENT_KEYS if key in statement}


def _check_strings(where: str, value: object) -> None:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
        raise ValueError(f"{where}: expected a non-empty string or list of non-empty strings, got {shown(value)}")


# --- trust policies ---------------------------------------------------------------------------------------------


def pod_identity_trust_policy() -> dict[str, Any]:
    return _document(
        {
            "Effect": "Allow",
            "Principal": {"Service": POD_IDENTITY_PRINCIPAL},
            # TagSession: the agent tags the session with cluster, namespace and service account.
            "Action": ["sts:AssumeRole", "sts:TagSession"],
        }
    )


def irsa_trust_policy(
    ctx: AwsContext, oidc_provider_arn: str, oidc_issuer_host: str, namespace: str, service_account: str
) -> dict[str, Any]:
    """Both conditions are required: ``sub`` alone would trust any audience, ``aud`` alone any pod."""
    if "://" in oidc_issuer_host or not oidc_issuer_host:
        raise ValueError(f"OIDC issuer {oidc_issuer_host!r}: give the host and path, without https://")
    expected = f"arn:{ctx.partition}:iam::{ctx.account_id}:oidc-provider/{oidc_issuer_host}"
    if oidc_provider_arn != expected:
        raise ValueError(
            f"OIDC provider ARN {oidc_provider_arn!r}: does not belong to issuer {oidc_issuer_host!r} "
            f"in account {ctx.account_id} (expected {expected!r})"
        )
    if _DNS_LABEL.fullmatch(namespace) is None:
        raise ValueError(f"namespace {namespace!r}: not a Kubernetes namespace name")
    if _DNS_SUBDOMAIN.fullmatch(service_account) is None:
        raise ValueError(f"service account {service_account!r}: not a Kubernetes service account name")
    return _document(
        {
            "Effect": "Allow",
            "Principal": {"Federated": oidc_provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    f"{oidc_issuer_host}:aud": IRSA_AUDIENCE,
                    f"{oidc_issuer_host}:sub": f"system:serviceaccount:{namespace}:{service_account}",
                }
            },
        }
    )


def ec2_trust_policy(ctx: AwsContext) -> dict[str, Any]:
    return _document(
        {
            "Effect": "Allow",
            "Principal": {"Service": service_principal(ctx, "ec2")},
            "Action": ["sts:AssumeRole"],
        }
    )


# --- node role --------------------------------------------------------------------------------------------------


def node_role_managed_policy_arns(ctx: AwsContext, ipv6: bool) -> list[str]:
    """Without IPv4 CNI permissions on IPv6 clusters: the caller attaches :func:`cni_ipv6_policy` instead."""
    return [
        aws_managed_policy_arn(ctx, name)
        for name in NODE_ROLE_MANAGED_POLICIES
        if not (ipv6 and name == _CNI_IPV4_POLICY)
    ]


def cni_ipv6_policy(ctx: AwsContext) -> dict[str, Any]:
    return _document(
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


# --- interruption queue -----------------------------------------------------------------------------------------


def interruption_queue_policy(ctx: AwsContext, queue_arn: str) -> dict[str, Any]:
    """EventBridge delivers into the queue; everything without TLS is refused, whoever asks."""
    arn = check_queue_arn(ctx, queue_arn)
    return {
        "Version": POLICY_VERSION,
        "Id": QUEUE_POLICY_ID,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": list(_QUEUE_SENDERS)},
                "Action": "sqs:SendMessage",
                "Resource": arn,
            },
            {
                "Sid": "DenyHTTP",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sqs:*",
                "Resource": arn,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    }


def interruption_event_rules() -> dict[str, dict[str, list[str]]]:
    """Keys are the template's rule names in kebab case, without "Rule".

    ``scheduled-change`` matches every AWS Health event, not only scheduled changes, as the template's does;
    Karpenter ignores the ones it does not act on.
    """
    return {
        "scheduled-change": {"source": ["aws.health"], "detail-type": ["AWS Health Event"]},
        "spot-interruption": {"source": ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"]},
        "rebalance": {"source": ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"]},
        "instance-state-change": {
            "source": ["aws.ec2"],
            "detail-type": ["EC2 Instance State-change Notification"],
        },
        "capacity-reservation-interruption": {
            "source": ["aws.ec2"],
            "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"],
        },
    }


# --- shared -----------------------------------------------------------------------------------------------------


def _document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": POLICY_VERSION, "Statement": list(statements)}


def _check_size(what: str, document: Mapping[str, Any]) -> None:
    size = len(json.dumps(document, separators=(",", ":")))
    if size > MANAGED_POLICY_MAX_CHARS:
        raise ValueError(
            f"{what}: {size} characters, IAM allows {MANAGED_POLICY_MAX_CHARS} per managed policy; "
            "split the statements or pass fewer roles"
        )
