"""The user's nodegroup list: cluster-wide defaults plus node groups that override only what differs."""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import AfterValidator, BeforeValidator, Field, StrictStr, ValidationError, model_validator
from pydantic_core.core_schema import ValidatorFunctionWrapHandler

from karpenter_infra.catalog.warnings import CatalogWarning
from karpenter_infra.errors import SpecError, issues_from, nodegroup_owner
from karpenter_infra.karpenter import patterns as p
from karpenter_infra.rules.settings import check_settings
from karpenter_infra.schedule import OffHours
from karpenter_infra.spec.automode import AutoModeNodeClass
from karpenter_infra.spec.base import Spec
from karpenter_infra.spec.disruption import Budget, ConsolidationPolicy, Duration, DurationOrNever
from karpenter_infra.spec.headroom import Headroom, HeadroomPriorityClass
from karpenter_infra.spec.instances import Instances
from karpenter_infra.spec.launch import (
    CapacityReservationSelectorTerm,
    ConnectionTracking,
    CpuOptions,
    NetworkInterface,
    PlacementGroup,
    check_network_interfaces,
)
from karpenter_infra.spec.names import ClusterName
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
    library_tags: bool | None = Field(
        default=None,
        description="Write the library's own EC2 tags (`cluster`, `managed_by`, `<group_label_key>`); `False` where "
        "tagging is owned elsewhere. While on, a `node_tags` key that clashes with one is an error.",
    )
    group_node_label: bool | None = Field(
        default=None,
        description="Label the nodes `<group_label_key>: <group_label>`; `False` where node labels are owned "
        "elsewhere (not with `capacity_spread`, whose workloads select the group by it).",
    )
    architecture_suffix: bool | None = Field(
        default=None,
        description="Name the NodePool and EC2NodeClass `<name>-<architecture>` (default); `False` names them "
        "`<name>`, as hand-written fleets often do (alerts then cannot recover the group from the pool name).",
    )
    weight: int | None = Field(default=None, ge=1, le=100, description="NodePool priority; higher is tried first.")
    limits: dict[str, Limit] | None = Field(
        default=None,
        description="Ceiling on the group's total capacity: `cpu`, `memory`, `nodes`, `nvidia.com/gpu`.",
    )
    catalog_warnings_off: list[CatalogWarning] | None = Field(
        default=None,
        description="Instance-catalog warnings to silence for the group: `spot-diversity` (spot pool under 15 "
        "types), `previous-generation` (only previous-generation or Xen types), `price-spread` (on-demand prices "
        "over 20x apart), `twin-shapes` (other shapes than its twin pool), `headroom-edge` (headroom fits only "
        "within the margin).",
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
        pattern=r"^(latest|v[0-9]{8}|v?[0-9]+\.[0-9]+\.[0-9]+)$",
        description="Version of the family's AMI alias: `latest` (default), or pinned in the family's own format: "
        "`v20251016` (AL2023, AL2), `v1.57.0` or `1.57.0` (Bottlerocket); Windows only `latest`.",
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
    capacity_reservation_selector_terms: (
        Annotated[list[CapacityReservationSelectorTerm], Field(max_length=p.SELECTOR_TERMS_MAX_ITEMS)] | None
    ) = Field(
        default=None,
        description="Capacity reservations (ODCRs, Capacity Blocks) the nodes may launch into, by `id`, `tags` "
        "(with `owner_id`) or `instance_match_criteria`; makes capacity type `reserved` launchable.",
    )
    network_interfaces: (
        Annotated[
            list[NetworkInterface],
            Field(max_length=p.NETWORK_INTERFACES_MAX_ITEMS),
            AfterValidator(check_network_interfaces),
        ]
        | None
    ) = Field(
        default=None,
        description="Network interfaces at launch (EFA: `efa-only` on extra cards); must include the primary "
        "one (card 0, device 0, `interface`).",
    )
    placement_group: PlacementGroup | None = Field(
        default=None, description="Launch into this existing placement group (`placementGroupSelector`)."
    )
    ip_prefix_count: int | None = Field(
        default=None, ge=0, le=p.INT32_MAX, description="IPv4 prefixes on the primary interface (`ipPrefixCount`)."
    )
    connection_tracking: ConnectionTracking | None = Field(
        default=None, description="ENI connection-tracking idle timeouts."
    )
    cpu_options: CpuOptions | None = Field(default=None, description="CPU options (nested virtualisation).")
    kubelet: Kubelet | None = Field(default=None, description="Kubelet settings; overrides the defaults key by key.")
    user_data: str | None = Field(
        default=None,
        description="User data, verbatim: never templated, so shell such as `${#A[@]}` or `{{.Id}}` stays as "
        "written. Set this or `user_data_template`.",
    )
    user_data_template: str | None = Field(
        default=None,
        description="User data as a Jinja2 template (sandboxed, undefined names are errors); sees `cluster_name`, "
        "`group` and `values`.",
    )
    user_data_values: dict[str, Any] | None = Field(
        default=None, description="Free-form values for the user data template; merged over the defaults'."
    )
    auto_mode: AutoModeNodeClass | None = Field(
        default=None,
        description="EKS Auto Mode NodeClass settings (network policy, SNAT, pod subnets, ...); backend "
        "`auto-mode` only. Overrides the defaults key by key.",
    )

    @model_validator(mode="after")
    def _rules(self) -> Self:
        issues = check_settings(self)
        if issues:
            name = getattr(self, "name", None)
            raise SpecError(nodegroup_owner(name) if name is not None else "defaults", issues)
        return self


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
    "capacity_reservation_selector_terms",
    "network_interfaces",
    "placement_group",
    "ip_prefix_count",
    "connection_tracking",
    "cpu_options",
    "kubelet",
    "user_data",
    "user_data_template",
    "user_data_values",
    "node_tags",
    "library_tags",
    "auto_mode",
)


#: Pairs of settings that say the same thing two ways: one layer (defaults or a group) may set one of each pair.
EXCLUSIVE_FIELDS: tuple[tuple[str, str], ...] = (
    ("role", "instance_profile"),
    ("user_data", "user_data_template"),
)


def _one_of_each(settings: NodeGroupSettings, owner: str) -> None:
    for first, second in EXCLUSIVE_FIELDS:
        if getattr(settings, first) is not None and getattr(settings, second) is not None:
            raise SpecError.one(owner, first, f"set {first} or {second}, not both")


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
        _one_of_each(self, nodegroup_owner(self.name))
        if self.node_class is not None:
            if self.node_class == self.name:
                raise SpecError.one(nodegroup_owner(self.name), "node_class", "a group cannot reuse its own node class")
            self._no_nodeclass_settings(f"the group reuses the EC2NodeClass of {self.node_class!r}; set it there")
        if self.existing_node_class is not None:
            if self.node_class is not None:
                raise SpecError.one(
                    nodegroup_owner(self.name), "existing_node_class", "set node_class or existing_node_class, not both"
                )
            self._no_nodeclass_settings(
                f"the group uses the existing EC2NodeClass {self.existing_node_class!r}, "
                "which the fleet does not render"
            )
        if self.node_class_only:
            self._no_nodepool_settings()
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

    def _no_nodeclass_settings(self, why: str) -> None:
        clashing = [f for f in NODECLASS_FIELDS if getattr(self, f) is not None]
        if clashing:
            raise SpecError.one(nodegroup_owner(self.name), clashing[0], f"has no effect: {why}")

    def _no_nodepool_settings(self) -> None:
        # Only what the group itself says: the defaults' pool settings are meant for the groups that have pools.
        for name in NODEPOOL_ONLY_FIELDS:
            value = getattr(self, name)
            if value is not None and value is not False:
                raise SpecError.one(
                    nodegroup_owner(self.name), name, "has no effect: node_class_only renders no NodePool"
                )


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

    @model_validator(mode="wrap")
    @classmethod
    def _name_the_owner(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(data)
        except ValidationError as exc:
            raise SpecError("defaults", issues_from(exc)) from None

    @model_validator(mode="after")
    def _coherent(self) -> NodeGroupDefaults:
        _one_of_each(self, "defaults")
        return self
