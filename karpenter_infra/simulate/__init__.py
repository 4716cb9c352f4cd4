"""Where the user's workloads land on a fleet that has no nodes yet, what that costs, and why a pod stays pending.

One module per concern: ``workloads`` (files -> objects), ``requests`` (a pod's effective requests),
``allocatable`` (what a node offers), ``pools`` (NodePools, DaemonSet overhead), ``scheduler`` (Karpenter's
provisioning scheduler), ``cost`` and ``result``. Pure: no Pulumi, no I/O beyond reading the workload files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from karpenter_infra.catalog.model import Catalog, shipped_catalog
from karpenter_infra.scheduling import labels as wk
from karpenter_infra.simulate import workloads as loading
from karpenter_infra.simulate.cost import cheapest, cheapest_first, hourly
from karpenter_infra.simulate.pools import Pool, build
from karpenter_infra.simulate.requests import pod_requests
from karpenter_infra.simulate.result import NodeResult, PoolResult, Simulation, WorkloadResult
from karpenter_infra.simulate.scheduler import PodState, Scheduler, Shape, preferred_terms
from karpenter_infra.simulate.workloads import Workload, Workloads

__all__ = ["Simulation", "Workloads", "load_workloads", "simulate"]


def load_workloads(paths: Sequence[Path | str]) -> Workloads:
    return loading.load(paths)


def _matches(selector: Any, labels: Mapping[str, str]) -> bool:
    """A label selector over the workload's own pod labels (``matchLabels`` and ``In``/``NotIn``/``Exists``)."""
    if not isinstance(selector, Mapping):
        return False
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression.get("key"), expression.get("operator"), expression.get("values") or []
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def _shape(index: int, workload: Workload) -> Shape:
    spec = workload.spec
    anti = ((spec.get("affinity") or {}).get("podAntiAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    ) or []
    one_per_node = any(
        t.get("topologyKey") == wk.HOSTNAME and _matches(t.get("labelSelector"), workload.labels) for t in anti
    )
    skew = None
    for constraint in spec.get("topologySpreadConstraints") or []:
        if (
            constraint.get("topologyKey") == wk.ZONE
            and constraint.get("whenUnsatisfiable", "DoNotSchedule") == "DoNotSchedule"
            and _matches(constraint.get("labelSelector"), workload.labels)
        ):
            skew = int(constraint.get("maxSkew", 1))
    return Shape(index, workload, pod_requests(spec, workload.owner), one_per_node, skew)


def simulate(
    manifests: Iterable[Mapping[str, Any]],
    workloads: Workloads | Iterable[Any],
    *,
    catalog: Catalog | None = None,
) -> Simulation:
    """``manifests``: the rendered fleet (NodePools, EC2NodeClasses); ``workloads``: loaded ``Workloads`` or the
    objects themselves (dicts as YAML gives them)."""
    catalog = catalog or shipped_catalog()
    loaded = workloads if isinstance(workloads, Workloads) else loading.from_objects(workloads)
    manifest_list = [dict(m) for m in manifests]
    daemon_requests = {f"{d.namespace}/{d.name}": pod_requests(d.spec, d.owner) for d in loaded.daemonsets}
    pools = build(manifest_list, catalog, loaded.daemonsets, daemon_requests)
    shapes = [_shape(i, w) for i, w in enumerate(loaded.workloads)]
    scheduler = Scheduler(pools, catalog)
    outcome = scheduler.run(shapes)
    by_name = {p.name: p for p in pools}

    results = []
    for shape in shapes:
        placed = list(outcome.placed.get(shape.index, {}).items())
        types: list[str] = []
        if placed:
            pool = by_name[placed[0][0]]
            wanted = outcome.landed_with[shape.index]
            bits = pool.bits
            for requirement in wanted.values():
                bits &= catalog.admit(requirement)
            for name, amount in shape.requests.items():
                bits &= pool.fits(name, amount)
            types = [catalog.names[i] for i in cheapest_first(catalog, bits)]
        results.append(
            WorkloadResult(
                kind=shape.workload.kind,
                namespace=shape.workload.namespace,
                name=shape.workload.name,
                pods=shape.workload.pods,
                placements=placed,
                instance_types=types,
                pending=outcome.pending.get(shape.index, 0),
                reasons=_reasons(scheduler, shape, pools, [p for p, _ in placed], outcome.errors.get(shape.index, {})),
            )
        )
    _cost_shares(scheduler, results)
    return Simulation(
        workloads=results,
        daemonsets=[
            (d.namespace, d.name, [p.name for p in pools if f"{d.namespace}/{d.name}" in p.daemonsets])
            for d in loaded.daemonsets
        ],
        nodepools=[_pool_result(scheduler, pool) for pool in pools],
        skipped_kinds=dict(loaded.skipped),
    )


def _reasons(
    scheduler: Scheduler, shape: Shape, pools: list[Pool], used: list[str], errors: Mapping[str, str]
) -> dict[str, str]:
    """Why each pool the workload did not use did not take it: the error Karpenter gave when it tried, else the
    answer of a fresh NodeClaim for one pod, else the pool that comes first. A pool that took some of the pods and
    refused the rest says why too."""
    reasons: dict[str, str] = {}
    pending = shape.index in scheduler_pending(scheduler)
    for pool in pools:
        if pool.name in used:
            if pending and pool.name in errors:  # it took some pods, then refused the rest
                reasons[pool.name] = errors[pool.name]
            continue
        if pool.name in errors:
            reasons[pool.name] = errors[pool.name]
            continue
        state = PodState(shape, 0, preferred=preferred_terms(shape.workload.spec))
        answer = scheduler.can_add(pool, pool.requirements, pool.bits, {}, state, {})
        if isinstance(answer, str):
            reasons[pool.name] = answer
        elif used:
            first = next(p for p in pools if p.name == used[0])
            reasons[pool.name] = f"not needed: {first.name} (weight {first.weight}) took the pods first"
    return reasons


def _cost_shares(scheduler: Scheduler, results: list[WorkloadResult]) -> None:
    catalog = scheduler.catalog
    for claim in scheduler.claims:
        price = hourly(catalog, cheapest(catalog, claim.options))
        for index, pods in claim.shapes.items():
            results[index].hourly_cost_share += price * pods / claim.pods


def scheduler_pending(scheduler: Scheduler) -> set[int]:
    return set(scheduler.pending)


def _pool_result(scheduler: Scheduler, pool: Pool) -> PoolResult:
    catalog = scheduler.catalog
    nodes = []
    for claim in scheduler.claims:
        if claim.pool is not pool:
            continue
        i = cheapest(catalog, claim.options)
        allowed = claim.requirements.get_or_exists(wk.CAPACITY_TYPE)
        kinds = [k for k in ("spot", "on-demand", "reserved") if k in pool.capacity_types and allowed.has(k)]
        nodes.append(NodeResult(catalog.names[i], kinds[0] if kinds else pool.launches, claim.pods))
    cost = sum(hourly(catalog, catalog.ids[n.instance_type]) for n in nodes)
    return PoolResult(pool.name, sum(n.pods for n in nodes), nodes, cost)
