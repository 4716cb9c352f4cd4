"""How EC2NodeClass instances launch: block devices, network interfaces, metadata, CPU options and tags."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Final, Self

from pydantic import AfterValidator, Field, model_validator

from karpenter_infra.karpenter.ec2nodeclass_rules import EC2NodeClassRule, raise_if
from karpenter_infra.karpenter.patterns import (
    BLOCK_DEVICE_MAPPINGS_MAX_ITEMS,
    FROM_STRING,
    INT32_MAX,
    INT64_MAX,
    INT64_MIN,
    NETWORK_INTERFACES_MAX_ITEMS,
    RESTRICTED_TAG_PREFIX,
    VOLUME_SIZE_PATTERN,
    CrdModel,
    HttpTokens,
    Loc,
    NetworkInterfaceType,
    Toggle,
    VolumeType,
    cel_failure,
    go_regex,
)


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
        raise_if(type(self).__name__, issues)
        return self


class BlockDeviceMapping(CrdModel):
    device_name: str | None = Field(default=None, description="Device name, e.g. `/dev/xvda`.")
    ebs: BlockDevice | None = Field(default=None, description="The EBS volume behind the device.")
    root_volume: bool | None = Field(default=None, description="Mount this device as the kubelet's root directory.")


def _block_device_mappings(mappings: list[BlockDeviceMapping]) -> list[BlockDeviceMapping]:
    if sum(1 for mapping in mappings if mapping.root_volume) > 1:
        raise cel_failure("blockDeviceMappings", [((), EC2NodeClassRule.ONE_ROOT_VOLUME)])
    return mappings


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


_RESTRICTED_TAGS: Final = {
    "eks:eks-cluster-name": EC2NodeClassRule.TAG_EKS_CLUSTER_NAME,
    "karpenter.sh/nodepool": EC2NodeClassRule.TAG_NODEPOOL,
    "karpenter.sh/nodeclaim": EC2NodeClassRule.TAG_NODECLAIM,
    "karpenter.k8s.aws/ec2nodeclass": EC2NodeClassRule.TAG_EC2NODECLASS,
}


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
    raise_if("tags", [((key,), rule) for key in tags for rule in _tag_rules(key)])
    return tags


BlockDeviceMappings = Annotated[
    list[BlockDeviceMapping], Field(max_length=BLOCK_DEVICE_MAPPINGS_MAX_ITEMS), AfterValidator(_block_device_mappings)
]
NetworkInterfaces = Annotated[
    list[NetworkInterface], Field(max_length=NETWORK_INTERFACES_MAX_ITEMS), AfterValidator(_network_interfaces)
]
NodeClassTags = Annotated[dict[str, str], AfterValidator(_tags)]
