"""The ``auto-mode`` backend's platform: an EKS Auto Mode cluster, its node role and access, and the fleet.

AWS runs Karpenter there, so none of the self-managed parts exist: no controller role, interruption queue,
EventBridge rules, controller node group or Helm release. ``KarpenterPlatform`` dispatches here, once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks

from karpenter_infra.aws.arns import AwsContext, aws_managed_policy_arn, eks_access_policy_arn, role_arn
from karpenter_infra.aws.policies import ec2_trust_policy
from karpenter_infra.components.base import child, token
from karpenter_infra.components.cluster import EksCluster
from karpenter_infra.components.discovery import DiscoveryTags
from karpenter_infra.components.nodepools import NodePoolSet
from karpenter_infra.fleet import Fleet
from karpenter_infra.spec.platform import PlatformSpec
from karpenter_infra.spec.platform_policy import AUTO_MODE_NODE_POLICIES

#: The EKS access policy an Auto Mode node role needs (create-node-class), on an access entry of type ``EC2``
#: (CreateAccessEntry: "EC2 (for EKS Auto Mode)").
AUTO_NODE_ACCESS_POLICY = "AmazonEKSAutoNodePolicy"
AUTO_NODE_ACCESS_ENTRY_TYPE = "EC2"


def auto_mode_options(platform: PlatformSpec, node_role_arn: pulumi.Input[str]) -> eks.AutoModeOptionsArgs:
    """pulumi-eks turns this into the cluster's ``computeConfig``, ``storageConfig.blockStorage``,
    ``kubernetesNetworkConfig.elasticLoadBalancing`` (all enabled), ``bootstrapSelfManagedAddons: false``, and adds
    the four Auto Mode policies and ``sts:TagSession`` to the cluster role it already owns (pulumi-eks
    nodejs/eks/cluster/cluster.ts), so a running cluster switches backend in place.
    """
    pools = list(platform.auto_mode.built_in_node_pools)
    return eks.AutoModeOptionsArgs(
        enabled=True,
        # Our own role, with the documented policies and nothing else; pulumi-eks would create a second one.
        create_node_role=False,
        compute_config=eks.ClusterComputeConfigArgs(
            node_pools=pools,
            # EKS launches the built-in pools' nodes with this role and creates its access entry itself;
            # without built-in pools there is nothing for it to launch, and the role is given no more.
            node_role_arn=node_role_arn if pools else None,
        ),
    )


class AutoModeNodeRole(pulumi.ComponentResource):
    """The role Auto Mode nodes run as: EC2 trust, the two documented managed policies, plus the stack's extras."""

    name: pulumi.Output[str]
    arn: pulumi.Output[str]
    #: The role and its attachments: what EKS needs in place before it enables compute.
    resources: list[pulumi.Resource]

    def __init__(
        self,
        name: str,
        platform: PlatformSpec,
        *,
        context: pulumi.Output[AwsContext],
        tags: Mapping[str, str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(token("AutoModeNodeRole"), name, None, opts)
        iam = platform.iam
        role = aws.iam.Role(
            f"{name}-role",
            name=platform.node_role_name,
            assume_role_policy=context.apply(lambda ctx: json.dumps(ec2_trust_policy(ctx), sort_keys=True)),
            path=iam.path,
            permissions_boundary=iam.permissions_boundary,
            tags=dict(tags),
            opts=child(self),
        )
        self.resources = [role]
        for policy in AUTO_MODE_NODE_POLICIES:
            attachment = aws.iam.RolePolicyAttachment(
                f"{name}-{policy}",
                role=role.name,
                policy_arn=_managed(context, policy),
                opts=child(self),
            )
            self.resources.append(attachment)
        for extra_arn in iam.node_role_policy_arns:
            aws.iam.RolePolicyAttachment(
                f"{name}-{extra_arn.rsplit('/', 1)[1]}", role=role.name, policy_arn=extra_arn, opts=child(self)
            )
        self.name = role.name
        self.arn = role.arn
        self.register_outputs({"name": self.name, "arn": self.arn})


class AutoModeNodeAccess(pulumi.ComponentResource):
    """One ``EC2`` access entry with ``AmazonEKSAutoNodePolicy`` per node role EKS does not cover by itself."""

    def __init__(
        self,
        name: str,
        *,
        cluster_name: pulumi.Input[str],
        principals: Mapping[str, pulumi.Input[str]],
        context: pulumi.Output[AwsContext],
        tags: Mapping[str, str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(token("AutoModeNodeAccess"), name, None, opts)
        for role, principal_arn in sorted(principals.items()):
            entry = aws.eks.AccessEntry(
                f"{name}-{role}",
                cluster_name=cluster_name,
                principal_arn=principal_arn,
                type=AUTO_NODE_ACCESS_ENTRY_TYPE,
                tags=dict(tags),
                opts=child(self),
            )
            aws.eks.AccessPolicyAssociation(
                f"{name}-{role}-policy",
                cluster_name=cluster_name,
                principal_arn=principal_arn,
                policy_arn=context.apply(lambda ctx: eks_access_policy_arn(ctx, AUTO_NODE_ACCESS_POLICY)),
                access_scope=aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster"),
                opts=child(self, depends_on=[entry]),
            )
        self.register_outputs({})


@dataclass(frozen=True)
class AutoModeOutputs:
    cluster_name: pulumi.Output[str]
    kubeconfig: pulumi.Output[str]
    node_role_name: pulumi.Output[str]
    node_role_arn: pulumi.Output[str]


def _managed(context: pulumi.Output[AwsContext], policy: str) -> pulumi.Output[str]:
    return context.apply(lambda ctx: aws_managed_policy_arn(ctx, policy))


def _role_arn(context: pulumi.Output[AwsContext], path: str, role: str) -> pulumi.Output[str]:
    return context.apply(lambda ctx: role_arn(ctx, role, path))


def deploy_auto_mode(
    parent: pulumi.Resource,
    name: str,
    platform: PlatformSpec,
    fleet: Fleet,
    *,
    context: pulumi.Output[AwsContext],
    node_roles: Mapping[str, str],
    adopt: Mapping[str, str] | None = None,
) -> AutoModeOutputs:
    """The children of ``KarpenterPlatform`` on Auto Mode, one line each. ``node_roles``: every role nodes use."""
    spec = platform.cluster
    tags = {"karpenter.sh/discovery": spec.name, "managed-by": "karpenter-infra", **spec.tags}
    node_role = AutoModeNodeRole(f"{name}-auto-mode-nodes", platform, context=context, tags=tags, opts=child(parent))
    cluster = EksCluster(
        f"{name}-cluster",
        spec,
        platform.iam.identity,
        auto_mode=auto_mode_options(platform, node_role.arn),
        # EKS checks the node role when it enables compute; it must exist, with its policies, first.
        opts=child(parent, depends_on=node_role.resources),
    )
    covered_by_eks = {platform.node_role_name} if platform.auto_mode.built_in_node_pools else set()
    principals = {
        role: node_role.arn if role == platform.node_role_name else _role_arn(context, platform.iam.path, role)
        for role in node_roles
        if role not in covered_by_eks
    }
    access: list[pulumi.Resource] = []
    if principals and platform.iam.manage_access_entries:
        access.append(
            AutoModeNodeAccess(
                f"{name}-auto-mode-access",
                cluster_name=cluster.name,
                principals=principals,
                context=context,
                tags=tags,
                opts=child(parent),
            )
        )
    # The default selectors of every NodeClass find the subnets and cluster security group by this tag.
    discovery = DiscoveryTags(
        f"{name}-discovery",
        cluster_name=spec.name,
        subnet_ids=spec.private_subnet_ids,
        cluster_security_group_id=cluster.cluster_security_group_id,
        opts=child(parent),
    )
    NodePoolSet(
        f"{name}-fleet",
        fleet,
        node_role_name=platform.node_role_name,
        node_role_output=node_role.name,
        # The NodeClass CRDs exist once the cluster runs Auto Mode; nodes can join once their access exists.
        depends_on=[cluster, discovery, *access],
        provider=cluster.provider,
        adopt=adopt,  # live objects (import-helm-values' ADOPT) are imported, not created, as on karpenter
        opts=child(parent),
    )
    return AutoModeOutputs(
        cluster_name=cluster.name,
        kubeconfig=pulumi.Output.secret(cluster.kubeconfig),
        node_role_name=node_role.name,
        node_role_arn=node_role.arn,
    )
