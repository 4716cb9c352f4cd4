"""Plan-time checks: the fleet against the platform (cluster, Karpenter chart, IAM), as rules of the ledger.

Errors stop the plan (every one reported at once, as a ``SpecError``); warnings are printed and the plan goes on.
Both name what to change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.fleet import Fleet
from karpenter_infra.ledger.core import Finding, Problem, Severity, Stage, declare, raise_errors, rule, run
from karpenter_infra.rules.zones import zones_problem
from karpenter_infra.spec.automode import Backend
from karpenter_infra.spec.nodeclass import is_windows
from karpenter_infra.spec.platform import PlatformSpec

__all__ = ["Finding", "check", "extra_node_roles", "node_role_access"]

#: The Karpenter release whose CRDs and rules this library validates against.
VALIDATED_MINOR = (1, 14)

#: The last Kubernetes minor EKS publishes optimized AMIs of an alias family for. EKS publishes no AL2 AMIs for 1.33
#: and later (https://docs.aws.amazon.com/eks/latest/userguide/eks-ami-deprecation-faqs.html): an ``al2@`` alias
#: then resolves to no AMI and Karpenter launches no node. Explicit AMI ids or tags are the user's choice.
LAST_PUBLISHED_MINOR = {"al2": (1, 32)}


def _version(text: str) -> tuple[int, int, int] | None:
    match = re.fullmatch(r"v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?", text)
    if match is None:
        return None
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


def _karpenter(platform: PlatformSpec) -> bool:
    return platform.backend != Backend.AUTO_MODE


@rule(
    "chart-version",
    severity=Severity.ERROR,
    stage=Stage.PLATFORM,
    source="Helm: chart versions are SemVer 2; karpenter.sh/v1 is served from chart 1.0 (Karpenter v1 upgrade "
    "guide); the CRD chart must match the controller (karpenter-crd chart README)",
    summary="a chart version that is not SemVer, below 1.0, or a CRD chart of another minor than the controller",
)
def chart_versions(platform: PlatformSpec, fleet: Fleet) -> Iterator[Problem]:
    if not _karpenter(platform):
        return
    spec = platform.karpenter
    chart, crds = _version(spec.version), _version(spec.crd_chart_version)
    for field, text, parsed in (("version", spec.version, chart), ("crd_version", spec.crd_chart_version, crds)):
        if parsed is None:
            yield Problem("karpenter", field, f"{text!r} is not a chart version like 1.14.1")
    if chart is None or crds is None:
        return
    if chart[0] < 1:
        yield Problem(
            "karpenter",
            "version",
            f"chart {spec.version} serves karpenter.sh/v1beta1; this fleet renders karpenter.sh/v1",
        )
    elif crds[:2] != chart[:2]:
        yield Problem(
            "karpenter",
            "crd_version",
            f"CRD chart {spec.crd_chart_version} does not match the controller chart {spec.version}",
        )


@rule(
    "feature-gate",
    severity=Severity.ERROR,
    stage=Stage.PLATFORM,
    source="core pkg/operator/options (feature gates StaticCapacity, ReservedCapacity): without the gate the "
    "controller ignores static pools and reserved offerings",
    summary="replicas without the staticCapacity gate, or 'reserved' with the reservedCapacity gate off",
)
def feature_gates(platform: PlatformSpec, fleet: Fleet) -> Iterator[Problem]:
    if not _karpenter(platform):
        return
    gates = platform.karpenter.feature_gates
    for group in fleet.groups:
        if not group.renders_nodepool:
            continue
        if group.replicas is not None and not gates.get("staticCapacity", False):
            yield Problem(
                nodegroup_owner(group.name),
                "replicas",
                "static NodePools need karpenter.feature_gates.staticCapacity: true",
            )
        if "reserved" in group.instances.capacity_types and not gates.get("reservedCapacity", True):
            yield Problem(
                nodegroup_owner(group.name),
                "instances.capacity_types",
                "'reserved' needs the reservedCapacity feature gate, which karpenter.feature_gates turns off",
            )


@rule(
    "karpenter-version",
    severity=Severity.WARNING,
    stage=Stage.PLATFORM,
    source="the CRDs and rules here are Karpenter v1.14's (shared/reference/karpenter-v1.14)",
    summary="a Karpenter chart of another minor than the one the manifests are validated against",
)
def karpenter_version(platform: PlatformSpec, fleet: Fleet) -> Iterator[Problem]:
    chart = _version(platform.karpenter.version)
    if _karpenter(platform) and chart is not None and chart[0] >= 1 and chart[:2] != VALIDATED_MINOR:
        wanted = ".".join(map(str, VALIDATED_MINOR))
        yield Problem(
            "karpenter",
            "version",
            f"manifests are validated against Karpenter {wanted}, not {platform.karpenter.version}: move the pin "
            "(docs/releases.md) or expect the API server to be the first check",
        )


@rule(
    "production-ami-latest",
    severity=Severity.WARNING,
    stage=Stage.PLATFORM,
    source="Karpenter docs, Managing AMIs (pin AMIs in production: @latest rolls every node on each release)",
    summary="a production platform whose group follows @latest AMIs",
)
def production_ami(platform: PlatformSpec, fleet: Fleet) -> Iterator[Problem]:
    if not platform.production or not _karpenter(platform):
        return
    for group in fleet.groups:
        nodeclass = group.nodeclass
        if nodeclass and any(t.alias and t.alias.endswith("@latest") for t in nodeclass.ami_selector_terms):
            yield Problem(
                nodegroup_owner(group.name),
                "ami_version",
                "follows @latest: every new AMI replaces every node; pin a version",
            )


@rule(
    "production-no-limits",
    severity=Severity.WARNING,
    stage=Stage.PLATFORM,
    source="Karpenter docs, NodePools, spec.limits (nothing else bounds a pool's spend)",
    summary="a production platform whose group sets no limits",
)
def production_limits(platform: PlatformSpec, fleet: Fleet) -> Iterator[Problem]:
    if not platform.production:
        return
    for group in fleet.groups:
        if not group.limits:
            yield Problem(
                nodegroup_owner(group.name),
                "limits",
                "no limits: nothing bounds this group's spend; set cpu and memory",
            )


@rule(
    "ami-family-unpublished",
    severity=Severity.WARNING,
    stage=Stage.PLATFORM,
    source="EKS AMI deprecation FAQ: no AL2 AMIs for Kubernetes 1.33 and later, so the alias resolves to no AMI",
    summary="an AMI alias family EKS publishes no AMIs of for the cluster's Kubernetes version",
)
def ami_families(platform: PlatformSpec, fleet: Fleet) -> Iterator[Problem]:
    if not _karpenter(platform):
        return
    major, minor = (int(part) for part in platform.cluster.kubernetes_version.split("."))
    for group in fleet.groups:
        aliases = [t.alias for t in group.nodeclass.ami_selector_terms if t.alias] if group.nodeclass else []
        for family in sorted({alias.split("@", 1)[0].lower() for alias in aliases}):
            last = LAST_PUBLISHED_MINOR.get(family)
            if last is not None and (major, minor) > last:
                yield Problem(
                    nodegroup_owner(group.name),
                    "ami_family",
                    f"EKS publishes no {family}@ AMIs for Kubernetes {platform.cluster.kubernetes_version} "
                    f"(the last is {last[0]}.{last[1]}): use AL2023 or Bottlerocket",
                )


@rule(
    "existing-node-class-unchecked",
    severity=Severity.WARNING,
    stage=Stage.PLATFORM,
    source="EKS access entries and iam:PassRole (Karpenter getting-started IAM): the plan cannot see a class it "
    "does not render",
    summary="a group on an existing EC2NodeClass whose role, PassRole and access entry the plan cannot check",
)
def existing_node_classes(platform: PlatformSpec, fleet: Fleet) -> Iterator[Problem]:
    for group in fleet.groups:
        if group.existing_node_class:
            yield Problem(
                nodegroup_owner(group.name),
                "existing_node_class",
                f"EC2NodeClass {group.nodeclass_name!r} is not rendered here, so the plan cannot check it: make sure "
                "it exists, that the controller may pass its role (iam:PassRole; the platform only allows the roles "
                "of the classes it renders) and that the role has an EKS access entry",
            )


@rule(
    "auto-mode-monitoring",
    severity=Severity.WARNING,
    stage=Stage.PLATFORM,
    source="EKS Auto Mode exposes no Karpenter controller metrics (EKS User Guide, Auto Mode)",
    summary="monitoring enabled on backend auto-mode, where its alerts and dashboards would stay empty",
)
def auto_mode_monitoring(platform: PlatformSpec, fleet: Fleet) -> Iterator[Problem]:
    if platform.backend == Backend.AUTO_MODE and platform.monitoring.enabled:
        yield Problem(
            "monitoring",
            "enabled",
            "EKS Auto Mode exposes no Karpenter controller metrics, so the per-nodegroup alerts and dashboards "
            "would never fire or fill: they are not created on backend auto-mode; set monitoring.enabled: false",
        )


@rule(
    "zone-region",
    severity=Severity.ERROR,
    stage=Stage.PLATFORM,
    source="EC2: a zone of another region is no offering of this one (provider pkg/providers/instancetype "
    "offerings are per region), so the pool launches nothing",
    summary="availability_zones of another region than the stack's",
)
def zone_region(platform: PlatformSpec, fleet: Fleet) -> Iterator[Problem]:
    if not platform.region:
        return
    for group in fleet.groups:
        if group.availability_zones:
            problem = zones_problem(tuple(group.availability_zones), platform.region)
            if problem:
                yield Problem(nodegroup_owner(group.name), "availability_zones", problem)


@rule(
    "cluster-name",
    severity=Severity.ERROR,
    stage=Stage.PLATFORM,
    source="ours: defaults.cluster_name and the platform's cluster.name say different things",
    summary="a fleet built for another cluster than the platform's",
)
def cluster_name(platform: PlatformSpec, fleet: Fleet) -> Iterator[Problem]:
    if fleet.defaults.cluster_name != platform.cluster.name:
        yield Problem(
            "defaults",
            "cluster_name",
            f"{fleet.defaults.cluster_name!r} differs from the platform's cluster.name {platform.cluster.name!r}",
        )


@rule(
    "backend",
    severity=Severity.ERROR,
    stage=Stage.PLATFORM,
    source="ours: the fleet was rendered for another backend than the platform runs",
    summary="a fleet built for another backend than platform.backend",
)
def backend(platform: PlatformSpec, fleet: Fleet) -> Iterator[Problem]:
    if fleet.backend.name != platform.backend:
        yield Problem(
            "platform",
            "backend",
            f"is {platform.backend!r} but the fleet was built for {fleet.backend.name!r}: "
            "build it with Fleet(..., backend=platform.backend)",
        )


declare(
    "node-role-access",
    severity=Severity.ERROR,
    stage=Stage.PLATFORM,
    source="EKS access entries: one entry (one type, EC2_LINUX or EC2_WINDOWS) per principal; the controller needs "
    "iam:PassRole on each node role (Karpenter getting-started IAM)",
    summary="a role shared by Linux and Windows node classes, or an instance profile whose role is unknown",
    where=node_role_access,
)


def check(platform: PlatformSpec, fleet: Fleet) -> list[Finding]:
    """Every check: raise every error at once, return every warning not switched off.

    The one validation path: the CLI (render, diff, schedule) and ``KarpenterPlatform`` (plan, preview, up) both call
    this, once, before anything is registered, whichever backend runs Karpenter.
    """
    found = run(Stage.PLATFORM, platform, fleet)
    if not any(f.rule in {"cluster-name", "backend"} for f in found):
        try:
            node_role_access(platform, fleet)
        except SpecError as exc:
            found += [Finding(exc.owner, f, p, "node-role-access", Severity.ERROR) for f, p in exc.issues]
    raise_errors(found)
    off = {nodegroup_owner(g.name): g.warnings_off for g in fleet.groups}
    platform_off = frozenset(fleet.defaults.warnings_off or ())
    own = [f for f in found if f.severity == Severity.WARNING and f.rule not in off.get(f.owner, platform_off)]
    return sorted([*own, *fleet.warnings])
