"""A node group's EC2NodeClass, resolved: role, AMI, selectors, kubelet, user data, tags and launch options."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import fields
from functools import cache
from typing import Any, TypeVar

from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.rules.tags import role_name
from karpenter_infra.spec.library_defaults import LIBRARY_DEFAULTS, merged, pick
from karpenter_infra.spec.nodeclass import (
    AmiFamily,
    AmiSelectorTerm,
    Kubelet,
    SecurityGroupSelectorTerm,
    SubnetSelectorTerm,
    ami_version_problem,
)
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults
from karpenter_infra.spec.resolved import ResolvedNodeClass
from karpenter_infra.spec.settings import LAUNCH_FIELDS, NODECLASS_FIELDS
from karpenter_infra.spec.value_key import fields_key

T = TypeVar("T")

DISCOVERY_TAG = "karpenter.sh/discovery"
_NO_KUBELET = Kubelet()


def _ami_terms(group: NodeGroup, defaults: NodeGroupDefaults, family: AmiFamily) -> list[AmiSelectorTerm]:
    # The group's own family wins over terms inherited from the defaults: a Bottlerocket group under AL2023
    # defaults must get the Bottlerocket alias, not the defaults' AL2023 one.
    if group.ami_selector_terms is not None:
        return group.ami_selector_terms
    if (group.ami_family is None and group.ami_version is None) and defaults.ami_selector_terms is not None:
        return defaults.ami_selector_terms
    owner = nodegroup_owner(group.name)
    version = pick("ami_version", group, defaults, LIBRARY_DEFAULTS)
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


def _or_default(value: list[T] | None, default: Callable[[str], list[T]], cluster_name: str) -> list[T]:
    return default(cluster_name) if value is None else value


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
_LAUNCH_FIELDS = frozenset(LAUNCH_FIELDS)


def _launch_options(group: NodeGroup, defaults: NodeGroupDefaults) -> dict[str, Any]:
    named = (group.model_fields_set | defaults.model_fields_set) & _LAUNCH_FIELDS
    if not named:
        return {}
    found = {name: value for name in named if (value := pick(name, group, defaults)) is not None}
    if "capacity_reservation_selector_terms" in found:
        found["capacity_reservation_selector_terms"] = tuple(found["capacity_reservation_selector_terms"])
    return found


#: Node classes already resolved in one ``resolve`` call, by the group's node-class settings: each as its fields,
#: with its tags before the library's own, which name the group.
Resolved = dict[Hashable, tuple[dict[str, Any], dict[str, str]]]
_NODECLASS_FIELDS = frozenset(NODECLASS_FIELDS)
_RESOLVED_FIELDS = tuple(f.name for f in fields(ResolvedNodeClass))


def resolve_nodeclass(
    group: NodeGroup,
    defaults: NodeGroupDefaults,
    name: str,
    group_label: str,
    node_role: str | None,
    resolved: Resolved | None = None,
) -> ResolvedNodeClass:
    """``resolved`` (one ``resolve`` call's, same defaults and node role) holds the node classes of groups with the
    same node-class settings, ``NODECLASS_FIELDS``, which are all this reads of the group but its name: one of them
    is reused with this group's name and tags. A setting the group left unset has its default, the same for every
    group, so only the ones it set make the key."""
    try:
        key = None if resolved is None else fields_key(group, sorted(group.model_fields_set & _NODECLASS_FIELDS))
        found = None if resolved is None else resolved.get(key)
    except TypeError:  # a value with no key: resolve it afresh
        key = found = None
    if found is not None:
        values, tags = found
        return ResolvedNodeClass(**{**values, "name": name, "tags": _tags(group, defaults, group_label, tags)})
    nodeclass, tags = _resolve(group, defaults, name, group_label, node_role)
    if resolved is not None and key is not None:
        resolved[key] = ({field: getattr(nodeclass, field) for field in _RESOLVED_FIELDS}, tags)
    return nodeclass


def _tags(group: NodeGroup, defaults: NodeGroupDefaults, group_label: str, tags: dict[str, str]) -> dict[str, str]:
    """``tags`` (the layers' ``node_tags``) and the library's own, sorted."""
    tags = dict(tags)
    if pick("library_tags", group, defaults, LIBRARY_DEFAULTS):
        own = {"cluster": defaults.cluster_name, defaults.group_label_key: group_label, "managed_by": "karpenter"}
        for key, value in own.items():
            if tags.get(key, value) != value:
                raise SpecError.one(
                    nodegroup_owner(group.name),
                    "node_tags",
                    f"{key!r} is a tag the library writes ({value!r}); remove it, or set library_tags=False",
                )
        tags.update(own)
    return dict(sorted(tags.items()))


def _resolve(
    group: NodeGroup, defaults: NodeGroupDefaults, name: str, group_label: str, node_role: str | None
) -> tuple[ResolvedNodeClass, dict[str, str]]:
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
    role = None if role is None else role_name(role)
    family = AmiFamily(pick("ami_family", group, defaults, LIBRARY_DEFAULTS))
    kubelet = defaults.kubelet or _NO_KUBELET
    if group.kubelet is not None:  # else the defaults' (frozen) settings as they are, not a copy per group
        kubelet = group.kubelet.merged_over(kubelet)
    node_tags = merged("node_tags", group, defaults)
    user_data, user_data_template = _user_data(group, defaults)
    launch = _launch_options(group, defaults)
    tags = _tags(group, defaults, group_label, node_tags)
    nodeclass = ResolvedNodeClass(
        name=name,
        role=role,
        instance_profile=profile,
        ami_family=family,
        ami_selector_terms=_ami_terms(group, defaults, family),
        # `None` (unsaid) is discovery; an explicit `[]` never gets here, the settings check refuses it.
        subnet_selector_terms=_or_default(
            pick("subnet_selector_terms", group, defaults), _discovery_subnets, defaults.cluster_name
        ),
        security_group_selector_terms=_or_default(
            pick("security_group_selector_terms", group, defaults), _discovery_security_groups, defaults.cluster_name
        ),
        block_device_mappings=pick("block_device_mappings", group, defaults),
        metadata_options=pick("metadata_options", group, defaults, LIBRARY_DEFAULTS),
        detailed_monitoring=pick("detailed_monitoring", group, defaults, LIBRARY_DEFAULTS),
        associate_public_ip_address=pick("associate_public_ip_address", group, defaults),
        instance_store_policy=pick("instance_store_policy", group, defaults),
        kubelet=kubelet,
        user_data=user_data,
        user_data_template=user_data_template,
        user_data_values=dict(sorted(merged("user_data_values", group, defaults).items())),
        tags=tags,
        **launch,
    )
    return nodeclass, node_tags
