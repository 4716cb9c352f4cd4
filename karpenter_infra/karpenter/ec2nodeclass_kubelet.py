"""The EC2NodeClass ``kubelet`` block: eviction thresholds, reserved resources and image GC."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, model_validator

from karpenter_infra.karpenter.ec2nodeclass_rules import EC2NodeClassRule, raise_if
from karpenter_infra.karpenter.patterns import (
    EVICTION_SIGNALS,
    EVICTION_THRESHOLD_PATTERN,
    INT32_MAX,
    INT32_MIN,
    QUANTITY_PATTERN,
    RESERVED_RESOURCES,
    CrdModel,
    Loc,
    go_regex,
    not_negative,
    one_of,
)

EvictionHard = dict[
    Annotated[str, one_of(EC2NodeClassRule.EVICTION_HARD_KEYS, EVICTION_SIGNALS)],
    Annotated[str, Field(pattern=go_regex(EVICTION_THRESHOLD_PATTERN))],
]
EvictionSoft = dict[
    Annotated[str, one_of(EC2NodeClassRule.EVICTION_SOFT_KEYS, EVICTION_SIGNALS)],
    Annotated[str, Field(pattern=go_regex(EVICTION_THRESHOLD_PATTERN))],
]
EvictionSoftGracePeriod = dict[
    Annotated[str, one_of(EC2NodeClassRule.EVICTION_SOFT_GRACE_PERIOD_KEYS, EVICTION_SIGNALS)], str
]
KubeReserved = dict[
    Annotated[str, one_of(EC2NodeClassRule.KUBE_RESERVED_KEYS, RESERVED_RESOURCES)],
    Annotated[str, Field(pattern=go_regex(QUANTITY_PATTERN)), not_negative(EC2NodeClassRule.KUBE_RESERVED_NEGATIVE)],
]
SystemReserved = dict[
    Annotated[str, one_of(EC2NodeClassRule.SYSTEM_RESERVED_KEYS, RESERVED_RESOURCES)],
    Annotated[str, Field(pattern=go_regex(QUANTITY_PATTERN)), not_negative(EC2NodeClassRule.SYSTEM_RESERVED_NEGATIVE)],
]


class Kubelet(CrdModel):
    cluster_dns: list[str] | None = Field(default=None, alias="clusterDNS", description="Cluster DNS server IPs.")
    cpu_cfs_quota: bool | None = Field(
        default=None, alias="cpuCFSQuota", description="Enforce CPU limits with CFS quota."
    )
    eviction_hard: EvictionHard | None = Field(
        default=None, description="Hard eviction thresholds by signal, e.g. `memory.available: 5%`."
    )
    eviction_max_pod_grace_period: int | None = Field(
        default=None,
        ge=INT32_MIN,
        le=INT32_MAX,
        description="Longest grace period (s) a pod gets when evicted for a soft threshold.",
    )
    eviction_soft: EvictionSoft | None = Field(
        default=None, description="Soft eviction thresholds by signal; each needs a grace period."
    )
    eviction_soft_grace_period: EvictionSoftGracePeriod | None = Field(
        default=None, description="How long each soft threshold may be exceeded before eviction, e.g. `2m`."
    )
    image_gc_high_threshold_percent: int | None = Field(
        default=None,
        ge=0,
        le=100,
        alias="imageGCHighThresholdPercent",
        description="Disk usage (%) above which image garbage collection always runs.",
    )
    image_gc_low_threshold_percent: int | None = Field(
        default=None,
        ge=0,
        le=100,
        alias="imageGCLowThresholdPercent",
        description="Disk usage (%) image garbage collection frees down to.",
    )
    kube_reserved: KubeReserved | None = Field(
        default=None, description="Resources held back for Kubernetes daemons: cpu, memory, ephemeral-storage, pid."
    )
    max_pods: int | None = Field(default=None, ge=0, le=INT32_MAX, description="Most pods the node runs.")
    pods_per_core: int | None = Field(
        default=None, ge=0, le=INT32_MAX, description="Most pods per CPU core (capped by maxPods)."
    )
    system_reserved: SystemReserved | None = Field(
        default=None, description="Resources held back for the OS: cpu, memory, ephemeral-storage, pid."
    )

    @model_validator(mode="after")
    def _rules(self) -> Self:
        high, low = self.image_gc_high_threshold_percent, self.image_gc_low_threshold_percent
        soft, grace = self.eviction_soft, self.eviction_soft_grace_period
        gc_ok = high is None or low is None or high > low
        if gc_ok and (soft or {}).keys() == (grace or {}).keys():
            return self
        issues: list[tuple[Loc, str]] = [] if gc_ok else [((), EC2NodeClassRule.IMAGE_GC_THRESHOLDS)]
        # ``e in self.evictionSoftGracePeriod`` with that map absent is an evaluation error: rejected all the same.
        soft, grace = soft or {}, grace or {}
        issues += [
            (("evictionSoft", k), EC2NodeClassRule.EVICTION_SOFT_WITHOUT_GRACE_PERIOD) for k in soft if k not in grace
        ]
        issues += [
            (("evictionSoftGracePeriod", k), EC2NodeClassRule.GRACE_PERIOD_WITHOUT_EVICTION_SOFT)
            for k in grace
            if k not in soft
        ]
        raise_if(type(self).__name__, issues)
        return self
