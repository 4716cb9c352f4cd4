"""What a group's node class and NodePool say about their owner: one definition for both backends."""

from __future__ import annotations

from typing import Any

from karpenter_infra.spec.resolved import ResolvedNodeClass, ResolvedNodeGroup


def owner_labels(group: ResolvedNodeGroup) -> dict[str, str]:
    """Labels on the Karpenter objects themselves, so ``kubectl get nodepools -l`` finds a group's objects."""
    return {"app.kubernetes.io/managed-by": "karpenter-infra", group.group_label_key: group.group_label}


def owned_nodeclass(group: ResolvedNodeGroup) -> ResolvedNodeClass:
    """The node class ``group`` renders; asking a group that reuses another's (or an existing one) is a caller bug."""
    if group.nodeclass is None:
        raise ValueError(f"group {group.name!r} reuses node class {group.nodeclass_name!r}; it renders none")
    return group.nodeclass


def nodeclass_metadata(group: ResolvedNodeGroup, nodeclass: ResolvedNodeClass) -> dict[str, Any]:
    return {"name": nodeclass.name, "labels": owner_labels(group)}
