"""karpenter-infra: a typed nodegroup list in, Karpenter v1 NodePools and EC2NodeClasses out, deployed by Pulumi.

The names exported here are the public API of the pure layer; none of them imports Pulumi.
"""

from karpenter_infra.errors import SpecError
from karpenter_infra.fleet import Fleet
from karpenter_infra.schedule import OffHours
from karpenter_infra.spec.disruption import Budget, ConsolidationPolicy, DisruptionReason
from karpenter_infra.spec.headroom import (
    Headroom,
    HeadroomPriorityClass,
    HeadroomSize,
    LabelSelectorRequirement,
    PreemptionPolicy,
    SelectorOperator,
)
from karpenter_infra.spec.instances import Architecture, CapacityType, Instances, OperatingSystem
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
    VolumeType,
)
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults
from karpenter_infra.spec.scheduling import (
    CapacitySpread,
    Operator,
    Requirement,
    Taint,
    TaintEffect,
    capacity_spread_constraint,
)

__all__ = [
    "AmiFamily",
    "AmiSelectorTerm",
    "Architecture",
    "BlockDevice",
    "Budget",
    "CapacityReservationSelectorTerm",
    "CapacitySpread",
    "CapacityType",
    "ConnectionTracking",
    "ConsolidationPolicy",
    "CpuOptions",
    "DisruptionReason",
    "Fleet",
    "Headroom",
    "HeadroomPriorityClass",
    "HeadroomSize",
    "Instances",
    "Kubelet",
    "LabelSelectorRequirement",
    "MetadataOptions",
    "NetworkInterface",
    "NodeGroup",
    "NodeGroupDefaults",
    "OffHours",
    "OperatingSystem",
    "Operator",
    "PlacementGroup",
    "PreemptionPolicy",
    "Requirement",
    "SecurityGroupSelectorTerm",
    "SelectorOperator",
    "SpecError",
    "SubnetSelectorTerm",
    "Taint",
    "TaintEffect",
    "VolumeType",
    "capacity_spread_constraint",
]
