"""The ``karpenter.sh/discovery`` tag on what the EC2NodeClasses select, without taking those resources over."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from karpenter_infra.components.base import child, token
from karpenter_infra.spec.resolve import DISCOVERY_TAG


class DiscoveryTags(pulumi.ComponentResource):
    """``aws.ec2.Tag`` adds one tag to a resource Pulumi does not own: the VPC team keeps its subnets.

    The EKS cluster security group is tagged too: it is the one that lets nodes talk to the control plane, and
    nodes that only get pulumi-eks's node security group cannot join.
    """

    def __init__(
        self,
        name: str,
        *,
        cluster_name: str,
        subnet_ids: Sequence[str],
        cluster_security_group_id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(token("DiscoveryTags"), name, None, opts)
        for subnet in sorted(subnet_ids):
            aws.ec2.Tag(
                f"{name}-{subnet}",
                resource_id=subnet,
                key=DISCOVERY_TAG,
                value=cluster_name,
                opts=child(self),
            )
        aws.ec2.Tag(
            f"{name}-cluster-sg",
            resource_id=cluster_security_group_id,
            key=DISCOVERY_TAG,
            value=cluster_name,
            opts=child(self),
        )
        self.register_outputs({})
