"""The three components other languages get, as data: what the schema publishes and what ``construct`` reads.

Spec inputs are ``plain``: they are validated before anything registers, so they cannot wait for another
resource's outputs. Only the kubeconfig and the queue's KMS key and tags may be outputs.
"""

from __future__ import annotations

from dataclasses import dataclass

from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults
from karpenter_infra.spec.platform import PlatformSpec
from karpenter_infra.wire.shapes import ArrayOf, MapOf, ObjectType, Primitive, Shape, wire_name

STRING = Primitive("string")


@dataclass(frozen=True)
class Input:
    python: str
    shape: Shape
    description: str
    required: bool = True
    plain: bool = True
    secret: bool = False

    @property
    def wire(self) -> str:
        return wire_name(self.python)


@dataclass(frozen=True)
class Output:
    python: str
    shape: Shape
    description: str
    required: bool = True
    secret: bool = False

    @property
    def wire(self) -> str:
        return wire_name(self.python)


@dataclass(frozen=True)
class Component:
    name: str
    description: str
    inputs: tuple[Input, ...]
    outputs: tuple[Output, ...]


_DEFAULTS = Input(
    "nodegroup_defaults",
    ObjectType(NodeGroupDefaults),
    "Cluster-wide nodegroup defaults; each group overrides only what differs.",
)
_GROUPS = Input("nodegroups", ArrayOf(ObjectType(NodeGroup)), "The node groups.")

COMPONENTS: tuple[Component, ...] = (
    Component(
        "KarpenterPlatform",
        "An EKS cluster run by Karpenter, with NodePools and EC2NodeClasses generated from a nodegroup list.",
        (
            Input(
                "platform",
                ObjectType(PlatformSpec),
                "The platform settings: the same document as the `karpenter-infra:platform` stack config.",
            ),
            _DEFAULTS,
            _GROUPS,
        ),
        (
            Output("cluster_name", STRING, "EKS cluster name."),
            Output(
                "kubeconfig", STRING, "Kubeconfig of the cluster (authenticates with `aws eks get-token`).", secret=True
            ),
            Output("controller_role_arn", STRING, "IAM role of the Karpenter controller."),
            Output("node_role_name", STRING, "IAM role of the nodes Karpenter launches."),
            Output("node_role_arn", STRING, "ARN of the node role."),
            Output("instance_profile_name", STRING, "Instance profile of the node role, when created.", required=False),
            Output("queue_name", STRING, "SQS interruption queue, when created.", required=False),
            Output("queue_arn", STRING, "ARN of the interruption queue, when created.", required=False),
        ),
    ),
    Component(
        "NodePoolSet",
        "Only the fleet: NodePools, EC2NodeClasses and headroom, for a cluster whose Karpenter is managed elsewhere. "
        "The component creates its own Kubernetes provider from `kubeconfig`.",
        (
            Input(
                "kubeconfig",
                STRING,
                "Kubeconfig of a cluster that already runs Karpenter v1.",
                plain=False,
                secret=True,
            ),
            Input("node_role", STRING, "Node IAM role name for groups that name no role of their own."),
            _DEFAULTS,
            _GROUPS,
        ),
        (Output("resource_names", ArrayOf(STRING), "Pulumi names of the objects created, sorted."),),
    ),
    Component(
        "InterruptionQueue",
        "The SQS interruption queue and its EventBridge rules, for a Karpenter installed by other means.",
        (
            Input("cluster_name", STRING, "Cluster name; the queue is named after it, as Karpenter expects."),
            Input("kms_key_arn", STRING, "Customer KMS key; SSE-SQS when absent.", required=False, plain=False),
            Input("tags", MapOf(STRING), "Tags on the queue and the EventBridge rules.", required=False, plain=False),
        ),
        (
            Output("queue_name", STRING, "Queue name (Karpenter's `settings.interruptionQueue`)."),
            Output("queue_arn", STRING, "Queue ARN."),
            Output("queue_url", STRING, "Queue URL."),
        ),
    ),
)

BY_NAME: dict[str, Component] = {c.name: c for c in COMPONENTS}
