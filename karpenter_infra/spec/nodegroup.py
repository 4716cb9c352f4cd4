"""The user's nodegroup list: cluster-wide defaults plus node groups that override only what differs."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator
from pydantic_core.core_schema import ValidatorFunctionWrapHandler

from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.schedule import OffHours
from karpenter_infra.spec.deferred import validate_owned
from karpenter_infra.spec.headroom import Headroom, HeadroomPriorityClass
from karpenter_infra.spec.names import ClusterName
from karpenter_infra.spec.scheduling import CapacitySpread
from karpenter_infra.spec.settings import (
    EXCLUSIVE_FIELDS,
    NODECLASS_FIELDS,
    NodeGroupSettings,
    one_of_each,
)

__all__ = [
    "DNS_LABEL",
    "EXCLUSIVE_FIELDS",
    "LABEL_VALUE",
    "NODECLASS_FIELDS",
    "NODEPOOL_ONLY_FIELDS",
    "GroupName",
    "NodeGroup",
    "NodeGroupDefaults",
    "NodeGroupSettings",
]

DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
LABEL_VALUE = r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"

#: The name of the stand-in a failed model builds while errors are collected (``spec.deferred``).
STAND_IN = "stand-in"

GroupName = Annotated[str, Field(pattern=DNS_LABEL, min_length=1, max_length=50)]


class NodeGroup(NodeGroupSettings):
    """One node group: renders NodePool ``<name>-<architecture>`` and, unless it reuses one, its EC2NodeClass."""

    name: GroupName = Field(description="Group name: lower-case DNS label, at most 50 characters.")
    group_label: str | None = Field(
        default=None,
        pattern=LABEL_VALUE,
        max_length=63,
        description="Value of the group label on the nodes (default: the name). Groups sharing one act as one.",
    )
    capacity_spread: CapacitySpread | None = Field(
        default=None,
        description="Values of the capacity-spread label this group's nodes take (`start..end`).",
    )
    node_class: str | None = Field(
        default=None, description="Reuse the EC2NodeClass of this other group instead of rendering one."
    )
    existing_node_class: str | None = Field(
        default=None,
        pattern=DNS_LABEL,
        max_length=63,
        description="Name of an EC2NodeClass the fleet does not render (another team's, an add-on's): the group "
        "renders only its NodePool, pointing at it.",
    )
    node_class_only: bool | None = Field(
        default=None,
        description="Render only this group's EC2NodeClass, named `<name>`, and no NodePool: a class for pools "
        "this fleet does not render.",
    )
    headroom: list[Headroom] | None = Field(default=None, description="Placeholder pods that keep capacity warm.")
    off_hours: OffHours | None = Field(
        default=None, description="Scale the group to zero on a schedule (e.g. nights and weekends in dev)."
    )
    replicas: int | None = Field(
        default=None,
        ge=0,
        description="Static NodePool: keep exactly this many nodes (needs the `staticCapacity` feature gate).",
    )

    @model_validator(mode="after")
    def _coherent(self) -> NodeGroup:
        # Every contradiction of the group's own fields, not only the first: they are independent.
        issues = one_of_each(self)
        if self.node_class is not None:
            if self.node_class == self.name:
                issues.append(("node_class", "a group cannot reuse its own node class"))
            issues += self._no_nodeclass_settings(
                f"the group reuses the EC2NodeClass of {self.node_class!r}; set it there"
            )
        if self.existing_node_class is not None:
            if self.node_class is not None:
                issues.append(("existing_node_class", "set node_class or existing_node_class, not both"))
            else:
                issues += self._no_nodeclass_settings(
                    f"the group uses the existing EC2NodeClass {self.existing_node_class!r}, "
                    "which the fleet does not render"
                )
        if self.node_class_only:
            issues += self._no_nodepool_settings()
        if self.replicas is not None:
            if self.weight is not None:
                issues.append(("weight", "static node groups (replicas) take no weight"))
            if self.limits is not None and set(self.limits) - {"nodes"}:
                issues.append(("limits", "static node groups (replicas) only take limits['nodes']"))
        if self.off_hours is not None and self.limits is not None and "nodes" in self.limits:
            issues.append(("limits", "limits['nodes'] belongs to the off_hours schedule; remove it"))
        if self.headroom:
            keys = [entry.key for entry in self.headroom]
            dupes = sorted({k for k in keys if keys.count(k) > 1})
            if dupes:
                issues.append(("headroom", f"more than one entry of size {dupes[0]!r}; merge them"))
        if issues:
            raise SpecError(nodegroup_owner(self.name), issues)
        return self

    # Last in the class, so that it wraps the model's own checks too (pydantic nests validators in order).
    @model_validator(mode="wrap")
    @classmethod
    def _name_the_group(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        def owner() -> str:
            return nodegroup_owner(data.get("name", "<unnamed>") if isinstance(data, dict) else "<unnamed>")

        return validate_owned(cls, data, handler, owner, {"name": STAND_IN})

    def _no_nodeclass_settings(self, why: str) -> list[tuple[str, str]]:
        return [(f, f"has no effect: {why}") for f in NODECLASS_FIELDS if getattr(self, f) is not None]

    def _no_nodepool_settings(self) -> list[tuple[str, str]]:
        # Only what the group itself says: the defaults' pool settings are meant for the groups that have pools.
        return [
            (name, "has no effect: node_class_only renders no NodePool")
            for name in NODEPOOL_ONLY_FIELDS
            if getattr(self, name) is not None and getattr(self, name) is not False
        ]


#: Group fields that only shape the NodePool (``group_label`` also tags the node class, so it stays allowed).
NODEPOOL_ONLY_FIELDS: tuple[str, ...] = (
    *(name for name in NodeGroupSettings.model_fields if name not in NODECLASS_FIELDS),
    "capacity_spread",
    "node_class",
    "existing_node_class",
    "headroom",
    "off_hours",
    "replicas",
)


class NodeGroupDefaults(NodeGroupSettings):
    """Cluster-wide defaults. A setting left ``None`` here falls back to the library's default."""

    cluster_name: ClusterName = Field(
        description="EKS cluster name: letters, digits, `-` and `_`, starting with a letter or digit, at most 100."
    )
    group_label_key: str = Field(
        default="nodegroup", min_length=1, description="Label key that names a node's group (`nodegroup`)."
    )
    capacity_spread_label_key: str = Field(
        default="capacity-spread", min_length=1, description="Label key of the capacity-spread ranges."
    )
    headroom_namespace: str = Field(
        default="karpenter-headroom", pattern=DNS_LABEL, description="Namespace of the headroom Deployments."
    )
    headroom_image: str = Field(
        default="registry.k8s.io/pause:3.10",
        min_length=1,
        description="Image of the headroom placeholder pods.",
    )
    create_headroom_namespace: bool = Field(
        default=True,
        description="Render the headroom Namespace; `False` references an existing one, which the stack then "
        "neither owns nor deletes.",
    )
    headroom_priority_class: HeadroomPriorityClass = Field(
        default_factory=HeadroomPriorityClass, description="The PriorityClass of the headroom pods."
    )
    off_hours_namespace: str = Field(
        default="karpenter-off-hours", pattern=DNS_LABEL, description="Namespace of the off-hours CronJobs."
    )
    kubectl_image: str = Field(
        default="registry.k8s.io/kubectl:v1.33.0",
        min_length=1,
        description="Image the off-hours CronJobs run.",
    )

    @model_validator(mode="after")
    def _coherent(self) -> NodeGroupDefaults:
        issues = one_of_each(self)
        if issues:
            raise SpecError("defaults", issues)
        return self

    # Last in the class, so that it wraps the model's own checks too (pydantic nests validators in order).
    @model_validator(mode="wrap")
    @classmethod
    def _name_the_owner(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        return validate_owned(cls, data, handler, lambda: "defaults", {"cluster_name": STAND_IN})
