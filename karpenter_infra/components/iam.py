"""IAM for Karpenter: the controller's role and its six policies, the node role, instance profile, access entries."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from karpenter_infra.aws.arns import AwsContext, aws_managed_policy_arn
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


def role_arn(ctx: AwsContext, name: str, path: str = "/") -> str:
    return f"arn:{ctx.partition}:iam::{ctx.account_id}:role{path}{name}"


def _role_arn(context: pulumi.Output[AwsContext], role: str) -> pulumi.Output[str]:
    return context.apply(lambda ctx: role_arn(ctx, role))


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

        access = dict(node_role_access or {node_role_name: "EC2_LINUX"})
        # --- node role: created (only when a node class or the instance profile uses it), or brought by the team
        own_role_used = node_role_name in access or instance_profile_name is not None
        if spec.existing_node_role_arn is None and own_role_used:
            node_role = aws.iam.Role(
                f"{name}-node-role",
                name=node_role_name,
                assume_role_policy=context.apply(lambda ctx: _json(ec2_trust_policy(ctx))),
                path=spec.path,
                permissions_boundary=spec.permissions_boundary,
                tags=tags,
                opts=child(self),
            )
            attach_node_policies(self, f"{name}-node", node_role, context, ipv6=ipv6)
            for extra_arn in spec.node_role_policy_arns:
                aws.iam.RolePolicyAttachment(
                    f"{name}-node-{extra_arn.rsplit('/', 1)[1]}",
                    role=node_role.name,
                    policy_arn=extra_arn,
                    opts=child(self),
                )
            self.node_role_name = node_role.name
            self.node_role_arn = node_role.arn
        elif spec.existing_node_role_arn is not None:
            self.node_role_name = pulumi.Output.from_input(node_role_name)
            self.node_role_arn = pulumi.Output.from_input(spec.existing_node_role_arn)
        else:
            self.node_role_name = pulumi.Output.from_input(None)
            self.node_role_arn = pulumi.Output.from_input(None)

        if instance_profile_name is not None:
            profile = aws.iam.InstanceProfile(
                f"{name}-instance-profile",
                name=instance_profile_name,
                role=self.node_role_name,
                path=spec.path,
                tags=tags,
                opts=child(self),
            )
            self.instance_profile_name = profile.name
        else:
            self.instance_profile_name = pulumi.Output.from_input(None)

        # --- access entries: nodes of every role the fleet uses may join the cluster; one entry per role
        extra_node_roles = sorted(role for role in access if role != node_role_name)
        if spec.manage_access_entries:
            for role, entry_type in sorted(access.items()):
                own = role == node_role_name
                aws.eks.AccessEntry(
                    f"{name}-{'node' if own else role}-access",
                    cluster_name=cluster_name,
                    principal_arn=self.node_role_arn if own else _role_arn(context, role),
                    type=entry_type,
                    tags=tags,
                    opts=child(self),
                )

        # --- controller role and its policies
        if spec.identity == Identity.POD_IDENTITY:
            trust: pulumi.Output[str] = pulumi.Output.from_input(_json(pod_identity_trust_policy()))
        else:
            trust = pulumi.Output.all(context, oidc_provider_arn, oidc_issuer).apply(
                lambda args: _json(_irsa(args[0], args[1], args[2], namespace, service_account))
            )
        controller = aws.iam.Role(
            f"{name}-controller-role",
            name=controller_role_name,
            assume_role_policy=trust,
            path=spec.path,
            permissions_boundary=spec.permissions_boundary,
            tags=tags,
            opts=child(self),
        )
        passable = pulumi.Output.all(context, self.node_role_arn).apply(
            lambda args: [*([args[1]] if args[1] else []), *(role_arn(args[0], r) for r in extra_node_roles)]
        )
        documents = pulumi.Output.all(context, cluster_name, passable, interruption_queue_arn).apply(
            lambda args: controller_policies(args[0], args[1], args[2], args[3])
        )
        for short_name in CONTROLLER_POLICY_KEYS:
            if short_name == "interruption" and interruption_queue_arn is None:
                continue
            policy = aws.iam.Policy(
                f"{name}-{short_name}",
                path=spec.path,
                policy=_document(documents, short_name),
                tags=tags,
                opts=child(self),
            )
            aws.iam.RolePolicyAttachment(
                f"{name}-{short_name}-attachment",
                role=controller.name,
                policy_arn=policy.arn,
                opts=child(self),
            )
        if spec.extra_controller_statements:
            extra = aws.iam.Policy(
                f"{name}-extra",
                path=spec.path,
                policy=_json(extra_statements_policy(spec.extra_controller_statements)),
                tags=tags,
                opts=child(self),
            )
            aws.iam.RolePolicyAttachment(
                f"{name}-extra-attachment", role=controller.name, policy_arn=extra.arn, opts=child(self)
            )

        if spec.identity == Identity.POD_IDENTITY:
            agent = (
                [
                    aws.eks.Addon(
                        f"{name}-pod-identity-agent",
                        cluster_name=cluster_name,
                        addon_name="eks-pod-identity-agent",
                        opts=child(self),
                    )
                ]
                if spec.pod_identity_agent_addon
                else []  # the cluster runs the agent already
            )
            aws.eks.PodIdentityAssociation(
                f"{name}-pod-identity",
                cluster_name=cluster_name,
                namespace=namespace,
                service_account=service_account,
                role_arn=controller.arn,
                tags=tags,
                opts=child(self, depends_on=agent),
            )
        if spec.create_spot_service_linked_role:
            aws.iam.ServiceLinkedRole(f"{name}-spot", aws_service_name="spot.amazonaws.com", opts=child(self))

        self.controller_role_arn = controller.arn
        self.register_outputs(
            {
                "controller_role_arn": self.controller_role_arn,
                "node_role_name": self.node_role_name,
                "node_role_arn": self.node_role_arn,
                "instance_profile_name": self.instance_profile_name,
            }
        )


def _irsa(
    ctx: AwsContext, provider_arn: str | None, issuer: str | None, namespace: str, service_account: str
) -> dict[str, Any]:
    if not provider_arn or not issuer:
        raise ValueError("IRSA needs the cluster's OIDC provider (create the cluster with IRSA, or give its ARN)")
    return irsa_trust_policy(ctx, provider_arn, issuer.removeprefix("https://"), namespace, service_account)


def _document(documents: pulumi.Output[dict[str, dict[str, Any]]], key: str) -> pulumi.Output[str]:
    return documents.apply(lambda docs: _json(docs[key]))
