"""What a node of each instance type offers pods, under one node class's kubelet settings and root volume.

Karpenter computes ``Allocatable = Capacity - KubeReserved - SystemReserved - EvictionThreshold`` from the provider's
formulas (aws/karpenter-provider-aws ``pkg/providers/instancetype/types.go``, tag v1.14.1): ``NewInstanceType``,
``computeCapacity``, ``memory``, ``ephemeralStorage``, ``pods``, ``kubeReservedResources``,
``systemReservedResources``, ``evictionThreshold``. The catalog holds the allocatable under the defaults (AL2023, a
20Gi root volume, no kubelet settings); capacity is rebuilt from its labels and the ENI-limited pod count.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from karpenter_infra.catalog.model import Catalog
from karpenter_infra.scheduling.quantity import GIBIBYTE, MEBIBYTE, QuantityError, parse_quantity

DEFAULT_ROOT_GIB = 20.0  # amifamily ``DefaultEBS``
#: Per range of millicores, the share kube-reserved takes (``kubeReservedResources``).
_CPU_RANGES = ((0, 1000, 0.06), (1000, 2000, 0.01), (2000, 4000, 0.005), (4000, 1 << 31, 0.0025))


@dataclass(frozen=True)
class NodeSettings:
    """The parts of an EC2NodeClass that change allocatable."""

    ami_family: str = "AL2023"
    max_pods: int | None = None
    pods_per_core: int | None = None
    kube_reserved: tuple[tuple[str, str], ...] = ()
    system_reserved: tuple[tuple[str, str], ...] = ()
    eviction_hard: tuple[tuple[str, str], ...] = ()
    root_gib: float = DEFAULT_ROOT_GIB

    @classmethod
    def of(cls, node_class: Mapping[str, Any] | None) -> NodeSettings:
        if not node_class:
            return cls()
        spec = node_class.get("spec") or {}
        kubelet = spec.get("kubelet") or {}
        family = str(spec.get("amiFamily") or _family_of_alias(spec) or "AL2023")
        return cls(
            ami_family=family,
            max_pods=kubelet.get("maxPods"),
            pods_per_core=kubelet.get("podsPerCore"),
            kube_reserved=tuple(sorted((kubelet.get("kubeReserved") or {}).items())),
            system_reserved=tuple(sorted((kubelet.get("systemReserved") or {}).items())),
            eviction_hard=tuple(sorted((kubelet.get("evictionHard") or {}).items())),
            root_gib=_root_gib(spec, family),
        )

    @property
    def bottlerocket(self) -> bool:
        return self.ami_family.lower().startswith("bottlerocket")

    @property
    def windows(self) -> bool:
        return self.ami_family.lower().startswith("windows")


def _family_of_alias(spec: Mapping[str, Any]) -> str | None:
    for term in spec.get("amiSelectorTerms") or []:
        alias = term.get("alias") if isinstance(term, Mapping) else None
        if isinstance(alias, str):
            family = alias.split("@", 1)[0]
            return {"al2023": "AL2023", "al2": "AL2", "bottlerocket": "Bottlerocket"}.get(family, family)
    return None


def _root_gib(spec: Mapping[str, Any], family: str) -> float:
    """``ephemeralStorage``: the root volume's size, else the AMI family's ephemeral device, else 20Gi."""
    mappings = [m for m in spec.get("blockDeviceMappings") or [] if isinstance(m, Mapping)]
    device = "/dev/xvdb" if family.lower().startswith("bottlerocket") else "/dev/xvda"
    chosen = next((m for m in mappings if m.get("rootVolume")), None)
    if chosen is None:
        chosen = next((m for m in mappings if m.get("deviceName") == device), None)
    size = (chosen or {}).get("ebs", {}).get("volumeSize") if chosen else None
    if size is None:
        return DEFAULT_ROOT_GIB
    try:
        amount = parse_quantity(size) if isinstance(size, str) else parse_quantity(f"{size}Gi")
    except QuantityError:
        return DEFAULT_ROOT_GIB
    return float(amount / GIBIBYTE)


def _units(resource: str, text: str) -> float:
    amount = float(parse_quantity(text))
    if resource == "cpu":
        return amount * 1000
    if resource == "memory":
        return amount / float(MEBIBYTE)
    if resource == "ephemeral-storage":
        return amount / float(GIBIBYTE)
    return amount


def _eviction(signal: str | None, capacity: float, default: float, unit: float) -> float:
    """``computeEvictionSignal``: a percentage of capacity (rounded up, in bytes), or a quantity."""
    if signal is None:
        return default
    if signal.endswith("%"):
        share = float(signal.rstrip("%"))
        share = 0.0 if share == 100 else share
        return math.ceil(capacity * unit / 100 * share) / unit
    return float(parse_quantity(signal)) / unit


def capacity(catalog: Catalog, i: int, settings: NodeSettings) -> dict[str, float]:
    """``computeCapacity`` in catalog units (memory after the VM overhead, as Karpenter counts it)."""
    found = {
        name: float(column[i])
        for name, column in catalog.resources.items()
        if name not in ("cpu", "memory", "ephemeral-storage", "pods")
    }
    found["cpu"] = catalog.vcpus[i] * 1000.0
    found["memory"] = float(catalog.capacity_memory_mib(i))
    found["ephemeral-storage"] = settings.root_gib
    found["pods"] = float(pods(catalog, i, settings))
    return found


def eni_pods(catalog: Catalog, i: int) -> int:
    """``ENILimitedPods``: the catalog's allocatable pods under AL2023's defaults are exactly that count."""
    return int(catalog.resources["pods"][i])


def pods(catalog: Catalog, i: int, settings: NodeSettings) -> int:
    """``pods``: ``maxPods`` if set, else ENI-limited (110 on Windows); ``podsPerCore`` caps it where the family
    honours it (not Bottlerocket)."""
    if settings.max_pods is not None:
        count = int(settings.max_pods)
    elif settings.windows:
        count = 110
    else:
        count = eni_pods(catalog, i)
    if settings.pods_per_core and not settings.bottlerocket:
        count = min(int(settings.pods_per_core) * catalog.vcpus[i], count)
    return count


def allocatable(catalog: Catalog, i: int, settings: NodeSettings) -> dict[str, float]:
    cap = capacity(catalog, i, settings)
    # ``UsesENILimitedMemoryOverhead`` (AL2023, AL2): kube-reserved memory follows the ENI pod count, whatever maxPods
    # says; Bottlerocket and Windows follow the pod count the kubelet gets.
    overhead_pods = eni_pods(catalog, i) if not (settings.bottlerocket or settings.windows) else int(cap["pods"])
    cpu_reserved = 0.0
    millicores = cap["cpu"]
    for start, end, share in _CPU_RANGES:
        if millicores >= start:
            span = (end - start) if millicores >= end else (millicores - start)
            cpu_reserved += int(span * share)
    kube = {"memory": 11.0 * overhead_pods + 255, "ephemeral-storage": 1.0, "cpu": cpu_reserved}
    kube.update({name: _units(name, text) for name, text in settings.kube_reserved})
    system = {name: _units(name, text) for name, text in settings.system_reserved}
    hard = dict(settings.eviction_hard)
    eviction = {
        "memory": _eviction(hard.get("memory.available"), cap["memory"], 100.0, float(MEBIBYTE)),
        "ephemeral-storage": _eviction(
            hard.get("nodefs.available"),
            cap["ephemeral-storage"],
            math.ceil(cap["ephemeral-storage"] * float(GIBIBYTE) / 100 * 10) / float(GIBIBYTE),
            float(GIBIBYTE),
        ),
    }
    out = dict(cap)
    for reserved in (kube, system, eviction):
        for name, value in reserved.items():
            if name in out:
                out[name] = out[name] - value
    return out
