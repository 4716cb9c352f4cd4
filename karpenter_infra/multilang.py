"""The components as other Pulumi languages see them: plain-data arguments, typed outputs.

Pulumi's Python component provider infers a schema from these classes (``args`` TypedDicts, ``Output``
annotations). Arguments are the same documents a Python user writes: the stack's ``platform`` mapping, the nodegroup
defaults and the nodegroup list as mappings. They are validated by the same models, so a TypeScript or YAML program
gets the same errors. They must be known at preview time: they describe infrastructure, not outputs of it.
"""

from typing import Any, TypedDict

import pulumi
import pulumi_kubernetes as k8s
from pydantic import ValidationError

from karpenter_infra.components import interruption, nodepools, platform
from karpenter_infra.components.platform import aws_context
from karpenter_infra.errors import SpecError, issues_from
from karpenter_infra.fleet import Fleet
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults
from karpenter_infra.spec.platform import PlatformSpec


def _known(value: Any, field: str) -> Any:
    if isinstance(value, pulumi.Output):
        raise SpecError.one("arguments", field, "must be a plain value known at preview, not an output")
    return value


def _fleet(
    defaults: dict[str, Any], groups: list[dict[str, Any]], node_role: str | None, backend: str = "karpenter"
) -> Fleet:
    # Both models raise SpecError themselves, naming the defaults or the group.
    parsed_defaults = NodeGroupDefaults.model_validate(_known(defaults, "nodegroupDefaults"))
    parsed = [NodeGroup.model_validate(g) for g in _known(groups, "nodegroups")]
    return Fleet(parsed_defaults, parsed, node_role=node_role, backend=backend)


class KarpenterPlatformArgs(TypedDict):
    platform: dict[str, Any]
    """The platform settings: the same mapping as the `karpenter-infra:platform` stack config."""
    nodegroup_defaults: dict[str, Any]
    """Cluster-wide nodegroup defaults (`NodeGroupDefaults` fields, snake_case)."""
    nodegroups: list[dict[str, Any]]
    """The node groups (`NodeGroup` fields, snake_case)."""


class KarpenterPlatform(platform.KarpenterPlatform):
    """An EKS cluster run by Karpenter, with NodePools and EC2NodeClasses generated from a nodegroup list."""

    # Re-declared with evaluated types: the schema analyzer reads annotations without evaluating strings.
    cluster_name: pulumi.Output[str]
    kubeconfig: pulumi.Output[str]
    controller_role_arn: pulumi.Output[str]
    node_role_name: pulumi.Output[str]
    node_role_arn: pulumi.Output[str]
    instance_profile_name: pulumi.Output[str | None]
    queue_name: pulumi.Output[str | None]
    queue_arn: pulumi.Output[str | None]

    def __init__(self, name: str, args: KarpenterPlatformArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        try:
            spec = PlatformSpec.model_validate(_known(args["platform"], "platform"))
        except ValidationError as exc:
            raise SpecError("platform", issues_from(exc)) from None
        fleet = _fleet(args["nodegroup_defaults"], args["nodegroups"], spec.node_role_name, spec.backend)
        super().__init__(name, spec, fleet, opts)


class NodePoolSetArgs(TypedDict):
    kubeconfig: pulumi.Input[str]
    """Kubeconfig of a cluster that already runs Karpenter v1."""
    node_role: str
    """Node IAM role name for groups that name no role of their own."""
    nodegroup_defaults: dict[str, Any]
    """Cluster-wide nodegroup defaults (`NodeGroupDefaults` fields, snake_case)."""
    nodegroups: list[dict[str, Any]]
    """The node groups (`NodeGroup` fields, snake_case)."""


class NodePoolSet(nodepools.NodePoolSet):
    """Only the fleet: NodePools, EC2NodeClasses and headroom, for a cluster whose Karpenter is managed elsewhere."""

    resource_names: pulumi.Output[list[str]]

    def __init__(self, name: str, args: NodePoolSetArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        fleet = _fleet(args["nodegroup_defaults"], args["nodegroups"], _known(args["node_role"], "nodeRole"))
        provider = k8s.Provider(f"{name}-k8s", kubeconfig=args["kubeconfig"], opts=opts)
        super().__init__(name, fleet.manifests(), provider=provider, opts=opts)


class InterruptionQueueArgs(TypedDict):
    cluster_name: str
    """Cluster name; the queue is named after it, as Karpenter's settings.interruptionQueue expects."""
    kms_key_arn: pulumi.Input[str] | None
    """Customer KMS key; SSE-SQS when absent."""


class InterruptionQueue(interruption.InterruptionQueue):
    """The SQS interruption queue and its EventBridge rules, for a Karpenter installed by other means."""

    queue_name: pulumi.Output[str]
    queue_arn: pulumi.Output[str]
    queue_url: pulumi.Output[str]

    def __init__(self, name: str, args: InterruptionQueueArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        cluster = _known(args["cluster_name"], "clusterName")
        super().__init__(
            name, cluster_name=cluster, context=aws_context(), kms_key_arn=args.get("kms_key_arn"), opts=opts
        )


COMPONENTS: list[type[pulumi.ComponentResource]] = [KarpenterPlatform, NodePoolSet, InterruptionQueue]
