"""The chart's headroom templates: a placeholder Deployment per ``headRoom`` entry and their PriorityClass."""

from __future__ import annotations

import copy
from typing import Any

from karpenter_infra.importer.chart_template import (
    ChartFailure,
    ChartGroup,
    ChartObject,
    Manifest,
    as_list,
    as_map,
    or_default,
    printed,
    pruned,
)
from karpenter_infra.importer.values import go_print
from karpenter_infra.spec.headroom import HEADROOM_SIZES, HeadroomSize

#: The live PriorityClass's description, as the chart writes it; adopting it means repeating it.
CHART_PRIORITY_DESCRIPTION = "Used for dummy pods to generate headroom in karpenter"
CHART_HEADROOM_IMAGE = "registry.k8s.io/pause"
CHART_HEADROOM_LABEL = "k8s-app"
CHART_PRIORITY_VALUE = -1_000_000


def headroom_namespace(values: dict[str, Any]) -> str:
    return go_print(or_default(values.get("headRoomNamespace"), "karpenter"))


def headroom_deployments(g: ChartGroup) -> list[ChartObject]:
    out = []
    namespace = headroom_namespace(g.values)
    for item in as_list(g.raw.get("headRoom")):
        entry = as_map(item, f"nodeGroups.{g.key}.headRoom")
        size = go_print(entry.get("size"))
        name = f"headroom-{g.name}-{size}"
        selector = {CHART_HEADROOM_LABEL: printed(name)}
        expressions: list[Any] = [{"key": CHART_HEADROOM_LABEL, "operator": "In", "values": [printed(name)]}]
        if "antiAffinitySpec" in entry:
            if entry["antiAffinitySpec"] is None:
                raise ChartFailure(f"nodeGroups.{g.key}.headRoom: antiAffinitySpec null renders a bare null")
            expressions.extend(copy.deepcopy(as_list(entry["antiAffinitySpec"])))
        term: dict[str, Any] = {
            "labelSelector": {"matchExpressions": expressions},
            "topologyKey": "kubernetes.io/hostname",
        }
        rejected = _selector_problem(expressions)
        if "nameSpaces" in entry:
            term["namespaces"] = [printed(namespace), *(printed(n) for n in as_list(entry["nameSpaces"]))]
        else:
            term["namespaces"] = {}
            rejected = rejected or "podAntiAffinity namespaces: {} is a map where the API wants a list"
        requests = None
        if size in {s.value for s in HeadroomSize}:
            cpu, memory = HEADROOM_SIZES[HeadroomSize(size)]
            requests = {"cpu": cpu, "memory": memory}
        pod = {
            "affinity": {
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [
                            {
                                "matchExpressions": [
                                    {"key": "karpenter.sh/nodepool", "operator": "In", "values": [g.name]}
                                ]
                            }
                        ]
                    }
                },
                "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]},
            },
            "tolerations": [{"operator": "Exists"}],
            "containers": [{"name": "pause", "image": CHART_HEADROOM_IMAGE, "resources": {"requests": requests}}],
            "priorityClassName": "karpenter-headroom",
        }
        manifest = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name, "namespace": namespace, "labels": dict(selector)},
            "spec": {
                "replicas": printed(or_default(entry.get("count"), 1)),
                "selector": {"matchLabels": dict(selector)},
                "template": {"metadata": {"labels": dict(selector)}, "spec": pod},
            },
        }
        out.append(ChartObject(pruned(manifest), rejected))
    return out


def _selector_problem(expressions: list[Any]) -> str | None:
    """What the API server refuses in a LabelSelectorRequirement list (apimachinery ValidateLabelSelector)."""
    for expression in expressions:
        if not isinstance(expression, dict) or not isinstance(expression.get("key"), str):
            return f"antiAffinitySpec: {expression!r} is not a label selector requirement"
        values = expression.get("values")
        if values is not None and not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
            return f"antiAffinitySpec: values {values!r} must be strings"
        operator = expression.get("operator")
        if operator not in ("In", "NotIn", "Exists", "DoesNotExist"):
            return f"antiAffinitySpec: {operator!r} is not a selector operator"
        if (operator in ("In", "NotIn")) != bool(values):
            return f"antiAffinitySpec: {operator} with values {values!r}"
    return None


def priority_class() -> Manifest:
    return {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": {"name": "karpenter-headroom"},
        "value": CHART_PRIORITY_VALUE,
        "globalDefault": False,
        "description": CHART_PRIORITY_DESCRIPTION,
    }
