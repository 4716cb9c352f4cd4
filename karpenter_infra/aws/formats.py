"""The formats AWS, EKS and IAM enforce on what a platform config names: ARNs, CIDRs, ids, tags, CA data.

Each function returns the problem as a sentence quoting the value (shortened), or ``None``. They are pure, so the
models, the checks and the tests share them; the source of each rule is in the line above it.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
import unicodedata
from collections.abc import Mapping
from functools import cache

from karpenter_infra.aws.arns import known_partitions
from karpenter_infra.rules.tags import TAGS_MAX, tag_problem
from karpenter_infra.safe_text import quoted

# IAM User Guide, "IAM identifiers" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html)
# and "Identify AWS resources with ARNs" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html):
# arn:<partition>:<service>:<region>:<account-id>:<resource>; IAM ARNs have no region, and a role's or policy's
# ARN carries its path: arn:aws:iam::123456789012:role/division_abc/my-role.
_ARN = re.compile(r"arn:([^:]*):([^:]*):([^:]*):([^:]*):(.+)", re.ASCII)
# IAM CreateRole / CreatePolicy: names of [\w+=,.@-], paths /([\x21-\x7e]*/)? (IAM API reference, request parameters).
_IAM_NAME = r"[\w+=,.@-]+"
_IAM_PATH = r"/(?:[\x21-\x7e]*/)?"
_IAM_RESOURCES = {
    "role": re.compile(rf"role{_IAM_PATH}[\w+=,.@-]{{1,64}}", re.ASCII),
    "policy": re.compile(rf"policy{_IAM_PATH}[\w+=,.@-]{{1,128}}", re.ASCII),
    # CreateOpenIDConnectProvider: the provider's URL without https:// (oidc.eks.<region>.amazonaws.com/id/<ID>).
    "oidc-provider": re.compile(r"oidc-provider/[A-Za-z0-9.-]+(?:/[\x21-\x7e]+)?", re.ASCII),
}
_ACCOUNT = re.compile(r"[0-9]{12}", re.ASCII)


@cache
def arn_problem(value: str, service: str, resource: str | None = None, *, aws_owned: bool = False) -> str | None:
    """One ARN of ``service`` (and, for IAM, of ``resource`` type) in a known partition.

    ``aws_owned`` also accepts the account ``aws`` of AWS managed policies (arn:aws:iam::aws:policy/...).
    """
    match = _ARN.fullmatch(value)
    if match is None:
        return f"{quoted(value)} is not an ARN (arn:<partition>:{service}:...)"
    partition, found_service, region, account, rest = match.groups()
    if partition not in known_partitions():
        return f"{quoted(value)}: unknown partition {quoted(partition)} (known: {', '.join(known_partitions())})"
    if found_service != service:
        return f"{quoted(value)} is an ARN of {quoted(found_service)}, not of {service}"
    if service == "iam" and region:
        return f"{quoted(value)}: IAM ARNs have no region"
    if not (_ACCOUNT.fullmatch(account) or (aws_owned and account == "aws")):
        return f"{quoted(value)}: {quoted(account)} is not a 12-digit account id"
    if resource is not None and _IAM_RESOURCES[resource].fullmatch(rest) is None:
        return f"{quoted(value)} is not an IAM {resource} ARN (...:{resource}/<path/><name>)"
    return None


@cache
def kms_key_problem(value: str) -> str | None:
    """SQS ``KmsMasterKeyId``: a key id, an ``alias/...``, or the ARN of a key or alias (SQS API reference,
    SetQueueAttributes, KmsMasterKeyId)."""
    if re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}", value):
        return None
    if re.fullmatch(r"alias/[A-Za-z0-9/_-]{1,250}", value):
        return None
    problem = arn_problem(value, "kms")
    if problem is None and re.fullmatch(r"arn:[^:]+:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+", value) is None:
        problem = f"{quoted(value)} is not the ARN of a KMS key or alias"
    return problem


@cache
def cidr_problem(value: str) -> str | None:
    """A CIDR block as EKS takes it (CreateCluster ``publicAccessCidrs``), read by ``ipaddress``."""
    try:
        ipaddress.ip_network(value)
    except ValueError:
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            return f"{quoted(value)} is not a CIDR"
        return f"{quoted(value)} has host bits set: the block is {network}"
    if "/" not in value:
        return f"{quoted(value)} is not a CIDR: give the prefix length ({value}/32 for one address)"
    return None


@cache
def base64_problem(value: str) -> str | None:
    """EKS gives the API server's CA as base64 of the PEM (DescribeCluster ``certificateAuthority.data``)."""
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return f"{quoted(value)} is not base64 (the cluster's certificateAuthority.data)"
    return None


# IAM "Tagging IAM resources" (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html) and the IAM API's Tag
# type: keys and values are letters, digits, white space and _ . : / = + - @ (pattern [\p{L}\p{Z}\p{N}_.:/=+\-@]*),
# and keys are unique regardless of case.
_IAM_TAG_PUNCTUATION = frozenset("_.:/=+-@")


def _iam_tag_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LZN" or char in _IAM_TAG_PUNCTUATION


def iam_tag_problem(key: str, value: str) -> str | None:
    for text, what in ((key, "key"), (value, "value")):
        bad = next((c for c in text if not _iam_tag_char(c)), None)
        if bad is not None:
            return (
                f"tag {quoted(key)}: {what} has {bad!r}, which IAM refuses on the roles and instance profile "
                "(letters, digits, spaces and _ . : / = + - @)"
            )
    return None


def tags_problems(tags: Mapping[str, str], *, added: int, iam: bool) -> list[tuple[str, str]]:
    """Every problem of a tag set, as ``(key, problem)``: EC2's rules ("Tag your Amazon EC2 resources", tag
    restrictions: no ``aws:`` prefix, key <= 128, value <= 256, <= 50 tags with the ``added`` ones the library
    writes) and, where the tags reach IAM, IAM's character set and case-insensitive keys."""
    problems: list[tuple[str, str]] = []
    for key, value in tags.items():
        problem = tag_problem(key, value) or (iam_tag_problem(key, value) if iam else None)
        if problem:
            problems.append((key, problem))
    if iam:
        seen: dict[str, str] = {}
        for key in tags:
            if key.lower() in seen:
                problems.append(
                    (
                        key,
                        f"tag {quoted(key)} and {quoted(seen[key.lower()])} differ only in case: IAM "
                        "takes tag keys case-insensitively",
                    )
                )
            seen.setdefault(key.lower(), key)
    if len(tags) + added > TAGS_MAX:
        problems.append(("", f"{len(tags)} tags and the {added} the library adds are more than AWS's {TAGS_MAX}"))
    return problems
