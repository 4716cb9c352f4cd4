"""``karpenter.k8s.aws/v1`` EC2NodeClass, mirrored from the v1.14.1 CRD: every field, schema constraint and CEL rule.

Some CRD rules are looser or odder than their messages suggest, and are mirrored as written, because the point is
to predict the apiserver: the ``'id' is mutually exclusive`` rules on security group, subnet and capacity
reservation terms only fire when *every* term combines ``id`` with another field (``!self.all(...)``), and for the
same reason an empty list of those terms breaks them too.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache
from typing import Annotated, Final, Literal, Self

from pydantic import AfterValidator, Field, model_validator

from karpenter_infra.karpenter.patterns import (
    AMI_ALIAS_LATEST,
    AMI_ALIAS_MAX_LENGTH,
    AMI_ALIAS_PATTERN,
    AMI_ID_PATTERN,
    BLOCK_DEVICE_MAPPINGS_MAX_ITEMS,
    CAPACITY_RESERVATION_ID_PATTERN,
    CAPACITY_RESERVATION_OWNER_ID_PATTERN,
    EVICTION_SIGNALS,
    EVICTION_THRESHOLD_PATTERN,
    FROM_STRING,
    INT32_MAX,
    INT32_MIN,
    INT64_MAX,
    INT64_MIN,
    NETWORK_INTERFACES_MAX_ITEMS,
    PLACEMENT_GROUP_ID_PATTERN,
    QUANTITY_PATTERN,
    RESERVED_RESOURCES,
    RESTRICTED_TAG_PREFIX,
    SECURITY_GROUP_ID_PATTERN,
    SELECTOR_TAGS_MAX_PROPERTIES,
    SELECTOR_TERMS_MAX_ITEMS,
    SUBNET_ID_PATTERN,
    VOLUME_SIZE_PATTERN,
    AmiAliasFamily,
    AmiFamily,
    CrdModel,
    HttpTokens,
    InstanceMatchCriteria,
    InstanceStorePolicy,
    Loc,
    NetworkInterfaceType,
    ObjectMeta,
    Toggle,
    VolumeType,
    cel_failure,
    go_regex,
    non_empty,
    not_negative,
    one_of,
)

API_VERSION: Final = "karpenter.k8s.aws/v1"
KIND: Final = "EC2NodeClass"


class EC2NodeClassRule(StrEnum):
    """The EC2NodeClass CRD's CEL messages, verbatim; the enum test checks this is every rule."""

    ALIAS_FORMAT = "'alias' is improperly formatted, must match the format 'family@version'"
    ALIAS_FAMILY = (
        "family is not supported, must be one of the following: "
        "'al2', 'al2023', 'bottlerocket', 'windows2019', 'windows2022', 'windows2025'"
    )
    ALIAS_WINDOWS_LATEST = "windows families may only specify version 'latest'"
    SELECTOR_TAGS_EMPTY = "empty tag keys or values aren't supported"
    AMI_TERM_EMPTY = "expected at least one, got none, ['tags', 'id', 'name', 'alias', 'ssmParameter']"
    AMI_ID_EXCLUSIVE = (
        "'id' is mutually exclusive, cannot be set with a combination of other fields in amiSelectorTerms"
    )
    AMI_ALIAS_EXCLUSIVE = (
        "'alias' is mutually exclusive, cannot be set with a combination of other fields in amiSelectorTerms"
    )
    AMI_ALIAS_ALONE = "'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms"
    EBS_SIZE_OR_SNAPSHOT = "snapshotID or volumeSize must be defined"
    EBS_INITIALIZATION_RATE = "snapshotID must be set when volumeInitializationRate is set"
    ONE_ROOT_VOLUME = "must have only one blockDeviceMappings with rootVolume"
    CAPACITY_RESERVATION_TERM_EMPTY = "expected at least one, got none, ['tags', 'id', 'instanceMatchCriteria']"
    CAPACITY_RESERVATION_ID_EXCLUSIVE = (
        "'id' is mutually exclusive, cannot be set along with other fields in a capacity reservation selector term"
    )
    CONNECTION_TRACKING_EMPTY = "at least one of tcpEstablishedTimeout, udpStreamTimeout, or udpTimeout must be set"
    INSTANCE_PROFILE_EMPTY = "instanceProfile cannot be empty"
    EVICTION_HARD_KEYS = (
        "valid keys for evictionHard are ['memory.available','nodefs.available','nodefs.inodesFree',"
        "'imagefs.available','imagefs.inodesFree','pid.available']"
    )
    EVICTION_SOFT_KEYS = (
        "valid keys for evictionSoft are ['memory.available','nodefs.available','nodefs.inodesFree',"
        "'imagefs.available','imagefs.inodesFree','pid.available']"
    )
    EVICTION_SOFT_GRACE_PERIOD_KEYS = (
        "valid keys for evictionSoftGracePeriod are ['memory.available','nodefs.available','nodefs.inodesFree',"
        "'imagefs.available','imagefs.inodesFree','pid.available']"
    )
    KUBE_RESERVED_KEYS = "valid keys for kubeReserved are ['cpu','memory','ephemeral-storage','pid']"
    KUBE_RESERVED_NEGATIVE = "kubeReserved value cannot be a negative resource quantity"
    SYSTEM_RESERVED_KEYS = "valid keys for systemReserved are ['cpu','memory','ephemeral-storage','pid']"
    SYSTEM_RESERVED_NEGATIVE = "systemReserved value cannot be a negative resource quantity"
    IMAGE_GC_THRESHOLDS = "imageGCHighThresholdPercent must be greater than imageGCLowThresholdPercent"
    EVICTION_SOFT_WITHOUT_GRACE_PERIOD = "evictionSoft OwnerKey does not have a matching evictionSoftGracePeriod"
    GRACE_PERIOD_WITHOUT_EVICTION_SOFT = "evictionSoftGracePeriod OwnerKey does not have a matching evictionSoft"
    PRIMARY_INTERFACE = "networkInterfaces must include a primary interface with interfaceType='interface'"
    INTERFACE_DUPLICATES = (
        "networkInterfaces must not have duplicate networkCardIndex and deviceIndex pairs, "
        "and can have at most one efa device per network card"
    )
    PLACEMENT_GROUP_EMPTY = "expected at least one, got none, ['name', 'id']"
    PLACEMENT_GROUP_EXCLUSIVE = "'name' and 'id' are mutually exclusive"
    ROLE_EMPTY = "role cannot be empty"
    SECURITY_GROUP_TERMS_EMPTY = "securityGroupSelectorTerms cannot be empty"
    SECURITY_GROUP_TERM_EMPTY = "expected at least one, got none, ['tags', 'id', 'name']"
    SECURITY_GROUP_ID_EXCLUSIVE = (
        "'id' is mutually exclusive, cannot be set with a combination of other fields in a security group selector term"
    )
    SECURITY_GROUP_NAME_EXCLUSIVE = (
        "'name' is mutually exclusive, cannot be set with a combination of other fields in a security group selector "
        "term"
    )
    SUBNET_TERMS_EMPTY = "subnetSelectorTerms cannot be empty"
    SUBNET_TERM_EMPTY = "expected at least one, got none, ['tags', 'id']"
    SUBNET_ID_EXCLUSIVE = (
        "'id' is mutually exclusive, cannot be set with a combination of other fields in a subnet selector term"
    )
    TAG_KEY_EMPTY = "empty tag keys aren't supported"
    TAG_EKS_CLUSTER_NAME = "tag contains a restricted tag matching eks:eks-cluster-name"
    TAG_KUBERNETES_CLUSTER = "tag contains a restricted tag matching kubernetes.io/cluster/"
    TAG_NODEPOOL = "tag contains a restricted tag matching karpenter.sh/nodepool"
    TAG_NODECLAIM = "tag contains a restricted tag matching karpenter.sh/nodeclaim"
    TAG_EC2NODECLASS = "tag contains a restricted tag matching karpenter.k8s.aws/ec2nodeclass"
    EXACTLY_ONE_IDENTITY = "must specify exactly one of ['role', 'instanceProfile']"
    AL2_ALIAS_FAMILY = "if set, amiFamily must be 'AL2' or 'Custom' when using an AL2 alias"
    AL2023_ALIAS_FAMILY = "if set, amiFamily must be 'AL2023' or 'Custom' when using an AL2023 alias"
    BOTTLEROCKET_ALIAS_FAMILY = "if set, amiFamily must be 'Bottlerocket' or 'Custom' when using a Bottlerocket alias"
    WINDOWS2019_ALIAS_FAMILY = "if set, amiFamily must be 'Windows2019' or 'Custom' when using a Windows2019 alias"
    WINDOWS2022_ALIAS_FAMILY = "if set, amiFamily must be 'Windows2022' or 'Custom' when using a Windows2022 alias"
    WINDOWS2025_ALIAS_FAMILY = "if set, amiFamily must be 'Windows2025' or 'Custom' when using a Windows2025 alias"
    AMI_FAMILY_REQUIRED = "must specify amiFamily if amiSelectorTerms does not contain an alias"


_ALIAS_FAMILY_RULES: Final = {
    AmiAliasFamily.AL2: EC2NodeClassRule.AL2_ALIAS_FAMILY,
    AmiAliasFamily.AL2023: EC2NodeClassRule.AL2023_ALIAS_FAMILY,
    AmiAliasFamily.BOTTLEROCKET: EC2NodeClassRule.BOTTLEROCKET_ALIAS_FAMILY,
    AmiAliasFamily.WINDOWS2019: EC2NodeClassRule.WINDOWS2019_ALIAS_FAMILY,
    AmiAliasFamily.WINDOWS2022: EC2NodeClassRule.WINDOWS2022_ALIAS_FAMILY,
    AmiAliasFamily.WINDOWS2025: EC2NodeClassRule.WINDOWS2025_ALIAS_FAMILY,
}
_ALIAS_FAMILIES: Final = frozenset(AmiAliasFamily)
# CEL ``matches`` is RE2: ``.`` stops at a newline and ``$`` is the end of the text, hence ``fullmatch``.
_ALIAS_FORMAT: Final = re.compile(AMI_ALIAS_PATTERN.removeprefix("^").removesuffix("$"), re.ASCII)
_RESTRICTED_TAGS: Final = {
    "eks:eks-cluster-name": EC2NodeClassRule.TAG_EKS_CLUSTER_NAME,
    "karpenter.sh/nodepool": EC2NodeClassRule.TAG_NODEPOOL,
    "karpenter.sh/nodeclaim": EC2NodeClassRule.TAG_NODECLAIM,
    "karpenter.k8s.aws/ec2nodeclass": EC2NodeClassRule.TAG_EC2NODECLASS,
}


def _raise_if(title: str, issues: list[tuple[Loc, str]]) -> None:
    if issues:
        raise cel_failure(title, issues)


_NonEmptyTagPart = Annotated[str, non_empty(EC2NodeClassRule.SELECTOR_TAGS_EMPTY)]
SelectorTags = Annotated[dict[_NonEmptyTagPart, _NonEmptyTagPart], Field(max_length=SELECTOR_TAGS_MAX_PROPERTIES)]


def alias_family(alias: str) -> str:
    """CEL: ``alias.split('@')[0]``; the part before the first ``@``, or all of it."""
    return alias.split("@", 1)[0]


@cache
def _alias_rules(alias: str) -> tuple[EC2NodeClassRule, ...]:
    broken = []
    if not _ALIAS_FORMAT.fullmatch(alias):
        broken.append(EC2NodeClassRule.ALIAS_FORMAT)
    family = alias_family(alias)
    if family not in _ALIAS_FAMILIES:
        broken.append(EC2NodeClassRule.ALIAS_FAMILY)
    # ``split('@')[1]`` on an alias without ``@`` is an evaluation error, which rejects all the same.
    elif AmiAliasFamily(family).is_windows and alias.split("@")[1:2] != [AMI_ALIAS_LATEST]:
        broken.append(EC2NodeClassRule.ALIAS_WINDOWS_LATEST)
    return tuple(broken)


class AmiSelectorTerm(CrdModel):
    """One term of ``amiSelectorTerms``; its CEL rules, the alias's included, are checked by the list."""

    alias: Annotated[str, Field(max_length=AMI_ALIAS_MAX_LENGTH)] | None = Field(
        default=None,
        description="An EKS-optimised AMI as `family@version`, e.g. `al2023@v20240625` or `bottlerocket@latest`.",
    )
    id: str | None = Field(default=None, pattern=go_regex(AMI_ID_PATTERN), description="AMI id (`ami-...`).")
    name: str | None = Field(default=None, description="AMI name (not its Name tag).")
    owner: str | None = Field(
        default=None, description="AMI owner: an account id, `self`, `amazon` or `aws-marketplace`."
    )
    ssm_parameter: str | None = Field(default=None, description="SSM parameter (name or ARN) holding the AMI id.")
    tags: SelectorTags | None = Field(default=None, description="Tags the AMI must carry; `*` matches any value.")


def _ami_term_rules(term: AmiSelectorTerm) -> list[tuple[Loc, str]]:
    issues: list[tuple[Loc, str]] = (
        [(("alias",), rule) for rule in _alias_rules(term.alias)] if term.alias is not None else []
    )
    if term.alias is None and term.id is None and term.name is None and term.ssm_parameter is None:
        if term.tags is None:
            issues.append(((), EC2NodeClassRule.AMI_TERM_EMPTY))
        return issues
    others = term.tags is not None or term.name is not None or term.owner is not None
    if term.id is not None and (term.alias is not None or others):
        issues.append((("id",), EC2NodeClassRule.AMI_ID_EXCLUSIVE))
    if term.alias is not None and (term.id is not None or others):
        issues.append((("alias",), EC2NodeClassRule.AMI_ALIAS_EXCLUSIVE))
    return issues


def _ami_terms(terms: list[AmiSelectorTerm]) -> list[AmiSelectorTerm]:
    issues = [((index, *loc), rule) for index, term in enumerate(terms) for loc, rule in _ami_term_rules(term)]
    if len(terms) != 1 and any(term.alias is not None for term in terms):
        issues.append(((), EC2NodeClassRule.AMI_ALIAS_ALONE))
    _raise_if("amiSelectorTerms", issues)
    return terms


class BlockDevice(CrdModel):
    """The ``ebs`` block of a block device mapping."""

    delete_on_termination: bool | None = Field(default=None, description="Delete the volume with the instance.")
    encrypted: bool | None = Field(default=None, description="Encrypt the volume.")
    iops: int | None = Field(default=None, ge=INT64_MIN, le=INT64_MAX, description="Provisioned IOPS (gp3, io1, io2).")
    kms_key_id: str | None = Field(default=None, alias="kmsKeyID", description="KMS key for encryption.")
    snapshot_id: str | None = Field(default=None, alias="snapshotID", description="Snapshot to create the volume from.")
    throughput: int | None = Field(
        default=None, ge=INT64_MIN, le=INT64_MAX, description="Provisioned throughput in MiB/s (gp3)."
    )
    volume_initialization_rate: int | None = Field(
        default=None, ge=100, le=300, description="MiB/s at which a snapshot-backed volume is initialised."
    )
    volume_size: str | None = Field(
        default=None, pattern=go_regex(VOLUME_SIZE_PATTERN), description="Size with a unit: `20Gi`, `100G`, `1Ti`."
    )
    volume_type: Annotated[VolumeType, FROM_STRING] | None = Field(default=None, description="EBS volume type.")

    @model_validator(mode="after")
    def _rules(self) -> Self:
        issues: list[tuple[Loc, str]] = []
        if self.snapshot_id is None and self.volume_size is None:
            issues.append(((), EC2NodeClassRule.EBS_SIZE_OR_SNAPSHOT))
        if self.volume_initialization_rate is not None and not self.snapshot_id:
            issues.append((("volumeInitializationRate",), EC2NodeClassRule.EBS_INITIALIZATION_RATE))
        _raise_if(type(self).__name__, issues)
        return self


class BlockDeviceMapping(CrdModel):
    device_name: str | None = Field(default=None, description="Device name, e.g. `/dev/xvda`.")
    ebs: BlockDevice | None = Field(default=None, description="The EBS volume behind the device.")
    root_volume: bool | None = Field(default=None, description="Mount this device as the kubelet's root directory.")


def _block_device_mappings(mappings: list[BlockDeviceMapping]) -> list[BlockDeviceMapping]:
    if sum(1 for mapping in mappings if mapping.root_volume) > 1:
        raise cel_failure("blockDeviceMappings", [((), EC2NodeClassRule.ONE_ROOT_VOLUME)])
    return mappings


class CapacityReservationSelectorTerm(CrdModel):
    id: str | None = Field(
        default=None, pattern=go_regex(CAPACITY_RESERVATION_ID_PATTERN), description="Reservation id (`cr-...`)."
    )
    instance_match_criteria: Annotated[InstanceMatchCriteria, FROM_STRING] | None = Field(
        default=None, description="`open` or `targeted` reservations."
    )
    owner_id: str | None = Field(
        default=None,
        alias="ownerID",
        pattern=go_regex(CAPACITY_RESERVATION_OWNER_ID_PATTERN),
        description="Account that owns the reservation.",
    )
    tags: SelectorTags | None = Field(default=None, description="Tags the reservation must carry.")


def _capacity_reservation_terms(terms: list[CapacityReservationSelectorTerm]) -> list[CapacityReservationSelectorTerm]:
    issues: list[tuple[Loc, str]] = [
        ((index,), EC2NodeClassRule.CAPACITY_RESERVATION_TERM_EMPTY)
        for index, t in enumerate(terms)
        if t.tags is None and t.id is None and t.instance_match_criteria is None
    ]
    if all(
        t.id is not None and (t.tags is not None or t.owner_id is not None or t.instance_match_criteria is not None)
        for t in terms
    ):
        issues.append(((), EC2NodeClassRule.CAPACITY_RESERVATION_ID_EXCLUSIVE))
    _raise_if("capacityReservationSelectorTerms", issues)
    return terms


class ConnectionTracking(CrdModel):
    tcp_established_timeout: int | None = Field(
        default=None, ge=60, le=432000, description="Idle timeout in seconds for established TCP connections."
    )
    udp_stream_timeout: int | None = Field(
        default=None, ge=60, le=180, description="Idle timeout in seconds for UDP flows with several exchanges."
    )
    udp_timeout: int | None = Field(
        default=None, ge=30, le=60, description="Idle timeout in seconds for one-way or single-exchange UDP flows."
    )

    @model_validator(mode="after")
    def _rules(self) -> Self:
        if self.tcp_established_timeout is None and self.udp_stream_timeout is None and self.udp_timeout is None:
            raise cel_failure(type(self).__name__, [((), EC2NodeClassRule.CONNECTION_TRACKING_EMPTY)])
        return self


class CpuOptions(CrdModel):
    nested_virtualization: Annotated[Toggle, FROM_STRING] | None = Field(
        default=None, description="Allow only instance types that support nested virtualisation, and enable it."
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
        _raise_if(type(self).__name__, issues)
        return self


class MetadataOptions(CrdModel):
    http_endpoint: Annotated[Toggle, FROM_STRING] | None = Field(
        default=None, description="Serve instance metadata at all. Server default: `enabled`."
    )
    http_protocol_ipv6: Annotated[Toggle, FROM_STRING] | None = Field(
        default=None, alias="httpProtocolIPv6", description="Serve instance metadata over IPv6. Default: `disabled`."
    )
    http_put_response_hop_limit: int | None = Field(
        default=None, ge=1, le=64, description="IMDS PUT response hop limit; 1 keeps pods from reaching it."
    )
    http_tokens: Annotated[HttpTokens, FROM_STRING] | None = Field(
        default=None, description="`required` enforces IMDSv2. Server default: `required`."
    )


class NetworkInterface(CrdModel):
    device_index: int = Field(ge=0, le=INT32_MAX, description="Device index of the attachment.")
    interface_type: Annotated[NetworkInterfaceType, FROM_STRING] = Field(description="`interface` or `efa-only`.")
    network_card_index: int = Field(ge=0, le=INT32_MAX, description="Network card the interface attaches to.")


def _network_interfaces(interfaces: list[NetworkInterface]) -> list[NetworkInterface]:
    issues: list[tuple[Loc, str]] = []
    if interfaces and not any(
        i.device_index == 0 and i.network_card_index == 0 and i.interface_type is NetworkInterfaceType.INTERFACE
        for i in interfaces
    ):
        issues.append(((), EC2NodeClassRule.PRIMARY_INTERFACE))
    slots: dict[tuple[int, int], int] = {}
    efa_per_card: dict[int, int] = {}
    for i in interfaces:
        slots[i.network_card_index, i.device_index] = slots.get((i.network_card_index, i.device_index), 0) + 1
        if i.interface_type is NetworkInterfaceType.EFA_ONLY:
            efa_per_card[i.network_card_index] = efa_per_card.get(i.network_card_index, 0) + 1
    for index, i in enumerate(interfaces):
        if slots[i.network_card_index, i.device_index] != 1 or (
            i.interface_type is NetworkInterfaceType.EFA_ONLY and efa_per_card[i.network_card_index] != 1
        ):
            issues.append(((index,), EC2NodeClassRule.INTERFACE_DUPLICATES))
    if issues:
        raise cel_failure("networkInterfaces", issues)
    return interfaces


class PlacementGroupSelector(CrdModel):
    id: str | None = Field(default=None, pattern=go_regex(PLACEMENT_GROUP_ID_PATTERN), description="`pg-...` id.")
    name: str | None = Field(default=None, min_length=1, description="Placement group name.")

    @model_validator(mode="after")
    def _rules(self) -> Self:
        if self.id is None and self.name is None:
            raise cel_failure(type(self).__name__, [((), EC2NodeClassRule.PLACEMENT_GROUP_EMPTY)])
        if self.id is not None and self.name is not None:
            raise cel_failure(type(self).__name__, [((), EC2NodeClassRule.PLACEMENT_GROUP_EXCLUSIVE)])
        return self


class SecurityGroupSelectorTerm(CrdModel):
    id: str | None = Field(default=None, pattern=go_regex(SECURITY_GROUP_ID_PATTERN), description="`sg-...` id.")
    name: str | None = Field(default=None, description="Security group name (not its Name tag).")
    tags: SelectorTags | None = Field(default=None, description="Tags the security group must carry.")


def _security_group_terms(terms: list[SecurityGroupSelectorTerm]) -> list[SecurityGroupSelectorTerm]:
    issues: list[tuple[Loc, str]] = [] if terms else [((), EC2NodeClassRule.SECURITY_GROUP_TERMS_EMPTY)]
    issues += [
        ((index,), EC2NodeClassRule.SECURITY_GROUP_TERM_EMPTY)
        for index, t in enumerate(terms)
        if t.tags is None and t.id is None and t.name is None
    ]
    if all(t.id is not None and (t.tags is not None or t.name is not None) for t in terms):
        issues.append(((), EC2NodeClassRule.SECURITY_GROUP_ID_EXCLUSIVE))
    if all(t.name is not None and (t.tags is not None or t.id is not None) for t in terms):
        issues.append(((), EC2NodeClassRule.SECURITY_GROUP_NAME_EXCLUSIVE))
    _raise_if("securityGroupSelectorTerms", issues)
    return terms


class SubnetSelectorTerm(CrdModel):
    id: str | None = Field(default=None, pattern=go_regex(SUBNET_ID_PATTERN), description="`subnet-...` id.")
    tags: SelectorTags | None = Field(default=None, description="Tags the subnet must carry.")


def _subnet_terms(terms: list[SubnetSelectorTerm]) -> list[SubnetSelectorTerm]:
    issues: list[tuple[Loc, str]] = [] if terms else [((), EC2NodeClassRule.SUBNET_TERMS_EMPTY)]
    issues += [
        ((index,), EC2NodeClassRule.SUBNET_TERM_EMPTY)
        for index, t in enumerate(terms)
        if t.tags is None and t.id is None
    ]
    if all(t.id is not None and t.tags is not None for t in terms):
        issues.append(((), EC2NodeClassRule.SUBNET_ID_EXCLUSIVE))
    _raise_if("subnetSelectorTerms", issues)
    return terms


@cache
def _tag_rules(key: str) -> tuple[EC2NodeClassRule, ...]:
    broken = []
    if key == "":
        broken.append(EC2NodeClassRule.TAG_KEY_EMPTY)
    if key in _RESTRICTED_TAGS:
        broken.append(_RESTRICTED_TAGS[key])
    if key.startswith(RESTRICTED_TAG_PREFIX):
        broken.append(EC2NodeClassRule.TAG_KUBERNETES_CLUSTER)
    return tuple(broken)


def _tags(tags: dict[str, str]) -> dict[str, str]:
    _raise_if("tags", [((key,), rule) for key in tags for rule in _tag_rules(key)])
    return tags


class EC2NodeClassSpec(CrdModel):
    ami_family: Annotated[AmiFamily, FROM_STRING] | None = Field(
        default=None,
        description="User data format and default block devices; implied by an alias, else required.",
    )
    ami_selector_terms: Annotated[
        list[AmiSelectorTerm], Field(min_length=1, max_length=SELECTOR_TERMS_MAX_ITEMS), AfterValidator(_ami_terms)
    ] = Field(description="AMIs to choose from (ORed); one `alias` term, or terms by id, name, tags or SSM.")
    associate_public_ip_address: bool | None = Field(
        default=None, alias="associatePublicIPAddress", description="Give instances public IPv4 addresses."
    )
    block_device_mappings: (
        Annotated[
            list[BlockDeviceMapping],
            Field(max_length=BLOCK_DEVICE_MAPPINGS_MAX_ITEMS),
            AfterValidator(_block_device_mappings),
        ]
        | None
    ) = Field(default=None, description="Volumes attached at launch; replaces the AMI family's defaults.")
    capacity_reservation_selector_terms: (
        Annotated[
            list[CapacityReservationSelectorTerm],
            Field(max_length=SELECTOR_TERMS_MAX_ITEMS),
            AfterValidator(_capacity_reservation_terms),
        ]
        | None
    ) = Field(default=None, description="Capacity reservations Karpenter may launch into (ORed).")
    connection_tracking: ConnectionTracking | None = Field(
        default=None, description="Idle connection-tracking timeouts for the instances' ENIs."
    )
    context: str | None = Field(default=None, description="EC2 Fleet `Context`, a reserved field.")
    cpu_options: CpuOptions | None = Field(default=None, description="CPU options for launched instances.")
    detailed_monitoring: bool | None = Field(default=None, description="Enable 1-minute CloudWatch metrics.")
    instance_profile: Annotated[str, non_empty(EC2NodeClassRule.INSTANCE_PROFILE_EMPTY)] | None = Field(
        default=None, description="Existing instance profile for nodes; exclusive with `role`."
    )
    instance_store_policy: Annotated[InstanceStorePolicy, FROM_STRING] | None = Field(
        default=None, description="`RAID0`: stripe local NVMe disks and use them for ephemeral storage."
    )
    ip_prefix_count: int | None = Field(
        default=None, ge=0, le=INT32_MAX, description="IPv4 prefixes to assign to the primary network interface."
    )
    kubelet: Kubelet | None = Field(default=None, description="Kubelet settings Karpenter also uses for sizing.")
    metadata_options: MetadataOptions | None = Field(
        default=None, description="Instance metadata service settings for the launch template."
    )
    network_interfaces: (
        Annotated[
            list[NetworkInterface],
            Field(max_length=NETWORK_INTERFACES_MAX_ITEMS),
            AfterValidator(_network_interfaces),
        ]
        | None
    ) = Field(default=None, description="Network interfaces to attach; must include the primary one.")
    placement_group_selector: PlacementGroupSelector | None = Field(
        default=None, description="Placement group to launch into, by name or id."
    )
    role: Annotated[str, non_empty(EC2NodeClassRule.ROLE_EMPTY)] | None = Field(
        default=None, description="IAM role name for nodes; Karpenter manages the instance profile."
    )
    security_group_selector_terms: Annotated[
        list[SecurityGroupSelectorTerm],
        Field(max_length=SELECTOR_TERMS_MAX_ITEMS),
        AfterValidator(_security_group_terms),
    ] = Field(description="Security groups for nodes (terms ORed).")
    subnet_selector_terms: Annotated[
        list[SubnetSelectorTerm], Field(max_length=SELECTOR_TERMS_MAX_ITEMS), AfterValidator(_subnet_terms)
    ] = Field(description="Subnets nodes may launch in (terms ORed).")
    tags: Annotated[dict[str, str], AfterValidator(_tags)] | None = Field(
        default=None, description="Tags on instances, volumes and launch templates."
    )
    user_data: str | None = Field(default=None, description="User data, merged by Karpenter with its own.")

    @model_validator(mode="after")
    def _rules(self) -> Self:
        issues: list[tuple[Loc, str]] = []
        if (self.role is None) == (self.instance_profile is None):
            issues.append(((), EC2NodeClassRule.EXACTLY_ONE_IDENTITY))
        families = [alias_family(t.alias) for t in self.ami_selector_terms if t.alias is not None]
        if self.ami_family is None:
            if not families:
                issues.append((("amiFamily",), EC2NodeClassRule.AMI_FAMILY_REQUIRED))
        elif self.ami_family is not AmiFamily.CUSTOM:
            for family, rule in _ALIAS_FAMILY_RULES.items():
                if family in families and self.ami_family is not family.ami_family:
                    issues.append((("amiFamily",), rule))
        _raise_if(type(self).__name__, issues)
        return self


class EC2NodeClass(CrdModel):
    api_version: Literal["karpenter.k8s.aws/v1"] = Field(description="Always `karpenter.k8s.aws/v1`.")
    kind: Literal["EC2NodeClass"] = Field(description="Always `EC2NodeClass`.")
    metadata: ObjectMeta = Field(description="Name (a DNS label) and the object's own labels.")
    spec: EC2NodeClassSpec = Field(description="The node class.")
