"""Merge defaults into node groups and derive every name, in one pass, with errors that name the group."""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import cache

from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.ledger.core import Collector
from karpenter_infra.spec.instances import Architecture, Instances
from karpenter_infra.spec.library_defaults import (
    LIBRARY_DEFAULTS,
    LIBRARY_INSTANCE_VALUES,
    LIBRARY_INSTANCES,
    merged,
    pick,
)
from karpenter_infra.spec.nodeclass import is_windows
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults
from karpenter_infra.spec.origin import DEFAULTS, inherits, with_origin
from karpenter_infra.spec.resolve_nodeclass import DISCOVERY_TAG, Resolved, resolve_nodeclass
from karpenter_infra.spec.resolved import ResolvedInstances, ResolvedNodeGroup
from karpenter_infra.spec.scheduling import Taint, TaintEffect
from karpenter_infra.spec.value_key import fields_key
from karpenter_infra.suggest import did_you_mean

__all__ = [
    "CILIUM_TAINT_KEY",
    "DISCOVERY_TAG",
    "LIBRARY_DEFAULTS",
    "LIBRARY_INSTANCES",
    "dedicated_taint",
    "nodepool_name",
    "resolve",
    "resolve_group",
]

CILIUM_TAINT_KEY = "node.cilium.io/agent-not-ready"


#: Filters a positive ``families`` list makes moot: a family has one category, generation, hypervisor and CPU maker.
FAMILY_IMPLIED = ("categories", "min_generation", "hypervisors", "cpu_manufacturers")
#: Filters a positive ``instance_types`` list makes moot: a type name fixes its whole shape. Inherited exclusions
#: stay: one that removes a named type is an error naming both fields and where the exclusion came from.
TYPE_IMPLIED = (*FAMILY_IMPLIED, "families", "cores", "sizes")
_LAYERS = ("library", "defaults", "group")


@dataclass
class Known:
    """What one ``resolve`` call worked out, by input, for the groups after (same defaults and node role throughout):
    a fleet's groups share a handful of instance shapes and node-class settings.

    Shared, so whoever puts one of their lists into a manifest copies it (``render/``).
    """

    instances: dict[Hashable, ResolvedInstances] = dataclasses.field(default_factory=dict)
    nodeclasses: Resolved = dataclasses.field(default_factory=dict)


def _instances(group: NodeGroup, defaults: NodeGroupDefaults, known: Known | None) -> ResolvedInstances:
    family = pick("ami_family", group, defaults, LIBRARY_DEFAULTS)
    if known is None:
        return _resolve_instances(group.name, defaults.instances, group.instances, family)
    try:
        key = (_layer_key(group.instances), family)
        found = known.instances.get(key)
    except TypeError:  # an unhashable value: resolve without remembering
        return _resolve_instances(group.name, defaults.instances, group.instances, family)
    if found is None:
        found = known.instances[key] = _resolve_instances(group.name, defaults.instances, group.instances, family)
    return found


def _layer_key(layer: Instances | None) -> Hashable:
    """What ``_resolve_instances`` reads of a layer: the fields it set (``None`` is unset)."""
    return None if layer is None else fields_key(layer, sorted(layer.model_fields_set))


def _resolve_instances(
    group_name: str, defaults_layer: Instances | None, group_layer: Instances | None, family: str
) -> ResolvedInstances:
    # Only the keys a layer set are read: the library's values first, the defaults' and then the group's over them.
    values = dict(LIBRARY_INSTANCE_VALUES)
    origin = dict.fromkeys(values, "library")
    for where, layer in (("defaults", defaults_layer), ("group", group_layer)):
        if layer is not None:
            for name in layer.model_fields_set:
                value = getattr(layer, name)
                if value is not None:
                    values[name] = value
                    origin[name] = where
    # Explicit beats inherited: a positive list set on one layer is never narrowed by a filter of a layer below it
    # (the library's categories c, m, r would silently drop t3 from families [t3, m5]); the filter is dropped.
    for positive, implied in (("instance_types", TYPE_IMPLIED), ("families", FAMILY_IMPLIED)):
        if values[positive]:
            rank = _LAYERS.index(origin[positive])
            for name in implied:
                if origin[name] in _LAYERS and _LAYERS.index(origin[name]) < rank and values[name] != _EMPTY[name]:
                    values[name], origin[name] = _EMPTY[name], f"dropped for {positive}"
    if origin["operating_systems"] == "library" and is_windows(family):
        values["operating_systems"] = ["windows"]  # the library's linux default follows a Windows AMI family
    owner = nodegroup_owner(group_name)
    for required in ("capacity_types", "operating_systems"):
        if not values[required]:
            raise SpecError.one(owner, f"instances.{required}", "must name at least one value")
    for included, excluded in (("families", "exclude_families"), ("sizes", "exclude_sizes")):
        both = sorted(set(values[included]) & set(values[excluded]))
        if both and not values["instance_types"]:
            raise SpecError.one(
                owner,
                f"instances.{included}",
                f"{both[0]!r} is also in instances.{excluded}{_from(origin[excluded])}; keep it in one",
            )
    return ResolvedInstances(
        categories=sorted(values["categories"]),
        min_generation=values["min_generation"],
        cores=sorted(values["cores"]),
        architecture=Architecture(values["architecture"]),
        capacity_types=sorted(values["capacity_types"]),
        operating_systems=sorted(values["operating_systems"]),
        cpu_manufacturers=sorted(values["cpu_manufacturers"]),
        families=sorted(values["families"]),
        sizes=sorted(values["sizes"]),
        hypervisors=sorted(values["hypervisors"]),
        instance_types=sorted(values["instance_types"]),
        exclude_families=sorted(values["exclude_families"]),
        exclude_sizes=sorted(values["exclude_sizes"]),
        min_values=dict(sorted(values["min_values"].items())),
        inherited=frozenset(name for name, where in origin.items() if where == "defaults"),
    )


#: What a filter holds when nothing sets it.
_EMPTY: dict[str, object] = {name: [] for name in TYPE_IMPLIED if name != "min_generation"} | {"min_generation": None}


def _from(origin: str) -> str:
    return " (from defaults)" if origin == "defaults" else ""


def _limits(group: NodeGroup, defaults: NodeGroupDefaults) -> dict[str, str]:
    if group.replicas is not None:
        return dict(group.limits or {})
    return dict(sorted(merged("limits", group, defaults).items()))


def nodepool_name(group_name: str, architecture: Architecture, suffix: bool = True) -> str:
    return f"{group_name}-{architecture.value}" if suffix else group_name


@cache
def dedicated_taint(group_label: str) -> Taint:
    return Taint(key="dedicated", value=group_label.replace("-", "_"), effect=TaintEffect.NO_SCHEDULE)


def _taints(group: NodeGroup, defaults: NodeGroupDefaults, group_label: str) -> tuple[list[Taint], list[Taint]]:
    taints: list[Taint] = list(pick("taints", group, defaults, LIBRARY_DEFAULTS))
    if pick("auto_taint", group, defaults, LIBRARY_DEFAULTS):
        taints.append(dedicated_taint(group_label))
    startup: list[Taint] = list(pick("startup_taints", group, defaults, LIBRARY_DEFAULTS))
    if pick("cilium", group, defaults, LIBRARY_DEFAULTS):
        effect = pick("cilium_taint_effect", group, defaults, LIBRARY_DEFAULTS)
        startup.append(_cilium_taint(effect))
    owner = nodegroup_owner(group.name)
    # Karpenter keys taints and startup taints together (pkg/apis/v1/nodeclaim_validation.go validateTaints).
    seen: set[tuple[str, str]] = set()
    for field, found in (("taints", taints), ("startup_taints", startup)):
        for taint in found:
            if (taint.key, str(taint.effect)) in seen:
                raise SpecError.one(owner, field, f"taint {taint.key!r} with effect {taint.effect} appears twice")
            seen.add((taint.key, str(taint.effect)))
    return taints, startup


@cache
def _cilium_taint(effect: str) -> Taint:
    return Taint(key=CILIUM_TAINT_KEY, value="true", effect=effect)


def resolve_group(
    group: NodeGroup, defaults: NodeGroupDefaults, node_role: str | None, known: Known | None = None
) -> ResolvedNodeGroup:
    owner = nodegroup_owner(group.name)
    instances = _instances(group, defaults, known)
    pool = nodepool_name(
        group.name, instances.architecture, pick("architecture_suffix", group, defaults, LIBRARY_DEFAULTS)
    )
    group_label = group.group_label or group.name
    taints, startup_taints = _taints(group, defaults, group_label)
    labels = merged("labels", group, defaults)
    if pick("group_node_label", group, defaults, LIBRARY_DEFAULTS):
        if defaults.group_label_key in labels and labels[defaults.group_label_key] != group_label:
            raise SpecError.one(
                owner, "labels", f"{defaults.group_label_key!r} is the group label; set group_label instead"
            )
        labels[defaults.group_label_key] = group_label
    elif group.capacity_spread is not None:
        # Groups sharing a group label spread as one only if workloads can select that label's nodes.
        raise SpecError.one(
            owner,
            "group_node_label",
            "capacity_spread needs the group node label: workloads select the group's nodes by it; "
            "keep group_node_label or drop capacity_spread",
        )
    if group.capacity_spread is not None and defaults.capacity_spread_label_key in labels:
        raise SpecError.one(owner, "labels", f"{defaults.capacity_spread_label_key!r} is set by capacity_spread")
    limits = _limits(group, defaults)
    if group.off_hours is not None and "nodes" in limits:
        raise SpecError.one(
            owner, "limits['nodes']", "belongs to the off_hours schedule, whose CronJobs patch it; remove it here"
        )
    nodeclass_name = group.existing_node_class or (group.name if group.node_class_only else pool)
    nodeclass = None
    if group.node_class is None and group.existing_node_class is None:
        nodeclasses = None if known is None else known.nodeclasses
        nodeclass = resolve_nodeclass(group, defaults, nodeclass_name, group_label, node_role, nodeclasses)
    return ResolvedNodeGroup(
        name=group.name,
        cluster_name=defaults.cluster_name,
        nodepool_name=pool,
        group_label_key=defaults.group_label_key,
        group_label=group_label,
        instances=instances,
        availability_zones=sorted(pick("availability_zones", group, defaults, LIBRARY_DEFAULTS)),
        additional_requirements=list(pick("additional_requirements", group, defaults, LIBRARY_DEFAULTS)),
        capacity_spread=group.capacity_spread,
        capacity_spread_label_key=defaults.capacity_spread_label_key,
        taints=taints,
        startup_taints=startup_taints,
        labels=dict(sorted(labels.items())),
        annotations=dict(sorted(merged("annotations", group, defaults).items())),
        # A static pool inherits neither weight nor the dynamic pools' resource limits: the CRD forbids both.
        weight=None if group.replicas is not None else pick("weight", group, defaults),
        limits=limits,
        consolidation_policy=pick("consolidation_policy", group, defaults, LIBRARY_DEFAULTS),
        consolidate_after=pick("consolidate_after", group, defaults, LIBRARY_DEFAULTS),
        expire_after=pick("expire_after", group, defaults, LIBRARY_DEFAULTS),
        termination_grace_period=pick("termination_grace_period", group, defaults),
        budgets=list(pick("budgets", group, defaults, LIBRARY_DEFAULTS)),
        nodeclass_name=nodeclass_name,
        nodeclass=nodeclass,
        headroom=sorted(group.headroom or [], key=lambda entry: entry.key),
        replicas=group.replicas,
        off_hours=group.off_hours,
        existing_node_class=group.existing_node_class is not None,
        renders_nodepool=not group.node_class_only,
        warnings_off=_warnings_off(group, defaults),
        limits_inherited=frozenset(limits) - frozenset(group.limits or ()),
        layers=(group, defaults),
    )


def _warnings_off(group: NodeGroup, defaults: NodeGroupDefaults) -> frozenset[str]:
    """The group's lists replace the defaults' (each of the two fields on its own)."""
    off = group.warnings_off if group.warnings_off is not None else defaults.warnings_off
    catalog = group.catalog_warnings_off if group.catalog_warnings_off is not None else defaults.catalog_warnings_off
    return frozenset([*(off or ()), *(str(kind) for kind in catalog or ())])


def resolve(
    defaults: NodeGroupDefaults,
    nodegroups: Sequence[NodeGroup],
    node_role: str | None = None,
    errors: Collector | None = None,
) -> list[ResolvedNodeGroup]:
    """Resolve every group, sorted by name, so the list's order never reaches the output.

    Every group is resolved even when an earlier one fails: all their problems are raised together, or, given a
    collector, added to it while the groups that resolved are returned (so that later rules can run on them).
    """
    collector = errors if errors is not None else Collector()
    by_name: dict[str, NodeGroup] = {}
    for group in nodegroups:
        if group.name in by_name:
            collector.add(
                SpecError.one(nodegroup_owner(group.name), "name", "appears more than once in the nodegroup list")
            )
        by_name[group.name] = group
    resolved: dict[str, ResolvedNodeGroup] = {}
    known = Known()
    for name in sorted(by_name):
        try:
            resolved[name] = resolve_group(by_name[name], defaults, node_role, known)
        except SpecError as error:
            collector.add(_located(error, by_name[name], defaults))
    failed = by_name.keys() - resolved.keys()
    for name, group in by_name.items():
        if group.node_class is None or name in failed or group.node_class in failed:
            continue  # a class owner that failed has its own error
        with collector.step():
            resolved[name] = _replace_nodeclass(resolved[name], _node_class_owner(name, group.node_class, resolved))
    if errors is None:
        collector.raise_if_any()
    return list(resolved.values())


def _located(error: SpecError, group: NodeGroup, defaults: NodeGroupDefaults) -> SpecError:
    """The error with ``(from defaults)`` after each field the group inherited: a duplicate taint or a bad limit the
    defaults hold is fixed there, not in the group the line names. Worked out only when a group fails."""
    issues = [
        (with_origin(field, DEFAULTS) if "(from " not in field and inherits(field, group, defaults) else field, problem)
        for field, problem in error.issues
    ]
    return SpecError(error.owner, issues)


def _node_class_owner(name: str, node_class: str, resolved: dict[str, ResolvedNodeGroup]) -> str:
    target = resolved.get(node_class)
    if target is None:
        raise SpecError.one(
            nodegroup_owner(name),
            "node_class",
            f"no node group named {node_class!r}" + did_you_mean(node_class, resolved),
        )
    if target.existing_node_class:
        raise SpecError.one(
            nodegroup_owner(name),
            "node_class",
            f"{node_class!r} uses the existing EC2NodeClass {target.nodeclass_name!r}; "
            f"set existing_node_class={target.nodeclass_name!r} instead",
        )
    if target.nodeclass is None:
        raise SpecError.one(
            nodegroup_owner(name),
            "node_class",
            f"{node_class!r} reuses another group's node class itself; point at the owner",
        )
    return target.nodeclass_name


def _replace_nodeclass(group: ResolvedNodeGroup, nodeclass_name: str) -> ResolvedNodeGroup:
    from dataclasses import replace

    return replace(group, nodeclass_name=nodeclass_name)
