"""The simulation's result as plain data; ``to_dict`` is the ``--json`` document (version 1, pinned by tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

VERSION = 1

#: What the simulation leaves out, and why; printed with every result.
NOT_MODELLED = (
    "existing nodes: the cluster is taken to be empty, so every pod needs a new node",
    "pod affinity, and pod anti-affinity other than one pod per node (kubernetes.io/hostname) for the workload's "
    "own pods: they depend on where other pods already run",
    "topology spread other than zones with DoNotSchedule over the workload's own pods; ScheduleAnyway spread is "
    "dropped (Karpenter relaxes it when it cannot be met)",
    "zones: a pool without a zone requirement is taken to reach the zones the other pools name; subnet and "
    "offering availability per zone is not known offline",
    "volume topology (a PersistentVolume's zone), host ports and Dynamic Resource Allocation (DRA)",
    "spot prices and capacity: costs use on-demand prices, an upper bound for spot nodes",
    "capacity reservations and Karpenter's minValues best-effort policy (minValues is strict here)",
    "pod priority and preemption, and consolidation after the pods land",
)


@dataclass
class WorkloadResult:
    kind: str
    namespace: str
    name: str
    pods: int
    placements: list[tuple[str, int]]
    instance_types: list[str]
    pending: int
    reasons: dict[str, str]
    #: Its share of the nodes' on-demand cost (each node's price split by pod count); not in the JSON document.
    hourly_cost_share: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "namespace": self.namespace,
            "name": self.name,
            "pods": self.pods,
            "placements": [{"nodepool": pool, "pods": pods} for pool, pods in self.placements],
            "instance_types": list(self.instance_types),
            "pending": self.pending,
            "reasons": dict(sorted(self.reasons.items())),
        }


@dataclass
class NodeResult:
    instance_type: str
    capacity_type: str
    pods: int

    def to_dict(self) -> dict[str, Any]:
        return {"instance_type": self.instance_type, "capacity_type": self.capacity_type, "pods": self.pods}


@dataclass
class PoolResult:
    name: str
    pods: int
    nodes: list[NodeResult]
    hourly_cost_on_demand: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "pods": self.pods,
            "nodes": [n.to_dict() for n in self.nodes],
            "hourly_cost_on_demand": round(float(self.hourly_cost_on_demand), 4),
        }


@dataclass
class Simulation:
    workloads: list[WorkloadResult]
    daemonsets: list[tuple[str, str, list[str]]]
    nodepools: list[PoolResult]
    skipped_kinds: dict[str, int] = field(default_factory=dict)
    not_modelled: tuple[str, ...] = NOT_MODELLED

    @property
    def hourly_cost_on_demand(self) -> float:
        return round(float(sum(p.hourly_cost_on_demand for p in self.nodepools)), 4)

    @property
    def pending(self) -> int:
        return sum(w.pending for w in self.workloads)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "workloads": [w.to_dict() for w in self.workloads],
            "daemonsets": [
                {"namespace": namespace, "name": name, "nodepools": pools} for namespace, name, pools in self.daemonsets
            ],
            "nodepools": [p.to_dict() for p in self.nodepools],
            "hourly_cost_on_demand": self.hourly_cost_on_demand,
            "skipped_kinds": dict(sorted(self.skipped_kinds.items())),
            "not_modelled": list(self.not_modelled),
        }
