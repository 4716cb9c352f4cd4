"""The components as other Pulumi languages see them, and the provider that serves them.

``components/__main__.py`` runs ``KarpenterInfraProvider``: it serves the schema generated from the models
(``karpenter_infra.wire.schema``) and builds the components from what the engine sends. Pulumi's
``component_provider_host`` would infer a schema from type annotations instead, and the pulumi SDK (3.272) gives
it no way to take another one: annotations cannot carry the models' fields, descriptions, enums and defaults, so
the inferred inputs were untyped maps. A ``pulumi.provider.Provider`` whose ``construct`` decodes the inputs is the
supported way to publish a schema of one's own; ``GetSchema`` returns ``Provider.schema``.

The spec inputs are the same documents a Python user writes, validated by the same models, so a TypeScript or YAML
program gets the same errors (in its own camelCase names). They must be known at preview time: they describe
infrastructure, not outputs of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NotRequired, TypedDict

import pulumi
from pulumi.errors import InputPropertiesError, InputPropertyErrorDetails
from pulumi.provider.provider import ConstructResult, Provider
from pydantic import ValidationError

from karpenter_infra.components import interruption, nodepools, platform
from karpenter_infra.components.platform import aws_context
from karpenter_infra.errors import SpecError, issues_from
from karpenter_infra.fleet import Fleet
from karpenter_infra.ledger.core import collected
from karpenter_infra.spec.deferred import collecting
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults
from karpenter_infra.spec.platform import PlatformSpec
from karpenter_infra.wire.components import BY_NAME, Component, Input
from karpenter_infra.wire.decode import decode_groups, decode_model, in_wire_names
from karpenter_infra.wire.schema import PACKAGE, package_version, schema_text
from karpenter_infra.wire.shapes import ArrayOf, ObjectType, Shape


def _known(value: Any, field: str) -> Any:
    if isinstance(value, pulumi.Output):
        raise SpecError.one("arguments", field, "must be a plain value known at preview, not an output")
    return value


def _fleet(
    defaults: dict[str, Any], groups: list[dict[str, Any]], node_role: str | None, backend: str = "karpenter"
) -> Fleet:
    # Both models name the defaults or the group in their errors; all of them are raised together.
    # Outputs are refused before collecting starts: a raise inside the block would drop the errors recorded so far.
    known_defaults, known_groups = _known(defaults, "nodegroupDefaults"), _known(groups, "nodegroups")
    with collecting() as errors:
        parsed_defaults = NodeGroupDefaults.model_validate(known_defaults)
        parsed = [NodeGroup.model_validate(g) for g in known_groups]
    if errors:
        raise collected(errors)
    return Fleet(parsed_defaults, parsed, node_role=node_role, backend=backend)


class KarpenterPlatformArgs(TypedDict):
    platform: dict[str, Any]
    """The platform settings: the same mapping as the `karpenter-infra:platform` stack config."""
    nodegroup_defaults: dict[str, Any]
    """Cluster-wide nodegroup defaults (`NodeGroupDefaults` fields)."""
    nodegroups: list[dict[str, Any]]
    """The node groups (`NodeGroup` fields)."""


class KarpenterPlatform(platform.KarpenterPlatform):
    """An EKS cluster run by Karpenter, with NodePools and EC2NodeClasses generated from a nodegroup list."""

    def __init__(self, name: str, args: KarpenterPlatformArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        try:
            spec = PlatformSpec.model_validate(_known(args["platform"], "platform"))
        except SpecError as exc:  # the model's own one-line errors, owned by the input that carries them
            raise SpecError("platform", exc.issues) from None
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
    """Cluster-wide nodegroup defaults (`NodeGroupDefaults` fields)."""
    nodegroups: list[dict[str, Any]]
    """The node groups (`NodeGroup` fields)."""


class NodePoolSet(nodepools.NodePoolSet):
    """Only the fleet: NodePools, EC2NodeClasses and headroom, for a cluster whose Karpenter is managed elsewhere."""

    def __init__(self, name: str, args: NodePoolSetArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        fleet = _fleet(args["nodegroup_defaults"], args["nodegroups"], _known(args["node_role"], "nodeRole"))
        super().__init__(name, fleet, kubeconfig=args["kubeconfig"], opts=opts)


class InterruptionQueueArgs(TypedDict):
    cluster_name: str
    """Cluster name; the queue is named after it, as Karpenter's settings.interruptionQueue expects."""
    kms_key_arn: NotRequired[pulumi.Input[str] | None]
    """Customer KMS key; SSE-SQS when absent."""
    tags: NotRequired[pulumi.Input[dict[str, str]] | None]
    """Tags on the queue and its EventBridge rules."""


class InterruptionQueue(interruption.InterruptionQueue):
    """The SQS interruption queue and its EventBridge rules, for a Karpenter installed by other means."""

    def __init__(self, name: str, args: InterruptionQueueArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        cluster = _known(args["cluster_name"], "clusterName")
        super().__init__(
            name,
            cluster_name=cluster,
            context=aws_context(),
            kms_key_arn=args.get("kms_key_arn"),
            tags=args.get("tags"),  # type: ignore[arg-type]  # the AWS resources take an Input map as well
            opts=opts,
        )


ComponentClass = Callable[[str, Any, pulumi.ResourceOptions | None], pulumi.ComponentResource]

COMPONENTS: dict[str, ComponentClass] = {
    "KarpenterPlatform": KarpenterPlatform,
    "NodePoolSet": NodePoolSet,
    "InterruptionQueue": InterruptionQueue,
}
"""The class behind each component of the schema (``karpenter_infra.wire.components``)."""

#: Who a validation error names, per spec input: the same owners the Python API uses.
_OWNERS = {"platform": "platform", "nodegroup_defaults": "defaults"}


def _decode_input(item: Input, value: Any) -> Any:
    shape: Shape = item.shape
    if isinstance(shape, ArrayOf) and isinstance(shape.item, ObjectType):
        return decode_groups(shape.item, value)
    if isinstance(shape, ObjectType):
        return decode_model(shape, value, _OWNERS.get(item.python, item.wire))
    return _known(value, item.wire) if item.plain else value


def decode_inputs(component: Component, inputs: dict[str, Any]) -> dict[str, Any]:
    """The engine's inputs (camelCase, numbers as floats) as the component's Python arguments."""
    known = {i.wire for i in component.inputs} | {i.python for i in component.inputs}
    unknown = sorted(set(inputs) - known)
    if unknown:
        raise SpecError.one(component.name, unknown[0], f"unknown input; it takes {', '.join(_wires(component))}")
    args: dict[str, Any] = {}
    for item in component.inputs:
        value = inputs.get(item.wire, inputs.get(item.python))
        if value is None:
            if item.required:
                raise SpecError.one(component.name, item.wire, "missing required input")
            continue
        args[item.python] = _decode_input(item, value)
    return args


def _wires(component: Component) -> list[str]:
    return [i.wire for i in component.inputs]


def _model_of_owner(owner: str) -> Shape | None:
    if owner.startswith("nodegroup "):
        return ObjectType(NodeGroup)
    return {"defaults": ObjectType(NodeGroupDefaults), "platform": ObjectType(PlatformSpec)}.get(owner)


class InputError(SpecError, InputPropertiesError):
    """A ``SpecError`` the engine shows as property errors (``nodegroups[2].instances.capacityTypes: ...``).

    The provider server turns an ``InputPropertiesError`` into the gRPC status the CLI renders per property; any
    other exception reaches the user as a stack trace.
    """

    def __init__(self, error: SpecError, inputs: pulumi.Inputs) -> None:
        SpecError.__init__(self, error.owner, error.issues)
        prefix = _input_path(error.owner, inputs)
        self.message = str(self)
        self.errors: list[InputPropertyErrorDetails] = [
            {"property_path": f"{prefix}.{field}" if prefix else field, "reason": problem}
            for field, problem in error.issues
        ]


def _input_path(owner: str, inputs: pulumi.Inputs) -> str:
    """Where the owner's document sits in the component's inputs."""
    if owner == "platform":
        return "platform"
    if owner == "defaults":
        return "nodegroupDefaults"
    if owner.startswith("nodegroup "):
        groups = inputs.get("nodegroups")
        names = [g.get("name") if isinstance(g, dict) else None for g in groups] if isinstance(groups, list) else []
        name = owner.removeprefix("nodegroup ").strip("'\"")
        return f"nodegroups[{names.index(name)}]" if name in names else "nodegroups"
    return ""


class KarpenterInfraProvider(Provider):
    """Serves the generated schema and constructs the components from engine inputs."""

    def __init__(self) -> None:
        super().__init__(package_version(), schema_text())

    def construct(
        self,
        name: str,
        resource_type: str,
        inputs: pulumi.Inputs,
        options: pulumi.ResourceOptions | None = None,
    ) -> ConstructResult:
        package, _, component_name = resource_type.partition(":index:")
        component = BY_NAME.get(component_name)
        if package != PACKAGE or component is None:
            raise ValueError(f"unknown resource type {resource_type!r}; this package has {sorted(BY_NAME)}")
        try:
            args = decode_inputs(component, dict(inputs))
            instance = COMPONENTS[component.name](name, args, options)
        except SpecError as error:
            shape = _model_of_owner(error.owner)
            raise InputError(in_wire_names(error, shape) if shape is not None else error, inputs) from None
        state: dict[str, Any] = {}
        for out in component.outputs:
            value = getattr(instance, out.python)
            state[out.wire] = pulumi.Output.secret(value) if out.secret else value
        return ConstructResult(instance.urn, state)
