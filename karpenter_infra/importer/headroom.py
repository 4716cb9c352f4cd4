"""``headRoom``: placeholder Deployments per group."""

from __future__ import annotations

from typing import Any

from karpenter_infra.importer.base import Mapper
from karpenter_infra.importer.values import go_print, is_empty
from karpenter_infra.spec.headroom import Headroom, HeadroomSize


class HeadroomMapping(Mapper):
    def _headroom(self, value: Any) -> list[Headroom]:
        entries = []
        namespace = go_print(self.values.get("headRoomNamespace")) or "karpenter"
        without_namespaces = False
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
            count = 1 if is_empty(count) else self.integer(f"{where}.count", count, 1, 1000)
            labels: dict[str, str] | None = None
            namespaces: list[str] | None = None
            if "nameSpaces" not in item:
                without_namespaces = True
            if not is_empty(item.get("antiAffinitySpec")):
                labels = {}
                for n, expression in enumerate(
                    self.items(f"{where}.antiAffinitySpec", item["antiAffinitySpec"], ("key", "operator", "values"))
                ):
                    values = expression.get("values") or []
                    if expression.get("operator") != "In" or len(values) != 1:
                        raise self.error(
                            f"{where}.antiAffinitySpec[{n}]",
                            "only `key In [one value]` expressions can be imported (as anti-affinity labels)",
                        )
                    labels[go_print(expression.get("key"))] = go_print(values[0])
                namespaces = [namespace, *self.string_list(f"{where}.nameSpaces", item.get("nameSpaces"))]
                self.warn(
                    f"{where}.antiAffinitySpec",
                    "the chart ANDs these expressions into the one-placeholder-per-node selector, so it matches no pod "
                    "and placeholders may stack on one node; imported as meant: one placeholder per node, kept away "
                    f"from pods labelled {labels} in namespaces {namespaces}",
                )
            entries.append(
                self.model(
                    where,
                    Headroom,
                    size=size,
                    count=count,
                    anti_affinity_labels=labels,
                    anti_affinity_namespaces=namespaces,
                )
            )
        if entries and without_namespaces:
            self.warn(
                "headRoom",
                "without nameSpaces the chart writes `namespaces: {}` (a map where the API wants a list), which the "
                "API server rejects; rendered without it",
            )
        if entries and is_empty(self.values.get("headRoom")):
            self.warn(
                "headRoom",
                "the top-level headRoom is off, so the chart renders no PriorityClass karpenter-headroom and the "
                "placeholder pods are refused; rendered the PriorityClass",
            )
        return entries
