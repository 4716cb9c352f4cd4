"""The user's nodegroup list: cluster-wide defaults plus node groups that override only what differs."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StrictStr, ValidationError, model_validator
from pydantic_core.core_schema import ValidatorFunctionWrapHandler

from karpenter_infra.errors import SpecError, issues_from, nodegroup_owner
from karpenter_infra.schedule import OffHours
from karpenter_infra.spec.automode import AutoModeNodeClass
from karpenter_infra.spec.base import Spec
from karpenter_infra.spec.disruption import Budget, ConsolidationPolicy, Duration, DurationOrNever
from karpenter_infra.spec.headroom import Headroom
from karpenter_infra.spec.instances import Instances
from karpenter_infra.spec.nodeclass import (
    AmiFamily,
    AmiSelectorTerm,
    BlockDevice,
    Kubelet,
    MetadataOptions,
    Quantity,
    SecurityGroupSelectorTerm,
    SubnetSelectorTerm,
)
from karpenter_infra.spec.scheduling import CapacitySpread, LabelValue, Requirement, Taint, TaintEffect

DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
LABEL_VALUE = r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"

GroupName = Annotated[str, Field(pattern=DNS_LABEL, min_length=1, max_length=50)]
Limit = Annotated[Quantity, BeforeValidator(lambda v: str(v) if isinstance(v, int) and not isinstance(v, bool) else v)]


class NodeGroupSettings(Spec):
    """Every setting a node group may override. ``None`` means "inherit"; an explicit ``[]`` means "none"."""

    # --- what to launch, and where
    instances: Instances | None = Field(default=None, description="Instance shape; overrides the defaults key by key.")
    availability_zones: list[LabelValue] | None = Field(
        default=None, description="Zones (`eu-west-1a`); empty means any zone the subnets offer."
    )
    additional_requirements: list[Requirement] | None = Field(
        default=None, description="Raw requirement terms for what `instances` does not cover."
    )

    # --- scheduling
    auto_taint: bool | None = Field(
        default=None, description="Taint nodes `dedicated=<group label, '-' as '_'>:NoSchedule`."
    )
    taints: list[Taint] | None = Field(default=None, description="Taints on every node of the group.")
    startup_taints: list[Taint] | None = Field(
        default=None, description="Taints a daemon removes once the node is ready (e.g. a CNI agent)."
    )
    cilium: bool | None = Field(
        default=None,
        description="Add the startup taint `node.cilium.io/agent-not-ready=true` for Cilium clusters.",
    )
    cilium_taint_effect: TaintEffect | None = Field(
        default=None, description="Effect of the Cilium startup taint (default `NoExecute`)."
    )
    labels: dict[str, StrictStr] | None = Field(
        default=None, description="Node labels; merged over the defaults' labels, the group's win."
    )
    annotations: dict[str, StrictStr] | None = Field(
        default=None, description="Node annotations; merged over the defaults' annotations."
    )
    node_tags: dict[str, StrictStr] | None = Field(
        default=None,
        description="EC2 tags on the group's instances, volumes and ENIs; merged over the defaults'.",
    )
    weight: int | None = Field(default=None, ge=1, le=100, description="NodePool priority; higher is tried first.")
    limits: dict[str, Limit] | None = Field(
        default=None,
        description="Ceiling on the group's total capacity: `cpu`, `memory`, `nodes`, `nvidia.com/gpu`.",
    )

    # --- disruption
    consolidation_policy: ConsolidationPolicy | None = Field(
        default=None, description="`WhenEmpty` or `WhenEmptyOrUnderutilized` (default)."
    )
    consolidate_after: DurationOrNever | None = Field(
        default=None, description="How long a node must be consolidatable first (`30s`, `5m`, `Never`)."
    )
    expire_after: DurationOrNever | None = Field(
        default=None, description="Replace nodes older than this (`720h`, default), or `Never`."
    )
    termination_grace_period: Duration | None = Field(
        default=None, description="Longest a node may drain before it is forcibly terminated."
    )
    budgets: list[Budget] | None = Field(
        default=None,
        description="Disruption budgets; with `schedule` and `duration` they are maintenance windows.",
    )

    # --- node class
    role: str | None = Field(default=None, min_length=1, description="IAM role name for the nodes.")
    instance_profile: str | None = Field(
        default=None,
        min_length=1,
        description="Existing instance profile instead of a role (private clusters).",
    )
    ami_family: AmiFamily | None = Field(
        default=None, description="`AL2023` (default), `Bottlerocket`, `Windows2022`, ..."
    )
    ami_version: str | None = Field(
        default=None,
        pattern=r"^(latest|v[0-9]{8}|[0-9]+\.[0-9]+\.[0-9]+)$",
        description="Version of the family's AMI alias: `latest` (default) or a pinned `v20251016`.",
    )
    ami_selector_terms: list[AmiSelectorTerm] | None = Field(
        default=None, description="Explicit AMI selection; default is the alias `<family>@<version>`."
    )
    subnet_selector_terms: list[SubnetSelectorTerm] | None = Field(
        default=None, description="Subnets; default the tag `karpenter.sh/discovery: <cluster_name>`."
    )
    security_group_selector_terms: list[SecurityGroupSelectorTerm] | None = Field(
        default=None, description="Security groups; default the tag `karpenter.sh/discovery: <cluster_name>`."
    )
    block_device_mappings: list[BlockDevice] | None = Field(
        default=None, description="EBS volumes; default: the AMI family's own root volume."
    )
    metadata_options: MetadataOptions | None = Field(default=None, description="IMDS options; default IMDSv2 only.")
    detailed_monitoring: bool | None = Field(default=None, description="EC2 detailed (1-minute) monitoring.")
    associate_public_ip_address: bool | None = Field(default=None, description="Public IPs on the nodes' ENIs.")
    instance_store_policy: str | None = Field(
        default=None, pattern="^RAID0$", description="`RAID0`: use local NVMe as ephemeral storage."
    )
    kubelet: Kubelet | None = Field(default=None, description="Kubelet settings; overrides the defaults key by key.")
    user_data: str | None = Field(
        default=None,
        description="Jinja2 template of the user data; sees `cluster_name`, `group` and `values`.",
    )
    user_data_values: dict[str, Any] | None = Field(
        default=None, description="Free-form values for the user data template; merged over the defaults'."
    )
    auto_mode: AutoModeNodeClass | None = Field(
        default=None,
        description="EKS Auto Mode NodeClass settings (network policy, SNAT, pod subnets, ...); backend "
        "`auto-mode` only. Overrides the defaults key by key.",
    )


#: Settings that describe the EC2NodeClass; a group that reuses another's node class must leave them alone.
NODECLASS_FIELDS: tuple[str, ...] = (
    "role",
    "instance_profile",
    "ami_family",
    "ami_version",
    "ami_selector_terms",
    "subnet_selector_terms",
    "security_group_selector_terms",
    "block_device_mappings",
    "metadata_options",
    "detailed_monitoring",
    "associate_public_ip_address",
    "instance_store_policy",
    "kubelet",
    "user_data",
    "user_data_values",
    "node_tags",
    "auto_mode",
)


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
    headroom: list[Headroom] | None = Field(default=None, description="Placeholder pods that keep capacity warm.")
    off_hours: OffHours | None = Field(
        default=None, description="Scale the group to zero on a schedule (e.g. nights and weekends in dev)."
    )
    replicas: int | None = Field(
        default=None,
        ge=0,
        description="Static NodePool: keep exactly this many nodes (needs the `staticCapacity` feature gate).",
    )

    @model_validator(mode="wrap")
    @classmethod
    def _name_the_group(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(data)
        except ValidationError as exc:
            name = data.get("name", "<unnamed>") if isinstance(data, dict) else "<unnamed>"
            raise SpecError(nodegroup_owner(name), issues_from(exc)) from None

    @model_validator(mode="after")
    def _coherent(self) -> NodeGroup:
        if self.role is not None and self.instance_profile is not None:
            raise SpecError.one(nodegroup_owner(self.name), "role", "set role or instance_profile, not both")
        if self.node_class is not None:
            if self.node_class == self.name:
                raise SpecError.one(nodegroup_owner(self.name), "node_class", "a group cannot reuse its own node class")
            clashing = [f for f in NODECLASS_FIELDS if getattr(self, f) is not None]
            if clashing:
                raise SpecError.one(
                    nodegroup_owner(self.name),
                    clashing[0],
                    f"has no effect: the group reuses the EC2NodeClass of {self.node_class!r}; set it there",
                )
        if self.replicas is not None:
            if self.weight is not None:
                raise SpecError.one(
                    nodegroup_owner(self.name), "weight", "static node groups (replicas) take no weight"
                )
            if self.limits is not None and set(self.limits) - {"nodes"}:
                raise SpecError.one(
                    nodegroup_owner(self.name),
                    "limits",
                    "static node groups (replicas) only take limits['nodes']",
                )
        if self.off_hours is not None and self.limits is not None and "nodes" in self.limits:
            raise SpecError.one(
                nodegroup_owner(self.name),
                "limits",
                "limits['nodes'] belongs to the off_hours schedule; remove it",
            )
        if self.headroom:
            keys = [entry.key for entry in self.headroom]
            dupes = sorted({k for k in keys if keys.count(k) > 1})
            if dupes:
                raise SpecError.one(
                    nodegroup_owner(self.name),
                    "headroom",
                    f"more than one entry of size {dupes[0]!r}; merge them",
                )
        return self


class NodeGroupDefaults(NodeGroupSettings):
    """Cluster-wide defaults. A setting left ``None`` here falls back to the library's default."""

    cluster_name: str = Field(pattern=DNS_LABEL, max_length=100, description="EKS cluster name.")
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
    off_hours_namespace: str = Field(
        default="karpenter-off-hours", pattern=DNS_LABEL, description="Namespace of the off-hours CronJobs."
    )
    kubectl_image: str = Field(
        default="registry.k8s.io/kubectl:v1.33.0",
        min_length=1,
        description="Image the off-hours CronJobs run.",
    )

    @model_validator(mode="wrap")
    @classmethod
    def _name_the_owner(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(data)
        except ValidationError as exc:
            raise SpecError("defaults", issues_from(exc)) from None

    @model_validator(mode="after")
    def _coherent(self) -> NodeGroupDefaults:
        if self.role is not None and self.instance_profile is not None:
            raise SpecError.one("defaults", "role", "set role or instance_profile, not both")
        return self
