"""Rules of the EC2NodeClass's nested models: kubelet settings, selector terms and volumes.

Each returns ``(field, problem)`` pairs relative to the model. They run from the group's settings check rather than
from the nested models themselves, so the error names the group even when the user built ``Kubelet(...)`` first.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Protocol

from karpenter_infra.rules.durations import duration_problem
from karpenter_infra.rules.ebs import volume_problems
from karpenter_infra.rules.quantities import reserved_problem
from karpenter_infra.rules.tags import id_problem

if TYPE_CHECKING:
    from karpenter_infra.spec.nodeclass import BlockDevice, Kubelet
    from karpenter_infra.spec.settings import NodeGroupSettings

Issues = list[tuple[str, str]]


@cache
def _ip_problem(text: str) -> str | None:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return f"{text!r} is not an IP address (the cluster DNS service's ClusterIP, like 10.100.0.10)"
    return None


def _reserved(field: str, reserved: Mapping[str, str]) -> Issues:
    return [(f"{field}[{name!r}]", p) for name, value in reserved.items() if (p := reserved_problem(name, value))]


def kubelet_problems(kubelet: Kubelet) -> Issues:
    found: Issues = []
    for index, address in enumerate(kubelet.cluster_dns or ()):
        if problem := _ip_problem(address):
            found.append((f"cluster_dns[{index}]", problem))
    if kubelet.max_pods is not None and kubelet.max_pods < 1:
        found.append(("max_pods", "must be at least 1: a node that takes no pod cannot even run its daemons"))
    for signal, period in (kubelet.eviction_soft_grace_period or {}).items():
        if problem := duration_problem(period):
            found.append((f"eviction_soft_grace_period[{signal!r}]", f"{problem}: Karpenter cannot decode it"))
    found += _reserved("system_reserved", kubelet.system_reserved or {})
    found += _reserved("kube_reserved", kubelet.kube_reserved or {})
    found += image_gc_problems(kubelet)
    return found


def image_gc_problems(kubelet: Kubelet) -> Issues:
    """Also run on the merged kubelet: a group may set one mark and inherit the other."""
    low, high = kubelet.image_gc_low_threshold_percent, kubelet.image_gc_high_threshold_percent
    if low is not None and high is not None and low >= high:
        return [("image_gc_low_threshold_percent", f"{low} must be below image_gc_high_threshold_percent ({high})")]
    return []


def selector_term_problems(kind: str, term_id: str | None, tags: Mapping[str, str] | None) -> Issues:
    """``kind`` is the EC2 id prefix (``subnet``, ``sg``, ``ami``)."""
    found: Issues = []
    if tags is not None and not tags:
        found.append(("tags", "{} matches every resource in the region (Karpenter filters on nothing); name a tag"))
    if term_id is not None and (problem := id_problem(kind, term_id)):
        found.append(("id", problem))
    return found


def block_device_problems(device: BlockDevice) -> Issues:
    return volume_problems(device)


class _Term(Protocol):
    @property
    def id(self) -> str | None: ...
    @property
    def tags(self) -> dict[str, str] | None: ...


def _terms(field: str, kind: str, terms: Sequence[_Term] | None) -> Issues:
    found: Issues = []
    for index, term in enumerate(terms or ()):
        found += [(f"{field}[{index}].{f}", p) for f, p in selector_term_problems(kind, term.id, term.tags)]
    return found


def nested_problems(settings: NodeGroupSettings) -> Issues:
    """Every nested node-class model of one settings layer, with paths from the layer (``kubelet.max_pods``)."""
    found: Issues = []
    if settings.kubelet is not None:
        found += [(f"kubelet.{f}", p) for f, p in kubelet_problems(settings.kubelet)]
    found += _terms("subnet_selector_terms", "subnet", settings.subnet_selector_terms)
    found += _terms("security_group_selector_terms", "sg", settings.security_group_selector_terms)
    found += _terms("ami_selector_terms", "ami", settings.ami_selector_terms)
    for index, device in enumerate(settings.block_device_mappings or ()):
        found += [(f"block_device_mappings[{index}].{f}", p) for f, p in block_device_problems(device)]
    return found
