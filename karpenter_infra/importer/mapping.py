"""Chart values -> ``NodeGroupDefaults`` and ``NodeGroup`` list that render what the chart renders.

Works in two passes. First every node group is resolved the chart's way, key by key, into the settings it ends up
with (``default``-style keys fall back on empty values, ``hasKey``-style keys do not), fixing on the way what the
chart renders and Karpenter v1.14 rejects, each fix recorded as a warning. Then ``hoist`` moves what most groups share
into the defaults, so the module a user reads holds only real overrides per group. Every value is checked where the
chart key is known, so an error names the key the user wrote, not our field.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from karpenter_infra.errors import SpecError, issues_from, nodegroup_owner
from karpenter_infra.importer.userdata import (
    Call,
    Expr,
    Field,
    Text,
    Translation,
    UserDataError,
    chart_user_data,
    parse_template,
    render_helm,
    render_translation,
    translate,
    values_for,
)
from karpenter_infra.importer.values import (
    LoadedValues,
    go_print,
    is_empty,
    reparsed,
)
from karpenter_infra.spec.disruption import Budget, ConsolidationPolicy
from karpenter_infra.spec.headroom import Headroom, HeadroomSize
from karpenter_infra.spec.instances import Architecture, CapacityType, Instances, OperatingSystem
from karpenter_infra.spec.nodeclass import (
    AmiFamily,
    AmiSelectorTerm,
    BlockDevice,
    Kubelet,
    MetadataOptions,
    SecurityGroupSelectorTerm,
    SubnetSelectorTerm,
)
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults
from karpenter_infra.spec.resolve import LIBRARY_DEFAULTS, LIBRARY_INSTANCES
from karpenter_infra.spec.scheduling import CapacitySpread, Operator, Requirement, Taint, TaintEffect

M = TypeVar("M", bound=BaseModel)

NODECLASS_GROUP = "karpenter.k8s.aws"
NODECLASS_KIND = "EC2NodeClass"

# ------------------------------------------------------------------------------------------------- the chart's keys

#: Read only at the top level.
GLOBAL_ONLY_KEYS = frozenset({"ApiVersion", "clusterName", "nodeGroupLabelName", "headRoomNamespace", "nodeGroups"})

KUBELET_MAPS: dict[str, tuple[str, str]] = {
    "kubeletSystemReservedCpu": ("system_reserved", "cpu"),
    "kubeletSystemReservedMemory": ("system_reserved", "memory"),
    "kubeletSystemReservedEphemeralStorage": ("system_reserved", "ephemeral-storage"),
    "kubeletKubeReservedCpu": ("kube_reserved", "cpu"),
    "kubeletKubeReservedMemory": ("kube_reserved", "memory"),
    "kubeletKubeReservedEphemeralStorage": ("kube_reserved", "ephemeral-storage"),
    "kubeletEvictionHardMemoryAvailable": ("eviction_hard", "memory.available"),
    "kubeletEvictionHardNodefsAvailable": ("eviction_hard", "nodefs.available"),
    "kubeletEvictionHardNodefsInodesFree": ("eviction_hard", "nodefs.inodesFree"),
    "kubeletEvictionSoftMemoryAvailable": ("eviction_soft", "memory.available"),
    "kubeletEvictionSoftNodefsAvailable": ("eviction_soft", "nodefs.available"),
    "kubeletEvictionSoftNodefsInodesFree": ("eviction_soft", "nodefs.inodesFree"),
    "kubeletEvictionSoftImagefsAvailable": ("eviction_soft", "imagefs.available"),
    "kubeletEvictionSoftImagefsInodesFree": ("eviction_soft", "imagefs.inodesFree"),
    "kubeletEvictionSoftPidAvailable": ("eviction_soft", "pid.available"),
    "kubeletEvictionSoftGracePeriodImagefsAvailable": ("eviction_soft_grace_period", "imagefs.available"),
    "kubeletEvictionSoftGracePeriodImagefsInodesFree": ("eviction_soft_grace_period", "imagefs.inodesFree"),
    "kubeletEvictionSoftGracePeriodMemoryAvailable": ("eviction_soft_grace_period", "memory.available"),
    "kubeletEvictionSoftGracePeriodNodefsAvailable": ("eviction_soft_grace_period", "nodefs.available"),
    "kubeletEvictionSoftGracePeriodNodefsInodesFree": ("eviction_soft_grace_period", "nodefs.inodesFree"),
    "kubeletEvictionSoftGracePeriodPidAvailable": ("eviction_soft_grace_period", "pid.available"),
}
KUBELET_SCALARS: dict[str, str] = {
    "kubeletImageGCHighThresholdPercent": "image_gc_high_threshold_percent",
    "kubeletImageGCLowThresholdPercent": "image_gc_low_threshold_percent",
    "kubeletPodsPerCore": "pods_per_core",
    "kubeletMaxPods": "max_pods",
}
KUBELET_OTHER = frozenset({"kubeletClusterDNS", "kubeletImageMinimumGCAge", "kubeletCpuCFSQuota"})

#: EC2NodeClass keys: ignored by the chart for a group with ``nodeClassRef``.
NODECLASS_KEYS = frozenset(
    {
        "IamRole",
        "IamInstanceProfile",
        "amiFamily",
        "amiSelectorTerms",
        "subnetSelectorTerms",
        "securityGroupSelectorTerms",
        "nodeTags",
        "additionalNodeTags",
        "metaDataHttpEndpoint",
        "metaDataHttpProtocolIPv6",
        "metaDataHttpPutResponseHopLimit",
        "metaDataHttpTokens",
        "blockDeviceMappings",
        "detailedMonitoring",
        "associatePublicIPAddress",
        "instanceStorePolicy",
        "userData",
        *KUBELET_MAPS,
        *KUBELET_SCALARS,
        *KUBELET_OTHER,
    }
)

#: Keys valid at the top level and per node group.
SHARED_KEYS = frozenset(
    (NODECLASS_KEYS - {"additionalNodeTags"})
    | {
        "availabilityZones",
        "expireAfter",
        "consolidationPolicy",
        "consolidateAfter",
        "weight",
        "instances",
        "excludeFamilies",
        "excludeInstanceSize",
        "additionalRequirements",
        "autoTaint",
        "cilium",
        "ciliumEffect",
    }
)

#: Read only under ``nodeGroups.<name>``.
GROUP_ONLY_KEYS = frozenset(
    {
        "nodeGroupLabel",
        "labels",
        "annotations",
        "taints",
        "startupTaints",
        "nodeClassRef",
        "limits",
        "budgets",
        "capacitySpread",
        "additionalNodeTags",
        "headRoom",
    }
)

INSTANCE_KEYS = frozenset(
    {"minGeneration", "architecture", "categories", "cores", "capacityType", "operatingSystems", "instanceTypes"}
)

#: Every key the chart's templates read, for "did you mean" hints.
ALL_KEYS = sorted(GLOBAL_ONLY_KEYS | SHARED_KEYS | GROUP_ONLY_KEYS | {"headRoom"})


# --------------------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ImportWarning:
    """A place where the import deliberately differs from the chart's output, or where the chart ignores a value."""

    group: str | None
    key: str
    message: str

    def __str__(self) -> str:
        owner = nodegroup_owner(self.group) if self.group is not None else "values"
        return f"{owner}: {self.key}: {self.message}"


class ValuesError(SpecError):
    """Every problem in the values at once, so a migration is fixed in one round trip, not one error at a time."""

    def __init__(self, errors: Sequence[SpecError]) -> None:
        super().__init__(errors[0].owner, [issue for error in errors for issue in error.issues])
        self.errors = list(errors)
        self.args = ("\n".join(str(error) for error in errors),)

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Mapped:
    defaults: NodeGroupDefaults
    nodegroups: list[NodeGroup]
    warnings: list[ImportWarning]


class _Stop(Exception):
    """One group's value cannot be mapped; the error is recorded and mapping goes on with the next group."""


# ------------------------------------------------------------------------------------------------------- utilities


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _canon(value: Any) -> str:
    return json.dumps(_plain(value), sort_keys=True, default=str)


def _suggest(key: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.7)
    return f"; did you mean {close[0]!r}?" if close else ""


def _go_int64(value: Any) -> int:
    """spf13/cast ``ToInt64``, which sprig's ``sub`` and ``int`` use: truncates floats, unparsable text is 0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return 0 if math.isnan(value) or math.isinf(value) else int(value)
    if isinstance(value, str):
        text = value.strip()
        if "." in text and text.rstrip("0").endswith("."):
            text = text.rstrip("0").rstrip(".")
        try:
            return int(text, 0)
        except ValueError:
            return 0
    return 0


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


# ------------------------------------------------------------------------------------------------------ the mapper


@dataclass
class _Group:
    """One node group, resolved the chart's way into our settings."""

    name: str
    pool: dict[str, Any] = field(default_factory=dict)
    nodeclass: dict[str, Any] | None = None
    group_label: str | None = None
    capacity_spread: CapacitySpread | None = None
    node_class: str | None = None
    headroom: list[Headroom] | None = None


class _Mapper:
    def __init__(self, loaded: LoadedValues, node_role: str | None) -> None:
        self.values = loaded.values
        self.user = loaded.user
        self.loaded = loaded
        self.node_role = node_role
        self.errors: list[SpecError] = []
        self.warnings: list[ImportWarning] = []
        self.group_name = ""
        self.translations: dict[str, Translation | None] = {}

    # --- recording

    def owner(self) -> str:
        return nodegroup_owner(self.group_name) if self.group_name else "values"

    def error(self, key: str, problem: str) -> _Stop:
        self.errors.append(SpecError.one(self.owner(), key, problem))
        return _Stop()

    def warn(self, key: str, message: str, group: str | None = None) -> None:
        self.warnings.append(ImportWarning(group if group is not None else (self.group_name or None), key, message))

    def attempt(self, build: Callable[[], Any], fallback: Any = None) -> Any:
        """Go on after a recorded error, so one run reports every bad key of a group, not only the first."""
        try:
            return build()
        except _Stop:
            return fallback

    def model(self, where: str, cls: type[M], /, **fields: Any) -> M:
        """Build a model, turning its validation errors into errors on the chart key ``where``."""
        try:
            return cls(**fields)
        except ValidationError as exc:
            issues = issues_from(exc)
            problem = "; ".join(f"{path}: {msg}" if path != "(root)" else msg for path, msg in issues)
            raise self.error(where, problem) from None
        except SpecError as exc:
            raise self.error(where, "; ".join(f"{f}: {p}" for f, p in exc.issues)) from None

    # --- the chart's two override styles

    def dflt(self, group: dict[str, Any], key: str) -> Any:
        value = group.get(key)
        return value if not is_empty(value) else self.values.get(key)

    def ignored_override(self, group: dict[str, Any], key: str) -> None:
        """A group's empty value never overrides a global one in the chart; say so rather than let it vanish."""
        if key in group and is_empty(group[key]) and not is_empty(self.values.get(key)):
            self.warn(
                key,
                f"the chart ignores the group's empty value {go_print(group[key])!r} and uses the top-level "
                f"{go_print(self.values[key])!r}; imported as the chart renders it",
            )

    # --- scalar conversions

    def text(self, key: str, value: Any, what: str) -> str:
        """A value the chart prints unquoted into a string field: flag (and fix) YAML re-typing it."""
        printed = go_print(value)
        after = reparsed(printed)
        if after is None and printed == "":
            self.warn(key, f"the chart writes the empty {what} unquoted, so it becomes null and is dropped; kept ''")
        elif not isinstance(after, str):
            kind = "boolean" if isinstance(after, bool) else "number"
            self.warn(
                key,
                f"the chart writes {what} {printed!r} unquoted, so YAML makes it the {kind} "
                f"{go_print(after)}, which Karpenter rejects; kept the string {printed!r}",
            )
        return printed

    def tag_value(self, key: str, value: Any) -> str:
        """Tag and selector values pass through toYaml with their YAML type; Karpenter wants strings."""
        if isinstance(value, str):
            return value
        printed = go_print(value) if not isinstance(value, int | float) or isinstance(value, bool) else _number(value)
        self.warn(key, f"{value!r} is not a string; Karpenter rejects it; imported as the string {printed!r}")
        return printed

    def boolean(self, key: str, value: Any) -> bool:
        after = reparsed(go_print(value))
        if isinstance(after, bool):
            return after
        raise self.error(key, f"must be true or false, got {value!r}")

    def integer(self, key: str, value: Any, low: int, high: int) -> int:
        number = _whole(value)
        if number is None or not low <= number <= high:
            raise self.error(key, f"must be a whole number from {low} to {high}, got {value!r}")
        return number

    def string_list(self, key: str, value: Any) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(key, f"must be a list, got {value!r}")
        return [go_print(item) for item in value]

    def mapping(self, key: str, value: Any) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(key, f"must be a mapping, got {value!r}")
        return value

    def items(self, key: str, value: Any, allowed: Iterable[str]) -> list[dict[str, Any]]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.error(key, f"must be a list of mappings, got {value!r}")
        allowed = set(allowed)
        for index, item in enumerate(value):
            for name in item:
                if name not in allowed:
                    raise self.error(f"{key}[{index}].{name}", "unknown key" + _suggest(name, allowed))
        return value

    # --- user data references decide which free keys are legitimate

    def translation(self, source: Any, key: str) -> Translation | None:
        if source is None:
            return None
        if not isinstance(source, str):
            raise self.error(key, f"must be a string (a Helm template), got {type(source).__name__}")
        if source not in self.translations:
            try:
                self.translations[source] = translate(parse_template(source))
            except UserDataError as exc:
                self.translations[source] = None
                raise self.error(key, f"`{exc.construct}`: {exc.problem}") from None
        return self.translations[source]

    def referenced(self) -> tuple[set[str], set[str]]:
        """Top-level keys read as ``$.Values.x`` and group keys read as ``.value.x`` by any user data template."""
        globals_, per_group = set(), set()
        for translation in self.translations.values():
            if translation is None:
                continue
            for ref in translation.refs:
                for path in _fields(ref.expr):
                    if path[0] == "Values" and len(path) > 1:
                        globals_.add(path[1])
                    elif path[0] == "value" and len(path) > 1:
                        per_group.add(path[1])
        return globals_, per_group


def _fields(expr: Expr) -> list[tuple[str, ...]]:
    if isinstance(expr, Field):
        return [expr.path]
    if isinstance(expr, Call):
        return [path for arg in expr.args for path in _fields(arg)]
    return []


def _number(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else go_print(value)


# --------------------------------------------------------------------------------------------- the chart, key by key


class ChartMapping(_Mapper):
    def run(self) -> tuple[dict[str, Any], list[_Group]]:
        groups_raw = self.values.get("nodeGroups")
        if not isinstance(groups_raw, dict):
            self.errors.append(
                SpecError.one("values", "nodeGroups", "must be a mapping of node group name to settings")
            )
            raise ValuesError(self.errors)
        self._parse_templates(groups_raw)
        self._check_globals()
        globals_ = self._globals()
        groups: list[_Group] = []
        for name in sorted(groups_raw):
            self.group_name = name
            raw = groups_raw[name]
            if raw is None:
                raw = {}
            if not isinstance(raw, dict):
                self.error("(group)", f"must be a mapping, got {raw!r}")
                continue
            try:
                groups.append(self._group(name, raw, groups_raw))
            except _Stop:
                continue
        self.group_name = ""
        return globals_, groups

    # --- templates first: they decide which extra keys are user data values, not typos

    def _parse_templates(self, groups_raw: dict[str, Any]) -> None:
        if "userData" in self.values:
            self.attempt(lambda: self.translation(self.values["userData"], "userData"))
        for name in sorted(groups_raw):
            raw = groups_raw[name]
            if isinstance(raw, dict) and "userData" in raw and "nodeClassRef" not in raw:
                self.group_name = name
                self.attempt(partial(self.translation, raw["userData"], "userData"))
        self.group_name = ""

    def _check_globals(self) -> None:
        referenced_globals, _ = self.referenced()
        for key in sorted(self.user):
            if key in GLOBAL_ONLY_KEYS or key in SHARED_KEYS or key == "headRoom":
                continue
            if key in referenced_globals:
                continue
            if key in GROUP_ONLY_KEYS:
                self.error(key, "the chart reads this key only per node group (under nodeGroups.<name>); move it there")
            else:
                self.error(key, "unknown key, the chart ignores it" + _suggest(key, ALL_KEYS))
        instances = self.values.get("instances")
        if not isinstance(instances, dict):
            self.error("instances", f"must be a mapping, got {instances!r}")
            return
        for key in sorted(instances):
            if key == "instanceTypes":
                self.error("instances.instanceTypes", "the chart reads instanceTypes only per node group")
            elif key not in INSTANCE_KEYS:
                self.error(f"instances.{key}", "unknown key" + _suggest(key, INSTANCE_KEYS))

    def _globals(self) -> dict[str, Any]:
        values = self.values
        out: dict[str, Any] = {}
        api = values.get("ApiVersion")
        if api != "v1":
            if api in ("v1beta1", "v1alpha5"):
                self.warn(
                    "ApiVersion",
                    f"{api!r} is not served by Karpenter v1.14 (the chart writes a v1 body under it anyway); "
                    "rendered karpenter.sh/v1 and karpenter.k8s.aws/v1",
                )
            else:
                self.error("ApiVersion", f"must be 'v1', got {api!r}")
        cluster = self.text("clusterName", values.get("clusterName"), "cluster name")
        if not re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", cluster) or len(cluster) > 100:
            self.error("clusterName", f"{cluster!r} is not a valid EKS cluster name (lower-case letters, digits, '-')")
        out["cluster_name"] = cluster
        label_key = values.get("nodeGroupLabelName")
        if not isinstance(label_key, str) or not label_key:
            self.error("nodeGroupLabelName", f"must be a non-empty string, got {label_key!r}")
        else:
            out["group_label_key"] = label_key
        namespace = values.get("headRoomNamespace")
        out["headroom_namespace"] = "karpenter" if is_empty(namespace) else go_print(namespace)
        for pitfall in self.loaded.pitfalls:
            self.warnings.append(ImportWarning(None, "yaml", str(pitfall)))
        return out

    # --- one group

    def _group(self, name: str, raw: dict[str, Any], all_groups: dict[str, Any]) -> _Group:
        _, referenced = self.referenced()
        for key in sorted(raw):
            if key in SHARED_KEYS or key in GROUP_ONLY_KEYS or key in referenced:
                continue
            if key in GLOBAL_ONLY_KEYS:
                self.error(key, "the chart reads this key only at the top level, never per node group")
            else:
                self.error(key, "unknown key, the chart ignores it" + _suggest(key, ALL_KEYS))
        group = _Group(name=name)
        label = raw.get("nodeGroupLabel")
        if not is_empty(label):
            group.group_label = self.text("nodeGroupLabel", label, "node group label")
        effective_label = group.group_label or name
        group.pool = self._pool(raw, effective_label)
        if "nodeClassRef" in raw:
            group.node_class = self.attempt(lambda: self._node_class_ref(raw, all_groups))
            ignored = sorted(k for k in raw if k in NODECLASS_KEYS)
            if ignored:
                self.warn(
                    ignored[0],
                    f"the chart ignores {', '.join(ignored)} for a group with nodeClassRef (it renders no "
                    f"EC2NodeClass); not imported",
                )
        else:
            group.nodeclass = self._nodeclass(raw, effective_label)
        if "capacitySpread" in raw:
            group.capacity_spread = self.attempt(lambda: self._capacity_spread(raw["capacitySpread"]))
        if "headRoom" in raw:
            group.headroom = self.attempt(lambda: self._headroom(raw["headRoom"]))
        if self.errors and any(e.owner == nodegroup_owner(name) for e in self.errors):
            raise _Stop()
        return group

    # --- NodePool

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
                str(k): (_number(v) if isinstance(v, int | float) and not isinstance(v, bool) else go_print(v))
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
                raise self.error(f"instances.{key}", "unknown key" + _suggest(key, INSTANCE_KEYS))
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
            number = _whole(item)
            if number is None or number < 1:
                raise self.error("instances.cores", f"must be whole numbers of vCPUs, got {item!r}")
            cores.append(number)
        generation = _go_int64(pick("minGeneration"))
        if not types:
            for key, found in (("categories", categories), ("cores", cores)):
                if not found:
                    self.warn(
                        f"instances.{key}",
                        "empty: the chart renders a requirement with no values, which Karpenter rejects; left out",
                    )
            if generation < 1:
                self.warn(
                    "instances.minGeneration",
                    f"{generation} renders instance-generation Gt {generation - 1}, which Karpenter rejects; left out",
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
                hint = _suggest(item, allowed) or f"; one of {sorted(allowed)}"
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
            raise self.error(key, f"{effect!r} is not a taint effect{_suggest(effect, allowed)}")
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
                "consolidationPolicy", f"{policy!r} is not a consolidation policy{_suggest(policy, allowed)}"
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
                    f"the number {_number(nodes)} keeps its type through the chart and Karpenter wants a string; "
                    f"imported as {_number(nodes)!r}",
                )
                nodes = _number(nodes)
            fields = {k: v for k, v in item.items() if k != "nodes"}
            budgets.append(self.model(where, Budget, nodes=nodes, **fields))
        return budgets

    # --- group-only keys

    def _node_class_ref(self, raw: dict[str, Any], all_groups: dict[str, Any]) -> str:
        ref = self.mapping("nodeClassRef", raw["nodeClassRef"])
        for key in ref:
            if key not in ("name", "group", "kind"):
                raise self.error(f"nodeClassRef.{key}", "unknown key" + _suggest(key, ("name", "group", "kind")))
        name = go_print(ref.get("name"))
        if ref.get("group", NODECLASS_GROUP) != NODECLASS_GROUP or ref.get("kind", NODECLASS_KIND) != NODECLASS_KIND:
            raise self.error("nodeClassRef", f"must reference a {NODECLASS_GROUP} {NODECLASS_KIND}, got {ref!r}")
        owner = None
        for other in sorted(all_groups):
            settings = all_groups[other]
            if not isinstance(settings, dict) or "nodeClassRef" in settings:
                continue
            if f"{other}-{self._architecture_of(settings)}" == name:
                owner = other
        if owner is None:
            raise self.error(
                "nodeClassRef.name",
                f"{name!r} is not an EC2NodeClass these values render; a node group can only reuse the EC2NodeClass "
                "of another imported group",
            )
        if "group" not in ref or "kind" not in ref:
            self.warn(
                "nodeClassRef",
                f"the chart passes nodeClassRef through without group and kind, which Karpenter v1 requires; "
                f"rendered with group {NODECLASS_GROUP} and kind {NODECLASS_KIND}",
            )
        return owner

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
                raise self.error(f"capacitySpread.{key}", "unknown key" + _suggest(key, ("start", "end")))
        start, end = _go_int64(spread.get("start")), _go_int64(spread.get("end"))
        if start > end:
            raise self.error(
                "capacitySpread",
                f"start {start} is after end {end}: the chart renders capacity-spread In [] and Karpenter rejects it",
            )
        return self.model("capacitySpread", CapacitySpread, start=start, end=end)

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

    # --- EC2NodeClass

    def _nodeclass(self, raw: dict[str, Any], group_label: str) -> dict[str, Any]:
        nodeclass: dict[str, Any] = {"identity": self.attempt(lambda: self._identity(raw))}
        nodeclass["ami"] = self.attempt(lambda: self._ami(raw))
        for key, model, ours in (
            ("subnetSelectorTerms", SubnetSelectorTerm, "subnet_selector_terms"),
            ("securityGroupSelectorTerms", SecurityGroupSelectorTerm, "security_group_selector_terms"),
        ):
            nodeclass[ours] = self.attempt(partial(self._selector_terms, raw, key, model))
        nodeclass["node_tags"] = self.attempt(lambda: self._node_tags(raw, group_label), {})
        nodeclass["metadata_options"] = self.attempt(lambda: self._metadata_options(raw))
        nodeclass["block_device_mappings"] = self.attempt(lambda: self._block_devices(raw))
        for key, ours in (
            ("detailedMonitoring", "detailed_monitoring"),
            ("associatePublicIPAddress", "associate_public_ip_address"),
        ):
            self.ignored_override(raw, key)
            nodeclass[ours] = self.attempt(partial(self.boolean, key, self.dflt(raw, key)))
        nodeclass["instance_store_policy"] = self.attempt(lambda: self._instance_store_policy(raw))
        kubelet = self.attempt(lambda: self._kubelet(raw), {})
        nodeclass.update({f"kubelet.{k}": kubelet.get(k) for k in KUBELET_KEYS})
        user_data, user_data_template, user_data_values = self.attempt(
            lambda: self._user_data(raw, group_label), (None, None, {})
        )
        nodeclass["user_data"] = user_data
        nodeclass["user_data_template"] = user_data_template
        nodeclass["user_data_values"] = user_data_values
        return nodeclass

    def _identity(self, raw: dict[str, Any]) -> tuple[str | None, str | None] | None:
        for layer in (raw, self.values):
            for key, role in (("IamRole", True), ("IamInstanceProfile", False)):
                if key in layer:
                    value = layer[key]
                    if is_empty(value):
                        raise self.error(key, "empty: the chart renders it null and the EC2NodeClass has neither")
                    text = go_print(value)
                    return (text, None) if role else (None, text)
        if self.node_role is not None:
            return None  # the fleet's node role
        raise self.error(
            "IamRole",
            "neither IamRole nor IamInstanceProfile is set (the chart fails on this); set one, or import with a "
            "node role",
        )

    def _ami(self, raw: dict[str, Any]) -> tuple[str, list[AmiSelectorTerm] | None]:
        family = go_print(self.dflt(raw, "amiFamily"))
        allowed = {f.value for f in AmiFamily}
        if family not in allowed:
            same = [f for f in allowed if f.lower() == family.lower()]
            hint = f"; did you mean {same[0]!r}?" if same else f"; one of {sorted(allowed)}"
            raise self.error("amiFamily", f"{family!r} is not an AMI family Karpenter accepts{hint}")
        if "amiSelectorTerms" in raw or "amiSelectorTerms" in self.values:
            value = self.dflt(raw, "amiSelectorTerms")
            self.ignored_override(raw, "amiSelectorTerms")
            if is_empty(value):
                self.warn(
                    "amiSelectorTerms",
                    "empty: the chart renders null and Karpenter requires AMI selector terms; used the alias "
                    f"{family.lower()}@latest",
                )
            else:
                terms = []
                fields = {
                    "alias": "alias",
                    "id": "id",
                    "name": "name",
                    "owner": "owner",
                    "ssmParameter": "ssm_parameter",
                }
                for index, item in enumerate(self.items("amiSelectorTerms", value, [*fields, "tags"])):
                    where = f"amiSelectorTerms[{index}]"
                    kwargs: dict[str, Any] = {
                        ours: self.tag_value(f"{where}.{k}", item[k]) for k, ours in fields.items() if k in item
                    }
                    if "tags" in item:
                        kwargs["tags"] = {
                            str(k): self.tag_value(f"{where}.tags.{k}", v)
                            for k, v in self.mapping(f"{where}.tags", item["tags"]).items()
                        }
                    alias = kwargs.get("alias")
                    if alias is not None and alias.split("@")[0] != family.lower():
                        raise self.error(
                            f"{where}.alias",
                            f"{alias!r} does not match amiFamily {family!r}; Karpenter rejects the EC2NodeClass",
                        )
                    terms.append(self.model(where, AmiSelectorTerm, **kwargs))
                return family, terms
        top = go_print(self.values.get("amiFamily"))
        if top != family:
            self.warn(
                "amiFamily",
                f"the chart takes the AMI alias from the top-level amiFamily ({top.lower()}@latest) while the group "
                f"runs {family}; Karpenter rejects the mismatch; used {family.lower()}@latest",
            )
        return family, None

    def _selector_terms(self, raw: dict[str, Any], key: str, model: type[BaseModel]) -> list[Any] | None:
        value = raw[key] if key in raw else self.values.get(key)
        allowed = [f for f in model.model_fields if f != "tags"]
        items = self.items(key, value, [*allowed, "tags"])
        if not items:
            self.warn(
                key,
                f"empty: the chart renders {key}: [] and Karpenter rejects it; used the discovery tag "
                f"karpenter.sh/discovery: <cluster name>",
            )
            return None
        terms = []
        for index, item in enumerate(items):
            where = f"{key}[{index}]"
            kwargs: dict[str, Any] = {k: self.tag_value(f"{where}.{k}", item[k]) for k in allowed if k in item}
            if "tags" in item:
                kwargs["tags"] = {
                    str(k): self.tag_value(f"{where}.tags.{k}", v)
                    for k, v in self.mapping(f"{where}.tags", item["tags"]).items()
                }
            terms.append(self.model(where, model, **kwargs))
        return terms

    def _node_tags(self, raw: dict[str, Any], group_label: str) -> dict[str, str]:
        tags: dict[str, str] = {}
        if "nodeTags" in raw or "nodeTags" in self.values:
            self.ignored_override(raw, "nodeTags")
            for k, v in self.mapping("nodeTags", self.dflt(raw, "nodeTags")).items():
                tags[str(k)] = self.tag_value(f"nodeTags.{k}", v)
        for k, v in self.mapping("additionalNodeTags", raw.get("additionalNodeTags")).items():
            if str(k) in tags:
                self.warn(
                    f"additionalNodeTags.{k}",
                    "repeats a nodeTags key: the chart writes the key twice, which strict YAML parsers reject; "
                    "the additional value wins",
                )
            tags[str(k)] = self.tag_value(f"additionalNodeTags.{k}", v)
        builtin = {"cluster", "managed_by", go_print(self.values.get("nodeGroupLabelName"))}
        for k in sorted(set(tags) & builtin):
            self.warn(
                f"nodeTags.{k}",
                "the chart writes this tag itself too, a duplicate key strict YAML parsers reject; kept the chart's "
                "own value",
            )
            del tags[k]
        return tags

    def _metadata_options(self, raw: dict[str, Any]) -> MetadataOptions:
        chart_keys = {
            "http_endpoint": "metaDataHttpEndpoint",
            "http_protocol_ipv6": "metaDataHttpProtocolIPv6",
            "http_put_response_hop_limit": "metaDataHttpPutResponseHopLimit",
            "http_tokens": "metaDataHttpTokens",
        }
        kwargs: dict[str, Any] = {}
        for ours, key in chart_keys.items():
            value = self.dflt(raw, key)
            self.ignored_override(raw, key)
            if ours == "http_put_response_hop_limit":
                kwargs[ours] = self.integer(key, value, 1, 64)
            else:
                kwargs[ours] = go_print(value)
                self.model(key, MetadataOptions, **{ours: kwargs[ours]})
        return MetadataOptions(**kwargs)

    def _block_devices(self, raw: dict[str, Any]) -> list[BlockDevice]:
        value = raw["blockDeviceMappings"] if "blockDeviceMappings" in raw else self.values.get("blockDeviceMappings")
        devices = []
        ebs_fields = {
            "volumeSize": "volume_size",
            "volumeType": "volume_type",
            "iops": "iops",
            "throughput": "throughput",
            "encrypted": "encrypted",
            "kmsKeyID": "kms_key_id",
            "snapshotID": "snapshot_id",
            "deleteOnTermination": "delete_on_termination",
            "volumeInitializationRate": "volume_initialization_rate",
        }
        for index, item in enumerate(self.items("blockDeviceMappings", value, ("deviceName", "ebs", "rootVolume"))):
            where = f"blockDeviceMappings[{index}]"
            if is_empty(item.get("deviceName")):
                raise self.error(f"{where}.deviceName", "missing")
            ebs = self.mapping(f"{where}.ebs", item.get("ebs"))
            for key in ebs:
                if key not in ebs_fields:
                    raise self.error(f"{where}.ebs.{key}", "unknown key" + _suggest(key, ebs_fields))
            size = ebs.get("volumeSize")
            if isinstance(size, int | float) and not isinstance(size, bool):
                raise self.error(
                    f"{where}.ebs.volumeSize",
                    f"{size!r} is a number of bytes to Karpenter; write a quantity like 100Gi",
                )
            kwargs: dict[str, Any] = {ebs_fields[k]: v for k, v in ebs.items() if v is not None}
            # What the chart leaves out, EC2 decides: unencrypted unless the account encrypts by default (which
            # overrides an explicit false too), and deleted with the instance.
            kwargs.setdefault("encrypted", False)
            kwargs.setdefault("delete_on_termination", True)
            kwargs.setdefault("volume_type", "gp2")
            if "rootVolume" in item:
                kwargs["root_volume"] = self.boolean(f"{where}.rootVolume", item["rootVolume"])
            devices.append(self.model(where, BlockDevice, device_name=item["deviceName"], **kwargs))
        return devices

    def _instance_store_policy(self, raw: dict[str, Any]) -> str | None:
        for layer in (raw, self.values):
            if "instanceStorePolicy" in layer:
                value = layer["instanceStorePolicy"]
                if value is None:
                    return None
                if value != "RAID0":
                    raise self.error(
                        "instanceStorePolicy",
                        f"{value!r} is not an instance store policy Karpenter accepts; the only one is 'RAID0'",
                    )
                return "RAID0"
        return None

    def _kubelet(self, raw: dict[str, Any]) -> dict[str, Any]:
        kubelet: dict[str, Any] = {}
        maps: dict[str, dict[str, str]] = {}
        for key, (ours, entry) in KUBELET_MAPS.items():
            self.ignored_override(raw, key)
            value = self.dflt(raw, key)
            if is_empty(value):
                continue  # the chart prints an empty value, which the API server prunes
            maps.setdefault(ours, {})[entry] = self.text(key, value, "kubelet value")
        soft, grace = maps.get("eviction_soft", {}), maps.get("eviction_soft_grace_period", {})
        for entry in sorted(set(soft) ^ set(grace)):
            missing = next(
                key
                for key, (ours, name) in KUBELET_MAPS.items()
                if name == entry and ours == ("eviction_soft" if entry not in soft else "eviction_soft_grace_period")
            )
            self.warn(
                missing,
                f"empty: the chart renders the soft eviction {entry} without its pair (threshold and grace period), "
                "which Karpenter rejects; left both out",
            )
            soft.pop(entry, None)
            grace.pop(entry, None)
        for ours in (
            "system_reserved",
            "kube_reserved",
            "eviction_hard",
            "eviction_soft",
            "eviction_soft_grace_period",
        ):
            kubelet[ours] = maps.get(ours) or None
        dns = raw["kubeletClusterDNS"] if "kubeletClusterDNS" in raw else self.values.get("kubeletClusterDNS")
        kubelet["cluster_dns"] = self.string_list("kubeletClusterDNS", dns) or None
        for key, ours in KUBELET_SCALARS.items():
            kubelet[ours] = None
            if key in raw or key in self.values:
                self.ignored_override(raw, key)
                value = self.dflt(raw, key)
                if not is_empty(value):
                    high = 100 if "Threshold" in key else 1_000_000
                    kubelet[ours] = self.integer(key, value, 0, high)
        if not is_empty(self.dflt(raw, "kubeletImageMinimumGCAge")):
            self.warn(
                "kubeletImageMinimumGCAge",
                "imageMinimumGCAge is not a field of the Karpenter v1 EC2NodeClass kubelet (the API server prunes "
                "or rejects it); left out",
            )
        kubelet["cpu_cfs_quota"] = None
        if "kubeletCpuCFSQuota" in raw or "kubeletCpuCFSQuota" in self.values:
            value = self.dflt(raw, "kubeletCpuCFSQuota")
            if is_empty(value):
                if raw.get("kubeletCpuCFSQuota") is False or self.values.get("kubeletCpuCFSQuota") is False:
                    self.warn(
                        "kubeletCpuCFSQuota",
                        "the chart renders false as an empty value that is dropped, so the kubelet keeps enforcing "
                        "CPU limits; imported as meant (cpuCFSQuota: false)",
                    )
                    kubelet["cpu_cfs_quota"] = False
            else:
                kubelet["cpu_cfs_quota"] = self.boolean("kubeletCpuCFSQuota", value)
        return kubelet

    def _user_data(self, raw: dict[str, Any], group_label: str) -> tuple[str | None, str | None, dict[str, Any]]:
        """(verbatim, template, values): a userData without template actions imports as verbatim user data."""
        if "userData" in raw:
            source = raw["userData"]
        elif "userData" in self.values:
            source = self.values["userData"]
        else:
            return None, None, {}
        translation = self.translation(source, "userData")
        if translation is None:
            return None, None, {}
        root = {"Values": self.values, "key": self.group_name, "value": raw}
        try:
            values = values_for(translation, root)
            rendered = render_helm(translation.template, root)
        except UserDataError as exc:
            raise self.error("userData", f"`{exc.construct}`: {exc.problem}") from None
        chart = chart_user_data(rendered)
        ours = render_translation(
            translation,
            go_print(self.values.get("clusterName")),
            self.group_name,
            group_label,
            go_print(self.values.get("nodeGroupLabelName")),
            values,
        )
        if chart is None:
            self.warn(
                "userData",
                "its first line starts with whitespace, which breaks the chart's YAML (the chart cannot render it); "
                "imported as written",
            )
        elif chart != ours:
            self.warn(
                "userData",
                "the translated template renders differently from the chart"
                + (" in trailing whitespace only" if chart.rstrip() == ours.rstrip() else "")
                + "; review the user data",
            )
        if all(isinstance(node, Text) for node in translation.template.nodes):
            return ours, None, {}
        return None, translation.jinja, values


# ------------------------------------------------------------------------------------------------------ hoisting

#: (settings key, merge?) of every NodePool setting, in our field order.
POOL_FIELDS: tuple[tuple[str, bool], ...] = (
    ("instances.categories", False),
    ("instances.min_generation", False),
    ("instances.cores", False),
    ("instances.architecture", False),
    ("instances.capacity_types", False),
    ("instances.operating_systems", False),
    ("instances.instance_types", False),
    ("instances.exclude_families", False),
    ("instances.exclude_sizes", False),
    ("availability_zones", False),
    ("additional_requirements", False),
    ("auto_taint", False),
    ("taints", False),
    ("startup_taints", False),
    ("cilium", False),
    ("cilium_taint_effect", False),
    ("labels", True),
    ("annotations", True),
    ("weight", False),
    ("limits", True),
    ("consolidation_policy", False),
    ("consolidate_after", False),
    ("expire_after", False),
    ("budgets", False),
)
KUBELET_KEYS = (
    "cluster_dns",
    "max_pods",
    "pods_per_core",
    "system_reserved",
    "kube_reserved",
    "eviction_hard",
    "eviction_soft",
    "eviction_soft_grace_period",
    "image_gc_high_threshold_percent",
    "image_gc_low_threshold_percent",
    "cpu_cfs_quota",
)
CLASS_FIELDS: tuple[tuple[str, bool], ...] = (
    ("identity", False),
    ("ami", False),
    ("subnet_selector_terms", False),
    ("security_group_selector_terms", False),
    ("block_device_mappings", False),
    ("metadata_options", False),
    ("detailed_monitoring", False),
    ("associate_public_ip_address", False),
    ("instance_store_policy", False),
    *((f"kubelet.{k}", False) for k in KUBELET_KEYS),
    ("user_data", False),
    ("user_data_template", False),
    ("user_data_values", True),
    ("node_tags", True),
)


def _library(key: str) -> Any:
    """What resolve falls back to when neither group nor defaults say; a default equal to it need not be written."""
    if key.startswith("instances."):
        return getattr(LIBRARY_INSTANCES, key.split(".", 1)[1])
    if key.startswith("kubelet.") or key in ("identity", "ami"):
        return None
    return getattr(LIBRARY_DEFAULTS, key, None)


def _hoist_replace(values: list[Any]) -> tuple[Any, list[Any]]:
    """Pick the defaults' value (the most common one); return it and each group's override (None = inherit)."""
    if not values or any(v is None for v in values):
        return None, values
    counts = Counter(_canon(v) for v in values)
    first = {c: i for i, c in reversed(list(enumerate(_canon(v) for v in values)))}
    winner = max(counts, key=lambda c: (counts[c], -first[c]))
    chosen = next(v for v in values if _canon(v) == winner)
    overrides = [None if _canon(v) == winner else v for v in values]
    return chosen, overrides


def _hoist_merge(values: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Mappings merge key by key, so only keys every group has can move to the defaults (none can be removed)."""
    if not values:
        return {}, []
    shared: dict[str, Any] = {}
    keys = sorted(set().union(*values))
    for key in keys:
        if all(key in v for v in values):
            chosen, _ = _hoist_replace([v[key] for v in values])
            shared[key] = chosen
    overrides = [
        {k: v for k, v in value.items() if k not in shared or _canon(shared[k]) != _canon(v)} for value in values
    ]
    return shared, overrides


def hoist(groups: list[_Group]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Split every group's settings into what the defaults hold and what each group overrides."""
    defaults: dict[str, Any] = {}
    per_group: list[dict[str, Any]] = [{} for _ in groups]
    owners = [i for i, g in enumerate(groups) if g.nodeclass is not None]
    settings_of: list[tuple[tuple[tuple[str, bool], ...], list[int], list[dict[str, Any]]]] = [
        (POOL_FIELDS, list(range(len(groups))), [g.pool for g in groups]),
        (CLASS_FIELDS, owners, [g.nodeclass or {} for g in groups]),
    ]
    for fields, members, settings in settings_of:
        for key, merge in fields:
            values = [settings[i][key] for i in members]
            if merge:
                shared, overrides = _hoist_merge(values)
                if shared:
                    defaults[key] = shared
                for i, override in zip(members, overrides, strict=True):
                    if override:
                        per_group[i][key] = override
                continue
            chosen, overrides = _hoist_replace(values)
            if chosen is not None and _canon(chosen) == _canon(_library(key)):
                # The library falls back to the same value: leave it out of the defaults, keep overrides as they are.
                pass
            elif chosen is not None:
                defaults[key] = chosen
            for i, override in zip(members, overrides, strict=True):
                if override is not None:
                    per_group[i][key] = override
    _fix_ami(defaults, groups, per_group)
    return defaults, per_group


def _fix_ami(defaults: dict[str, Any], groups: list[_Group], per_group: list[dict[str, Any]]) -> None:
    """Our resolve gives a group that sets ``ami_family`` the family's alias, not the defaults' terms: be explicit."""
    base = defaults.get("ami")
    for group, settings in zip(groups, per_group, strict=True):
        if group.nodeclass is None or "ami" not in settings:
            continue
        family, terms = settings.pop("ami")
        base_family = base[0] if base else AmiFamily.AL2023.value
        if terms is None:
            settings["ami_family"] = family
        else:
            settings["ami_selector_terms"] = terms
            if family != base_family:
                settings["ami_family"] = family


def _settings(flat: dict[str, Any]) -> dict[str, Any]:
    """Settings keys -> keyword arguments of our models."""
    out: dict[str, Any] = {}
    instances: dict[str, Any] = {}
    kubelet: dict[str, Any] = {}
    for key, value in flat.items():
        if key.startswith("instances."):
            instances[key.split(".", 1)[1]] = value
        elif key.startswith("kubelet."):
            kubelet[key.split(".", 1)[1]] = value
        elif key == "identity":
            role, profile = value
            out["role"], out["instance_profile"] = role, profile
        elif key == "ami":
            family, terms = value
            out["ami_family"] = family
            out["ami_selector_terms"] = terms
        else:
            out[key] = value
    if instances:
        out["instances"] = Instances(**instances)
    if kubelet:
        out["kubelet"] = Kubelet(**kubelet)
    return {k: v for k, v in out.items() if v is not None}


def map_values(loaded: LoadedValues, node_role: str | None = None) -> Mapped:
    """Chart values -> our defaults and node groups; raises ``ValuesError`` naming every group and key at fault."""
    mapper = ChartMapping(loaded, node_role)
    globals_, groups = mapper.run()
    if mapper.errors:
        raise ValuesError(mapper.errors)
    defaults_flat, per_group = hoist(groups)
    if "ami" in defaults_flat and defaults_flat["ami"][0] == AmiFamily.AL2023.value and defaults_flat["ami"][1] is None:
        del defaults_flat["ami"]
    try:
        defaults = NodeGroupDefaults(**globals_, **_settings(defaults_flat))
    except SpecError as exc:
        raise ValuesError([exc]) from None
    nodegroups = []
    errors: list[SpecError] = []
    for group, settings in zip(groups, per_group, strict=True):
        try:
            nodegroups.append(
                NodeGroup(
                    name=group.name,
                    group_label=group.group_label if group.group_label != group.name else None,
                    capacity_spread=group.capacity_spread,
                    node_class=group.node_class,
                    headroom=group.headroom,
                    **_settings(settings),
                )
            )
        except SpecError as exc:
            errors.append(exc)
    if errors:
        raise ValuesError(errors)
    if not any(g.headroom for g in groups) and not is_empty(loaded.values.get("headRoom")):
        mapper.warnings.append(
            ImportWarning(
                None,
                "headRoom",
                "the chart renders the PriorityClass karpenter-headroom even when no group has headroom; the import "
                "renders it only with headroom (add it yourself if other workloads use it)",
            )
        )
    return Mapped(defaults, nodegroups, mapper.warnings)
