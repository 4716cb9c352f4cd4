"""``instances``, exclusions, ``additionalRequirements`` and ``capacitySpread``: the NodePool's requirements."""

from __future__ import annotations

from typing import Any

from karpenter_infra.importer.base import Mapper, go_int64, suggest, whole
from karpenter_infra.importer.keys import INSTANCE_KEYS
from karpenter_infra.importer.values import go_print, is_empty
from karpenter_infra.spec.instances import Architecture, CapacityType, OperatingSystem
from karpenter_infra.spec.scheduling import CapacitySpread, Operator, Requirement


class InstancesMapping(Mapper):
    def _instances(self, raw: dict[str, Any], pool: dict[str, Any]) -> None:
        if raw.get("instances") is None:
            self.warn(
                "instances",
                "missing: the chart fails to render a group without `instances` (use `instances: {}`); imported "
                "with the top-level instances",
            )
        mine = self.mapping("instances", raw.get("instances"))
        for key in sorted(mine):
            if key not in INSTANCE_KEYS:
                raise self.error(f"instances.{key}", "unknown key" + suggest(key, INSTANCE_KEYS))
        top = self._top_instances()

        def pick(key: str) -> Any:
            value = mine.get(key)
            if key in mine and is_empty(value) and not is_empty(top.get(key)):
                self.warn(
                    f"instances.{key}",
                    f"the chart ignores the group's empty value and uses the top-level {go_print(top.get(key))!r}",
                )
            return value if not is_empty(value) else top.get(key)

        arch = go_print(pick("architecture"))
        if arch not in {a.value for a in Architecture}:
            raise self.error("instances.architecture", f"must be amd64, arm64 or multiarch, got {arch!r}")
        pool["instances.architecture"] = arch
        types_given = "instanceTypes" in mine
        types = self.string_list("instances.instanceTypes", mine.get("instanceTypes")) if types_given else []
        if types_given and not types:
            self.warn(
                "instances.instanceTypes",
                "empty: the chart drops the category, cpu and generation requirements and renders "
                "node.kubernetes.io/instance-type In [] with no values, which Karpenter rejects; treated as not set",
            )
        pool["instances.instance_types"] = types
        categories = self.string_list("instances.categories", pick("categories"))
        cores_raw = self.string_list("instances.cores", pick("cores"))
        cores = []
        for item in cores_raw:
            number = whole(item)
            if number is None or number < 1:
                raise self.error("instances.cores", f"must be whole numbers of vCPUs, got {item!r}")
            cores.append(number)
        given = pick("minGeneration")
        generation = go_int64(given)
        if not types:
            for key, found in (("categories", categories), ("cores", cores)):
                if not found:
                    self.warn(
                        f"instances.{key}",
                        "empty: the chart renders a requirement with no values, which Karpenter rejects; left out",
                    )
            if generation < 1:
                # Helm's int reads what is not a number as 0: say so, or "0 renders ..." names a value nobody wrote.
                read = f"{given!r} is not a number: the chart reads it as 0, which" if _not_a_number(given) else ""
                self.warn(
                    "instances.minGeneration",
                    f"{read or generation} renders instance-generation Gt {generation - 1}, which Karpenter rejects; "
                    "left out",
                )
        pool["instances.categories"] = categories
        pool["instances.cores"] = cores
        pool["instances.min_generation"] = generation if generation >= 1 else None
        pool["instances.capacity_types"] = self._enum_list(
            "instances.capacityType", pick("capacityType"), {c.value for c in CapacityType}
        )
        pool["instances.operating_systems"] = self._enum_list(
            "instances.operatingSystems", pick("operatingSystems"), {o.value for o in OperatingSystem}
        )
        if "excludeFamilies" in raw:
            families_key, families = "excludeFamilies", raw["excludeFamilies"]
        else:
            families_key, families = "excludeFamilies", self.values.get("excludeFamilies")
        pool["instances.exclude_families"] = self._exclusions(
            families_key, families, "excludeFamilies" in raw or "excludeFamilies" in self.values
        )
        if "excludeInstanceSize" in raw:
            self.warn(
                "excludeInstanceSize",
                "the chart fails to render a per-group excludeInstanceSize (a template bug); imported as meant: "
                "the group's list replaces the top-level one",
            )
            sizes = raw["excludeInstanceSize"]
        else:
            sizes = self.values.get("excludeInstanceSize")
        pool["instances.exclude_sizes"] = self._exclusions(
            "excludeInstanceSize", sizes, "excludeInstanceSize" in raw or "excludeInstanceSize" in self.values
        )

    def _enum_list(self, key: str, value: Any, allowed: set[str]) -> list[str]:
        items = self.string_list(key, value)
        if not items:
            raise self.error(key, "empty: the chart renders a requirement with no values, which Karpenter rejects")
        for item in items:
            if item not in allowed:
                hint = suggest(item, allowed) or f"; one of {sorted(allowed)}"
                raise self.error(key, f"{item!r} is not a value Karpenter accepts{hint}")
        return items

    def _exclusions(self, key: str, value: Any, present: bool) -> list[str]:
        items = self.string_list(key, value)
        if present and not items:
            self.warn(
                key,
                "empty exclude list: the chart renders a NotIn requirement with no values (a no-op); left out",
            )
        return items

    def _additional_requirements(self, raw: dict[str, Any]) -> list[Requirement]:
        if "additionalRequirements" not in raw and "additionalRequirements" not in self.values:
            return []
        value = self.dflt(raw, "additionalRequirements")
        self.ignored_override(raw, "additionalRequirements")
        if value is None:
            self.warn(
                "additionalRequirements",
                "empty with no top-level list: the chart writes a bare `null` into the requirements and its output "
                "is not valid YAML; imported as no extra requirements",
            )
            return []
        requirements = []
        for index, item in enumerate(
            self.items("additionalRequirements", value, ("key", "operator", "values", "minValues"))
        ):
            key = f"additionalRequirements[{index}]"
            values = [self.tag_value(f"{key}.values", v) for v in (item.get("values") or [])]
            operator = go_print(item.get("operator"))
            if operator not in {o.value for o in Operator}:
                raise self.error(f"{key}.operator", f"{operator!r} is not a requirement operator")
            if operator in ("In", "Gt", "Lt", "Gte", "Lte") and not values:
                self.warn(
                    key,
                    f"{item.get('key')} {operator} with no values: Karpenter rejects it; left out",
                )
                continue
            requirements.append(
                self.model(
                    key,
                    Requirement,
                    key=item.get("key"),
                    operator=operator,
                    values=values,
                    min_values=item.get("minValues"),
                )
            )
        return requirements

    def _top_instances(self) -> dict[str, Any]:
        top = self.values.get("instances")
        return top if isinstance(top, dict) else {}

    def _architecture_of(self, settings: dict[str, Any]) -> str:
        mine = settings.get("instances")
        value = mine.get("architecture") if isinstance(mine, dict) else None
        return go_print(value if not is_empty(value) else self._top_instances().get("architecture"))

    def _capacity_spread(self, value: Any) -> CapacitySpread:
        spread = self.mapping("capacitySpread", value)
        for key in spread:
            if key not in ("start", "end"):
                raise self.error(f"capacitySpread.{key}", "unknown key" + suggest(key, ("start", "end")))
        start, end = go_int64(spread.get("start")), go_int64(spread.get("end"))
        if start > end:
            raise self.error(
                "capacitySpread",
                f"start {start} is after end {end}: the chart renders capacity-spread In [] and Karpenter rejects it",
            )
        return self.model("capacitySpread", CapacitySpread, start=start, end=end)


def _not_a_number(value: object) -> bool:
    return isinstance(value, str) and go_int64(value) == 0 and value.strip().lstrip("+-").strip("0.") != ""
