"""Karpenter's provisioning scheduler for a cluster with no nodes: kubernetes-sigs/karpenter
``pkg/controllers/provisioning/scheduling`` (tag v1.14.1).

- ``queue.go`` ``byCPUAndMemoryDescending``: pods are taken largest first (cpu, then memory, then input order).
- ``scheduler.go`` ``add``: a pod first joins a NodeClaim already opened in this batch (``addToInflightNode``, the
  emptiest first, whatever the pools' weights), then the first pool, in weight order, that can take it
  (``addToNewNodeClaim``); the errors of every pool are kept, in pool order.
- ``nodeclaim.go`` ``CanAdd``: taints first (``did not tolerate taint``), then requirements (``incompatible
  requirements, ...``), topology, then ``filterInstanceTypesByRequirements``: the types that meet the requirements
  and fit the pod plus the DaemonSet overhead; ``minValues`` is strict.
- ``scheduler.go`` ``filterByRemainingResources`` / ``subtractMax``: a pool's ``limits`` admit only types whose
  capacity fits what remains; each new NodeClaim subtracts the largest capacity among its types.
- ``preferences.go`` ``Relax``: a pod that fails is relaxed one step (the next required node-selector term, then
  the heaviest preferred node-affinity term, then, last and only when some pool has one, ``PreferNoSchedule`` taints
  are tolerated) and queued again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from karpenter_infra.catalog.model import Catalog, members
from karpenter_infra.scheduling import Requirement, Requirements, pod_requirements, required_terms, tolerates
from karpenter_infra.scheduling import labels as wk
from karpenter_infra.scheduling.labels import WELL_KNOWN_LABELS
from karpenter_infra.simulate.pools import PREFER_NO_SCHEDULE_TOLERATION, Pool
from karpenter_infra.simulate.requests import Resources
from karpenter_infra.simulate.workloads import Workload


@dataclass
class Shape:
    """What every pod of one workload shares: requests, spread and anti-affinity."""

    index: int
    workload: Workload
    requests: Resources
    one_per_node: bool
    zone_skew: int | None  # maxSkew of a zonal DoNotSchedule spread over the workload's own pods


@dataclass
class PodState:
    shape: Shape
    ordinal: int
    term: int = 0
    preferred: list[Mapping[str, Any]] = field(default_factory=list)
    tolerate_prefer: bool = False

    def requirements(self) -> Requirements:
        spec = dict(self.shape.workload.spec)
        affinity = dict(spec.get("affinity") or {})
        node_affinity = dict(affinity.get("nodeAffinity") or {})
        node_affinity["preferredDuringSchedulingIgnoredDuringExecution"] = self.preferred
        affinity["nodeAffinity"] = node_affinity
        spec["affinity"] = affinity
        return pod_requirements(spec, term=self.term)

    def tolerations(self) -> list[Mapping[str, Any]]:
        own = list(self.shape.workload.spec.get("tolerations") or [])
        return [*own, PREFER_NO_SCHEDULE_TOLERATION] if self.tolerate_prefer else own

    def key(self) -> tuple[int, int, int, bool]:
        return (self.shape.index, self.term, len(self.preferred), self.tolerate_prefer)


@dataclass
class Claim:
    """A NodeClaim opened in this batch."""

    pool: Pool
    requirements: Requirements
    options: int
    requests: Resources
    order: int
    pods: int = 0
    shapes: dict[int, int] = field(default_factory=dict)


@dataclass
class Outcome:
    claims: list[Claim]
    placed: dict[int, dict[str, int]]  # shape index -> pool -> pods, in the order the pools took them
    pending: dict[int, int]
    errors: dict[int, dict[str, str]]  # shape index -> pool -> Karpenter's reason
    landed_with: dict[int, Requirements] = field(default_factory=dict)  # the first placed pod's requirements


class Scheduler:
    def __init__(self, pools: Sequence[Pool], catalog: Catalog) -> None:
        self.pools = list(pools)
        self.catalog = catalog
        self.claims: list[Claim] = []
        self.remaining: dict[str, Resources] = {p.name: dict(p.limits) for p in pools}
        self.zone_counts: dict[int, dict[str, int]] = {}
        self.prefer_no_schedule = any(t.get("effect") == "PreferNoSchedule" for p in pools for t in p.taints)
        self._bits: dict[tuple[Any, ...], int] = {}
        self._requirements: dict[tuple[int, int, int, bool], Requirements] = {}
        self._zones: dict[tuple[Any, ...], list[str]] = {}
        self.pending: dict[int, int] = {}
        self._alive: dict[tuple[int, int, int, bool], tuple[int, list[Claim]]] = {}

    # -- requirements against the catalog, cached per pod shape and relaxation step
    def _pod_bits(self, state: PodState, requirements: Requirements) -> int:
        key = ("pod", state.key())
        found = self._bits.get(key)
        if found is None:
            found = self.catalog.all
            for requirement in requirements.values():
                found &= self.catalog.admit(requirement)
            self._bits[key] = found
        return found

    def _fits(self, pool: Pool, total: Resources) -> int:
        bits = pool.bits
        for name, amount in total.items():
            bits &= pool.fits(name, amount)
            if not bits:
                break
        return bits

    def _min_values(self, requirements: Requirements, bits: int) -> str | None:
        for requirement in requirements.values():
            if requirement.min_values is None or not self.catalog.knows(requirement.key):
                continue
            found = 0
            for value_bits in self.catalog.labels[requirement.key].values():
                if value_bits & bits:
                    found += 1
                    if found >= requirement.min_values:
                        break
            if found < requirement.min_values:
                return (
                    f"minValues requirement is not met for label(s) (label={requirement.key}, "
                    f"minValues={requirement.min_values}, got {found})"
                )
        return None

    def _zone(self, state: PodState, merged: Requirements) -> tuple[Requirements, str | None]:
        """Zonal spread (``topology.go``): the pod goes to the zone, among those the NodeClaim allows, that holds
        the fewest of its workload's pods; ``maxSkew`` is checked against the emptiest zone it could use."""
        skew = state.shape.zone_skew
        if skew is None:
            return merged, None
        counts = self.zone_counts.setdefault(state.shape.index, {})
        zone_req = merged.get_or_exists(wk.ZONE)
        domains = [z for z in self._all_zones() if zone_req.has(z)]
        if not domains:
            return merged, "unsatisfiable topology constraint for topology spread, key=topology.kubernetes.io/zone"
        eligible = self._domains(state) or domains
        floor = min(counts.get(z, 0) for z in eligible)
        zone = min(domains, key=lambda z: (counts.get(z, 0), z))
        if counts.get(zone, 0) + 1 - floor > skew:
            return merged, "unsatisfiable topology constraint for topology spread, key=topology.kubernetes.io/zone"
        return merged & Requirements([Requirement.of(wk.ZONE, "In", [zone])]), None

    def requirements_of(self, state: PodState) -> Requirements:
        key = state.key()
        found = self._requirements.get(key)
        if found is None:
            found = self._requirements[key] = state.requirements()
        return found

    def _domains(self, state: PodState) -> list[str]:
        """The zones the pod could reach: those of the pools whose taints and requirements it suits
        (``topologydomaingroup.go``: a domain counts when a NodePool the pod is compatible with offers it)."""
        key = ("domains", state.key())
        found = self._zones.get(key)
        if found is None:
            wanted = self.requirements_of(state)
            pod_zone = wanted.get_or_exists(wk.ZONE)
            zones: set[str] = set()
            for pool in self.pools:
                if tolerates(pool.taints, state.tolerations()) is not None:
                    continue
                if pool.requirements.compatible(wanted, allow_undefined=WELL_KNOWN_LABELS) is not None:
                    continue
                zones.update(z for z in pool.zones if pod_zone.has(z))
            found = self._zones[key] = sorted(zones)
        return found

    def _all_zones(self) -> list[str]:
        return sorted({z for p in self.pools for z in p.zones})

    def can_add(
        self,
        pool: Pool,
        base: Requirements,
        options: int,
        requests: Resources,
        state: PodState,
        shapes: Mapping[int, int],
    ) -> tuple[Requirements, int, Resources] | str:
        """``NodeClaim.CanAdd``: the merged requirements, the types left and the new total, or the reason."""
        reason = tolerates(pool.taints, state.tolerations())
        if reason is not None:
            return reason
        wanted = self.requirements_of(state)
        incompatible = base.compatible(wanted, allow_undefined=WELL_KNOWN_LABELS)
        if incompatible is not None:
            return f"incompatible requirements, {incompatible}"
        merged = base & wanted
        # Topology after requirements (``tryVolumeAlternative``: ``topology.AddRequirements``), as Karpenter words it.
        if state.shape.one_per_node and shapes.get(state.shape.index):
            return "unsatisfiable topology constraint for pod anti-affinity, key=kubernetes.io/hostname"
        merged, spread = self._zone(state, merged)
        if spread is not None:
            return spread
        total = dict(requests)
        for name, value in state.shape.requests.items():
            total[name] = total.get(name, 0.0) + value
        meets = options & self._pod_bits(state, wanted)
        fits = self._fits(pool, total)
        left = meets & fits
        if not left:
            detail = _resources(total)
            if not meets:
                return f"no instance type met all requirements, requirements={merged}, resources={detail}"
            if not fits & options:
                return f"no instance type has enough resources, resources={detail}"
            return f"no instance type which met the scheduling requirements had enough resources, resources={detail}"
        floor = self._min_values(merged, left)
        if floor is not None:
            return floor
        return merged, left, total

    def _within_limits(self, pool: Pool) -> int | str:
        remaining = self.remaining[pool.name]
        if not remaining:
            return pool.bits
        if "nodes" in remaining and remaining["nodes"] <= 0:
            return "node limits have been exhausted for nodepool"
        bits = 0
        for i, cap in pool.capacity.items():
            if all(cap.get(name, 0.0) <= left + 1e-9 for name, left in remaining.items() if name != "nodes"):
                bits |= 1 << i
        return bits or "all available instance types exceed limits for nodepool"

    def _subtract_max(self, pool: Pool, bits: int) -> None:
        remaining = self.remaining[pool.name]
        if not remaining:
            return
        for name in list(remaining):
            if name == "nodes":
                remaining[name] -= 1
            else:
                remaining[name] -= max(pool.capacity[i].get(name, 0.0) for i in members(bits))

    def add(self, state: PodState) -> dict[str, str] | Claim:
        """``Scheduler.add`` without existing nodes: in-flight NodeClaims first, then a new one."""
        key = state.key()
        seen, alive = self._alive.get(key, (0, []))
        alive = alive + self.claims[seen:]
        alive.sort(key=lambda c: (c.pods, c.order))
        kept = []
        chosen: Claim | None = None
        for claim in alive:
            if chosen is not None:
                kept.append(claim)
                continue
            result = self.can_add(claim.pool, claim.requirements, claim.options, claim.requests, state, claim.shapes)
            if isinstance(result, str):
                if state.shape.zone_skew is not None:
                    kept.append(claim)  # a zone's count can change what a NodeClaim accepts
                continue
            claim.requirements, claim.options, claim.requests = result
            chosen = claim
            kept.append(claim)
        self._alive[key] = (len(self.claims), kept)
        if chosen is not None:
            self._record(chosen, state)
            return chosen
        errors: dict[str, str] = {}
        for pool in self.pools:
            within = self._within_limits(pool)
            if isinstance(within, str):
                errors[pool.name] = within
                continue
            result = self.can_add(pool, pool.requirements, within, {}, state, {})
            if isinstance(result, str):
                errors[pool.name] = result
                continue
            requirements, options, total = result
            claim = Claim(pool, requirements, options, total, order=len(self.claims))
            self.claims.append(claim)
            self._subtract_max(pool, options)
            self._record(claim, state)
            return claim
        return errors

    def _record(self, claim: Claim, state: PodState) -> None:
        claim.pods += 1
        claim.shapes[state.shape.index] = claim.shapes.get(state.shape.index, 0) + 1
        if state.shape.zone_skew is not None:
            zone = claim.requirements.get_or_exists(wk.ZONE)
            chosen = next((z for z in self._all_zones() if zone.has(z)), None)
            if chosen is not None:
                counts = self.zone_counts.setdefault(state.shape.index, {})
                counts[chosen] = counts.get(chosen, 0) + 1

    def relax(self, state: PodState) -> bool:
        """``Preferences.Relax``, one step."""
        if state.term + 1 < len(required_terms(state.shape.workload.spec)):
            state.term += 1
            return True
        if state.preferred:
            state.preferred = sorted(state.preferred, key=lambda p: -int(p.get("weight", 0)))[1:]
            return True
        if self.prefer_no_schedule and not state.tolerate_prefer:
            state.tolerate_prefer = True
            return True
        return False

    def run(self, shapes: Sequence[Shape]) -> Outcome:
        pods = [
            PodState(shape, n, preferred=preferred_terms(shape.workload.spec))
            for shape in shapes
            for n in range(shape.workload.pods)
        ]
        # byCPUAndMemoryDescending; input order (creation order) breaks ties.
        pods.sort(key=lambda p: (-p.shape.requests.get("cpu", 0.0), -p.shape.requests.get("memory", 0.0)))
        queue = deque(pods)
        outcome = Outcome(self.claims, {}, {}, {})
        while queue:
            state = queue.popleft()
            result = self.add(state)
            index = state.shape.index
            if isinstance(result, Claim):
                placed = outcome.placed.setdefault(index, {})
                placed[result.pool.name] = placed.get(result.pool.name, 0) + 1
                outcome.landed_with.setdefault(index, self.requirements_of(state))
                continue
            outcome.errors.setdefault(index, {}).update(result)
            if self.relax(state):
                queue.append(state)
            else:
                outcome.pending[index] = outcome.pending.get(index, 0) + 1
                self.pending[index] = outcome.pending[index]
        return outcome


def preferred_terms(spec: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    node_affinity = (spec.get("affinity") or {}).get("nodeAffinity") or {}
    return list(node_affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or [])


def _resources(total: Resources) -> str:
    shown = []
    for name in sorted(total):
        value = total[name]
        if name == "cpu":
            shown.append(f"cpu={value:g}m")
        elif name == "memory":
            shown.append(f"memory={value:g}Mi")
        elif name == "ephemeral-storage":
            shown.append(f"ephemeral-storage={value:g}Gi")
        else:
            shown.append(f"{name}={value:g}")
    return "{" + ", ".join(shown) + "}"
