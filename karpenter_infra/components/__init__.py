"""The Pulumi components, each usable alone: ``from karpenter_infra.components import NodePoolSet``.

``KarpenterPlatform`` wires all of them; the others are for a program that owns part of the platform itself (a
cluster whose Karpenter someone else installs needs only ``NodePoolSet``, perhaps ``InterruptionQueue``).

The names load on first use (PEP 562): importing one component's module imports this package first, and an eager
import here would load every provider SDK (pulumi_aws alone is most of a second) to register a few Kubernetes
objects. mypy and editors read the ``TYPE_CHECKING`` imports, so the names are checked as ordinary imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from karpenter_infra.lazy import lazy_exports

if TYPE_CHECKING:
    from karpenter_infra.components.automode import AutoModeNodeAccess, AutoModeNodeRole
    from karpenter_infra.components.cluster import EksCluster
    from karpenter_infra.components.controller_nodes import ControllerNodeGroup
    from karpenter_infra.components.discovery import DiscoveryTags
    from karpenter_infra.components.iam import KarpenterIam
    from karpenter_infra.components.interruption import InterruptionQueue
    from karpenter_infra.components.monitoring import KarpenterMonitoring
    from karpenter_infra.components.nodepools import NodePoolSet
    from karpenter_infra.components.platform import KarpenterPlatform
    from karpenter_infra.components.release import KarpenterRelease

#: Each component and the module that defines it.
_HOMES: dict[str, str] = {
    "AutoModeNodeAccess": "karpenter_infra.components.automode",
    "AutoModeNodeRole": "karpenter_infra.components.automode",
    "ControllerNodeGroup": "karpenter_infra.components.controller_nodes",
    "DiscoveryTags": "karpenter_infra.components.discovery",
    "EksCluster": "karpenter_infra.components.cluster",
    "InterruptionQueue": "karpenter_infra.components.interruption",
    "KarpenterIam": "karpenter_infra.components.iam",
    "KarpenterMonitoring": "karpenter_infra.components.monitoring",
    "KarpenterPlatform": "karpenter_infra.components.platform",
    "KarpenterRelease": "karpenter_infra.components.release",
    "NodePoolSet": "karpenter_infra.components.nodepools",
}

__all__ = [
    "AutoModeNodeAccess",
    "AutoModeNodeRole",
    "ControllerNodeGroup",
    "DiscoveryTags",
    "EksCluster",
    "InterruptionQueue",
    "KarpenterIam",
    "KarpenterMonitoring",
    "KarpenterPlatform",
    "KarpenterRelease",
    "NodePoolSet",
]


__getattr__, __dir__ = lazy_exports(__name__, _HOMES, __all__)
