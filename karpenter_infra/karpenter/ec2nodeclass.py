"""``karpenter.k8s.aws/v1`` EC2NodeClass, mirrored from the v1.14.1 CRD: every field, schema constraint and CEL rule.

Some CRD rules are looser or odder than their messages suggest, and are mirrored as written, because the point is
to predict the apiserver. The parts live beside this module, by concern: ``ec2nodeclass_rules`` (the CEL messages),
``ec2nodeclass_selectors`` (AMI, subnet, security group, capacity reservation and placement group terms),
``ec2nodeclass_launch`` (block devices, network interfaces, metadata, CPU options, tags) and ``ec2nodeclass_kubelet``.
This module holds the spec that ties them together, and re-exports them.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal, Self

from pydantic import Field, model_validator

from karpenter_infra.karpenter.ec2nodeclass_kubelet import (
    EvictionHard,
    EvictionSoft,
    EvictionSoftGracePeriod,
    Kubelet,
    KubeReserved,
    SystemReserved,
)
from karpenter_infra.karpenter.ec2nodeclass_launch import (
    BlockDevice,
    BlockDeviceMapping,
    BlockDeviceMappings,
    ConnectionTracking,
    CpuOptions,
    MetadataOptions,
    NetworkInterface,
    NetworkInterfaces,
    NodeClassTags,
)
from karpenter_infra.karpenter.ec2nodeclass_rules import ALIAS_FAMILY_RULES, EC2NodeClassRule, raise_if
from karpenter_infra.karpenter.ec2nodeclass_selectors import (
    AmiSelectorTerm,
    AmiSelectorTerms,
    CapacityReservationSelectorTerm,
    CapacityReservationSelectorTerms,
    PlacementGroupSelector,
    SecurityGroupSelectorTerm,
    SecurityGroupSelectorTerms,
    SelectorTags,
    SubnetSelectorTerm,
    SubnetSelectorTerms,
    alias_family,
)
from karpenter_infra.karpenter.patterns import (
    FROM_STRING,
    INT32_MAX,
    AmiFamily,
    CrdModel,
    InstanceStorePolicy,
    Loc,
    ObjectMeta,
    non_empty,
)

__all__ = [
    "API_VERSION",
    "KIND",
    "AmiSelectorTerm",
    "BlockDevice",
    "BlockDeviceMapping",
    "CapacityReservationSelectorTerm",
    "ConnectionTracking",
    "CpuOptions",
    "EC2NodeClass",
    "EC2NodeClassRule",
    "EC2NodeClassSpec",
    "EvictionHard",
    "EvictionSoft",
    "EvictionSoftGracePeriod",
    "KubeReserved",
    "Kubelet",
    "MetadataOptions",
    "NetworkInterface",
    "PlacementGroupSelector",
    "SecurityGroupSelectorTerm",
    "SelectorTags",
    "SubnetSelectorTerm",
    "SystemReserved",
    "alias_family",
]

API_VERSION: Final = "karpenter.k8s.aws/v1"
KIND: Final = "EC2NodeClass"


class EC2NodeClassSpec(CrdModel):
    ami_family: Annotated[AmiFamily, FROM_STRING] | None = Field(
        default=None,
        description="User data format and default block devices; implied by an alias, else required.",
    )
    ami_selector_terms: AmiSelectorTerms = Field(
        description="AMIs to choose from (ORed); one `alias` term, or terms by id, name, tags or SSM."
    )
    associate_public_ip_address: bool | None = Field(
        default=None, alias="associatePublicIPAddress", description="Give instances public IPv4 addresses."
    )
    block_device_mappings: BlockDeviceMappings | None = Field(
        default=None, description="Volumes attached at launch; replaces the AMI family's defaults."
    )
    capacity_reservation_selector_terms: CapacityReservationSelectorTerms | None = Field(
        default=None, description="Capacity reservations Karpenter may launch into (ORed)."
    )
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
    network_interfaces: NetworkInterfaces | None = Field(
        default=None, description="Network interfaces to attach; must include the primary one."
    )
    placement_group_selector: PlacementGroupSelector | None = Field(
        default=None, description="Placement group to launch into, by name or id."
    )
    role: Annotated[str, non_empty(EC2NodeClassRule.ROLE_EMPTY)] | None = Field(
        default=None, description="IAM role name for nodes; Karpenter manages the instance profile."
    )
    security_group_selector_terms: SecurityGroupSelectorTerms = Field(
        description="Security groups for nodes (terms ORed)."
    )
    subnet_selector_terms: SubnetSelectorTerms = Field(description="Subnets nodes may launch in (terms ORed).")
    tags: NodeClassTags | None = Field(default=None, description="Tags on instances, volumes and launch templates.")
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
            for family, rule in ALIAS_FAMILY_RULES.items():
                if family in families and self.ami_family is not family.ami_family:
                    issues.append((("amiFamily",), rule))
        raise_if(type(self).__name__, issues)
        return self


class EC2NodeClass(CrdModel):
    api_version: Literal["karpenter.k8s.aws/v1"] = Field(description="Always `karpenter.k8s.aws/v1`.")
    kind: Literal["EC2NodeClass"] = Field(description="Always `EC2NodeClass`.")
    metadata: ObjectMeta = Field(description="Name (a DNS label) and the object's own labels.")
    spec: EC2NodeClassSpec = Field(description="The node class.")
