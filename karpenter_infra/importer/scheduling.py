"""Taints, ``autoTaint``, labels and annotations of a NodePool's nodes."""

from __future__ import annotations

from typing import Any

from karpenter_infra.importer.base import Mapper, suggest
from karpenter_infra.importer.values import go_print, is_empty
from karpenter_infra.spec.scheduling import Taint, TaintEffect


class SchedulingMapping(Mapper):
    def _taints(self, raw: dict[str, Any], key: str) -> list[Taint]:
        taints = []
        for index, item in enumerate(self.items(key, raw.get(key), ("key", "value", "effect"))):
            where = f"{key}[{index}]"
            if is_empty(item.get("key")):
                raise self.error(f"{where}.key", "missing")
            if "effect" not in item or is_empty(item.get("effect")):
                raise self.error(f"{where}.effect", "missing: the chart renders it null and Karpenter requires it")
            value = item.get("value")
            # An empty value renders null, which is what a taint without a value is anyway.
            text = None if is_empty(value) and value is not False else self.text(f"{where}.value", value, "taint value")
            taints.append(
                Taint(
                    key=go_print(item["key"]),
                    value=text,
                    effect=self._effect(f"{where}.effect", item["effect"]),
                )
            )
        return taints

    def _effect(self, key: str, value: Any) -> str:
        effect = go_print(value)
        allowed = {e.value for e in TaintEffect}
        if effect not in allowed:
            raise self.error(key, f"{effect!r} is not a taint effect{suggest(effect, allowed)}")
        return effect

    def _auto_taint(self, raw: dict[str, Any], taints: list[Taint], group_label: str) -> bool:
        value = raw.get("autoTaint") if not is_empty(raw.get("autoTaint")) else self.values.get("autoTaint")
        if value is True:
            self.warn(
                "autoTaint",
                'the boolean true makes the chart fail ("incompatible types for comparison"); it only takes the '
                'string "true"; imported as meant',
            )
            enabled = True
        elif value is None or isinstance(value, str):
            enabled = value == "true"
        else:
            raise self.error("autoTaint", f'must be the string "true" or "false", got {value!r}')
        clash = [t for t in taints if t.key == "dedicated" and t.effect == TaintEffect.NO_SCHEDULE]
        if enabled and clash:
            self.warn(
                "autoTaint",
                f"the chart adds dedicated={group_label.replace('-', '_')}:NoSchedule next to the group's own "
                f"dedicated={clash[0].value}:NoSchedule taint; Karpenter refuses duplicate taint key/effect pairs "
                "and the NodePool never provisions; kept the group's own taint only",
            )
            return False
        return enabled

    def _labels(self, raw: dict[str, Any], key: str, group_label: str) -> dict[str, str]:
        found = self.mapping(key, raw.get(key))
        out: dict[str, str] = {}
        reserved = {self.values.get("nodeGroupLabelName"), "cluster"} if key == "labels" else set()
        for name, value in found.items():
            if name in reserved:
                raise self.error(
                    f"{key}.{name}",
                    "the chart already sets this label; the duplicate YAML key is rejected by strict parsers",
                )
            out[str(name)] = self.text(f"{key}.{name}", value, "value")
        if key == "labels":
            out["cluster"] = go_print(self.values.get("clusterName"))
        return out
