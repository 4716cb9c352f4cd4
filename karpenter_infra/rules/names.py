"""Kubernetes names: qualified keys, label values, and the label domains Karpenter and the kubelet keep for themselves.

Sources: k8s.io/apimachinery ``pkg/util/validation`` (``IsQualifiedName``, ``IsValidLabelValue``,
``IsDNS1123Subdomain``); kubernetes-sigs/karpenter ``pkg/apis/v1/labels.go`` (``IsRestrictedLabel``,
``WellKnownLabels``) with the well-known labels aws/karpenter-provider-aws ``pkg/apis/v1/labels.go`` adds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from karpenter_infra.scheduling import labels

_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*", re.ASCII)
_NAME = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?", re.ASCII)
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?", re.ASCII)
SUBDOMAIN_MAX = 253
NAME_MAX = 63
LABEL_VALUE_MAX = 63

#: Labels Karpenter knows and lets a NodePool use although their domain is restricted (core plus the AWS provider),
#: spelled once in ``scheduling.labels``.
WELL_KNOWN_LABELS = labels.WELL_KNOWN_LABELS
#: Domains Karpenter reserves (``RestrictedLabelDomains``: core ``karpenter.sh``, the AWS provider's own group).
KARPENTER_DOMAINS = ("karpenter.sh", "karpenter.k8s.aws")
#: Karpenter's ``RestrictedLabels``: set per node, never by a pool.
RESTRICTED_LABELS = frozenset({"kubernetes.io/hostname"})
#: Labels Karpenter puts on its nodes that the NodePool CRD's label rule lets through but ``RuntimeValidate``
#: refuses in a pool's labels (not in ``WellKnownLabels``): the API server stores the pool, Karpenter never uses it.
SET_BY_KARPENTER = frozenset({"karpenter.k8s.aws/ec2nodeclass"})


def _in_domain(domain: str, parents: Iterable[str]) -> bool:
    return any(domain == parent or domain.endswith("." + parent) for parent in parents)


@cache
def qualified_name_problem(key: str) -> str | None:
    """``IsQualifiedName``: an optional DNS-subdomain prefix and ``/``, then a name of at most 63 characters."""
    if key.count("/") > 1:
        return f"{key!r} has more than one '/': a key is [prefix/]name"
    prefix, slash, name = key.rpartition("/")
    if slash:
        if not prefix:
            return f"{key!r} has an empty prefix before '/'"
        if len(prefix) > SUBDOMAIN_MAX:
            return f"prefix of {key!r} is longer than {SUBDOMAIN_MAX} characters"
        if not _SUBDOMAIN.fullmatch(prefix):
            return f"prefix {prefix!r} of {key!r} is not a lower-case DNS subdomain (a-z, 0-9, '-', '.')"
    if not name:
        return f"{key!r} has an empty name part"
    if len(name) > NAME_MAX:
        return f"name part of {key!r} is {len(name)} characters, more than {NAME_MAX}"
    if not _NAME.fullmatch(name):
        return f"name part {name!r} of {key!r} must be [-A-Za-z0-9_.], starting and ending alphanumeric"
    return None


_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", re.ASCII)


@cache
def dns_label_problem(name: str) -> str | None:
    """``IsDNS1123Label``: what a namespace name must be (``ValidateNamespaceName``)."""
    if len(name) > NAME_MAX or not _DNS_LABEL.fullmatch(name):
        return f"{_short(name)} is not a DNS-1123 label (at most {NAME_MAX} of a-z, 0-9, '-', alphanumeric at the ends)"
    return None


@cache
def subdomain_problem(name: str) -> str | None:
    """``IsDNS1123Subdomain``: what most object names must be, a ServiceAccount's among them
    (``ValidateServiceAccountName``)."""
    if len(name) > SUBDOMAIN_MAX or not _SUBDOMAIN.fullmatch(name):
        return f"{_short(name)} is not a DNS-1123 subdomain (a-z, 0-9, '-', '.', alphanumeric at the ends)"
    return None


def _short(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:36]) + "..."


@cache
def label_value_problem(value: str) -> str | None:
    """``IsValidLabelValue``: empty, or at most 63 characters of [-A-Za-z0-9_.] that start and end alphanumeric."""
    if len(value) > LABEL_VALUE_MAX:
        return f"value {value[:20]!r}... is {len(value)} characters, more than {LABEL_VALUE_MAX}"
    if not _LABEL_VALUE.fullmatch(value):
        return f"value {value!r} must be [-A-Za-z0-9_.], starting and ending alphanumeric"
    return None


@cache
def restricted_label_problem(key: str) -> str | None:
    """Karpenter's ``IsRestrictedLabel`` (core ``pkg/apis/v1/labels.go``, with the AWS provider's domain added in
    ``pkg/apis/v1/labels.go`` ``init``), which ``NodePool.RuntimeValidate`` applies to template labels and
    requirement keys alike.

    Labels in the ``kubernetes.io`` and ``k8s.io`` domains are not restricted: the kubelet may not set most of them
    (the provider drops them from ``--node-labels``, ``amifamily.RejectForbiddenLabels``), but Karpenter's
    registration controller copies the NodeClaim's labels onto the Node (core
    ``pkg/controllers/nodeclaim/lifecycle/registration.go`` ``syncNode``), so ``node-role.kubernetes.io/<role>`` works.
    """
    if key in WELL_KNOWN_LABELS:
        return None
    domain = key.split("/", 1)[0] if "/" in key else ""
    if _in_domain(domain, KARPENTER_DOMAINS):
        return f"{key!r} is in a domain Karpenter reserves ({domain}); use a domain of your own"
    if key in RESTRICTED_LABELS:
        return f"{key!r} is set per node by the kubelet; a node pool may not set it"
    return None


@cache
def label_problem(key: str, value: str) -> str | None:
    """One node label: its key, its value, its domain (``NodeClaimTemplate.validateLabels``).

    ``karpenter.sh/...`` and ``kubernetes.io/hostname`` are left to the NodePool mirror, whose CEL rules say the
    same and name the group too; the AWS provider's domain is only in ``RuntimeValidate``, so it is checked here.
    """
    if key in SET_BY_KARPENTER:
        return f"label {key!r} is set by Karpenter on every node of the class; a node pool may not set it"
    if problem := qualified_name_problem(key):
        return problem
    domain = key.split("/", 1)[0] if "/" in key else ""
    if _in_domain(domain, KARPENTER_DOMAINS[1:]) and (problem := restricted_label_problem(key)):
        return problem
    return label_value_problem(value)
