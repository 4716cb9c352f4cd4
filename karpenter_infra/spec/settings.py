"""Every setting one layer (the defaults or a node group) may override, and which of them shape what.

The field groups here (node-class fields, launch options, exclusive pairs) are named once: the group rules, the
resolver and the conformance tests read them from here.
"""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import AfterValidator, BeforeValidator, Field, StrictStr, model_validator

from karpenter_infra.catalog.warnings import CatalogWarning
from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.karpenter import patterns as p
from karpenter_infra.rules.settings import check_settings
from karpenter_infra.spec.automode import AutoModeNodeClass
from karpenter_infra.spec.base import Spec
from karpenter_infra.spec.disruption import Budget, ConsolidationPolicy, Duration, DurationOrNever
from karpenter_infra.spec.instances import Instances
from karpenter_infra.spec.launch import (
    CapacityReservationSelectorTerm,
    ConnectionTracking,
    CpuOptions,
    NetworkInterface,
    PlacementGroup,
    check_network_interfaces,
)
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
from karpenter_infra.spec.scheduling import LabelValue, Requirement, Taint, TaintEffect


def _known_warning(rule_id: str) -> str:
    from karpenter_infra.ledger.registry import warning_ids  # the rule modules import this one

    known = warning_ids()
    if rule_id not in known:
        from karpenter_infra.suggest import did_you_mean

        raise ValueError(f"{rule_id!r} is no warning's id{did_you_mean(rule_id, known)}; docs/rules.md lists them")
    return rule_id


WarningId = Annotated[str, AfterValidator(_known_warning)]

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
    warnings_off: list[WarningId] | None = Field(
        default=None,
        description="Warnings to switch off for the group, by rule id (the table in docs/rules.md lists them); a "
        "group's list replaces the defaults'. On the defaults it also silences the platform's warnings.",
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


#: Launch options of the EC2NodeClass: rarely set, so the resolver looks up only the ones a layer set.
LAUNCH_FIELDS: tuple[str, ...] = (
    "capacity_reservation_selector_terms",
    "network_interfaces",
    "placement_group",
    "ip_prefix_count",
    "connection_tracking",
    "cpu_options",
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
    *LAUNCH_FIELDS,
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


def one_of_each(settings: NodeGroupSettings) -> list[tuple[str, str]]:
    return [
        (first, f"set {first} or {second}, not both")
        for first, second in EXCLUSIVE_FIELDS
        if getattr(settings, first) is not None and getattr(settings, second) is not None
    ]
