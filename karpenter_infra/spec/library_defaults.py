"""What the library uses when neither a group nor the defaults say, and how one setting is read through the layers."""

from __future__ import annotations

from typing import Any

from karpenter_infra.spec.disruption import Budget, ConsolidationPolicy
from karpenter_infra.spec.instances import Architecture, CapacityType, Instances, OperatingSystem
from karpenter_infra.spec.nodeclass import AmiFamily, Kubelet, MetadataOptions
from karpenter_infra.spec.scheduling import TaintEffect
from karpenter_infra.spec.settings import NodeGroupSettings

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
LIBRARY_INSTANCE_VALUES: dict[str, Any] = {name: getattr(LIBRARY_INSTANCES, name) for name in Instances.model_fields}
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


def pick(name: str, *layers: NodeGroupSettings | Instances) -> Any:
    for layer in layers:
        value = getattr(layer, name)
        if value is not None:
            return value
    return None


def merged(name: str, group: NodeGroupSettings, defaults: NodeGroupSettings) -> dict[str, Any]:
    """Mappings merge key by key, the group's keys winning; lists and scalars replace."""
    out: dict[str, Any] = {}
    for layer in (LIBRARY_DEFAULTS, defaults, group):
        out.update(getattr(layer, name) or {})
    return out
