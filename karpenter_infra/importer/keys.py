"""The keys the chart's templates read, by where they may appear."""

from __future__ import annotations

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
