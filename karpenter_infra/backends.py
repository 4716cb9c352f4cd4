"""Who runs Karpenter, behind one small interface: render a group's node class and pool, and validate them.

The fleet knows nothing else about the backend. Self-managed Karpenter renders ``EC2NodeClass`` objects and checks
them against the v1.14 CRDs; EKS Auto Mode (``karpenter_infra.automode``) renders ``eks.amazonaws.com`` NodeClasses
and refuses the settings AWS does not let a NodeClass express. Both render the same ``karpenter.sh/v1`` NodePool.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from karpenter_infra.automode.refuse import check_not_auto_mode
from karpenter_infra.catalog.view import KARPENTER, CatalogView
from karpenter_infra.karpenter.validate import validate_manifest
from karpenter_infra.render.ec2nodeclass import ec2_node_class
from karpenter_infra.render.nodepool import node_pool
from karpenter_infra.spec.automode import Backend
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults
from karpenter_infra.spec.resolved import ResolvedNodeGroup

Manifest = dict[str, Any]


class NodeBackend(Protocol):
    #: The stack setting's value: ``karpenter`` or ``auto-mode``.
    name: str
    #: The kind of object ``node_class`` renders.
    node_class_kind: str
    #: How the catalog reads this backend's NodePools: its label keys, the instance types it launches.
    catalog_view: CatalogView

    def node_class(self, group: ResolvedNodeGroup) -> Manifest: ...

    def node_pool(self, group: ResolvedNodeGroup) -> Manifest: ...

    def validate(self, manifest: Mapping[str, Any]) -> None:
        """Raise ``ManifestError`` for a manifest the cluster would reject."""
        ...


class SelfManagedKarpenter:
    name = "karpenter"
    node_class_kind = "EC2NodeClass"
    catalog_view = KARPENTER

    def __init__(self, defaults: NodeGroupDefaults, nodegroups: Sequence[NodeGroup]) -> None:
        check_not_auto_mode(defaults, nodegroups)

    def node_class(self, group: ResolvedNodeGroup) -> Manifest:
        return ec2_node_class(group)

    def node_pool(self, group: ResolvedNodeGroup) -> Manifest:
        return node_pool(group)

    def validate(self, manifest: Mapping[str, Any]) -> None:
        validate_manifest(manifest)


#: Every kind a backend renders as a node class: every field of one is launch configuration, and a pool's
#: ``nodeClassRef`` points at one.
NODE_CLASS_KINDS: tuple[str, ...] = (SelfManagedKarpenter.node_class_kind, "NodeClass")  # tests/test_backends.py


def backend_for(backend: Backend | str, defaults: NodeGroupDefaults, nodegroups: Sequence[NodeGroup]) -> NodeBackend:
    """The backend a stack names, bound to its nodegroup list (which it checks for what it cannot express)."""
    if Backend(backend) is Backend.AUTO_MODE:
        # Imported here: its NodeClass mirror is a tenth of what `render` imports, and only Auto Mode stacks use it.
        from karpenter_infra.automode.render import AutoModeBackend

        return AutoModeBackend(defaults, nodegroups)
    return SelfManagedKarpenter(defaults, nodegroups)
