"""ResolvedNodeGroup -> ``karpenter.sh/v1`` NodePool manifest."""

from __future__ import annotations

from typing import Any

from karpenter_infra.render.owner import owner_labels
from karpenter_infra.spec.resolved import ResolvedNodeGroup
from karpenter_infra.spec.scheduling import Requirement, Taint

NODEPOOL_API_VERSION = "karpenter.sh/v1"
NODECLASS_GROUP = "karpenter.k8s.aws"
NODECLASS_KIND = "EC2NodeClass"


def _requirement(key: str, operator: str, values: list[str] | None = None) -> dict[str, Any]:
    term: dict[str, Any] = {"key": key, "operator": operator}
    if values is not None:
        term["values"] = list(values)  # a copy: groups share resolved lists, manifests must not share them
    return term


def requirements(group: ResolvedNodeGroup) -> list[dict[str, Any]]:
    """Instance shape first, then placement, then the user's raw terms: the order a reviewer reads them in."""
    inst = group.instances
    terms: list[dict[str, Any]] = []
    if inst.instance_types:
        terms.append(_requirement("node.kubernetes.io/instance-type", "In", inst.instance_types))
    else:
        if inst.categories:
            terms.append(_requirement("karpenter.k8s.aws/instance-category", "In", inst.categories))
        if inst.min_generation is not None:
            terms.append(_requirement("karpenter.k8s.aws/instance-generation", "Gt", [str(inst.min_generation - 1)]))
        if inst.cores:
            terms.append(_requirement("karpenter.k8s.aws/instance-cpu", "In", [str(c) for c in inst.cores]))
        if inst.cpu_manufacturers:
            terms.append(_requirement("karpenter.k8s.aws/instance-cpu-manufacturer", "In", inst.cpu_manufacturers))
        if inst.families:
            terms.append(_requirement("karpenter.k8s.aws/instance-family", "In", inst.families))
        if inst.sizes:
            terms.append(_requirement("karpenter.k8s.aws/instance-size", "In", inst.sizes))
        if inst.hypervisors:
            terms.append(_requirement("karpenter.k8s.aws/instance-hypervisor", "In", inst.hypervisors))
    if inst.exclude_families:
        terms.append(_requirement("karpenter.k8s.aws/instance-family", "NotIn", inst.exclude_families))
    if inst.exclude_sizes:
        terms.append(_requirement("karpenter.k8s.aws/instance-size", "NotIn", inst.exclude_sizes))
    terms.append(_requirement("kubernetes.io/arch", "In", inst.architecture.kubernetes_values))
    terms.append(_requirement("kubernetes.io/os", "In", inst.operating_systems))
    terms.append(_requirement("karpenter.sh/capacity-type", "In", inst.capacity_types))
    if group.availability_zones:
        terms.append(_requirement("topology.kubernetes.io/zone", "In", group.availability_zones))
    if group.capacity_spread is not None:
        terms.append(_requirement(group.capacity_spread_label_key, "In", group.capacity_spread.values))
    terms.extend(_raw(term) for term in group.additional_requirements)
    _apply_min_values(terms, inst.min_values)
    return terms


def _raw(term: Requirement) -> dict[str, Any]:
    rendered = _requirement(term.key, str(term.operator), list(term.values) if term.values else None)
    if term.min_values is not None:
        rendered["minValues"] = term.min_values
    return rendered


def _apply_min_values(terms: list[dict[str, Any]], min_values: dict[str, int]) -> None:
    """Put each floor on the key's ``In`` term; without one, on an ``Exists`` term, as Karpenter's docs do."""
    for key, floor in min_values.items():
        target = next((t for t in terms if t["key"] == key and t["operator"] == "In"), None)
        if target is None:
            terms.append({"key": key, "operator": "Exists", "minValues": floor})
        else:
            target["minValues"] = floor


def _taint(taint: Taint) -> dict[str, str]:
    rendered = {"key": taint.key}
    if taint.value is not None:
        rendered["value"] = taint.value
    rendered["effect"] = str(taint.effect)
    return rendered


def _budget(budget: Any) -> dict[str, Any]:
    rendered: dict[str, Any] = {"nodes": budget.nodes}
    if budget.reasons is not None:
        rendered["reasons"] = sorted(budget.reasons)
    if budget.schedule is not None:
        rendered["schedule"] = budget.schedule
        rendered["duration"] = budget.duration
    return rendered


def node_pool(group: ResolvedNodeGroup) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    if group.labels:
        metadata["labels"] = dict(group.labels)
    if group.annotations:
        metadata["annotations"] = dict(group.annotations)
    template_spec: dict[str, Any] = {
        "nodeClassRef": {"group": NODECLASS_GROUP, "kind": NODECLASS_KIND, "name": group.nodeclass_name},
        "requirements": requirements(group),
    }
    if group.taints:
        template_spec["taints"] = [_taint(t) for t in group.taints]
    if group.startup_taints:
        template_spec["startupTaints"] = [_taint(t) for t in group.startup_taints]
    template_spec["expireAfter"] = group.expire_after
    if group.termination_grace_period is not None:
        template_spec["terminationGracePeriod"] = group.termination_grace_period
    spec: dict[str, Any] = {}
    if group.replicas is not None:
        spec["replicas"] = group.replicas
    if group.weight is not None:
        spec["weight"] = group.weight
    spec["template"] = {"metadata": metadata, "spec": template_spec} if metadata else {"spec": template_spec}
    spec["disruption"] = {
        "consolidationPolicy": group.consolidation_policy,
        "consolidateAfter": group.consolidate_after,
        "budgets": [_budget(b) for b in group.budgets],
    }
    if group.limits:
        spec["limits"] = dict(group.limits)
    return {
        "apiVersion": NODEPOOL_API_VERSION,
        "kind": "NodePool",
        "metadata": {"name": group.nodepool_name, "labels": owner_labels(group)},
        "spec": spec,
    }
