"""Merge defaults into node groups and derive every name, in one pass, with errors that name the group."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, TypeVar

from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.spec.disruption import Budget, ConsolidationPolicy
from karpenter_infra.spec.fleet_rules import check_fleet
from karpenter_infra.spec.instances import Architecture, CapacityType, Instances, OperatingSystem
from karpenter_infra.spec.nodeclass import (
    AmiFamily,
    AmiSelectorTerm,
    Kubelet,
    MetadataOptions,
    SecurityGroupSelectorTerm,
    SubnetSelectorTerm,
    ami_version_problem,
)
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults, NodeGroupSettings
from karpenter_infra.spec.resolved import ResolvedInstances, ResolvedNodeClass, ResolvedNodeGroup
from karpenter_infra.spec.scheduling import Taint, TaintEffect

T = TypeVar("T")

#: What the library uses when neither the group nor the defaults say. Karpenter's own defaults, written out so that
#: rendered manifests are explicit and a preview never shows a server-side default flip.
LIBRARY_INSTANCES = Instances(
    categories=["c", "m", "r"],
    min_generation=None,
    cores=[],
    architecture=Architecture.AMD64,
    capacity_types=[CapacityType.ON_DEMAND],
    operating_systems=[OperatingSystem.LINUX],
    cpu_manufacturers=[],
    families=[],
    sizes=[],
    hypervisors=[],
    instance_types=[],
    exclude_families=[],
    exclude_sizes=[],
    min_values={},
)
_LIBRARY_INSTANCE_VALUES: dict[str, Any] = {name: getattr(LIBRARY_INSTANCES, name) for name in Instances.model_fields}
LIBRARY_DEFAULTS = NodeGroupSettings(
    instances=LIBRARY_INSTANCES,
    availability_zones=[],
    additional_requirements=[],
    auto_taint=False,
    taints=[],
    startup_taints=[],
    cilium=False,
    cilium_taint_effect=TaintEffect.NO_EXECUTE,
    labels={},
    annotations={},
    node_tags={},
    limits={},
    consolidation_policy=ConsolidationPolicy.WHEN_EMPTY_OR_UNDERUTILIZED,
    consolidate_after="0s",
    expire_after="720h",
    budgets=[Budget(nodes="10%")],
    ami_family=AmiFamily.AL2023,
    ami_version="latest",
    metadata_options=MetadataOptions(),
    detailed_monitoring=False,
    kubelet=Kubelet(),
    user_data_values={},
    library_tags=True,
    group_node_label=True,
    architecture_suffix=True,
)

CILIUM_TAINT_KEY = "node.cilium.io/agent-not-ready"
_NO_KUBELET = Kubelet()
DISCOVERY_TAG = "karpenter.sh/discovery"


def _pick(name: str, *layers: NodeGroupSettings | Instances) -> Any:
    for layer in layers:
        value = getattr(layer, name)
        if value is not None:
            return value
    return None


def _merged(name: str, group: NodeGroupSettings, defaults: NodeGroupSettings) -> dict[str, Any]:
    """Mappings merge key by key, the group's keys winning; lists and scalars replace."""
    merged: dict[str, Any] = {}
    for layer in (LIBRARY_DEFAULTS, defaults, group):
        merged.update(getattr(layer, name) or {})
    return merged


def _instances(group: NodeGroup, defaults: NodeGroupDefaults) -> ResolvedInstances:
    # Only the keys a layer set are read: the library's values first, the defaults' and then the group's over them.
    values = dict(_LIBRARY_INSTANCE_VALUES)
    for layer in (defaults.instances, group.instances):
        if layer is not None:
            for name in layer.model_fields_set:
                value = getattr(layer, name)
                if value is not None:
                    values[name] = value
    owner = nodegroup_owner(group.name)
    for required in ("capacity_types", "operating_systems"):
        if not values[required]:
            raise SpecError.one(owner, f"instances.{required}", "must name at least one value")
    for included, excluded in (("families", "exclude_families"), ("sizes", "exclude_sizes")):
        both = sorted(set(values[included]) & set(values[excluded]))
        if both and not values["instance_types"]:
            raise SpecError.one(
                owner, f"instances.{included}", f"{both[0]!r} is also in instances.{excluded}; keep it in one"
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
    )


def _limits(group: NodeGroup, defaults: NodeGroupDefaults) -> dict[str, str]:
    if group.replicas is not None:
        return dict(group.limits or {})
    return dict(sorted(_merged("limits", group, defaults).items()))


def nodepool_name(group_name: str, architecture: Architecture, suffix: bool = True) -> str:
    return f"{group_name}-{architecture.value}" if suffix else group_name


@cache
def dedicated_taint(group_label: str) -> Taint:
    return Taint(key="dedicated", value=group_label.replace("-", "_"), effect=TaintEffect.NO_SCHEDULE)


def _taints(group: NodeGroup, defaults: NodeGroupDefaults, group_label: str) -> tuple[list[Taint], list[Taint]]:
    taints: list[Taint] = list(_pick("taints", group, defaults, LIBRARY_DEFAULTS))
    if _pick("auto_taint", group, defaults, LIBRARY_DEFAULTS):
        taints.append(dedicated_taint(group_label))
    startup: list[Taint] = list(_pick("startup_taints", group, defaults, LIBRARY_DEFAULTS))
    if _pick("cilium", group, defaults, LIBRARY_DEFAULTS):
        effect = _pick("cilium_taint_effect", group, defaults, LIBRARY_DEFAULTS)
        startup.append(_cilium_taint(effect))
    owner = nodegroup_owner(group.name)
    for field, found in (("taints", taints), ("startup_taints", startup)):
        seen: set[tuple[str, str]] = set()
        for taint in found:
            if (taint.key, str(taint.effect)) in seen:
                raise SpecError.one(owner, field, f"taint {taint.key!r} with effect {taint.effect} appears twice")
            seen.add((taint.key, str(taint.effect)))
    return taints, startup


@cache
def _cilium_taint(effect: str) -> Taint:
    return Taint(key=CILIUM_TAINT_KEY, value="true", effect=effect)


def _ami_terms(group: NodeGroup, defaults: NodeGroupDefaults, family: AmiFamily) -> list[AmiSelectorTerm]:
    # The group's own family wins over terms inherited from the defaults: a Bottlerocket group under AL2023
    # defaults must get the Bottlerocket alias, not the defaults' AL2023 one.
    if group.ami_selector_terms is not None:
        return group.ami_selector_terms
    if (group.ami_family is None and group.ami_version is None) and defaults.ami_selector_terms is not None:
        return defaults.ami_selector_terms
    owner = nodegroup_owner(group.name)
    version = _pick("ami_version", group, defaults, LIBRARY_DEFAULTS)
    if family is AmiFamily.CUSTOM:
        raise SpecError.one(owner, "ami_selector_terms", "ami_family 'Custom' needs explicit ami_selector_terms")
    problem = ami_version_problem(family, version)
    if problem is not None:
        raise SpecError.one(owner, "ami_version", problem)
    return [_alias_term(f"{family.value.lower()}@{version}")]


# Frozen models, built once and shared by every group that uses them: a 1,000-group fleet has a handful.
@cache
def _alias_term(alias: str) -> AmiSelectorTerm:
    return AmiSelectorTerm(alias=alias)


@cache
def _discovery_subnets(cluster_name: str) -> list[SubnetSelectorTerm]:
    return [SubnetSelectorTerm(tags={DISCOVERY_TAG: cluster_name})]


@cache
def _discovery_security_groups(cluster_name: str) -> list[SecurityGroupSelectorTerm]:
    return [SecurityGroupSelectorTerm(tags={DISCOVERY_TAG: cluster_name})]


def _user_data(group: NodeGroup, defaults: NodeGroupDefaults) -> tuple[str | None, str | None]:
    """Verbatim or templated: two spellings of one setting, so a group's either one replaces the defaults' either."""
    for layer in (group, defaults):
        if layer.user_data is not None or layer.user_data_template is not None:
            return layer.user_data, layer.user_data_template
    return None, None


#: Rarely set: only the fields someone set are looked up, which keeps a 1,000-group fleet from paying for them.
_LAUNCH_FIELDS = frozenset(
    {
        "capacity_reservation_selector_terms",
        "network_interfaces",
        "placement_group",
        "ip_prefix_count",
        "connection_tracking",
        "cpu_options",
    }
)


def _launch_options(group: NodeGroup, defaults: NodeGroupDefaults) -> dict[str, Any]:
    named = (group.model_fields_set | defaults.model_fields_set) & _LAUNCH_FIELDS
    if not named:
        return {}
    found = {name: value for name in named if (value := _pick(name, group, defaults)) is not None}
    if "capacity_reservation_selector_terms" in found:
        found["capacity_reservation_selector_terms"] = tuple(found["capacity_reservation_selector_terms"])
    return found


def _nodeclass(
    group: NodeGroup, defaults: NodeGroupDefaults, name: str, group_label: str, node_role: str | None
) -> ResolvedNodeClass:
    owner = nodegroup_owner(group.name)
    if group.role is not None or group.instance_profile is not None:
        role, profile = group.role, group.instance_profile
    elif defaults.role is not None or defaults.instance_profile is not None:
        role, profile = defaults.role, defaults.instance_profile
    else:
        role, profile = node_role, None
    if role is None and profile is None:
        raise SpecError.one(
            owner,
            "role",
            "no role or instance_profile: set one, or build the fleet with the platform's node role",
        )
    family = AmiFamily(_pick("ami_family", group, defaults, LIBRARY_DEFAULTS))
    kubelet = (group.kubelet or Kubelet()).merged_over(defaults.kubelet or Kubelet())
    tags = _merged("node_tags", group, defaults)
    user_data, user_data_template = _user_data(group, defaults)
    launch = _launch_options(group, defaults)
    if _pick("library_tags", group, defaults, LIBRARY_DEFAULTS):
        own = {"cluster": defaults.cluster_name, defaults.group_label_key: group_label, "managed_by": "karpenter"}
        for key, value in own.items():
            if tags.get(key, value) != value:
                raise SpecError.one(
                    owner,
                    "node_tags",
                    f"{key!r} is a tag the library writes ({value!r}); remove it, or set library_tags=False",
                )
        tags.update(own)
    return ResolvedNodeClass(
        name=name,
        role=role,
        instance_profile=profile,
        ami_family=family,
        ami_selector_terms=_ami_terms(group, defaults, family),
        subnet_selector_terms=_pick("subnet_selector_terms", group, defaults)
        or _discovery_subnets(defaults.cluster_name),
        security_group_selector_terms=_pick("security_group_selector_terms", group, defaults)
        or _discovery_security_groups(defaults.cluster_name),
        block_device_mappings=_pick("block_device_mappings", group, defaults),
        metadata_options=_pick("metadata_options", group, defaults, LIBRARY_DEFAULTS),
        detailed_monitoring=_pick("detailed_monitoring", group, defaults, LIBRARY_DEFAULTS),
        associate_public_ip_address=_pick("associate_public_ip_address", group, defaults),
        instance_store_policy=_pick("instance_store_policy", group, defaults),
        kubelet=kubelet,
        user_data=user_data,
        user_data_template=user_data_template,
        user_data_values=dict(sorted(_merged("user_data_values", group, defaults).items())),
        tags=dict(sorted(tags.items())),
        **launch,
    )


def resolve_group(group: NodeGroup, defaults: NodeGroupDefaults, node_role: str | None) -> ResolvedNodeGroup:
    owner = nodegroup_owner(group.name)
    instances = _instances(group, defaults)
    pool = nodepool_name(
        group.name, instances.architecture, _pick("architecture_suffix", group, defaults, LIBRARY_DEFAULTS)
    )
    group_label = group.group_label or group.name
    taints, startup_taints = _taints(group, defaults, group_label)
    labels = _merged("labels", group, defaults)
    if _pick("group_node_label", group, defaults, LIBRARY_DEFAULTS):
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
            owner, "limits", "limits['nodes'] (here inherited from the defaults) belongs to the off_hours schedule"
        )
    nodeclass_name = group.existing_node_class or (group.name if group.node_class_only else pool)
    nodeclass = None
    if group.node_class is None and group.existing_node_class is None:
        nodeclass = _nodeclass(group, defaults, nodeclass_name, group_label, node_role)
    return ResolvedNodeGroup(
        name=group.name,
        cluster_name=defaults.cluster_name,
        nodepool_name=pool,
        group_label_key=defaults.group_label_key,
        group_label=group_label,
        instances=instances,
        availability_zones=sorted(_pick("availability_zones", group, defaults, LIBRARY_DEFAULTS)),
        additional_requirements=list(_pick("additional_requirements", group, defaults, LIBRARY_DEFAULTS)),
        capacity_spread=group.capacity_spread,
        capacity_spread_label_key=defaults.capacity_spread_label_key,
        taints=taints,
        startup_taints=startup_taints,
        labels=dict(sorted(labels.items())),
        annotations=dict(sorted(_merged("annotations", group, defaults).items())),
        # A static pool inherits neither weight nor the dynamic pools' resource limits: the CRD forbids both.
        weight=None if group.replicas is not None else _pick("weight", group, defaults),
        limits=limits,
        consolidation_policy=_pick("consolidation_policy", group, defaults, LIBRARY_DEFAULTS),
        consolidate_after=_pick("consolidate_after", group, defaults, LIBRARY_DEFAULTS),
        expire_after=_pick("expire_after", group, defaults, LIBRARY_DEFAULTS),
        termination_grace_period=_pick("termination_grace_period", group, defaults),
        budgets=list(_pick("budgets", group, defaults, LIBRARY_DEFAULTS)),
        nodeclass_name=nodeclass_name,
        nodeclass=nodeclass,
        headroom=sorted(group.headroom or [], key=lambda entry: entry.key),
        replicas=group.replicas,
        off_hours=group.off_hours,
        existing_node_class=group.existing_node_class is not None,
        renders_nodepool=not group.node_class_only,
    )


def resolve(
    defaults: NodeGroupDefaults, nodegroups: Sequence[NodeGroup], node_role: str | None = None
) -> list[ResolvedNodeGroup]:
    """Resolve every group, sorted by name, so the list's order never reaches the output."""
    by_name: dict[str, NodeGroup] = {}
    for group in nodegroups:
        if group.name in by_name:
            raise SpecError.one(nodegroup_owner(group.name), "name", "appears more than once in the nodegroup list")
        by_name[group.name] = group
    resolved = {name: resolve_group(by_name[name], defaults, node_role) for name in sorted(by_name)}
    for name, group in by_name.items():
        if group.node_class is None:
            continue
        target = resolved.get(group.node_class)
        if target is None:
            raise SpecError.one(nodegroup_owner(name), "node_class", f"no node group named {group.node_class!r}")
        if target.existing_node_class:
            raise SpecError.one(
                nodegroup_owner(name),
                "node_class",
                f"{group.node_class!r} uses the existing EC2NodeClass {target.nodeclass_name!r}; "
                f"set existing_node_class={target.nodeclass_name!r} instead",
            )
        if target.nodeclass is None:
            raise SpecError.one(
                nodegroup_owner(name),
                "node_class",
                f"{group.node_class!r} reuses another group's node class itself; point at the owner",
            )
        resolved[name] = _replace_nodeclass(resolved[name], target.nodeclass_name)
    check_fleet(list(resolved.values()))
    return list(resolved.values())


def _replace_nodeclass(group: ResolvedNodeGroup, nodeclass_name: str) -> ResolvedNodeGroup:
    from dataclasses import replace

    return replace(group, nodeclass_name=nodeclass_name)
