"""IAM for Karpenter: the controller's role and its six policies, the node role, instance profile, access entries."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from karpenter_infra.aws.arns import AwsContext, aws_managed_policy_arn, role_arn
from karpenter_infra.aws.policies import (
    CONTROLLER_POLICY_KEYS,
    NODE_ROLE_MANAGED_POLICIES,
    cni_ipv6_policy,
    controller_policies,
    ec2_trust_policy,
    extra_statements_policy,
    irsa_trust_policy,
    pod_identity_trust_policy,
)
from karpenter_infra.components.base import child, token
from karpenter_infra.spec.platform import IamSpec, Identity


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True)


def _role_arn(context: pulumi.Output[AwsContext], role: str, path: str) -> pulumi.Output[str]:
    return context.apply(lambda ctx: role_arn(ctx, role, path))


def _managed(context: pulumi.Output[AwsContext], policy: str) -> pulumi.Output[str]:
    return context.apply(lambda ctx: aws_managed_policy_arn(ctx, policy))


def attach_node_policies(
    parent: pulumi.Resource, prefix: str, role: aws.iam.Role, context: pulumi.Output[AwsContext], *, ipv6: bool
) -> list[pulumi.Resource]:
    """The worker-node policies every EKS node role needs, by name; IPv6 clusters get the IPv6 CNI policy inline."""
    attached: list[pulumi.Resource] = [
        aws.iam.RolePolicyAttachment(
            f"{prefix}-{policy}",
            role=role.name,
            policy_arn=_managed(context, policy),
            opts=child(parent),
        )
        for policy in NODE_ROLE_MANAGED_POLICIES
        if not (ipv6 and policy == "AmazonEKS_CNI_Policy")
    ]
    if ipv6:
        attached.append(
            aws.iam.RolePolicy(
                f"{prefix}-cni-ipv6",
                role=role.name,
                policy=context.apply(lambda ctx: _json(cni_ipv6_policy(ctx))),
                opts=child(parent),
            )
        )
    return attached


class KarpenterIam(pulumi.ComponentResource):
    """Everything Karpenter needs from IAM before it can launch one node.

    ``node_role_access`` maps every role the EC2NodeClasses use (the platform's own, a group's own ``role``, the
    role behind a group's ``instance_profile``) to its access entry type: the controller may pass each of them, by
    name, never by wildcard, and each gets its one EKS access entry so its nodes can join.
    """

    controller_role_arn: pulumi.Output[str]
    node_role_name: pulumi.Output[str | None]
    node_role_arn: pulumi.Output[str | None]
    instance_profile_name: pulumi.Output[str | None]

    def __init__(
        self,
        name: str,
        spec: IamSpec,
        *,
        cluster_name: pulumi.Input[str],
        context: pulumi.Output[AwsContext],
        node_role_name: str,
        controller_role_name: str,
        instance_profile_name: str | None = None,
        node_role_access: Mapping[str, str] | None = None,
        interruption_queue_arn: pulumi.Input[str] | None = None,
        namespace: str = "kube-system",
        service_account: str = "karpenter",
        oidc_provider_arn: pulumi.Input[str | None] = None,
        oidc_issuer: pulumi.Input[str | None] = None,
        ipv6: bool = False,
        tags: dict[str, str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(token("KarpenterIam"), name, None, opts)
        build = _Build(self, name, spec, context, tags)
        access = dict(node_role_access or {node_role_name: "EC2_LINUX"})
        # The platform's node role is created only when a node class or the instance profile uses it.
        own_role_used = node_role_name in access or instance_profile_name is not None

        self.node_role_name, self.node_role_arn = build.node_role(node_role_name, own_role_used, ipv6=ipv6)
        self.instance_profile_name = build.instance_profile(instance_profile_name, self.node_role_name)
        build.access_entries(cluster_name, access, node_role_name, self.node_role_arn)
        trust = build.controller_trust(oidc_provider_arn, oidc_issuer, namespace, service_account)
        controller = build.controller_role(controller_role_name, trust)
        passable = build.passable_roles(self.node_role_arn, sorted(role for role in access if role != node_role_name))
        build.controller_policies(controller, cluster_name, passable, interruption_queue_arn)
        build.extra_controller_policy(controller)
        build.pod_identity(controller, cluster_name, namespace, service_account)
        build.spot_service_linked_role()

        self.controller_role_arn = controller.arn
        self.register_outputs(
            {
                "controller_role_arn": self.controller_role_arn,
                "node_role_name": self.node_role_name,
                "node_role_arn": self.node_role_arn,
                "instance_profile_name": self.instance_profile_name,
            }
        )


@dataclass(frozen=True)
class _Build:
    """The children of one ``KarpenterIam``, one method per resource (or per small set of resources)."""

    parent: KarpenterIam
    name: str
    spec: IamSpec
    context: pulumi.Output[AwsContext]
    tags: dict[str, str] | None

    def node_role(
        self, node_role_name: str, used: bool, *, ipv6: bool
    ) -> tuple[pulumi.Output[str | None], pulumi.Output[str | None]]:
        """The node role's name and ARN: created with its policies, brought by the team, or none at all."""
        spec, name = self.spec, self.name
        if spec.existing_node_role_arn is not None:
            return pulumi.Output.from_input(node_role_name), pulumi.Output.from_input(spec.existing_node_role_arn)
        if not used:
            return pulumi.Output.from_input(None), pulumi.Output.from_input(None)
        context = self.context
        role = aws.iam.Role(
            f"{name}-node-role",
            name=node_role_name,
            assume_role_policy=context.apply(lambda ctx: _json(ec2_trust_policy(ctx))),
            path=spec.path,
            permissions_boundary=spec.permissions_boundary,
            tags=self.tags,
            opts=child(self.parent),
        )
        attach_node_policies(self.parent, f"{name}-node", role, context, ipv6=ipv6)
        for extra_arn in spec.node_role_policy_arns:
            aws.iam.RolePolicyAttachment(
                f"{name}-node-{extra_arn.rsplit('/', 1)[1]}",
                role=role.name,
                policy_arn=extra_arn,
                opts=child(self.parent),
            )
        return role.name, role.arn

    def instance_profile(
        self, instance_profile_name: str | None, node_role_name: pulumi.Output[str | None]
    ) -> pulumi.Output[str | None]:
        if instance_profile_name is None:
            return pulumi.Output.from_input(None)
        profile = aws.iam.InstanceProfile(
            f"{self.name}-instance-profile",
            name=instance_profile_name,
            role=node_role_name,
            path=self.spec.path,
            tags=self.tags,
            opts=child(self.parent),
        )
        return profile.name

    def access_entries(
        self,
        cluster_name: pulumi.Input[str],
        access: Mapping[str, str],
        node_role_name: str,
        node_role_arn: pulumi.Output[str | None],
    ) -> None:
        """Nodes of every role the fleet uses may join the cluster: one access entry per role."""
        if not self.spec.manage_access_entries:
            return
        for role, entry_type in sorted(access.items()):
            own = role == node_role_name
            aws.eks.AccessEntry(
                f"{self.name}-{'node' if own else role}-access",
                cluster_name=cluster_name,
                principal_arn=node_role_arn if own else _role_arn(self.context, role, self.spec.path),
                type=entry_type,
                tags=self.tags,
                opts=child(self.parent),
            )

    def controller_trust(
        self,
        oidc_provider_arn: pulumi.Input[str | None],
        oidc_issuer: pulumi.Input[str | None],
        namespace: str,
        service_account: str,
    ) -> pulumi.Output[str]:
        if self.spec.identity == Identity.POD_IDENTITY:
            return pulumi.Output.from_input(_json(pod_identity_trust_policy()))
        return pulumi.Output.all(self.context, oidc_provider_arn, oidc_issuer).apply(
            lambda args: _json(_irsa(args[0], args[1], args[2], namespace, service_account))
        )

    def controller_role(self, controller_role_name: str, trust: pulumi.Output[str]) -> aws.iam.Role:
        return aws.iam.Role(
            f"{self.name}-controller-role",
            name=controller_role_name,
            assume_role_policy=trust,
            path=self.spec.path,
            permissions_boundary=self.spec.permissions_boundary,
            tags=self.tags,
            opts=child(self.parent),
        )

    def passable_roles(
        self, node_role_arn: pulumi.Output[str | None], extra_node_roles: list[str]
    ) -> pulumi.Output[list[str]]:
        """Every node role the controller may pass: the platform's own (when there is one), then the groups' own."""
        return pulumi.Output.all(self.context, node_role_arn).apply(
            lambda args: [
                *([args[1]] if args[1] else []),
                *(role_arn(args[0], r, self.spec.path) for r in extra_node_roles),
            ]
        )

    def controller_policies(
        self,
        controller: aws.iam.Role,
        cluster_name: pulumi.Input[str],
        passable: pulumi.Output[list[str]],
        interruption_queue_arn: pulumi.Input[str] | None,
    ) -> None:
        documents = pulumi.Output.all(self.context, cluster_name, passable, interruption_queue_arn).apply(
            lambda args: controller_policies(args[0], args[1], args[2], args[3])
        )
        for short_name in CONTROLLER_POLICY_KEYS:
            if short_name == "interruption" and interruption_queue_arn is None:
                continue
            policy = aws.iam.Policy(
                f"{self.name}-{short_name}",
                path=self.spec.path,
                policy=_document(documents, short_name),
                tags=self.tags,
                opts=child(self.parent),
            )
            aws.iam.RolePolicyAttachment(
                f"{self.name}-{short_name}-attachment",
                role=controller.name,
                policy_arn=policy.arn,
                opts=child(self.parent),
            )

    def extra_controller_policy(self, controller: aws.iam.Role) -> None:
        if not self.spec.extra_controller_statements:
            return
        extra = aws.iam.Policy(
            f"{self.name}-extra",
            path=self.spec.path,
            policy=_json(extra_statements_policy(self.spec.extra_controller_statements)),
            tags=self.tags,
            opts=child(self.parent),
        )
        aws.iam.RolePolicyAttachment(
            f"{self.name}-extra-attachment", role=controller.name, policy_arn=extra.arn, opts=child(self.parent)
        )

    def pod_identity(
        self, controller: aws.iam.Role, cluster_name: pulumi.Input[str], namespace: str, service_account: str
    ) -> None:
        if self.spec.identity != Identity.POD_IDENTITY:
            return
        agent = (
            [
                aws.eks.Addon(
                    f"{self.name}-pod-identity-agent",
                    cluster_name=cluster_name,
                    addon_name="eks-pod-identity-agent",
                    opts=child(self.parent),
                )
            ]
            if self.spec.pod_identity_agent_addon
            else []  # the cluster runs the agent already
        )
        aws.eks.PodIdentityAssociation(
            f"{self.name}-pod-identity",
            cluster_name=cluster_name,
            namespace=namespace,
            service_account=service_account,
            role_arn=controller.arn,
            tags=self.tags,
            opts=child(self.parent, depends_on=agent),
        )

    def spot_service_linked_role(self) -> None:
        if self.spec.create_spot_service_linked_role:
            aws.iam.ServiceLinkedRole(
                f"{self.name}-spot", aws_service_name="spot.amazonaws.com", opts=child(self.parent)
            )


def _irsa(
    ctx: AwsContext, provider_arn: str | None, issuer: str | None, namespace: str, service_account: str
) -> dict[str, Any]:
    if not provider_arn or not issuer:
        raise ValueError("IRSA needs the cluster's OIDC provider (create the cluster with IRSA, or give its ARN)")
    return irsa_trust_policy(ctx, provider_arn, issuer.removeprefix("https://"), namespace, service_account)


def _document(documents: pulumi.Output[dict[str, dict[str, Any]]], key: str) -> pulumi.Output[str]:
    return documents.apply(lambda docs: _json(docs[key]))
