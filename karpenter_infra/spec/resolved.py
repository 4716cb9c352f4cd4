"""Node groups with every default applied and every name derived, once, so renderers never look anything up."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from karpenter_infra.schedule import OffHours
from karpenter_infra.spec.disruption import Budget
from karpenter_infra.spec.headroom import Headroom
from karpenter_infra.spec.instances import Architecture
from karpenter_infra.spec.launch import (
    CapacityReservationSelectorTerm,
    ConnectionTracking,
    CpuOptions,
    NetworkInterface,
    PlacementGroup,
)
from karpenter_infra.spec.nodeclass import (
    AmiFamily,
    AmiSelectorTerm,
    BlockDevice,
    Kubelet,
    MetadataOptions,
    SecurityGroupSelectorTerm,
    SubnetSelectorTerm,
)
from karpenter_infra.spec.scheduling import CapacitySpread, Requirement, Taint


@dataclass(frozen=True, slots=True)
class ResolvedInstances:
    categories: list[str]
    min_generation: int | None
    cores: list[int]
    architecture: Architecture
    capacity_types: list[str]
    operating_systems: list[str]
    cpu_manufacturers: list[str]
    families: list[str]
    sizes: list[str]
    hypervisors: list[str]
    instance_types: list[str]
    exclude_families: list[str]
    exclude_sizes: list[str]
    min_values: dict[str, int]
    #: The ``instances`` fields whose value came from the defaults (errors about them say "(from defaults)").
    inherited: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ResolvedNodeClass:
    """Everything an EC2NodeClass holds; owned by exactly one group, possibly shared by others."""

    name: str
    role: str | None
    instance_profile: str | None
    ami_family: AmiFamily
    ami_selector_terms: list[AmiSelectorTerm]
    subnet_selector_terms: list[SubnetSelectorTerm]
    security_group_selector_terms: list[SecurityGroupSelectorTerm]
    block_device_mappings: list[BlockDevice] | None
    metadata_options: MetadataOptions
    detailed_monitoring: bool
    associate_public_ip_address: bool | None
    instance_store_policy: str | None
    kubelet: Kubelet
    #: Verbatim user data; at most one of it and ``user_data_template`` is set.
    user_data: str | None
    #: The Jinja2 template; rendered per owning group by the EC2NodeClass renderer.
    user_data_template: str | None
    user_data_values: dict[str, Any]
    tags: dict[str, str]
    #: Launch options: rarely set, so they default here and resolve passes only the ones a layer sets.
    capacity_reservation_selector_terms: tuple[CapacityReservationSelectorTerm, ...] = ()
    network_interfaces: list[NetworkInterface] | None = None
    placement_group: PlacementGroup | None = None
    ip_prefix_count: int | None = None
    connection_tracking: ConnectionTracking | None = None
    cpu_options: CpuOptions | None = None


@dataclass(frozen=True, slots=True)
class ResolvedNodeGroup:
    name: str
    cluster_name: str
    nodepool_name: str
    group_label_key: str
    group_label: str
    instances: ResolvedInstances
    availability_zones: list[str]
    additional_requirements: list[Requirement]
    capacity_spread: CapacitySpread | None
    capacity_spread_label_key: str
    taints: list[Taint]
    startup_taints: list[Taint]
    labels: dict[str, str]
    annotations: dict[str, str]
    weight: int | None
    limits: dict[str, str]
    consolidation_policy: str
    consolidate_after: str
    expire_after: str
    termination_grace_period: str | None
    budgets: list[Budget]
    nodeclass_name: str
    #: The EC2NodeClass this group renders; ``None`` when it reuses another group's.
    nodeclass: ResolvedNodeClass | None
    headroom: list[Headroom]
    replicas: int | None
    off_hours: OffHours | None
    #: ``nodeclass_name`` is an EC2NodeClass outside the fleet: nothing here knows its role, AMI or user data.
    existing_node_class: bool = False
    #: ``False`` for a ``node_class_only`` group: it renders its EC2NodeClass and nothing else.
    renders_nodepool: bool = True
    #: Warning rule ids switched off for this group (``warnings_off`` and ``catalog_warnings_off``, inherited).
    warnings_off: frozenset[str] = frozenset()
    #: The ``limits`` keys inherited from the defaults.
    limits_inherited: frozenset[str] = frozenset()
    #: The group and defaults it was resolved from: ``inherited`` is worked out from them only when a problem is
    #: found, so a clean fleet pays nothing for it.
    layers: tuple[Any, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def architecture(self) -> Architecture:
        return self.instances.architecture

    @property
    def inherited(self) -> frozenset[str]:
        """Paths of the settings this group inherited from the defaults (``spec.origin``): errors about them say so."""
        if self.layers is None:
            return frozenset()
        from karpenter_infra.spec.origin import inherited_paths  # spec.origin reads the settings model

        return inherited_paths(*self.layers)

    def inherits(self, field: str) -> bool:
        """Whether the finding's ``field`` names a value this group inherited from the defaults (cheap: one
        setting is looked at)."""
        if self.layers is None:
            return False
        from karpenter_infra.spec.origin import inherits

        return inherits(field, *self.layers)
