"""The dedicated, tainted EKS managed node group that runs Karpenter and the critical add-ons."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from karpenter_infra.aws.arns import AwsContext
from karpenter_infra.aws.policies import ec2_trust_policy
from karpenter_infra.components.base import child, token
from karpenter_infra.components.iam import attach_node_policies
from karpenter_infra.helm import coredns_configuration
from karpenter_infra.spec.platform import ControllerNodesSpec, IamSpec


class ControllerNodeGroup(pulumi.ComponentResource):
    """On-demand, at least two nodes in at least two zones, tainted so only what tolerates it lands here.

    Karpenter must never run on nodes it manages: it could consolidate away the node it runs on. CoreDNS lives
    here too, so cluster DNS does not wait for Karpenter to launch its first node.
    """

    node_group_name: pulumi.Output[str]
    role_arn: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        spec: ControllerNodesSpec,
        iam: IamSpec,
        *,
        cluster_name: pulumi.Input[str],
        subnet_ids: list[str],
        context: pulumi.Output[AwsContext],
        ipv6: bool,
        tags: dict[str, str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(token("ControllerNodeGroup"), name, None, opts)
        if len(subnet_ids) < 2:
            raise ValueError("the controller node group needs subnets in at least two zones")
        role = aws.iam.Role(
            f"{name}-role",
            path=iam.path,
            permissions_boundary=iam.permissions_boundary,
            assume_role_policy=context.apply(lambda ctx: json.dumps(ec2_trust_policy(ctx), sort_keys=True)),
            tags=tags,
            opts=child(self),
        )
        # The worker policies are what lets the nodes join; the node group waits for them.
        attachments = attach_node_policies(self, name, role, context, ipv6=ipv6)
        node_group = aws.eks.NodeGroup(
            f"{name}-nodes",
            cluster_name=cluster_name,
            node_role_arn=role.arn,
            subnet_ids=subnet_ids,
            capacity_type="ON_DEMAND",
            instance_types=spec.instance_types,
            ami_type=spec.ami_type,
            disk_size=spec.disk_size,
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                min_size=spec.min_size, desired_size=spec.desired_size, max_size=spec.max_size
            ),
            update_config=aws.eks.NodeGroupUpdateConfigArgs(max_unavailable=1),
            labels=spec.labels,
            taints=[aws.eks.NodeGroupTaintArgs(key=spec.taint_key, value=spec.taint_value, effect="NO_SCHEDULE")],
            tags=tags,
            opts=child(self, depends_on=attachments),
        )
        if spec.coredns_addon:
            self._coredns(name, spec, cluster_name, node_group)
        self.node_group_name = node_group.node_group_name
        self.role_arn = role.arn
        self.register_outputs({"node_group_name": self.node_group_name, "role_arn": self.role_arn})

    def _coredns(
        self, name: str, spec: ControllerNodesSpec, cluster_name: pulumi.Input[str], node_group: aws.eks.NodeGroup
    ) -> None:
        aws.eks.Addon(
            f"{name}-coredns",
            cluster_name=cluster_name,
            addon_name="coredns",
            configuration_values=json.dumps(coredns_configuration(spec), sort_keys=True),
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            # CoreDNS pods need a node that tolerates them; without the node group the add-on never turns healthy.
            opts=child(self, depends_on=[node_group]),
        )
