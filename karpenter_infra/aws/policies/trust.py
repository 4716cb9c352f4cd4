"""Who may assume the roles: EKS Pod Identity, IRSA, and EC2 for the node role."""

from __future__ import annotations

import re
from typing import Any

from karpenter_infra.aws.arns import (
    AwsContext,
    service_principal,
)
from karpenter_infra.aws.policies.document import policy_document

POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com"
IRSA_AUDIENCE = "sts.amazonaws.com"

_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")


def pod_identity_trust_policy() -> dict[str, Any]:
    return policy_document(
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
    return policy_document(
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
    return policy_document(
        {
            "Effect": "Allow",
            "Principal": {"Service": service_principal(ctx, "ec2")},
            "Action": ["sts:AssumeRole"],
        }
    )
