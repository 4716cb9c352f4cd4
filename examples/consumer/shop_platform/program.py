"""The program: the stack's `karpenter-infra:platform` config and the nodegroup list in, Karpenter deployed."""

from __future__ import annotations

import pulumi

from karpenter_infra import Fleet
from karpenter_infra.components.platform import KarpenterPlatform
from karpenter_infra.spec.platform import PlatformSpec
from shop_platform.nodegroups import DEFAULTS, NODEGROUPS


def main() -> None:
    spec = PlatformSpec.model_validate(pulumi.Config("karpenter-infra").require_object("platform"))
    fleet = Fleet(DEFAULTS, NODEGROUPS, node_role=spec.node_role_name, backend=spec.backend)
    platform = KarpenterPlatform("karpenter", spec, fleet)
    pulumi.export("cluster_name", platform.cluster_name)
    pulumi.export("controller_role_arn", platform.controller_role_arn)
    pulumi.export("node_role_arn", platform.node_role_arn)
    pulumi.export("interruption_queue", platform.queue_name)
