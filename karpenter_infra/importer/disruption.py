"""Consolidation, expiry and disruption budgets."""

from __future__ import annotations

import re
from typing import Any

from karpenter_infra.importer.base import Mapper, number_text, suggest
from karpenter_infra.importer.values import go_print, is_empty
from karpenter_infra.spec.disruption import Budget, ConsolidationPolicy


class DisruptionMapping(Mapper):
    def _consolidation_policy(self, raw: dict[str, Any]) -> str:
        policy = go_print(self.dflt(raw, "consolidationPolicy"))
        if policy == "WhenUnderutilized":
            self.warn(
                "consolidationPolicy",
                "'WhenUnderutilized' (Karpenter v1beta1) is not a v1 policy and Karpenter rejects it; imported as "
                "its v1 name 'WhenEmptyOrUnderutilized'",
            )
            return ConsolidationPolicy.WHEN_EMPTY_OR_UNDERUTILIZED.value
        allowed = {p.value for p in ConsolidationPolicy}
        if policy not in allowed:
            raise self.error(
                "consolidationPolicy", f"{policy!r} is not a consolidation policy{suggest(policy, allowed)}"
            )
        return policy

    def _duration(self, key: str, value: Any) -> str:
        text = go_print(value)
        if not re.fullmatch(r"(([0-9]+(s|m|h))+|Never)", text):
            raise self.error(key, f"{text!r} is not a duration Karpenter accepts (e.g. 30s, 5m, 720h, Never)")
        return text

    def _budgets(self, raw: dict[str, Any]) -> list[Budget] | None:
        value = raw.get("budgets")
        if is_empty(value):
            return None  # the chart renders none; Karpenter's default (10% of nodes) applies, as it does for us
        budgets = []
        for index, item in enumerate(self.items("budgets", value, ("nodes", "schedule", "duration", "reasons"))):
            where = f"budgets[{index}]"
            nodes = item.get("nodes")
            if isinstance(nodes, int | float) and not isinstance(nodes, bool):
                self.warn(
                    f"{where}.nodes",
                    f"the number {number_text(nodes)} keeps its type through the chart and Karpenter wants a string; "
                    f"imported as {number_text(nodes)!r}",
                )
                nodes = number_text(nodes)
            fields = {k: v for k, v in item.items() if k != "nodes"}
            budgets.append(self.model(where, Budget, nodes=nodes, **fields))
        return budgets
