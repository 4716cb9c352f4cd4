"""Which values file set a value a group used: the chart's shared keys are read per group, but written once.

A problem in a top-level value (``amiFamily`` in ``common.yaml``) shows up in every group that uses it. Each line then
says where the value came from, ``(from common.yaml)``, so the user edits the shared file and not each group. The
same holds after hoisting: what the fleet reports ``(from defaults)`` came from a values file, or was the group's own
key (written alike in every group, then moved into the defaults by ``hoist``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from karpenter_infra.errors import SpecError
from karpenter_infra.importer.keys import KUBELET_MAPS, KUBELET_SCALARS, SHARED_KEYS
from karpenter_infra.importer.values import LoadedValues
from karpenter_infra.ledger.core import CollectedError, collected

#: Our setting (a field path's first part, or ``instances.<key>``) -> the chart key it is imported from.
CHART_KEY: dict[str, tuple[str, ...]] = {
    "instances.categories": ("instances", "categories"),
    "instances.min_generation": ("instances", "minGeneration"),
    "instances.cores": ("instances", "cores"),
    "instances.architecture": ("instances", "architecture"),
    "instances.capacity_types": ("instances", "capacityType"),
    "instances.operating_systems": ("instances", "operatingSystems"),
    "instances.exclude_families": ("excludeFamilies",),
    "instances.exclude_sizes": ("excludeInstanceSize",),
    "availability_zones": ("availabilityZones",),
    "additional_requirements": ("additionalRequirements",),
    "auto_taint": ("autoTaint",),
    "cilium": ("cilium",),
    "cilium_taint_effect": ("ciliumEffect",),
    "weight": ("weight",),
    "consolidation_policy": ("consolidationPolicy",),
    "consolidate_after": ("consolidateAfter",),
    "expire_after": ("expireAfter",),
    "role": ("IamRole",),
    "instance_profile": ("IamInstanceProfile",),
    "ami_family": ("amiFamily",),
    "ami_selector_terms": ("amiSelectorTerms",),
    "subnet_selector_terms": ("subnetSelectorTerms",),
    "security_group_selector_terms": ("securityGroupSelectorTerms",),
    "block_device_mappings": ("blockDeviceMappings",),
    "detailed_monitoring": ("detailedMonitoring",),
    "associate_public_ip_address": ("associatePublicIPAddress",),
    "instance_store_policy": ("instanceStorePolicy",),
    "user_data": ("userData",),
    "user_data_template": ("userData",),
    "node_tags": ("nodeTags",),
    **{f"kubelet.{ours}": (chart,) for chart, ours in KUBELET_SCALARS.items()},
    **{f"kubelet.{ours}": (chart,) for chart, (ours, _) in KUBELET_MAPS.items()},
}

#: Our settings imported from keys the chart reads only per group: hoisted, they were still each group's own.
GROUP_ONLY = frozenset({"labels", "annotations", "taints", "startup_taints", "limits", "budgets", "capacity_spread"})


def _dig(values: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(values, dict) or part not in values:
            return None
        values = values[part]
    return values


def _has(values: Any, path: tuple[str, ...]) -> bool:
    for part in path:
        if not isinstance(values, dict) or part not in values:
            return False
        values = values[part]
    return True


def file_of(loaded: LoadedValues, path: tuple[str, ...]) -> str:
    """The last values file that sets the top-level ``path`` (Helm's merge: the last file wins), or ``""`` for the
    chart's own default (no file of the user's to point at)."""
    for layer, name in zip(reversed(loaded.layers), reversed(loaded.files), strict=True):
        if _dig(layer, path) is not None:
            return Path(name).name
    return ""


def chart_path(key: str) -> tuple[str, ...]:
    """A chart key as errors name it (``instances.capacityType``, ``taints[0].effect``) as a path in the values."""
    return tuple(key.split("[", 1)[0].split(" ", 1)[0].split("."))


def shared_origin(loaded: LoadedValues, group: dict[str, Any], path: tuple[str, ...]) -> str:
    """The file a group's value at ``path`` came from if the group took it from the top level, else ``""``.

    A key the group writes is the group's, even empty (a warning about it is about what the group wrote)."""
    if not path or path[0] not in SHARED_KEYS or _has(group, path):
        return ""
    if path[0] == "instances" and len(path) == 1:
        return ""  # the group's instances merge key by key: the key below says where each value came from
    return file_of(loaded, path)


def field_origin(loaded: LoadedValues, group_name: str, field: str) -> str:
    """For a fleet finding about ``field`` of ``group_name`` that says ``(from defaults)``: the values file the value
    came from, or ``""`` when it was the group's own key (hoisted into the defaults because every group had it) or
    the chart's default."""
    bare = field.split("[", 1)[0]
    parts = bare.split(".")
    key = CHART_KEY.get(".".join(parts[:2])) or CHART_KEY.get(parts[0])
    if parts[0] in GROUP_ONLY:
        return ""
    if key is None:
        return "defaults"  # a setting the chart has no key for: the defaults are where it is now
    groups = loaded.values.get("nodeGroups")
    raw = groups.get(group_name) if isinstance(groups, dict) else None
    return shared_origin(loaded, raw if isinstance(raw, dict) else {}, key)


_FROM_DEFAULTS = " (from defaults)"


def relabel(field: str, group_name: str | None, loaded: LoadedValues) -> str:
    """A fleet finding's field that says ``(from defaults)``, saying instead which values file set the value (or
    nothing, when the value was the group's own key)."""
    if group_name is None or not field.endswith(_FROM_DEFAULTS):
        return field
    bare = field.removesuffix(_FROM_DEFAULTS)
    origin = field_origin(loaded, group_name, bare)
    return f"{bare} (from {origin})" if origin else bare


def relabelled(exc: SpecError, groups: Mapping[str, str], loaded: LoadedValues) -> SpecError:
    """``exc`` (a fleet's errors; ``groups`` maps an owner to its group name) with each field relabelled."""
    errors = exc.errors if isinstance(exc, CollectedError) else [exc]
    return collected(
        [SpecError(e.owner, [(relabel(f, groups.get(e.owner), loaded), p) for f, p in e.issues]) for e in errors]
    )
