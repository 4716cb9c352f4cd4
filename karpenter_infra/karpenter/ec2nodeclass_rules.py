"""The EC2NodeClass CRD's CEL messages, and how a validator raises them."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from karpenter_infra.karpenter.patterns import (
    AmiAliasFamily,
    Loc,
    cel_failure,
)


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


ALIAS_FAMILY_RULES: Final = {
    AmiAliasFamily.AL2: EC2NodeClassRule.AL2_ALIAS_FAMILY,
    AmiAliasFamily.AL2023: EC2NodeClassRule.AL2023_ALIAS_FAMILY,
    AmiAliasFamily.BOTTLEROCKET: EC2NodeClassRule.BOTTLEROCKET_ALIAS_FAMILY,
    AmiAliasFamily.WINDOWS2019: EC2NodeClassRule.WINDOWS2019_ALIAS_FAMILY,
    AmiAliasFamily.WINDOWS2022: EC2NodeClassRule.WINDOWS2022_ALIAS_FAMILY,
    AmiAliasFamily.WINDOWS2025: EC2NodeClassRule.WINDOWS2025_ALIAS_FAMILY,
}


def raise_if(title: str, issues: list[tuple[Loc, str]]) -> None:
    if issues:
        raise cel_failure(title, issues)
