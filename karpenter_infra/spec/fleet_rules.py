"""Rules across the resolved groups of one fleet: unique object names, node class references, reserved capacity."""

from __future__ import annotations

from collections.abc import Sequence

from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.spec.resolved import ResolvedNodeGroup


def check_fleet(groups: Sequence[ResolvedNodeGroup]) -> None:
    _check_unique_names(groups)
    _check_existing_classes(groups)
    _check_reserved_capacity(groups)


def _check_unique_names(groups: Sequence[ResolvedNodeGroup]) -> None:
    owners: dict[tuple[str, str], str] = {}
    for group in groups:
        rendered = [("NodePool", group.nodepool_name)] if group.renders_nodepool else []
        if group.nodeclass is not None:
            rendered.append(("EC2NodeClass", group.nodeclass.name))
        for kind, name in rendered:
            if (kind, name) in owners:
                raise SpecError.one(
                    nodegroup_owner(group.name),
                    "name",
                    f"renders {kind} {name!r}, as does group {owners[kind, name]!r}",
                )
            owners[kind, name] = group.name


def _check_existing_classes(groups: Sequence[ResolvedNodeGroup]) -> None:
    rendered = {g.nodeclass.name: g.name for g in groups if g.nodeclass is not None}
    for group in groups:
        if group.existing_node_class and group.nodeclass_name in rendered:
            owner = rendered[group.nodeclass_name]
            raise SpecError.one(
                nodegroup_owner(group.name),
                "existing_node_class",
                f"the fleet renders EC2NodeClass {group.nodeclass_name!r} itself (group {owner!r}): "
                f"set node_class={owner!r} instead",
            )


def _check_reserved_capacity(groups: Sequence[ResolvedNodeGroup]) -> None:
    """A pool that may only launch ``reserved`` capacity launches nothing unless its class selects reservations."""
    classes = {g.nodeclass.name: g.nodeclass for g in groups if g.nodeclass is not None}
    for group in groups:
        if not group.renders_nodepool or group.existing_node_class or group.instances.capacity_types != ["reserved"]:
            continue
        if not classes[group.nodeclass_name].capacity_reservation_selector_terms:
            raise SpecError.one(
                nodegroup_owner(group.name),
                "instances.capacity_types",
                "only 'reserved' capacity, but the node class selects no capacity reservations, so nothing can "
                "launch: set capacity_reservation_selector_terms",
            )
