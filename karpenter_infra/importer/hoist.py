"""Hoisting: what most groups share moves into the defaults, so each group keeps only real overrides."""

from __future__ import annotations

from collections import Counter
from typing import Any

from karpenter_infra.importer.base import GroupSettings, canon
from karpenter_infra.spec.instances import Instances
from karpenter_infra.spec.nodeclass import AmiFamily, Kubelet
from karpenter_infra.spec.resolve import LIBRARY_DEFAULTS, LIBRARY_INSTANCES

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
    counts = Counter(canon(v) for v in values)
    first = {c: i for i, c in reversed(list(enumerate(canon(v) for v in values)))}
    winner = max(counts, key=lambda c: (counts[c], -first[c]))
    chosen = next(v for v in values if canon(v) == winner)
    overrides = [None if canon(v) == winner else v for v in values]
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
        {k: v for k, v in value.items() if k not in shared or canon(shared[k]) != canon(v)} for value in values
    ]
    return shared, overrides


def hoist(groups: list[GroupSettings]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
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
            if chosen is not None and canon(chosen) == canon(_library(key)):
                # The library falls back to the same value: leave it out of the defaults, keep overrides as they are.
                pass
            elif chosen is not None:
                defaults[key] = chosen
            for i, override in zip(members, overrides, strict=True):
                if override is not None:
                    per_group[i][key] = override
    _fix_ami(defaults, groups, per_group)
    return defaults, per_group


def _fix_ami(defaults: dict[str, Any], groups: list[GroupSettings], per_group: list[dict[str, Any]]) -> None:
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


def settings_kwargs(flat: dict[str, Any]) -> dict[str, Any]:
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
