"""The EC2NodeClass half of a node group: AMI, network selection, disks, IMDS and kubelet."""

from __future__ import annotations

import re
from typing import Annotated, Self

from pydantic import BeforeValidator, Field, model_validator

from karpenter_infra.karpenter import patterns as p
from karpenter_infra.karpenter.patterns import AmiFamily, VolumeType
from karpenter_infra.spec.base import Spec

# The CRD vocabulary lives in the typed mirror; the spec re-exports what users type.
__all__ = [
    "AmiFamily",
    "AmiSelectorTerm",
    "BlockDevice",
    "Kubelet",
    "MetadataOptions",
    "Quantity",
    "SecurityGroupSelectorTerm",
    "SubnetSelectorTerm",
    "VolumeType",
    "ami_version_problem",
    "is_windows",
]


def is_windows(family: str) -> bool:
    return family.startswith("Windows")


#: Each AMI family's own release-version format, as Karpenter's alias takes it (EC2NodeClass CRD, amiSelectorTerms
#: alias: "al2023@v20240625" or "bottlerocket@v1.10.0"; Windows families only "latest"). Bottlerocket versions are
#: accepted with or without the "v": Karpenter trims it before looking up the SSM parameter
#: (karpenter-provider-aws pkg/providers/amifamily/bottlerocket.go).
AMI_VERSION_FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    AmiFamily.AL2: (re.compile(r"latest|v[0-9]{8}"), "'latest' or a release date like v20251016"),
    AmiFamily.AL2023: (re.compile(r"latest|v[0-9]{8}"), "'latest' or a release date like v20251016"),
    AmiFamily.BOTTLEROCKET: (re.compile(r"latest|v?[0-9]+\.[0-9]+\.[0-9]+"), "'latest' or a version like v1.57.0"),
    AmiFamily.WINDOWS2019: (re.compile("latest"), "only 'latest': Windows AMI aliases cannot be pinned"),
    AmiFamily.WINDOWS2022: (re.compile("latest"), "only 'latest': Windows AMI aliases cannot be pinned"),
    AmiFamily.WINDOWS2025: (re.compile("latest"), "only 'latest': Windows AMI aliases cannot be pinned"),
}


def ami_version_problem(family: str, version: str) -> str | None:
    """Why ``version`` is no version of ``family``'s alias, or ``None`` when it is one."""
    pattern, wanted = AMI_VERSION_FORMATS[family]
    if pattern.fullmatch(version):
        return None
    return f"{version!r} is not a {family} AMI version: {wanted}"


class AmiSelectorTerm(Spec):
    alias: str | None = Field(default=None, description="`family@version`, e.g. `al2023@v20251016`.")
    id: str | None = Field(default=None, description="An AMI id, `ami-...`.")
    name: str | None = Field(default=None, description="AMI name (wildcards allowed).")
    owner: str | None = Field(default=None, description="AMI owner account or alias, with `name` or `tags`.")
    ssm_parameter: str | None = Field(default=None, description="SSM parameter that holds the AMI id.")
    tags: dict[str, str] | None = Field(default=None, description="AMI tags to match.")


class SubnetSelectorTerm(Spec):
    id: str | None = Field(default=None, description="A subnet id, `subnet-...`.")
    tags: dict[str, str] | None = Field(default=None, description="Subnet tags to match.")


class SecurityGroupSelectorTerm(Spec):
    id: str | None = Field(default=None, description="A security group id, `sg-...`.")
    name: str | None = Field(default=None, description="A security group name.")
    tags: dict[str, str] | None = Field(default=None, description="Security group tags to match.")


def _gibibytes(value: object) -> object:
    return f"{value}Gi" if isinstance(value, int) and not isinstance(value, bool) else value


class BlockDevice(Spec):
    """One EBS volume. Flat on purpose: nobody wants to type ``ebs=Ebs(...)`` for every disk."""

    device_name: str = Field(default="/dev/xvda", description="Device name; `/dev/xvda` is the AL2023 root.")
    root_volume: bool | None = Field(default=None, description="Whether this is the root volume.")
    volume_size: Annotated[str, BeforeValidator(_gibibytes)] | None = Field(
        default=None, description="Size: an int in GiB or a quantity (`100Gi`)."
    )
    volume_type: VolumeType | None = Field(
        default=VolumeType.GP3, description="EBS volume type; `None` leaves it to EC2 (and the snapshot or AMI)."
    )
    iops: int | None = Field(default=None, ge=100, le=256000, description="Provisioned IOPS (gp3, io1, io2).")
    throughput: int | None = Field(default=None, ge=125, le=2000, description="Throughput in MiB/s (gp3).")
    encrypted: bool | None = Field(
        default=True, description="Encrypt the volume; `None` leaves it unset (the account's EBS default applies)."
    )
    kms_key_id: str | None = Field(default=None, description="Customer KMS key for the volume.")
    snapshot_id: str | None = Field(default=None, description="Snapshot to create the volume from.")
    delete_on_termination: bool | None = Field(
        default=True, description="Delete the volume with the instance; `None` leaves it unset (EC2's default)."
    )
    volume_initialization_rate: int | None = Field(
        default=None,
        ge=100,
        le=300,
        description="Snapshot initialization rate in MiB/s (needs `snapshot_id`).",
    )

    @model_validator(mode="after")
    def _source(self) -> Self:
        if self.volume_size is None and self.snapshot_id is None:
            raise ValueError("set volume_size or snapshot_id")
        if self.volume_initialization_rate is not None and not self.snapshot_id:
            raise ValueError("volume_initialization_rate needs snapshot_id")
        return self


class MetadataOptions(Spec):
    """IMDS settings; the defaults are IMDSv2 only with one hop, so pods cannot borrow the node's role."""

    http_endpoint: str = Field(default="enabled", pattern="^(enabled|disabled)$", description="IMDS on or off.")
    http_protocol_ipv6: str = Field(default="disabled", pattern="^(enabled|disabled)$", description="IMDS over IPv6.")
    http_put_response_hop_limit: int = Field(default=1, ge=1, le=64, description="PUT response hop limit.")
    http_tokens: str = Field(default="required", pattern="^(required|optional)$", description="`required` = IMDSv2.")


Quantity = Annotated[
    str,
    BeforeValidator(lambda v: str(v) if isinstance(v, int) and not isinstance(v, bool) else v),
    Field(pattern=p.QUANTITY_PATTERN),
]


class Kubelet(Spec):
    """Kubelet settings Karpenter writes into the node's configuration. A group's keys override the defaults'."""

    system_reserved: dict[str, str] | None = Field(default=None, description="`systemReserved`: cpu, memory, ...")
    kube_reserved: dict[str, str] | None = Field(default=None, description="`kubeReserved`: cpu, memory, ...")
    eviction_hard: dict[str, str] | None = Field(default=None, description="`evictionHard` thresholds.")
    eviction_soft: dict[str, str] | None = Field(default=None, description="`evictionSoft` thresholds.")
    eviction_soft_grace_period: dict[str, str] | None = Field(
        default=None, description="`evictionSoftGracePeriod`, one per soft threshold."
    )
    eviction_max_pod_grace_period: int | None = Field(default=None, ge=0, description="Seconds.")
    image_gc_high_threshold_percent: int | None = Field(default=None, ge=0, le=100, description="Image GC high mark.")
    image_gc_low_threshold_percent: int | None = Field(default=None, ge=0, le=100, description="Image GC low mark.")
    cpu_cfs_quota: bool | None = Field(default=None, description="Enforce CPU limits with CFS quota.")
    pods_per_core: int | None = Field(default=None, ge=0, description="Max pods per vCPU.")
    max_pods: int | None = Field(default=None, ge=0, description="Max pods per node.")
    cluster_dns: list[str] | None = Field(default=None, description="Cluster DNS server IPs.")

    def merged_over(self, base: Kubelet) -> Kubelet:
        """Key-by-key override: what this sets wins, what it leaves ``None`` comes from ``base``."""
        return base.model_copy(update=self.model_dump(exclude_none=True))


#: CRD field names of the kubelet block, in the order a reader expects.
KUBELET_FIELDS: dict[str, str] = {
    "cluster_dns": "clusterDNS",
    "max_pods": "maxPods",
    "pods_per_core": "podsPerCore",
    "system_reserved": "systemReserved",
    "kube_reserved": "kubeReserved",
    "eviction_hard": "evictionHard",
    "eviction_soft": "evictionSoft",
    "eviction_soft_grace_period": "evictionSoftGracePeriod",
    "eviction_max_pod_grace_period": "evictionMaxPodGracePeriod",
    "image_gc_high_threshold_percent": "imageGCHighThresholdPercent",
    "image_gc_low_threshold_percent": "imageGCLowThresholdPercent",
    "cpu_cfs_quota": "cpuCFSQuota",
}
