"""Rules that need a group's resolved settings (defaults merged in): run once per group when the fleet is built."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.rules.durations import seconds
from karpenter_infra.rules.names import label_value_problem, qualified_name_problem
from karpenter_infra.rules.nodeclass import image_gc_problems
from karpenter_infra.rules.requirements import model_problems
from karpenter_infra.rules.tags import tag_count_problem
from karpenter_infra.rules.zones import zones_problem
from karpenter_infra.scheduling.quantity import QuantityError, parse_quantity
from karpenter_infra.spec.resolved import ResolvedNodeGroup

Issues = list[tuple[str, str]]


def _headroom_problems(group: ResolvedNodeGroup) -> Issues:
    if not group.headroom:
        return []
    if group.replicas is not None:
        return [("headroom", "a static pool (replicas) never scales, so headroom pods would only sit pending")]
    found: Issues = []
    for index, entry in enumerate(group.headroom):
        for key, value in (entry.anti_affinity_labels or {}).items():
            # Pod labels in a matchLabels selector: the name rules apply, not the node-label domains.
            if problem := qualified_name_problem(key) or label_value_problem(value):
                found.append((f"headroom[{index}].anti_affinity_labels[{key!r}]", problem))
    totals = {"cpu": Decimal(0), "memory": Decimal(0), "nodes": Decimal(0)}
    for entry in group.headroom:
        cpu, memory = entry.resources
        totals["cpu"] += parse_quantity(cpu) * entry.count
        totals["memory"] += parse_quantity(memory) * entry.count
        totals["nodes"] += entry.count  # one placeholder pod per node (hostname anti-affinity)
    for resource, total in totals.items():
        limit = group.limits.get(resource)
        if limit is None:
            continue
        try:
            ceiling = parse_quantity(limit)
        except QuantityError:
            continue
        if total > ceiling:
            found.append(
                (f"limits[{resource!r}]", f"{limit} is less than the headroom alone needs ({_show(resource, total)})")
            )
    return found


def _show(resource: str, total: Decimal) -> str:
    if resource == "memory":
        return f"{total / Decimal(1024) ** 3:f}Gi"
    return f"{total:f}"


def check_group(group: ResolvedNodeGroup) -> None:
    found = model_problems(group)
    if group.availability_zones and (problem := zones_problem(tuple(group.availability_zones))):
        found.append(("availability_zones", problem))
    found += _headroom_problems(group)
    if group.nodeclass is not None:
        found += [(f"kubelet.{f}", p) for f, p in image_gc_problems(group.nodeclass.kubelet)]
        if problem := tag_count_problem(group.nodeclass.tags, group.cluster_name):
            found.append(("node_tags", problem))
    if found:
        raise SpecError(nodegroup_owner(group.name), found)


def disruption_warnings(groups: Sequence[ResolvedNodeGroup]) -> list[tuple[str, str, str]]:
    found = []
    for group in groups:
        expire, consolidate = seconds(group.expire_after), seconds(group.consolidate_after)
        if expire is not None and consolidate is not None and consolidate > expire:
            found.append(
                (
                    nodegroup_owner(group.name),
                    "expire_after",
                    f"{group.expire_after} is shorter than consolidate_after ({group.consolidate_after}): nodes "
                    "expire before consolidation may act on them",
                )
            )
    return found
