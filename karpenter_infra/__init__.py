"""karpenter-infra: a typed nodegroup list in, Karpenter v1 NodePools and EC2NodeClasses out, deployed by Pulumi.

The names exported here are the public API of the pure layer; none of them imports Pulumi.

They load on first use (PEP 562): ``import karpenter_infra`` runs for every CLI command, and importing every model
up front (pydantic builds each model's validator when its class is created) was most of ``--help``'s time. The
imports under ``TYPE_CHECKING`` are what mypy and editors read, so ``from karpenter_infra import NodeGroup`` is
checked and completed as if it were an ordinary import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from karpenter_infra.lazy import lazy_exports

if TYPE_CHECKING:
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

#: Each public name and the module that defines it.
_HOMES: dict[str, str] = {
    "AmiFamily": "karpenter_infra.spec.nodeclass",
    "AmiSelectorTerm": "karpenter_infra.spec.nodeclass",
    "Architecture": "karpenter_infra.spec.instances",
    "BlockDevice": "karpenter_infra.spec.nodeclass",
    "Budget": "karpenter_infra.spec.disruption",
    "CapacityReservationSelectorTerm": "karpenter_infra.spec.launch",
    "CapacitySpread": "karpenter_infra.spec.scheduling",
    "CapacityType": "karpenter_infra.spec.instances",
    "ConnectionTracking": "karpenter_infra.spec.launch",
    "ConsolidationPolicy": "karpenter_infra.spec.disruption",
    "CpuOptions": "karpenter_infra.spec.launch",
    "DisruptionReason": "karpenter_infra.spec.disruption",
    "Fleet": "karpenter_infra.fleet",
    "Headroom": "karpenter_infra.spec.headroom",
    "HeadroomPriorityClass": "karpenter_infra.spec.headroom",
    "HeadroomSize": "karpenter_infra.spec.headroom",
    "Instances": "karpenter_infra.spec.instances",
    "Kubelet": "karpenter_infra.spec.nodeclass",
    "LabelSelectorRequirement": "karpenter_infra.spec.headroom",
    "MetadataOptions": "karpenter_infra.spec.nodeclass",
    "NetworkInterface": "karpenter_infra.spec.launch",
    "NodeGroup": "karpenter_infra.spec.nodegroup",
    "NodeGroupDefaults": "karpenter_infra.spec.nodegroup",
    "OffHours": "karpenter_infra.schedule",
    "OperatingSystem": "karpenter_infra.spec.instances",
    "Operator": "karpenter_infra.spec.scheduling",
    "PlacementGroup": "karpenter_infra.spec.launch",
    "PreemptionPolicy": "karpenter_infra.spec.headroom",
    "Requirement": "karpenter_infra.spec.scheduling",
    "SecurityGroupSelectorTerm": "karpenter_infra.spec.nodeclass",
    "SelectorOperator": "karpenter_infra.spec.headroom",
    "SpecError": "karpenter_infra.errors",
    "SubnetSelectorTerm": "karpenter_infra.spec.nodeclass",
    "Taint": "karpenter_infra.spec.scheduling",
    "TaintEffect": "karpenter_infra.spec.scheduling",
    "VolumeType": "karpenter_infra.spec.nodeclass",
    "capacity_spread_constraint": "karpenter_infra.spec.scheduling",
}

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


__getattr__, __dir__ = lazy_exports(__name__, _HOMES, __all__)
