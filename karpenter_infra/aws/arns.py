"""Where an AWS deployment lives (partition, region, account) and the ARNs that follow from it.

Every policy of the Karpenter CloudFormation template is written with ``${AWS::Partition}`` and friends, never
with a literal ``arn:aws:``; this module is the one place that knows what those pseudo parameters become, so the
same policies come out right in ``aws``, ``aws-cn`` and ``aws-us-gov``.
"""

from __future__ import annotations

import re
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

# What CloudFormation's ${AWS::URLSuffix} and Terraform's aws_partition.dns_suffix give per partition. The two
# coincide in every partition we deploy to; they are kept apart because callers ask for one or the other.
_URL_SUFFIXES = {"aws": "amazonaws.com", "aws-cn": "amazonaws.com.cn", "aws-us-gov": "amazonaws.com"}
_DNS_SUFFIXES = {"aws": "amazonaws.com", "aws-cn": "amazonaws.com.cn", "aws-us-gov": "amazonaws.com"}

# Regions of the other partitions, by prefix: a region of one of them in the "aws" partition is a misconfigured
# provider, and every ARN built from it would silently point nowhere.
_REGION_PREFIXES = {"aws-cn": ("cn-",), "aws-us-gov": ("us-gov-",)}
_FOREIGN_TO_AWS = ("cn-", "us-gov-", "us-iso", "eusc-")

# The Spot service-linked role is not in the CloudFormation template: AWS creates it on the first Spot request of
# an account, but only when the caller may create it, which Karpenter's controller may not.
SPOT_SERVICE_NAME = "spot.amazonaws.com"
SPOT_SERVICE_LINKED_ROLE_NAME = "AWSServiceRoleForEC2Spot"

_ROLE_PATH_AND_NAME = r"role/(?:[A-Za-z0-9_+=,.@-]+/)*[A-Za-z0-9_+=,.@-]{1,64}"


def known_partitions() -> list[str]:
    return sorted(_URL_SUFFIXES)


def url_suffix_for(partition: str) -> str:
    try:
        return _URL_SUFFIXES[partition]
    except KeyError:
        raise ValueError(
            f"partition {partition!r}: unknown URL suffix (known: {', '.join(known_partitions())}); "
            "construct AwsContext with an explicit url_suffix"
        ) from None


def dns_suffix_for(partition: str) -> str:
    try:
        return _DNS_SUFFIXES[partition]
    except KeyError:
        raise ValueError(
            f"partition {partition!r}: unknown DNS suffix (known: {', '.join(known_partitions())})"
        ) from None


_REGION = re.compile(r"[a-z]{2,}(-[a-z]+)*-[0-9]+", re.ASCII)


def region_problem(region: str, partition: str | None = None) -> str | None:
    """A region name (``us-west-2``), and one of ``partition`` when that is known: the partitions' regions start
    with their own prefixes (AWS General Reference, "AWS Regions"; cn- for aws-cn, us-gov- for aws-us-gov)."""
    if _REGION.fullmatch(region) is None:
        return f"{region[:40]!r} is not an AWS region (like eu-west-1)"
    prefixes = _REGION_PREFIXES.get(partition or "")
    if prefixes is not None and not region.startswith(prefixes):
        return f"{region!r} is not a region of partition {partition!r} (its regions start with {', '.join(prefixes)})"
    if partition == "aws" and region.startswith(_FOREIGN_TO_AWS):
        return f"{region!r} belongs to another partition than 'aws'"
    return None


class AwsContext(BaseModel):
    """The values of CloudFormation's pseudo parameters, so policies can be built from Python instead."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    partition: str = Field(pattern=r"^aws(-[a-z]+)*$", description="AWS partition: `aws`, `aws-cn` or `aws-us-gov`.")
    region: str = Field(
        pattern=r"^[a-z]{2,}(-[a-z]+)*-[0-9]+$", description="AWS region of the cluster, e.g. `us-west-2`."
    )
    account_id: str = Field(pattern=r"^[0-9]{12}$", description="The 12-digit AWS account id.")
    url_suffix: str = Field(
        min_length=1,
        description="Domain of the partition's service endpoints and principals (`${AWS::URLSuffix}`).",
    )

    @classmethod
    def for_partition(cls, partition: str, *, region: str, account_id: str) -> Self:
        return cls(partition=partition, region=region, account_id=account_id, url_suffix=url_suffix_for(partition))

    @property
    def dns_suffix(self) -> str:
        return _DNS_SUFFIXES.get(self.partition, self.url_suffix)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        expected_suffix = _URL_SUFFIXES.get(self.partition)
        if expected_suffix is not None and self.url_suffix != expected_suffix:
            raise ValueError(
                f"url_suffix: partition {self.partition!r} uses {expected_suffix!r}, got {self.url_suffix!r}"
            )
        problem = region_problem(self.region, self.partition)
        if problem:
            raise ValueError(f"region: {problem}")
        return self


def service_principal(ctx: AwsContext, service: str) -> str:
    return f"{service}.{ctx.url_suffix}"


def aws_managed_policy_arn(ctx: AwsContext, name: str) -> str:
    return f"arn:{ctx.partition}:iam::aws:policy/{name}"


def eks_cluster_arn(ctx: AwsContext, cluster_name: str) -> str:
    return f"arn:{ctx.partition}:eks:{ctx.region}:{ctx.account_id}:cluster/{cluster_name}"


def role_arn(ctx: AwsContext, name: str, path: str = "/") -> str:
    """The one way a role's ARN is built from its name: with the role's IAM path, as IAM writes it.

    IAM: a role's ARN carries its path (``arn:aws:iam::123456789012:role/division_abc/my-role``; IAM User Guide,
    "IAM identifiers", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html), and a policy's
    ``iam:PassRole`` resource is matched against that ARN, so ``role/<name>`` does not match a role created under
    ``/platform/``. EKS: an access entry's principal ARN "can include a path" and must be the principal's own ARN
    (unlike aws-auth, which could not take one; EKS User Guide, "Create access entries",
    https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html). So both take
    ``role<path><name>``; the roles node groups name by name are taken to live under ``iam.path`` too.
    """
    return f"arn:{ctx.partition}:iam::{ctx.account_id}:role{path}{name}"


def eks_access_policy_arn(ctx: AwsContext, name: str) -> str:
    """EKS access policies are AWS's, account-less: ``arn:<partition>:eks::aws:cluster-access-policy/<name>``."""
    return f"arn:{ctx.partition}:eks::aws:cluster-access-policy/{name}"


def spot_service_linked_role_arn(ctx: AwsContext) -> str:
    return (
        f"arn:{ctx.partition}:iam::{ctx.account_id}:role/aws-service-role/"
        f"{SPOT_SERVICE_NAME}/{SPOT_SERVICE_LINKED_ROLE_NAME}"
    )


def check_role_arn(ctx: AwsContext, arn: str) -> str:
    """Refuse anything but one concrete role of this account: EC2 only accepts a role of the launching account,
    and a wildcard would let the controller hand any role to the nodes it launches."""
    pattern = rf"arn:{re.escape(ctx.partition)}:iam::{ctx.account_id}:{_ROLE_PATH_AND_NAME}"
    if not isinstance(arn, str) or re.fullmatch(pattern, arn) is None:
        raise ValueError(
            f"role ARN {arn!r}: expected one IAM role of account {ctx.account_id} in partition "
            f"{ctx.partition!r}, e.g. arn:{ctx.partition}:iam::{ctx.account_id}:role/KarpenterNodeRole-<cluster>; "
            "wildcards are not allowed"
        )
    return arn


def check_queue_arn(ctx: AwsContext, arn: str) -> str:
    """EventBridge rules can only target a queue of their own region, and Karpenter polls it from there."""
    pattern = rf"arn:{re.escape(ctx.partition)}:sqs:{re.escape(ctx.region)}:{ctx.account_id}:[A-Za-z0-9_-]{{1,80}}"
    if not isinstance(arn, str) or re.fullmatch(pattern, arn) is None:
        raise ValueError(
            f"queue ARN {arn!r}: expected an SQS queue of account {ctx.account_id} in {ctx.region} "
            f"(partition {ctx.partition!r})"
        )
    return arn
