"""What one admitted set of instance types amounts to: sizes, prices, shapes. Computed once per distinct set."""

from __future__ import annotations

from dataclasses import dataclass

from karpenter_infra.catalog.model import Catalog, members

#: Resources every type has; any other resource in the catalog is an extended one (GPUs, Neuron, EFA, pod ENIs).
BASE_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage", "pods"})

Shape = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class Summary:
    count: int
    families: tuple[str, ...]
    vcpus: tuple[int, int]
    memory_mib: tuple[int, int]
    pods: tuple[int, int]
    #: On-demand USD per hour, over the types with a known price; ``None`` when no type has one.
    price: tuple[float, float] | None
    #: ``(type, USD per vCPU-hour)``, cheapest first.
    cheapest_per_vcpu: tuple[tuple[str, float], ...]
    #: Smallest node as Karpenter counts it against ``limits``: vCPUs and memory capacity (MiB), per dimension.
    smallest_cpu: tuple[str, int]
    smallest_memory: tuple[str, int]
    #: Extended resources some admitted type offers (``nvidia.com/gpu``...).
    extended: frozenset[str]
    #: Every admitted type is previous-generation or runs on Xen.
    only_old: bool
    shapes: frozenset[Shape]


def summarize(catalog: Catalog, bits: int) -> Summary:
    key = ("summary", bits)
    found = catalog.memo.get(key)
    if found is None:
        found = catalog.memo[key] = _summarize(catalog, bits)
    summary: Summary = found
    return summary


def _summarize(catalog: Catalog, bits: int) -> Summary:
    ids = list(members(bits))
    assert ids, "summaries are of non-empty sets"
    vcpus = [catalog.vcpus[i] for i in ids]
    memory = [catalog.memory_mib[i] for i in ids]
    pods = [catalog.resources["pods"][i] for i in ids]
    priced = [(i, p) for i in ids if (p := catalog.prices[i]) is not None]
    # Ties (a family's sizes cost the same per vCPU) go to the smallest type: the one a pending pod gets first.
    per_vcpu = [
        (catalog.names[i], round(p / catalog.vcpus[i], 6))
        for i, p in sorted(
            ((i, p) for i, p in priced if catalog.vcpus[i]),
            key=lambda t: (round(t[1] / catalog.vcpus[t[0]], 6), catalog.vcpus[t[0]], catalog.names[t[0]]),
        )
    ]
    smallest_cpu = min(ids, key=lambda i: (catalog.vcpus[i], catalog.names[i]))
    smallest_memory = min(ids, key=lambda i: (catalog.capacity_memory_mib(i), catalog.names[i]))
    extended = frozenset(
        name for name, column in catalog.resources.items() if name not in BASE_RESOURCES and any(column[i] for i in ids)
    )
    old = catalog.previous_generation | catalog.xen
    return Summary(
        count=len(ids),
        families=tuple(sorted({catalog.families[i] for i in ids})),
        vcpus=(min(vcpus), max(vcpus)),
        memory_mib=(min(memory), max(memory)),
        pods=(min(pods), max(pods)),
        price=(min(p for _, p in priced), max(p for _, p in priced)) if priced else None,
        cheapest_per_vcpu=tuple(per_vcpu[:3]),
        smallest_cpu=(catalog.names[smallest_cpu], catalog.vcpus[smallest_cpu]),
        smallest_memory=(catalog.names[smallest_memory], catalog.capacity_memory_mib(smallest_memory)),
        extended=extended,
        only_old=bits & ~old == 0,
        shapes=frozenset((catalog.vcpus[i], catalog.memory_mib[i], catalog.architectures[i]) for i in ids),
    )


def fits(catalog: Catalog, bits: int, cpu_millis: float, memory_mib: float, slack: float) -> str | None:
    """The largest admitted type (by allocatable cpu, then memory) on which a pod of this size fits, allowing
    ``slack`` (a fraction) of the allocatable amounts; ``None`` when none does."""
    key = ("fits", bits, cpu_millis, memory_mib, slack)
    if key in catalog.memo:
        found: str | None = catalog.memo[key]
        return found
    cpu, memory = catalog.resources["cpu"], catalog.resources["memory"]
    best = None
    for i in members(bits):
        roomy = cpu[i] * (1 + slack) >= cpu_millis and memory[i] * (1 + slack) >= memory_mib
        if roomy and (best is None or (cpu[i], memory[i]) > (cpu[best], memory[best])):
            best = i
    result = None if best is None else catalog.names[best]
    catalog.memo[key] = result
    return result


def largest(catalog: Catalog, bits: int) -> str:
    """The admitted type with the most allocatable cpu, then memory."""
    cpu, memory = catalog.resources["cpu"], catalog.resources["memory"]
    return catalog.names[max(members(bits), key=lambda i: (cpu[i], memory[i], catalog.names[i]))]
