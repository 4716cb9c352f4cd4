"""``eks.amazonaws.com/v1`` NodeClass of EKS Auto Mode, mirrored from AWS's documentation of it.

AWS publishes no CRD file for the Auto Mode NodeClass, so the source is the user guide: "Create a Node Class for
Amazon EKS" (create-node-class), "Configure advanced security settings for nodes" (auto-advanced-security) and the
pod subnet and proxy sections of the networking pages. Field names, enums and ranges are the documented ones; the
messages are ours, because there is no CEL text to quote. Like ``karpenter_infra.karpenter``, what passes here is
exactly what we send: camelCase keys, nothing unknown, nothing coerced, no explicit nulls.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Final, Literal, Self

from pydantic import AfterValidator, Field, model_validator

from karpenter_infra.karpenter.patterns import (
    CAPACITY_RESERVATION_ID_PATTERN,
    CAPACITY_RESERVATION_OWNER_ID_PATTERN,
    FROM_STRING,
    SECURITY_GROUP_ID_PATTERN,
    SELECTOR_TAGS_MAX_PROPERTIES,
    SELECTOR_TERMS_MAX_ITEMS,
    SUBNET_ID_PATTERN,
    VOLUME_SIZE_PATTERN,
    CrdModel,
    Loc,
    ObjectMeta,
    cel_failure,
    go_regex,
    non_empty,
)

API_VERSION: Final = "eks.amazonaws.com/v1"
KIND: Final = "NodeClass"
GROUP: Final = "eks.amazonaws.com"

#: create-node-class: "iops: 3000 # Range: 3000-16000", "throughput: 125 # Range: 125-1000".
EPHEMERAL_IOPS_MINIMUM: Final = 3000
EPHEMERAL_IOPS_MAXIMUM: Final = 16000
EPHEMERAL_THROUGHPUT_MINIMUM: Final = 125
EPHEMERAL_THROUGHPUT_MAXIMUM: Final = 1000


class NodeClassRule(StrEnum):
    """The rules the documentation states in prose, as the messages this mirror fails with."""

    ROLE_EMPTY = "role cannot be empty"
    SUBNET_TERMS_EMPTY = "subnetSelectorTerms cannot be empty"
    SECURITY_GROUP_TERMS_EMPTY = "securityGroupSelectorTerms cannot be empty"
    TERM_EMPTY = "expected at least one, got none, ['tags', 'id']"
    SECURITY_GROUP_TERM_EMPTY = "expected at least one, got none, ['tags', 'id', 'name']"
    ID_EXCLUSIVE = "'id' is mutually exclusive, cannot be set with a combination of other fields"
    POD_NETWORK_PAIR = "podSubnetSelectorTerms and podSecurityGroupSelectorTerms must be set together"
    SELECTOR_TAGS_EMPTY = "empty tag keys or values aren't supported"
    TAG_KEY_EMPTY = "empty tag keys aren't supported"
    BUNDLE_EMPTY = "certificate bundles need a name and data"


class SnatPolicy(StrEnum):
    RANDOM = "Random"
    DISABLED = "Disabled"


class NetworkPolicy(StrEnum):
    DEFAULT_ALLOW = "DefaultAllow"
    DEFAULT_DENY = "DefaultDeny"


class NetworkPolicyEventLogs(StrEnum):
    ENABLED = "Enabled"
    DISABLED = "Disabled"


class KernelLockdown(StrEnum):
    INTEGRITY = "integrity"
    NONE = "none"


_NonEmptyTagPart = Annotated[str, non_empty(NodeClassRule.SELECTOR_TAGS_EMPTY)]
SelectorTags = Annotated[dict[_NonEmptyTagPart, _NonEmptyTagPart], Field(max_length=SELECTOR_TAGS_MAX_PROPERTIES)]


def _raise_if(title: str, issues: list[tuple[Loc, str]]) -> None:
    if issues:
        raise cel_failure(title, issues)


class SubnetSelectorTerm(CrdModel):
    id: str | None = Field(default=None, pattern=go_regex(SUBNET_ID_PATTERN), description="`subnet-...` id.")
    tags: SelectorTags | None = Field(default=None, description="Tags the subnet must carry.")


class SecurityGroupSelectorTerm(CrdModel):
    id: str | None = Field(default=None, pattern=go_regex(SECURITY_GROUP_ID_PATTERN), description="`sg-...` id.")
    name: str | None = Field(default=None, description="Security group name.")
    tags: SelectorTags | None = Field(default=None, description="Tags the security group must carry.")


class PodSecurityGroupSelectorTerm(CrdModel):
    id: str | None = Field(default=None, pattern=go_regex(SECURITY_GROUP_ID_PATTERN), description="`sg-...` id.")
    tags: SelectorTags | None = Field(default=None, description="Tags the security group must carry.")


class CapacityReservationSelectorTerm(CrdModel):
    id: str | None = Field(
        default=None, pattern=go_regex(CAPACITY_RESERVATION_ID_PATTERN), description="Reservation id (`cr-...`)."
    )
    owner: str | None = Field(
        default=None, pattern=go_regex(CAPACITY_RESERVATION_OWNER_ID_PATTERN), description="Owning account."
    )
    tags: SelectorTags | None = Field(default=None, description="Tags the reservation must carry.")


Term = SubnetSelectorTerm | SecurityGroupSelectorTerm | PodSecurityGroupSelectorTerm | CapacityReservationSelectorTerm


def _term_issues(terms: list[Term], empty: NodeClassRule) -> list[tuple[Loc, str]]:
    """Each term selects by something, and an ``id`` selects alone (the rule Karpenter's EC2NodeClass also has)."""
    issues: list[tuple[Loc, str]] = []
    for index, term in enumerate(terms):
        others = [name for name in type(term).model_fields if name != "id" and getattr(term, name) is not None]
        if term.id is None and not others:
            issues.append(((index,), empty))
        elif term.id is not None and others:
            issues.append(((index, "id"), NodeClassRule.ID_EXCLUSIVE))
    return issues


def _required_terms(empty_list: NodeClassRule, empty_term: NodeClassRule) -> AfterValidator:
    def check(terms: list[Term]) -> list[Term]:
        _raise_if("selectorTerms", ([((), empty_list)] if not terms else []) + _term_issues(terms, empty_term))
        return terms

    return AfterValidator(check)


def _optional_terms(empty_term: NodeClassRule) -> AfterValidator:
    def check(terms: list[Term]) -> list[Term]:
        _raise_if("selectorTerms", _term_issues(terms, empty_term))
        return terms

    return AfterValidator(check)


class EphemeralStorage(CrdModel):
    """The node's data volume, where pods' ephemeral storage and images live (always gp3, always encrypted)."""

    size: str | None = Field(
        default=None, pattern=go_regex(VOLUME_SIZE_PATTERN), description="`80Gi` by default; 1-59000Gi, 1-64T."
    )
    iops: int | None = Field(
        default=None, ge=EPHEMERAL_IOPS_MINIMUM, le=EPHEMERAL_IOPS_MAXIMUM, description="gp3 IOPS (3000 default)."
    )
    throughput: int | None = Field(
        default=None,
        ge=EPHEMERAL_THROUGHPUT_MINIMUM,
        le=EPHEMERAL_THROUGHPUT_MAXIMUM,
        description="gp3 throughput in MiB/s (125 default).",
    )
    kms_key_id: str | None = Field(
        default=None, alias="kmsKeyID", min_length=1, description="Customer KMS key of the volume."
    )


class AdvancedNetworking(CrdModel):
    associate_public_ip_address: bool | None = Field(
        default=None, alias="associatePublicIPAddress", description="Public IPs on the nodes."
    )
    https_proxy: str | None = Field(default=None, min_length=1, description="Proxy for the nodes' HTTPS traffic.")
    no_proxy: list[Annotated[str, Field(min_length=1)]] | None = Field(
        default=None, description="Destinations that bypass the proxy."
    )


class AdvancedSecurity(CrdModel):
    fips: bool | None = Field(default=None, description="FIPS 140 validated AMIs (US and Canada regions).")
    kernel_lockdown: Annotated[KernelLockdown, FROM_STRING] | None = Field(
        default=None, description="Kernel lockdown mode: `integrity` or `none`."
    )


class CertificateBundle(CrdModel):
    name: Annotated[str, non_empty(NodeClassRule.BUNDLE_EMPTY)] = Field(description="Bundle name.")
    data: Annotated[str, non_empty(NodeClassRule.BUNDLE_EMPTY)] = Field(description="Base64 PEM certificates.")


def _tags(tags: dict[str, str]) -> dict[str, str]:
    _raise_if("tags", [((key,), NodeClassRule.TAG_KEY_EMPTY) for key in tags if key == ""])
    return tags


class NodeClassSpec(CrdModel):
    role: Annotated[str, non_empty(NodeClassRule.ROLE_EMPTY)] = Field(
        description="IAM role of the nodes; it needs an EC2 access entry with AmazonEKSAutoNodePolicy."
    )
    subnet_selector_terms: Annotated[
        list[SubnetSelectorTerm],
        Field(max_length=SELECTOR_TERMS_MAX_ITEMS),
        _required_terms(NodeClassRule.SUBNET_TERMS_EMPTY, NodeClassRule.TERM_EMPTY),
    ] = Field(description="Subnets nodes launch in.")
    security_group_selector_terms: Annotated[
        list[SecurityGroupSelectorTerm],
        Field(max_length=SELECTOR_TERMS_MAX_ITEMS),
        _required_terms(NodeClassRule.SECURITY_GROUP_TERMS_EMPTY, NodeClassRule.SECURITY_GROUP_TERM_EMPTY),
    ] = Field(description="Security groups of the nodes.")
    pod_subnet_selector_terms: (
        Annotated[
            list[SubnetSelectorTerm],
            Field(min_length=1, max_length=SELECTOR_TERMS_MAX_ITEMS),
            _optional_terms(NodeClassRule.TERM_EMPTY),
        ]
        | None
    ) = Field(default=None, description="Subnets for pod IPs.")
    pod_security_group_selector_terms: (
        Annotated[
            list[PodSecurityGroupSelectorTerm],
            Field(min_length=1, max_length=SELECTOR_TERMS_MAX_ITEMS),
            _optional_terms(NodeClassRule.TERM_EMPTY),
        ]
        | None
    ) = Field(default=None, description="Security groups of the pods' interfaces.")
    capacity_reservation_selector_terms: (
        Annotated[
            list[CapacityReservationSelectorTerm],
            Field(min_length=1, max_length=SELECTOR_TERMS_MAX_ITEMS),
            _optional_terms(NodeClassRule.TERM_EMPTY),
        ]
        | None
    ) = Field(default=None, description="Capacity reservations the nodes may use.")
    snat_policy: Annotated[SnatPolicy, FROM_STRING] | None = Field(default=None, description="`Random` or `Disabled`.")
    network_policy: Annotated[NetworkPolicy, FROM_STRING] | None = Field(
        default=None, description="`DefaultAllow` or `DefaultDeny`."
    )
    network_policy_event_logs: Annotated[NetworkPolicyEventLogs, FROM_STRING] | None = Field(
        default=None, description="`Enabled` or `Disabled`."
    )
    ephemeral_storage: EphemeralStorage | None = Field(default=None, description="The nodes' data volume.")
    advanced_networking: AdvancedNetworking | None = Field(default=None, description="Public IPs and proxies.")
    advanced_security: AdvancedSecurity | None = Field(default=None, description="FIPS and kernel lockdown.")
    certificate_bundles: list[CertificateBundle] | None = Field(default=None, description="Extra trusted CAs.")
    tags: Annotated[dict[str, str], AfterValidator(_tags)] | None = Field(
        default=None, description="EC2 tags on the nodes' instances, volumes and interfaces."
    )

    @model_validator(mode="after")
    def _pod_network(self) -> Self:
        if (self.pod_subnet_selector_terms is None) != (self.pod_security_group_selector_terms is None):
            _raise_if(type(self).__name__, [(("podSubnetSelectorTerms",), NodeClassRule.POD_NETWORK_PAIR)])
        return self


class NodeClass(CrdModel):
    api_version: Literal["eks.amazonaws.com/v1"] = Field(description="Always `eks.amazonaws.com/v1`.")
    kind: Literal["NodeClass"] = Field(description="Always `NodeClass`.")
    metadata: ObjectMeta = Field(description="Name (a DNS label) and the object's own labels.")
    spec: NodeClassSpec = Field(description="The node class.")
