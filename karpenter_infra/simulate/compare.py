"""What a fleet change does to the workloads: the ``diff --workloads`` section.

Both sides are simulated with the same workload files; a workload is listed when its pools change, when it becomes
or stops being pending, or when its share of the nodes' hourly cost changes by a cent or more.
"""

from __future__ import annotations

from dataclasses import dataclass

from karpenter_infra.simulate.result import Simulation, WorkloadResult

#: Below this (USD per hour) a cost change is noise from a cheaper type elsewhere in a shared node.
COST_EPSILON = 0.01


@dataclass(frozen=True)
class PlacementChange:
    workload: str
    before: str
    after: str
    becomes_pending: bool
    cost_before: float
    cost_after: float


def _where(w: WorkloadResult | None) -> str:
    if w is None:
        return "(absent)"
    placed = ", ".join(f"{pool} ({pods})" for pool, pods in w.placements) or "-"
    return placed + (f", {w.pending} pending" if w.pending else "")


def placement_changes(base: Simulation, head: Simulation) -> list[PlacementChange]:
    def key(w: WorkloadResult) -> str:
        return f"{w.kind} {w.namespace}/{w.name}"

    before = {key(w): w for w in base.workloads}
    after = {key(w): w for w in head.workloads}
    changes = []
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        old_cost = old.hourly_cost_share if old else 0.0
        new_cost = new.hourly_cost_share if new else 0.0
        moved = _where(old) != _where(new)
        if not moved and abs(new_cost - old_cost) < COST_EPSILON:
            continue
        newly_pending = bool(new and new.pending and (old is None or new.pending > old.pending))
        changes.append(PlacementChange(name, _where(old), _where(new), newly_pending, old_cost, new_cost))
    return changes


def becomes_pending(changes: list[PlacementChange]) -> bool:
    return any(c.becomes_pending for c in changes)


def report(changes: list[PlacementChange], base: Simulation, head: Simulation) -> str:
    lines = ["", "Workload placement (simulated on base and head):"]
    if not changes:
        lines.append("  no workload changes pool, pending or cost")
    for c in changes:
        marker = "!" if c.becomes_pending else "~"
        note = "  BECOMES PENDING" if c.becomes_pending else ""
        cost = (
            f"  ${c.cost_before:.4f} -> ${c.cost_after:.4f}/h"
            if abs(c.cost_after - c.cost_before) >= COST_EPSILON
            else ""
        )
        lines.append(f"  {marker} {c.workload}: {c.before} -> {c.after}{cost}{note}")
    lines.append(
        f"  fleet: ${base.hourly_cost_on_demand:.4f} -> ${head.hourly_cost_on_demand:.4f}/hour on-demand "
        f"(an upper bound for spot); pending pods {base.pending} -> {head.pending}"
    )
    return "\n".join(lines) + "\n"
