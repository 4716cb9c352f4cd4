"""AWS tags, resource ids and IAM role names.

Tags: EC2 and IAM refuse keys starting ``aws:``, keys over 128 and values over 256 characters, and more than 50
tags on one resource (AWS "Tagging your resources" user guide). Karpenter adds its own to every instance, volume
and ENI: ``kubernetes.io/cluster/<cluster>``, ``karpenter.sh/nodepool``, ``eks:eks-cluster-name`` and
``karpenter.k8s.aws/ec2nodeclass`` at launch (aws/karpenter-provider-aws ``pkg/utils/utils.go`` ``GetTags``),
then ``Name`` and ``karpenter.sh/nodeclaim`` (``pkg/controllers/nodeclaim/tagging``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
TAGS_MAX = 50


def karpenter_tag_keys(cluster_name: str) -> frozenset[str]:
    return frozenset(
        {
            f"kubernetes.io/cluster/{cluster_name}",
            "karpenter.sh/nodepool",
            "eks:eks-cluster-name",
            "karpenter.k8s.aws/ec2nodeclass",
            "Name",
            "karpenter.sh/nodeclaim",
        }
    )


@cache
def tag_problem(key: str, value: str) -> str | None:
    if not key:
        return "a tag key may not be empty"
    if key.lower().startswith("aws:"):
        return f"tag {key!r}: the aws: prefix is reserved for AWS"
    if len(key) > TAG_KEY_MAX:
        return f"tag key {key[:20]!r}... is {len(key)} characters, more than {TAG_KEY_MAX}"
    if len(value) > TAG_VALUE_MAX:
        return f"tag {key!r}: value is {len(value)} characters, more than {TAG_VALUE_MAX}"
    return None


def tag_count_problem(tags: Mapping[str, str], cluster_name: str) -> str | None:
    total = len(set(tags) | karpenter_tag_keys(cluster_name))
    if total > TAGS_MAX:
        return (
            f"{total} tags with the ones the library and Karpenter add ({len(tags)} on the node class and "
            f"{len(karpenter_tag_keys(cluster_name) - set(tags))} by Karpenter); EC2 allows {TAGS_MAX}"
        )
    return None


# EC2 ids: a prefix, a dash, then 8 or 17 lower-case hex digits; written loosely ([0-9a-z]+) like the CRD, but whole.
_IDS = {kind: re.compile(rf"{kind}-[0-9a-z]+", re.ASCII) for kind in ("subnet", "sg", "ami")}


@cache
def id_problem(kind: str, value: str) -> str | None:
    """The CRD's id patterns are unanchored, so ``"subnet-1 subnet-2"`` passes them; EC2 then finds nothing."""
    if _IDS[kind].fullmatch(value) is None:
        return f"{value!r} is not one {kind} id ({kind}-0123456789abcdef0): no spaces, one id per term"
    return None


# IAM ``CreateRole``: RoleName matches [\w+=,.@-]+, 1-64 characters.
_ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)


@cache
def role_name(role: str) -> str:
    """The role name Karpenter uses: the part after the last ``/``, so a role ARN (with a path) names its role
    (provider ``pkg/providers/instanceprofile/instanceprofile.go`` ``Create``: ``lo.LastOr(strings.Split(...))``)."""
    return role.rsplit("/", 1)[-1]


def role_name_problem(name: str) -> str | None:
    if name.startswith("arn:"):
        if not re.fullmatch(r"arn:aws[a-z-]*:iam::[0-9]{12}:role/(?:[!-~]+/)?[^/]+", name):
            return f"{name!r} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>); or give the role name"
        name = role_name(name)
    if _ROLE_NAME.fullmatch(name) is None:
        return f"{name!r} is not an IAM role name: 1-64 characters of letters, digits and +=,.@_-"
    return None
