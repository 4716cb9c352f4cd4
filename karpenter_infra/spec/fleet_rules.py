"""Rules across the resolved groups of one fleet: unique object names, node class references, reserved capacity."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from karpenter_infra.errors import nodegroup_owner
from karpenter_infra.ledger.core import Problem, Severity, Stage, rule
from karpenter_infra.spec.nodeclass import is_windows
from karpenter_infra.spec.resolved import ResolvedNodeGroup


@rule(
    "unique-object-names",
    severity=Severity.ERROR,
    stage=Stage.FLEET,
    source="Kubernetes API server: object names are unique per kind (the second would overwrite the first)",
    summary="two groups that render a NodePool or EC2NodeClass of the same name",
)
def unique_names(groups: Sequence[ResolvedNodeGroup]) -> Iterator[Problem]:
    owners: dict[tuple[str, str], str] = {}
    for group in groups:
        rendered = [("NodePool", group.nodepool_name)] if group.renders_nodepool else []
        if group.nodeclass is not None:
            rendered.append(("EC2NodeClass", group.nodeclass.name))
        for kind, name in rendered:
            if (kind, name) in owners:
                yield Problem(
                    nodegroup_owner(group.name),
                    "name",
                    f"renders {kind} {name!r}, as does group {owners[kind, name]!r}",
                )
            else:
                owners[kind, name] = group.name


@rule(
    "existing-class-rendered",
    severity=Severity.ERROR,
    stage=Stage.FLEET,
    source="ours: existing_node_class names a class this fleet renders itself (node_class says it)",
    summary="existing_node_class naming an EC2NodeClass the fleet renders",
)
def existing_classes(groups: Sequence[ResolvedNodeGroup]) -> Iterator[Problem]:
    rendered = {g.nodeclass.name: g.name for g in groups if g.nodeclass is not None}
    for group in groups:
        if group.existing_node_class and group.nodeclass_name in rendered:
            owner = rendered[group.nodeclass_name]
            yield Problem(
                nodegroup_owner(group.name),
                "existing_node_class",
                f"the fleet renders EC2NodeClass {group.nodeclass_name!r} itself (group {owner!r}): "
                f"set node_class={owner!r} instead",
            )


def _reserving(groups: Sequence[ResolvedNodeGroup]) -> Iterator[tuple[ResolvedNodeGroup, bool]]:
    """Pools that admit ``reserved`` with a rendered class that selects no reservations, and whether only reserved."""
    classes = {g.nodeclass.name: g.nodeclass for g in groups if g.nodeclass is not None}
    for group in groups:
        if not group.renders_nodepool or group.existing_node_class or "reserved" not in group.instances.capacity_types:
            continue
        nodeclass = classes.get(group.nodeclass_name)
        if nodeclass is not None and not nodeclass.capacity_reservation_selector_terms:
            yield group, group.instances.capacity_types == ["reserved"]


@rule(
    "reserved-without-reservations",
    severity=Severity.ERROR,
    stage=Stage.FLEET,
    source="provider pkg/providers/capacityreservation (reserved offerings come only from the reservations the "
    "EC2NodeClass selects): a reserved-only pool can never launch",
    summary="a pool that may only launch reserved capacity whose node class selects no capacity reservations",
)
def reserved_only(groups: Sequence[ResolvedNodeGroup]) -> Iterator[Problem]:
    for group, only in _reserving(groups):
        if only:
            yield Problem(
                nodegroup_owner(group.name),
                "instances.capacity_types",
                "only 'reserved' capacity, but the node class selects no capacity reservations, so nothing can "
                "launch: set capacity_reservation_selector_terms",
            )


@rule(
    "reserved-unused",
    severity=Severity.WARNING,
    stage=Stage.FLEET,
    source="provider pkg/providers/capacityreservation (reserved offerings come only from the reservations the "
    "EC2NodeClass selects)",
    summary="'reserved' next to other capacity types while the node class selects no reservations: only the "
    "others launch",
)
def reserved_unused(groups: Sequence[ResolvedNodeGroup]) -> Iterator[Problem]:
    for group, only in _reserving(groups):
        if not only:
            yield Problem(
                nodegroup_owner(group.name),
                "instances.capacity_types",
                "'reserved' has no capacity reservations to launch into (the node class sets no "
                "capacity_reservation_selector_terms), so only the other capacity types launch",
            )


@rule(
    "os-ami-family",
    severity=Severity.ERROR,
    stage=Stage.FLEET,
    source="provider pkg/providers/amifamily/ami.go (each AMI carries kubernetes.io/os of its family) and "
    "pkg/providers/instancetype/instancetype.go (types are filtered by the AMIs' requirements): no instance type "
    "is compatible, so the pool can never launch",
    summary="a pool whose operating_systems the node class's AMI family (its own or a shared one) cannot run: "
    "Windows OS with a Linux family, or a Windows family with only Linux",
)
def os_ami_family(groups: Sequence[ResolvedNodeGroup]) -> Iterator[Problem]:
    classes = {g.nodeclass.name: (g.name, g.nodeclass) for g in groups if g.nodeclass is not None}
    for group in groups:
        if not group.renders_nodepool or group.existing_node_class or group.nodeclass_name not in classes:
            continue
        owner, nodeclass = classes[group.nodeclass_name]
        if str(nodeclass.ami_family) == "Custom":
            continue  # a custom AMI may be either: the selector terms decide
        family_os = "windows" if is_windows(nodeclass.ami_family) else "linux"
        systems = group.instances.operating_systems
        if family_os not in systems:
            where = "" if owner == group.name else f" (the node class of group {owner!r})"
            yield Problem(
                nodegroup_owner(group.name),
                "instances.operating_systems",
                f"{systems} but ami_family {nodeclass.ami_family}{where} runs only {family_os}: no instance type "
                "can launch; "
                + (
                    "set ami_family to Windows2019, Windows2022 or Windows2025"
                    if family_os == "linux"
                    else "set operating_systems: [windows]"
                ),
            )
