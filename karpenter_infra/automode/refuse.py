"""What a nodegroup list may not say on EKS Auto Mode, and why: every such setting is an error, never dropped.

AWS builds, patches and configures Auto Mode nodes itself (Bottlerocket-based AMIs treated as immutable, no user
data, no kubelet or IMDS knobs: "Learn about Amazon EKS Auto Mode Managed instances"), so the EC2NodeClass settings
that reach into the node have no NodeClass field. The root volume is the one exception that translates exactly: it
becomes ``ephemeralStorage`` (always gp3, encrypted, deleted with the node).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final

from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.spec.nodeclass import BlockDevice
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults, NodeGroupSettings

BACKEND: Final = "EKS Auto Mode"

#: Settings with no NodeClass field, and the reason a user reads in the error.
UNSUPPORTED: Final[dict[str, str]] = {
    "instance_profile": "NodeClasses name a role; set role (or leave it to the platform's Auto Mode node role)",
    "ami_family": "AWS chooses and patches the node AMI",
    "ami_version": "AWS chooses and patches the node AMI",
    "ami_selector_terms": "AWS chooses and patches the node AMI",
    "kubelet": "the kubelet configuration is AWS's",
    "user_data": "nodes take no user data",
    "user_data_values": "nodes take no user data",
    "metadata_options": "AWS sets the instance metadata options",
    "detailed_monitoring": "the NodeClass has no monitoring setting",
    "instance_store_policy": "AWS decides how local NVMe storage is used",
    "user_data_template": "nodes take no user data",
    "network_interfaces": "AWS configures the nodes' network interfaces",
    "placement_group": "the NodeClass has no placement group setting",
    "ip_prefix_count": "AWS configures the nodes' network interfaces",
    "connection_tracking": "the NodeClass has no connection tracking setting",
    "cpu_options": "the NodeClass has no CPU options",
    "existing_node_class": "an existing node class on Auto Mode is a NodeClass, not the EC2NodeClass this refers to",
}

#: "nodes launched by EKS Auto Mode have a maximum lifetime of 21 days (which you can reduce)" (automode.adoc).
MAX_NODE_LIFETIME_HOURS: Final = 21 * 24
MAX_EXPIRE_AFTER: Final = f"{MAX_NODE_LIFETIME_HOURS}h"
_DURATION_PART: Final = re.compile(r"([0-9]+)(s|m|h)")
_SECONDS: Final = {"s": 1, "m": 60, "h": 3600}

#: The device name Karpenter's AL2023 root volume has; ``root_volume=True`` marks any other name as the root.
ROOT_DEVICE: Final = "/dev/xvda"


def _fail(owner: str, field: str, reason: str) -> SpecError:
    return SpecError.one(owner, field, f"not supported by {BACKEND}: {reason}")


def _seconds(duration: str) -> int:
    return sum(int(n) * _SECONDS[unit] for n, unit in _DURATION_PART.findall(duration))


def check_settings(owner: str, settings: NodeGroupSettings) -> None:
    """Raise on the first setting of ``settings`` (a group's or the defaults') Auto Mode cannot express."""
    for field, reason in UNSUPPORTED.items():
        if getattr(settings, field, None) is not None:
            raise _fail(owner, field, reason)
    expire = settings.expire_after
    if expire is not None and (expire == "Never" or _seconds(expire) > MAX_NODE_LIFETIME_HOURS * 3600):
        raise _fail(owner, "expire_after", f"{expire!r}: Auto Mode replaces nodes after at most 21 days (504h)")
    if settings.block_device_mappings is not None:
        ephemeral_storage(owner, settings.block_device_mappings)
    for term in settings.capacity_reservation_selector_terms or []:
        if term.instance_match_criteria is not None:
            raise _fail(owner, "capacity_reservation_selector_terms", "Auto Mode terms select by id, owner or tags")


def ephemeral_storage(owner: str, devices: Iterable[BlockDevice]) -> dict[str, Any] | None:
    """The one root volume as ``ephemeralStorage``, when that is exact; ``None`` for an explicit empty list."""
    devices = list(devices)
    if not devices:
        return None
    if len(devices) > 1:
        raise _fail(
            owner, "block_device_mappings", "Auto Mode nodes have one data volume; only the root volume translates"
        )
    device = devices[0]
    path = "block_device_mappings[0]"
    if not (device.root_volume or (device.root_volume is None and device.device_name == ROOT_DEVICE)):
        raise _fail(owner, f"{path}.device_name", f"only the root volume ({ROOT_DEVICE}) maps to ephemeralStorage")
    if str(device.volume_type) != "gp3":
        raise _fail(owner, f"{path}.volume_type", "the ephemeral storage volume is always gp3")
    if device.encrypted is False:
        raise _fail(owner, f"{path}.encrypted", "the ephemeral storage volume is always encrypted")
    if device.delete_on_termination is False:
        raise _fail(owner, f"{path}.delete_on_termination", "the volume is always deleted with its node")
    for field in ("snapshot_id", "volume_initialization_rate"):
        if getattr(device, field) is not None:
            raise _fail(owner, f"{path}.{field}", "the volume is always created empty")
    storage: dict[str, Any] = {"size": device.volume_size}
    for field, name in (("iops", "iops"), ("throughput", "throughput"), ("kms_key_id", "kmsKeyID")):
        value = getattr(device, field)
        if value is not None:
            storage[name] = value
    return storage


def check_fleet(defaults: NodeGroupDefaults, nodegroups: Iterable[NodeGroup]) -> None:
    check_settings("defaults", defaults)
    for group in nodegroups:
        check_settings(nodegroup_owner(group.name), group)


def check_not_auto_mode(defaults: NodeGroupDefaults, nodegroups: Iterable[NodeGroup]) -> None:
    """The self-managed backend's half: Auto Mode-only settings have no EC2NodeClass field either."""
    for owner, settings in (("defaults", defaults), *((nodegroup_owner(g.name), g) for g in nodegroups)):
        if settings.auto_mode is not None:
            raise SpecError.one(
                owner, "auto_mode", "needs backend auto-mode: the self-managed EC2NodeClass has no such settings"
            )
