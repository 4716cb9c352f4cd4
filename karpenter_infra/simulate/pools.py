"""The NodePools as the scheduler sees them: ordered, with their requirements, taints, limits and, per admitted
instance type, what a node offers once the DaemonSets that would run on it are counted.

kubernetes-sigs/karpenter (tag v1.14.1): ``pkg/utils/nodepool/nodepool.go`` ``OrderByWeight`` (highest weight first,
equal weights by name, *descending*); ``scheduling/nodeclaimtemplate.go`` ``NewNodeClaimTemplate`` (requirements,
labels as requirements, taints; startup taints are not scheduling taints); ``scheduling/scheduler.go``
``getDaemonOverhead`` and ``isDaemonPodCompatible`` (a DaemonSet counts on a type when it tolerates the pool's taints,
``PreferNoSchedule`` included, and its strict requirements suit the pool and the type, one required term at a time).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from karpenter_infra.catalog.evaluate import admitted_bits
from karpenter_infra.catalog.model import Catalog, members
from karpenter_infra.scheduling import Requirement, Requirements, pod_requirements, required_terms, tolerates
from karpenter_infra.scheduling import labels as wk
from karpenter_infra.scheduling.labels import WELL_KNOWN_LABELS
from karpenter_infra.simulate.allocatable import NodeSettings, allocatable, capacity
from karpenter_infra.simulate.requests import Resources, in_catalog_units
from karpenter_infra.simulate.workloads import Workload

PREFER_NO_SCHEDULE_TOLERATION = {"operator": "Exists", "effect": "PreferNoSchedule"}


@dataclass
class Pool:
    name: str
    weight: int
    requirements: Requirements
    taints: list[Mapping[str, Any]]
    limits: Resources
    bits: int  # admitted instance types
    settings: NodeSettings
    capacity_types: tuple[str, ...]
    zones: tuple[str, ...]
    allocatable: dict[int, Resources] = field(default_factory=dict)  # after DaemonSet overhead
    capacity: dict[int, Resources] = field(default_factory=dict)
    daemonsets: list[str] = field(default_factory=list)
    _at_least: dict[str, tuple[list[float], list[int]]] = field(default_factory=dict)

    @property
    def launches(self) -> str:
        """A pool that allows spot launches spot (Karpenter's ``CapacityType`` preference order)."""
        for kind in ("spot", "on-demand", "reserved"):
            if kind in self.capacity_types:
                return kind
        return "on-demand"

    def fits(self, resource: str, amount: float) -> int:
        """The admitted types with at least ``amount`` of ``resource`` left after the DaemonSets, as a bitset:
        sorted once per resource, then one bisection per question."""
        index = self._at_least.get(resource)
        if index is None:
            ranked = sorted(self.allocatable, key=lambda i: self.allocatable[i].get(resource, 0.0))
            values = [self.allocatable[i].get(resource, 0.0) for i in ranked]
            suffix = [0] * (len(ranked) + 1)
            for k in range(len(ranked) - 1, -1, -1):
                suffix[k] = suffix[k + 1] | (1 << ranked[k])
            index = self._at_least[resource] = (values, suffix)
        values, suffix = index
        return suffix[bisect_left(values, amount - 1e-9)]


def _limits(node_pool: Mapping[str, Any]) -> Resources:
    owner = f"NodePool {node_pool['metadata']['name']}"
    return {
        str(name): in_catalog_units(str(name), text, owner, f"spec.limits.{name}")
        for name, text in (node_pool.get("spec", {}).get("limits") or {}).items()
    }


def build(
    manifests: Sequence[Mapping[str, Any]],
    catalog: Catalog,
    daemonsets: Sequence[Workload],
    daemon_requests: Mapping[str, Resources],
) -> list[Pool]:
    node_classes = {
        m["metadata"]["name"]: m for m in manifests if m.get("kind") == "EC2NodeClass" and m.get("metadata")
    }
    pools = []
    node_pools = [m for m in manifests if m.get("kind") == "NodePool"]
    all_zones = sorted({z for m in node_pools for z in _values(m, wk.ZONE)})
    for m in node_pools:
        spec = m.get("spec", {})
        template = spec.get("template", {}).get("spec", {})
        ref = (template.get("nodeClassRef") or {}).get("name")
        requirements = Requirements.from_node_pool(m)
        capacity_types = tuple(sorted(_values(m, wk.CAPACITY_TYPE))) or ("on-demand",)
        zones = tuple(z for z in all_zones if requirements.get_or_exists(wk.ZONE).has(z)) or ("(any zone)",)
        pool = Pool(
            name=m["metadata"]["name"],
            weight=int(spec.get("weight") or 0),
            requirements=requirements,
            taints=list(template.get("taints") or []),
            limits=_limits(m),
            bits=admitted_bits(dict(m), catalog),
            settings=NodeSettings.of(node_classes.get(ref)),
            capacity_types=capacity_types,
            zones=zones,
        )
        _overhead(pool, catalog, daemonsets, daemon_requests)
        pools.append(pool)
    # OrderByWeight: weight descending; equal weights by name descending.
    pools.sort(key=lambda p: p.name, reverse=True)
    pools.sort(key=lambda p: p.weight, reverse=True)
    return pools


def _values(node_pool: Mapping[str, Any], key: str) -> list[str]:
    found = Requirements.from_node_pool(node_pool).get(key)
    return sorted(found.values) if found is not None and not found.complement else []


def _type_requirements(catalog: Catalog, i: int) -> Requirements:
    """A type's own labels, as Karpenter's instance-type requirements hold them."""
    return Requirements(
        Requirement.of(key, "In", [v for v, bits in values.items() if bits >> i & 1])
        for key, values in catalog.labels.items()
        if key in WELL_KNOWN_LABELS
    )


def daemon_runs(pool: Pool, daemonset: Workload, type_requirements: Requirements | None) -> bool:
    """``isDaemonPodCompatible`` for one pool (and one type, when given)."""
    tolerations = [*(daemonset.spec.get("tolerations") or []), PREFER_NO_SCHEDULE_TOLERATION]
    if tolerates(pool.taints, tolerations) is not None:
        return False
    terms = max(1, len(required_terms(daemonset.spec)))
    for term in range(terms):
        wanted = pod_requirements(daemonset.spec, term=term, preferred=False)
        if pool.requirements.compatible(wanted, allow_undefined=WELL_KNOWN_LABELS) is None and (
            type_requirements is None or type_requirements.intersects(wanted) is None
        ):
            return True
    return False


def _overhead(pool: Pool, catalog: Catalog, daemonsets: Sequence[Workload], requests: Mapping[str, Resources]) -> None:
    """Per admitted type, allocatable less the requests of the DaemonSets that run there (per type: a DaemonSet's
    own affinity may match only some types, ``getDaemonOverhead``)."""
    candidates = [d for d in daemonsets if daemon_runs(pool, d, None)]
    # Only DaemonSets that name instance-type labels need the per-type check; the rest run on every type.
    per_type = [d for d in candidates if _names_type_labels(d, catalog)]
    everywhere = [d for d in candidates if d not in per_type]
    base: Resources = {}
    for d in everywhere:
        for name, value in requests[_key(d)].items():
            base[name] = base.get(name, 0.0) + value
    running: set[str] = {_key(d) for d in everywhere}
    for i in members(pool.bits):
        cap = capacity(catalog, i, pool.settings)
        alloc = allocatable(catalog, i, pool.settings)
        overhead = dict(base)
        if per_type:
            labels = _type_requirements(catalog, i)
            for d in per_type:
                if daemon_runs(pool, d, labels):
                    running.add(_key(d))
                    for name, value in requests[_key(d)].items():
                        overhead[name] = overhead.get(name, 0.0) + value
        pool.capacity[i] = cap
        pool.allocatable[i] = {name: alloc.get(name, 0.0) - overhead.get(name, 0.0) for name in {*alloc, *overhead}}
    pool.daemonsets = sorted(running)


def _key(workload: Workload) -> str:
    return f"{workload.namespace}/{workload.name}"


def _names_type_labels(daemonset: Workload, catalog: Catalog) -> bool:
    keys: set[str] = set()
    for term in range(max(1, len(required_terms(daemonset.spec)))):
        keys |= set(pod_requirements(daemonset.spec, term=term, preferred=False))
    return any(key in catalog.labels for key in keys)
