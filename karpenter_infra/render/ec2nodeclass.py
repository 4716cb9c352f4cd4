"""ResolvedNodeGroup (owning a node class) -> ``karpenter.k8s.aws/v1`` EC2NodeClass manifest."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel

from karpenter_infra.render.launch import launch_options
from karpenter_infra.render.owner import nodeclass_metadata, owned_nodeclass
from karpenter_infra.render.userdata import render_user_data
from karpenter_infra.rules.userdata import check_user_data
from karpenter_infra.spec.nodeclass import KUBELET_FIELDS, BlockDevice
from karpenter_infra.spec.resolved import ResolvedNodeClass, ResolvedNodeGroup

NODECLASS_API_VERSION = "karpenter.k8s.aws/v1"

_SELECTOR_FIELDS = {
    "alias": "alias",
    "id": "id",
    "name": "name",
    "owner": "owner",
    "ssm_parameter": "ssmParameter",
}


def _selector(term: BaseModel) -> dict[str, Any]:
    rendered: dict[str, Any] = {}
    for field in _term_fields(type(term)):  # only the term's own fields: a missing attribute is slow to ask for
        value = getattr(term, field)
        if value is not None:
            rendered[_SELECTOR_FIELDS[field]] = value
    tags = getattr(term, "tags", None)
    if tags is not None:
        rendered["tags"] = dict(sorted(tags.items()))
    return rendered


@cache
def _term_fields(kind: type[BaseModel]) -> tuple[str, ...]:
    """The term type's fields but ``tags``, once per type (pydantic's ``model_fields`` is slow to ask for)."""
    return tuple(field for field in kind.model_fields if field != "tags")


def _block_device(device: BlockDevice) -> dict[str, Any]:
    ebs: dict[str, Any] = {}
    if device.volume_size is not None:
        ebs["volumeSize"] = device.volume_size
    if device.volume_type is not None:
        ebs["volumeType"] = str(device.volume_type)
    for field, crd_name in (
        ("iops", "iops"),
        ("throughput", "throughput"),
        ("kms_key_id", "kmsKeyID"),
        ("snapshot_id", "snapshotID"),
        ("volume_initialization_rate", "volumeInitializationRate"),
    ):
        value = getattr(device, field)
        if value is not None:
            ebs[crd_name] = value
    # Unset stays unset: a volume from a snapshot or an account with EBS encryption by default decides itself.
    if device.encrypted is not None:
        ebs["encrypted"] = device.encrypted
    if device.delete_on_termination is not None:
        ebs["deleteOnTermination"] = device.delete_on_termination
    rendered: dict[str, Any] = {"deviceName": device.device_name}
    if device.root_volume is not None:
        rendered["rootVolume"] = device.root_volume
    rendered["ebs"] = ebs
    return rendered


def _kubelet(nodeclass: ResolvedNodeClass) -> dict[str, Any]:
    rendered: dict[str, Any] = {}
    for field, crd_name in KUBELET_FIELDS.items():
        value = getattr(nodeclass.kubelet, field)
        if value is not None:
            # Copies: groups share resolved settings, manifests must not share them.
            if isinstance(value, dict):
                value = dict(sorted(value.items()))
            elif isinstance(value, list):
                value = list(value)
            rendered[crd_name] = value
    return rendered


def ec2_node_class(group: ResolvedNodeGroup) -> dict[str, Any]:
    nodeclass = owned_nodeclass(group)
    spec: dict[str, Any] = {}
    if nodeclass.role is not None:
        spec["role"] = nodeclass.role
    if nodeclass.instance_profile is not None:
        spec["instanceProfile"] = nodeclass.instance_profile
    spec["amiFamily"] = str(nodeclass.ami_family)
    spec["amiSelectorTerms"] = [_selector(t) for t in nodeclass.ami_selector_terms]
    spec["subnetSelectorTerms"] = [_selector(t) for t in nodeclass.subnet_selector_terms]
    spec["securityGroupSelectorTerms"] = [_selector(t) for t in nodeclass.security_group_selector_terms]
    if nodeclass.block_device_mappings is not None:
        spec["blockDeviceMappings"] = [_block_device(d) for d in nodeclass.block_device_mappings]
    options = nodeclass.metadata_options
    spec["metadataOptions"] = {
        "httpEndpoint": options.http_endpoint,
        "httpProtocolIPv6": options.http_protocol_ipv6,
        "httpPutResponseHopLimit": options.http_put_response_hop_limit,
        "httpTokens": options.http_tokens,
    }
    spec["detailedMonitoring"] = nodeclass.detailed_monitoring
    if nodeclass.associate_public_ip_address is not None:
        spec["associatePublicIPAddress"] = nodeclass.associate_public_ip_address
    if nodeclass.instance_store_policy is not None:
        spec["instanceStorePolicy"] = nodeclass.instance_store_policy
    spec.update(launch_options(nodeclass))
    kubelet = _kubelet(nodeclass)
    if kubelet:
        spec["kubelet"] = kubelet
    user_data = render_user_data(group)
    if user_data is not None:
        check_user_data(group.name, str(nodeclass.ami_family), user_data)
        spec["userData"] = user_data
    if nodeclass.tags:
        spec["tags"] = dict(nodeclass.tags)
    return {
        "apiVersion": NODECLASS_API_VERSION,
        "kind": "EC2NodeClass",
        "metadata": nodeclass_metadata(group, nodeclass),
        "spec": spec,
    }
