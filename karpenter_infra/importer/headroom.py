"""``headRoom``: placeholder Deployments per group, and the PriorityClass and namespace they share.

Adoption keeps what the API will not let change on a live object (the Deployment's ``k8s-app`` selector, the
PriorityClass's value and unset ``preemptionPolicy``) and everything else the chart rendered, so adopting the
release updates nothing. ``--modernize`` trades that for our hardened pod spec and ``preemptionPolicy: Never``.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from karpenter_infra.importer.chart import (
    CHART_HEADROOM_IMAGE,
    CHART_HEADROOM_LABEL,
    CHART_PRIORITY_DESCRIPTION,
    headroom_namespace,
)
from karpenter_infra.importer.instances import InstancesMapping
from karpenter_infra.importer.values import go_print, is_empty
from karpenter_infra.spec.headroom import Headroom, HeadroomPriorityClass, HeadroomSize, LabelSelectorRequirement


class HeadroomMapping(InstancesMapping):
    def _headroom(self, value: Any, raw: dict[str, Any]) -> list[Headroom]:
        entries = []
        namespace = headroom_namespace(self.values)
        pool = f"{self.group_name}-{self._architecture_of(raw)}"
        for index, item in enumerate(
            self.items("headRoom", value, ("size", "count", "antiAffinitySpec", "nameSpaces"))
        ):
            where = f"headRoom[{index}]"
            size = go_print(item.get("size"))
            if size not in {s.value for s in HeadroomSize}:
                raise self.error(
                    f"{where}.size",
                    f"{size!r} is not small, medium, large or xlarge (the chart renders pods that request nothing)",
                )
            count = item.get("count")
            if is_empty(count):
                if count is not None:
                    self.warn(
                        f"{where}.count",
                        f"{go_print(count)!r}: the chart's `count | default 1` renders 1 replica, so 1 runs today; "
                        "imported as 1 (remove the entry for none)",
                    )
                count = 1
            else:
                count = self.integer(f"{where}.count", count, 1, 1000)
            expressions = self._spread_expressions(where, item)
            namespaces: list[str] | None = None
            if "nameSpaces" in item:
                namespaces = [namespace, *self.string_list(f"{where}.nameSpaces", item["nameSpaces"])]
            else:
                self.warn(
                    f"{where}.nameSpaces",
                    "missing: the chart writes `namespaces: {}` (a map where the API wants a list), so the API "
                    "server refuses the Deployment and it never ran; rendered without `namespaces` (the term then "
                    f"matches pods in {namespace!r} only, as Kubernetes defines it)",
                )
            if expressions:
                self.warn(
                    f"{where}.antiAffinitySpec",
                    "the chart ANDs these expressions into the one-placeholder-per-node selector, so the term matches "
                    "no pod: placeholders may share a node and keep away from nothing; imported as the chart renders "
                    "it (to keep them away from those pods, add anti_affinity_labels)",
                )
            name = f"headroom-{pool}-{size}"
            chart_shape: dict[str, Any] = {}
            if not self.modernize:
                chart_shape = {
                    "selector_labels": {CHART_HEADROOM_LABEL: name},
                    "labels": {CHART_HEADROOM_LABEL: name},
                    "hardened": False,
                }
            entries.append(
                self.model(
                    where,
                    Headroom,
                    size=size,
                    count=count,
                    spread_expressions=expressions if expressions or not self.modernize else None,
                    spread_namespaces=namespaces,
                    **chart_shape,
                )
            )
        if entries and is_empty(self.values.get("headRoom")):
            self.warn(
                "headRoom",
                "the top-level headRoom is off, so the chart renders no PriorityClass karpenter-headroom and the "
                "placeholder pods are refused; rendered the PriorityClass",
            )
        return entries

    def _spread_expressions(self, where: str, item: dict[str, Any]) -> list[LabelSelectorRequirement]:
        """Verbatim: any requirement Kubernetes accepts (``Exists``, several values) is one the chart renders."""
        if "antiAffinitySpec" not in item:
            return []
        spec = item["antiAffinitySpec"]
        if spec is None:
            raise self.error(f"{where}.antiAffinitySpec", "null: the chart writes a bare null into the selector")
        expressions = []
        for n, expression in enumerate(self.items(f"{where}.antiAffinitySpec", spec, ("key", "operator", "values"))):
            key = f"{where}.antiAffinitySpec[{n}]"
            values = expression.get("values")
            try:
                expressions.append(
                    LabelSelectorRequirement(
                        key=self.tag_value(f"{key}.key", expression.get("key")),
                        operator=go_print(expression.get("operator")),
                        values=None if values is None else [self.tag_value(f"{key}.values", v) for v in values],
                    )
                )
            except ValidationError as exc:
                problem = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
                raise self.error(key, f"{problem} (the API server refuses the Deployment)") from None
        return expressions

    def headroom_globals(self) -> dict[str, Any]:
        """The namespace is referenced, never created (the chart assumed it exists); the PriorityClass is adopted."""
        out: dict[str, Any] = {"create_headroom_namespace": False}
        renders_priority_class = not is_empty(self.values.get("headRoom"))
        if self.modernize:
            out["headroom_priority_class"] = HeadroomPriorityClass(always=renders_priority_class)
        else:
            out["headroom_image"] = CHART_HEADROOM_IMAGE
            out["headroom_priority_class"] = HeadroomPriorityClass(
                preemption_policy=None,
                description=CHART_PRIORITY_DESCRIPTION,
                labels={},
                always=renders_priority_class,
            )
        return out
