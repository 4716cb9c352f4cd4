"""What the ``karpenter_nodes`` chart 1.1.5 renders for a set of values, and which objects the API would refuse.

The migration report compares this with what the import renders, so a team sees before ``pulumi up`` what adopting
the live release changes. It is a model of the chart's templates written as Python, not a template engine: each
function follows one template key by key, with the chart's two override styles (``x | default y`` falls back on any
empty value and prints ``y`` even when that is ``0`` or ``false``; ``hasKey`` does not fall back) and with YAML's
re-typing of what a template prints unquoted (``true`` becomes a boolean). Values go through ``toYaml`` with their
types. Nulls are dropped as the API server prunes them. A template error (the chart cannot render the values at all)
raises ``ChartFailure``.

One module per template: ``chart_nodepool``, ``chart_nodeclass`` and ``chart_headroom``, over the template language
in ``chart_template``; this one runs them in the chart's order and marks what the API refuses.
"""

from __future__ import annotations

from karpenter_infra.importer.chart_headroom import (
    CHART_HEADROOM_IMAGE,
    CHART_HEADROOM_LABEL,
    CHART_PRIORITY_DESCRIPTION,
    CHART_PRIORITY_VALUE,
    headroom_deployments,
    headroom_namespace,
    priority_class,
)
from karpenter_infra.importer.chart_nodeclass import ec2_node_class
from karpenter_infra.importer.chart_nodepool import node_pool
from karpenter_infra.importer.chart_template import ChartFailure, ChartGroup, ChartObject, Manifest, as_map
from karpenter_infra.importer.values import LoadedValues, is_empty
from karpenter_infra.karpenter.validate import ManifestError, validate_manifest

__all__ = [
    "CHART_HEADROOM_IMAGE",
    "CHART_HEADROOM_LABEL",
    "CHART_PRIORITY_DESCRIPTION",
    "CHART_PRIORITY_VALUE",
    "ChartFailure",
    "ChartObject",
    "ec2_node_class",
    "headroom_deployments",
    "headroom_namespace",
    "node_pool",
    "priority_class",
    "render_chart",
]


def _checked(manifest: Manifest) -> ChartObject:
    try:
        validate_manifest(manifest)
    except ManifestError as exc:
        path, problem = exc.issues[0]
        return ChartObject(manifest, f"{path}: {problem}")
    return ChartObject(manifest)


def render_chart(loaded: LoadedValues) -> list[ChartObject]:
    """Every object ``helm template`` prints for these values, in the chart's order, each marked accepted or not."""
    values = loaded.values
    groups = as_map(values.get("nodeGroups"), "nodeGroups")
    objects: list[ChartObject] = []
    resolved = [ChartGroup(values, key, groups[key]) for key in sorted(groups)]
    for g in resolved:
        if "nodeClassRef" not in g.raw:
            objects.append(_checked(ec2_node_class(g)))
    objects.extend(_checked(node_pool(g)) for g in resolved)
    for g in resolved:
        objects.extend(headroom_deployments(g))
    if not is_empty(values.get("headRoom")):
        objects.append(ChartObject(priority_class()))
    return objects
