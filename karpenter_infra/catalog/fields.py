"""Requirement terms back to the spec fields that rendered them, so an error names what the user wrote."""

from __future__ import annotations

from typing import Any

from karpenter_infra.catalog.data_format import INSTANCE_TYPE_LABEL
from karpenter_infra.catalog.model import ARCH_LABEL, CPU_LABEL, FAMILY_LABEL, OS_LABEL
from karpenter_infra.catalog.view import FROM_LABEL
from karpenter_infra.spec.resolved import ResolvedNodeGroup

#: (key, operator) of each term ``render/nodepool.requirements`` derives from ``instances``.
INSTANCE_FIELDS: dict[tuple[str, str], str] = {
    (INSTANCE_TYPE_LABEL, "In"): "instances.instance_types",
    ("karpenter.k8s.aws/instance-category", "In"): "instances.categories",
    ("karpenter.k8s.aws/instance-generation", "Gt"): "instances.min_generation",
    (CPU_LABEL, "In"): "instances.cores",
    ("karpenter.k8s.aws/instance-cpu-manufacturer", "In"): "instances.cpu_manufacturers",
    (FAMILY_LABEL, "NotIn"): "instances.exclude_families",
    ("karpenter.k8s.aws/instance-size", "NotIn"): "instances.exclude_sizes",
    (ARCH_LABEL, "In"): "instances.architecture",
    (OS_LABEL, "In"): "instances.operating_systems",
}


def field_of(term: dict[str, Any], group: ResolvedNodeGroup) -> tuple[str, str]:
    """``(field, value as the user wrote it)`` for a rendered requirement term."""
    key, operator, values = term["key"], term["operator"], list(term.get("values") or [])
    written = f"{key} {operator}" + (f" {values}" if values else "")
    if term.get(FROM_LABEL):
        return f"labels[{key!r}]", repr(values[0])
    for j, raw in enumerate(group.additional_requirements):
        if raw.key == key and str(raw.operator) == operator and list(raw.values) == values:
            return f"additional_requirements[{j}]", written
    field = INSTANCE_FIELDS.get((key, operator))
    if field == "instances.min_generation" and len(values) == 1 and values[0].lstrip("-").isdigit():
        return field, str(int(values[0]) + 1)
    if field == "instances.architecture":
        return field, str(group.architecture)
    if field == "instances.cores":
        return field, str([int(v) for v in values])
    if field is not None:
        return field, str(values)
    return "requirements", written


def short(field: str) -> str:
    return field.removeprefix("instances.")
