"""One group's NodePool settings, area by area."""

from __future__ import annotations

from typing import Any

from karpenter_infra.importer.base import number_text
from karpenter_infra.importer.disruption import DisruptionMapping
from karpenter_infra.importer.instances import InstancesMapping
from karpenter_infra.importer.scheduling import SchedulingMapping
from karpenter_infra.importer.values import go_print, is_empty, reparsed


class NodePoolMapping(InstancesMapping, SchedulingMapping, DisruptionMapping):
    def _pool(self, raw: dict[str, Any], group_label: str) -> dict[str, Any]:
        pool: dict[str, Any] = {}
        self.attempt(lambda: self._instances(raw, pool))
        zones = self.dflt(raw, "availabilityZones")
        self.ignored_override(raw, "availabilityZones")
        pool["availability_zones"] = self.string_list("availabilityZones", zones)
        if not pool["availability_zones"]:
            self.warn(
                "availabilityZones",
                "no zones given: the chart renders the requirement topology.kubernetes.io/zone In [] with no values, "
                "which Karpenter rejects; left out (any zone the subnets offer)",
            )
        pool["additional_requirements"] = self.attempt(lambda: self._additional_requirements(raw))
        pool["taints"] = self.attempt(lambda: self._taints(raw, "taints"), [])
        pool["startup_taints"] = self.attempt(lambda: self._taints(raw, "startupTaints"))
        pool["auto_taint"] = self.attempt(lambda: self._auto_taint(raw, pool["taints"], group_label))
        cilium = self.dflt(raw, "cilium")
        self.ignored_override(raw, "cilium")
        if isinstance(cilium, str) and reparsed(cilium) is False:
            self.warn(
                "cilium",
                f"the string {cilium!r} is not empty, so the chart adds the Cilium startup taint; imported as the "
                "chart renders it (cilium=True)",
            )
        pool["cilium"] = not is_empty(cilium)
        effect = self.dflt(raw, "ciliumEffect")
        pool["cilium_taint_effect"] = self.attempt(lambda: self._effect("ciliumEffect", effect))
        pool["labels"] = self.attempt(lambda: self._labels(raw, "labels", group_label), {})
        pool["annotations"] = self.attempt(lambda: self._labels(raw, "annotations", group_label), {})
        weight = self.dflt(raw, "weight")
        self.ignored_override(raw, "weight")
        pool["weight"] = self.attempt(lambda: self.integer("weight", weight, 1, 100))
        pool["limits"] = {}
        if "limits" in raw:
            limits = self.attempt(lambda: self.mapping("limits", raw["limits"]), {})
            pool["limits"] = {
                str(k): (number_text(v) if isinstance(v, int | float) and not isinstance(v, bool) else go_print(v))
                for k, v in limits.items()
            }
        pool["consolidation_policy"] = self.attempt(lambda: self._consolidation_policy(raw))
        after = self.dflt(raw, "consolidateAfter")
        if is_empty(after):
            self.warn(
                "consolidateAfter",
                "empty: the chart renders consolidateAfter as null and Karpenter rejects the NodePool without it; "
                "used Karpenter's default '0s'",
            )
            after = "0s"
        pool["consolidate_after"] = self.attempt(lambda: self._duration("consolidateAfter", after))
        pool["expire_after"] = self.attempt(lambda: self._duration("expireAfter", self.dflt(raw, "expireAfter")))
        pool["budgets"] = self.attempt(lambda: self._budgets(raw))
        return pool
