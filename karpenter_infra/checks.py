"""Plan-time checks for the failures Karpenter users hit most, across the platform and its fleet.

Errors stop the plan (``SpecError``); warnings are printed and the plan goes on. Both name what to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.fleet import Fleet
from karpenter_infra.spec.nodeclass import is_windows
from karpenter_infra.spec.platform import PlatformSpec

#: The Karpenter release whose CRDs and rules this library validates against.
VALIDATED_MINOR = (1, 14)


@dataclass(frozen=True)
class Finding:
    owner: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.owner}: {self.field}: {self.message}"


def _version(text: str, owner: str, field: str) -> tuple[int, int, int]:
    match = re.fullmatch(r"v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?", text)
    if match is None:
        raise SpecError.one(owner, field, f"{text!r} is not a chart version like 1.14.1")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def node_role_access(platform: PlatformSpec, fleet: Fleet) -> dict[str, str]:
    """Every role nodes use, by name, with the type of its EKS access entry (the platform's role always included).

    The controller must be allowed to pass each role, and EKS allows one access entry per principal: a role that both
    Linux and Windows node classes use cannot get the right entry for both, so that is an error.
    """
    cluster = platform.cluster.name
    own_role, own_profile = platform.node_role_name, platform.iam.instance_profile(cluster)
    kinds: dict[str, set[str]] = {own_role: set()}
    for group in fleet.groups:
        nodeclass = group.nodeclass
        if nodeclass is None:
            continue
        role = nodeclass.role
        if nodeclass.instance_profile is not None:
            role = own_role if nodeclass.instance_profile == own_profile else None
            role = role or platform.iam.instance_profile_roles.get(nodeclass.instance_profile)
            if role is None:
                raise SpecError.one(
                    nodegroup_owner(group.name),
                    "instance_profile",
                    f"the controller cannot pass the role behind instance profile {nodeclass.instance_profile!r}: "
                    "name it in iam.instance_profile_roles",
                )
        assert role is not None
        kinds.setdefault(role, set()).add("EC2_WINDOWS" if is_windows(nodeclass.ami_family) else "EC2_LINUX")
    access = {}
    for role, found in sorted(kinds.items()):
        if len(found) > 1:
            raise SpecError.one(
                "iam",
                "node roles",
                f"role {role!r} is used by Linux and Windows node classes, but EKS allows one access entry per role: "
                "give the Windows groups a role of their own",
            )
        access[role] = found.pop() if found else "EC2_LINUX"
    return access


def extra_node_roles(platform: PlatformSpec, fleet: Fleet) -> list[str]:
    """Roles other than the platform's that nodes use; the controller must be allowed to pass each by name."""
    return [role for role in node_role_access(platform, fleet) if role != platform.node_role_name]


def check_versions(platform: PlatformSpec, fleet: Fleet) -> list[Finding]:
    spec = platform.karpenter
    owner = "karpenter"
    chart = _version(spec.version, owner, "version")
    crds = _version(spec.crd_chart_version, owner, "crd_version")
    if chart[0] < 1:
        raise SpecError.one(
            owner,
            "version",
            f"chart {spec.version} serves karpenter.sh/v1beta1; this fleet renders karpenter.sh/v1",
        )
    if crds[:2] != chart[:2]:
        raise SpecError.one(
            owner,
            "crd_version",
            f"CRD chart {spec.crd_chart_version} does not match the controller chart {spec.version}",
        )
    for group in fleet.groups:
        if not group.renders_nodepool:
            continue
        if group.replicas is not None and not spec.feature_gates.get("staticCapacity", False):
            raise SpecError.one(
                nodegroup_owner(group.name),
                "replicas",
                "static NodePools need karpenter.feature_gates.staticCapacity: true",
            )
        if "reserved" in group.instances.capacity_types and not spec.feature_gates.get("reservedCapacity", True):
            raise SpecError.one(
                nodegroup_owner(group.name),
                "instances.capacity_types",
                "'reserved' needs the reservedCapacity feature gate, which karpenter.feature_gates turns off",
            )
    if chart[:2] != VALIDATED_MINOR:
        wanted = ".".join(map(str, VALIDATED_MINOR))
        return [Finding(owner, "version", f"manifests are validated against Karpenter {wanted}, not {spec.version}")]
    return []


def check_production(platform: PlatformSpec, fleet: Fleet) -> list[Finding]:
    if not platform.production:
        return []
    found: list[Finding] = []
    for group in fleet.groups:
        owner = nodegroup_owner(group.name)
        nodeclass = group.nodeclass
        if nodeclass and any(t.alias and t.alias.endswith("@latest") for t in nodeclass.ami_selector_terms):
            found.append(
                Finding(owner, "ami_version", "follows @latest: every new AMI replaces every node; pin a version")
            )
        if not group.limits:
            found.append(Finding(owner, "limits", "no limits: nothing bounds this group's spend; set cpu and memory"))
    return found


def check_existing_node_classes(fleet: Fleet) -> list[Finding]:
    """Node-class checks (role, PassRole, access entry, AMI pin) cannot see a class the fleet does not render."""
    return [
        Finding(
            nodegroup_owner(group.name),
            "existing_node_class",
            f"EC2NodeClass {group.nodeclass_name!r} is not rendered here, so the plan cannot check it: make sure it "
            "exists, that the controller may pass its role (iam:PassRole; the platform only allows the roles of the "
            "classes it renders) and that the role has an EKS access entry",
        )
        for group in fleet.groups
        if group.existing_node_class
    ]


def check_reserved_capacity(fleet: Fleet) -> list[Finding]:
    """``reserved`` next to other capacity types launches nothing reserved without reservations to launch into."""
    classes = {g.nodeclass.name: g.nodeclass for g in fleet.groups if g.nodeclass is not None}
    return [
        Finding(
            nodegroup_owner(group.name),
            "instances.capacity_types",
            "'reserved' has no capacity reservations to launch into (the node class sets no "
            "capacity_reservation_selector_terms), so only the other capacity types launch",
        )
        for group in fleet.groups
        if group.renders_nodepool
        and not group.existing_node_class
        and "reserved" in group.instances.capacity_types
        and not classes[group.nodeclass_name].capacity_reservation_selector_terms
    ]


def check(platform: PlatformSpec, fleet: Fleet) -> list[Finding]:
    """Run every check; raise on the first error, return all warnings."""
    node_role_access(platform, fleet)
    return [
        *check_versions(platform, fleet),
        *check_production(platform, fleet),
        *check_existing_node_classes(fleet),
        *check_reserved_capacity(fleet),
    ]
