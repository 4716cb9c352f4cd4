"""Plan-time checks for the failures Karpenter users hit most, across the platform and its fleet.

Errors stop the plan (``SpecError``); warnings are printed and the plan goes on. Both name what to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from karpenter_infra.disruption.warnings import group_warnings
from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.fleet import Fleet
from karpenter_infra.rules.fleet import spread_warnings
from karpenter_infra.rules.group import disruption_warnings
from karpenter_infra.rules.zones import zones_problem
from karpenter_infra.spec.automode import Backend
from karpenter_infra.spec.nodeclass import is_windows
from karpenter_infra.spec.platform import PlatformSpec

#: The Karpenter release whose CRDs and rules this library validates against.
VALIDATED_MINOR = (1, 14)

#: The last Kubernetes minor EKS publishes optimized AMIs of an alias family for. EKS publishes no AL2 AMIs for 1.33
#: and later (https://docs.aws.amazon.com/eks/latest/userguide/eks-ami-deprecation-faqs.html): an ``al2@`` alias
#: then resolves to no AMI and Karpenter launches no node. Explicit AMI ids or tags are the user's choice.
LAST_PUBLISHED_MINOR = {"al2": (1, 32)}


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
    """Every role nodes use, by name, with the type of its EKS access entry (the platform's role if it is used).

    The controller must be allowed to pass each role, and EKS allows one access entry per principal: a role that both
    Linux and Windows node classes use cannot get the right entry for both, so that is an error.
    """
    cluster = platform.cluster.name
    own_role, own_profile = platform.node_role_name, platform.iam.instance_profile(cluster)
    # The platform's own role counts only when something uses it (a group, or the instance profile made of it):
    # a fleet whose groups all bring their own roles (imported from the chart) leaves no unused role behind.
    kinds: dict[str, set[str]] = {own_role: set()} if own_profile is not None else {}
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


def check_catalog(fleet: Fleet) -> list[Finding]:
    """What the instance-type catalog says about the pools (errors were raised when the fleet was built)."""
    return [Finding(w.owner, w.field, w.message) for w in fleet.catalog_report.warnings]


def check_cluster_name(platform: PlatformSpec, fleet: Fleet) -> None:
    """The node classes select subnets and security groups tagged for ``cluster_name``: it must be this cluster."""
    if fleet.defaults.cluster_name != platform.cluster.name:
        raise SpecError.one(
            "defaults",
            "cluster_name",
            f"{fleet.defaults.cluster_name!r} differs from the platform's cluster.name {platform.cluster.name!r}",
        )


def check_ami_families(platform: PlatformSpec, fleet: Fleet) -> list[Finding]:
    major, minor = (int(part) for part in platform.cluster.kubernetes_version.split("."))
    found = []
    for group in fleet.groups:
        aliases = [t.alias for t in group.nodeclass.ami_selector_terms if t.alias] if group.nodeclass else []
        for family in sorted({alias.split("@", 1)[0].lower() for alias in aliases}):
            last = LAST_PUBLISHED_MINOR.get(family)
            if last is not None and (major, minor) > last:
                found.append(
                    Finding(
                        nodegroup_owner(group.name),
                        "ami_family",
                        f"EKS publishes no {family}@ AMIs for Kubernetes {platform.cluster.kubernetes_version} "
                        f"(the last is {last[0]}.{last[1]}): use AL2023 or Bottlerocket",
                    )
                )
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
    """Run every check; raise on the first error, return all warnings.

    The one validation path: the CLI (render, diff, schedule) and ``KarpenterPlatform`` (plan, preview, up) both call
    this, once, before anything is registered, whichever backend runs Karpenter.
    """
    check_cluster_name(platform, fleet)
    if fleet.backend.name != platform.backend:
        raise SpecError.one(
            "platform",
            "backend",
            f"is {platform.backend!r} but the fleet was built for {fleet.backend.name!r}: "
            "build it with Fleet(..., backend=platform.backend)",
        )
    node_role_access(platform, fleet)
    if platform.backend == Backend.AUTO_MODE:
        backend = check_auto_mode(platform, fleet)
    else:
        backend = [
            *check_versions(platform, fleet),
            *check_production(platform, fleet),
            *check_ami_families(platform, fleet),
        ]
    return [
        *backend,
        *check_reserved_capacity(fleet),  # both backends launch `reserved` only into the reservations selected
        *check_rules(platform, fleet),
        *check_catalog(fleet),
        *check_existing_node_classes(fleet),
    ]


def check_auto_mode(platform: PlatformSpec, fleet: Fleet) -> list[Finding]:
    """The plan-time checks that apply when AWS runs Karpenter.

    The controller's version and feature gates are AWS's (so static pools and reserved capacity need no gate), and
    Auto Mode nodes have no AMI alias to pin: AWS patches them, so "follows @latest" would say nothing.
    """
    found = [f for f in check_production(platform, fleet) if f.field != "ami_version"]
    if platform.monitoring.enabled:
        found.append(
            Finding(
                "monitoring",
                "enabled",
                "EKS Auto Mode exposes no Karpenter controller metrics, so the per-nodegroup alerts and dashboards "
                "would never fire or fill: they are not created on backend auto-mode",
            )
        )
    return found


def check_rules(platform: PlatformSpec, fleet: Fleet) -> list[Finding]:
    """The rules of karpenter_infra.rules that need the stack (its region) or only warn."""
    for group in fleet.groups:
        if platform.region and group.availability_zones:
            problem = zones_problem(tuple(group.availability_zones), platform.region)
            if problem:
                raise SpecError.one(nodegroup_owner(group.name), "availability_zones", problem)
    warnings = [*spread_warnings(fleet.groups), *disruption_warnings(fleet.groups), *group_warnings(fleet.groups)]
    return [Finding(owner, field, message) for owner, field, message in warnings]
