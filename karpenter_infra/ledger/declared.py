"""Rules enforced where their data is first seen, declared here so that the ledger (and its table) is complete.

These checks raise in place: a model's own validation (the settings of one layer as written), the resolver (a layer
merged over another), the backends' refusals and the stack's adoption list. They stay there because that is where
the value and its field are at hand; each is listed here with its source, and ``where`` points at the code.
"""

from __future__ import annotations

from typing import Any

from karpenter_infra.adoption import check_adopt
from karpenter_infra.automode.refuse import check_not_auto_mode, ephemeral_storage
from karpenter_infra.automode.refuse import check_settings as auto_mode_settings
from karpenter_infra.ledger.core import Severity, Stage, declare
from karpenter_infra.monitoring.alerts import AlertThresholds
from karpenter_infra.schedule import OffHours
from karpenter_infra.spec import resolve, resolve_nodeclass
from karpenter_infra.spec.automode import check_auto_mode_platform
from karpenter_infra.spec.disruption import Budget
from karpenter_infra.spec.headroom import Headroom, LabelSelectorRequirement
from karpenter_infra.spec.launch import (
    CapacityReservationSelectorTerm,
    ConnectionTracking,
    PlacementGroup,
    check_network_interfaces,
)
from karpenter_infra.spec.nodeclass import BlockDevice
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults
from karpenter_infra.spec.platform import ControllerNodesSpec, KarpenterSpec, PlatformSpec
from karpenter_infra.spec.platform_cluster import ClusterSpec, ExistingCluster
from karpenter_infra.spec.platform_policy import check_statements
from karpenter_infra.spec.platform_rules import check_feature_gates, check_labels, checked
from karpenter_infra.spec.scheduling import CapacitySpread
from karpenter_infra.spec.settings import NodeGroupSettings

E, M, G, P = Severity.ERROR, Stage.MODEL, Stage.GROUP, Stage.PLATFORM

CORE = "core v1.14.1 "
PROVIDER = "provider v1.14.1 "
NODEPOOL_CEL = CORE + "pkg/apis/v1/nodepool.go NodePool/NodePoolSpec kubebuilder XValidation (CRD CEL)"
NODECLASS_CEL = PROVIDER + "pkg/apis/v1/ec2nodeclass.go EC2NodeClassSpec kubebuilder XValidation (CRD CEL)"

#: (id, severity, stage, source, summary, where). ``where`` is a function; mypy types a model's validator as
#: pydantic's descriptor proxy, hence ``Any``.
DECLARED: tuple[tuple[str, Severity, Stage, str, str, Any], ...] = (
    # --- one layer as written (a model's own validation)
    (
        "exclusive-settings",
        E,
        M,
        "ours: role and instance_profile (user_data and user_data_template) say the same "
        "thing two ways; the EC2NodeClass takes one of each (" + NODECLASS_CEL + ")",
        "role with instance_profile, or user_data with user_data_template, on one layer",
        NodeGroupDefaults._coherent,
    ),
    (
        "layer-settings",
        E,
        M,
        "Kubernetes apimachinery validation IsQualifiedName/IsValidLabelValue (labels, "
        "annotations, taints); " + CORE + "pkg/apis/v1/duration.go (durations); " + NODECLASS_CEL + " (selector "
        "terms, tags, device names); " + CORE + "pkg/apis/v1/nodeclaim_validation.go ValidateRequirement",
        "labels, annotations, taints, tags, limits, zones, durations, selector terms, role name, raw requirement keys "
        "and well-known values, as one layer writes them (rules.settings.check_settings)",
        NodeGroupSettings._rules,
    ),
    (
        "node-class-self",
        E,
        M,
        "ours: node_class names the group itself, which renders no class to reuse",
        "a group whose node_class is its own name",
        NodeGroup._coherent,
    ),
    (
        "node-class-exclusive",
        E,
        M,
        "ours: node_class and existing_node_class name two classes for one pool",
        "node_class with existing_node_class",
        NodeGroup._coherent,
    ),
    (
        "reused-class-settings",
        E,
        M,
        "ours: a group that reuses a node class renders none, so node-class settings on it would be dropped silently",
        "node-class settings on a group with node_class or existing_node_class",
        NodeGroup._coherent,
    ),
    (
        "class-only-pool-settings",
        E,
        M,
        "ours: node_class_only renders no NodePool, so pool settings would be dropped silently",
        "NodePool settings on a node_class_only group",
        NodeGroup._coherent,
    ),
    (
        "static-pool-settings",
        E,
        M,
        NODEPOOL_CEL + ": 'weight' is not supported on static NodePools; only limits.nodes",
        "weight, or limits other than nodes, on a static pool (replicas)",
        NodeGroup._coherent,
    ),
    (
        "off-hours-node-limit",
        E,
        M,
        "ours: off_hours scales the pool by its limits['nodes'], which the schedule owns",
        "limits['nodes'] beside off_hours",
        NodeGroup._coherent,
    ),
    (
        "headroom-duplicate-size",
        E,
        M,
        "ours: two headroom entries of one size render one Deployment name",
        "headroom entries of the same size",
        NodeGroup._coherent,
    ),
    (
        "budget-schedule-duration",
        E,
        M,
        NODEPOOL_CEL + ": 'schedule' must be set with 'duration'",
        "a budget with schedule but no duration (or the reverse), or a schedule Karpenter cannot parse",
        Budget._window,
    ),
    (
        "capacity-reservation-term",
        E,
        M,
        NODECLASS_CEL + " (capacityReservationSelectorTerms: id alone, or tags, owner or match criteria)",
        "a capacity reservation term with nothing to select by, or id beside others",
        CapacityReservationSelectorTerm._crd_rules,
    ),
    (
        "network-interfaces",
        E,
        M,
        NODECLASS_CEL + " (networkInterfaces: a primary interface, unique card and "
        "device pairs, one efa-only per card)",
        "network interfaces without a primary, with duplicates",
        check_network_interfaces,
    ),
    (
        "placement-group-selector",
        E,
        M,
        NODECLASS_CEL + " (placementGroupSelector: name or id, exactly one)",
        "a placement group selector with both or neither of name and id",
        PlacementGroup._one,
    ),
    (
        "connection-tracking",
        E,
        M,
        NODECLASS_CEL + " (connectionTracking: at least one timeout)",
        "connection tracking with no timeout set",
        ConnectionTracking._some,
    ),
    (
        "block-device-size",
        E,
        M,
        NODECLASS_CEL + " (blockDevice: snapshotID or volumeSize; volumeInitializationRate needs snapshotID)",
        "a volume with neither size nor snapshot",
        BlockDevice._source,
    ),
    (
        "off-hours-schedule",
        E,
        M,
        "ours: up and down at the same time leave the group never up",
        "off_hours whose up and down expressions are the same",
        OffHours._up_differs_from_down,
    ),
    (
        "spread-range",
        E,
        M,
        "Kubernetes apimachinery IsValidLabelValue on each value; ours: start after end",
        "a capacity spread whose start is after its end, or over 63 values",
        CapacitySpread._ordered,
    ),
    (
        "headroom-shape",
        E,
        M,
        "ours: a headroom entry is a size or a cpu and memory pair",
        "headroom with size and cpu/memory, or neither",
        Headroom._one_shape,
    ),
    (
        "headroom-selector",
        E,
        M,
        "Kubernetes apimachinery LabelSelectorRequirement validation (In/NotIn need "
        "values, Exists/DoesNotExist take none)",
        "a headroom selector term whose operator and values disagree",
        LabelSelectorRequirement._values_fit_operator,
    ),
    # --- one group, its layers merged
    (
        "required-values",
        E,
        G,
        CORE + "pkg/apis/v1/nodepool.go requirements XValidation (an In needs a value)",
        "capacity_types or operating_systems left empty after merging",
        resolve._resolve_instances,
    ),
    (
        "include-exclude-overlap",
        E,
        G,
        "ours: a family (size) both included and excluded; names where each came from",
        "a family or size in both the include and the exclude list",
        resolve._resolve_instances,
    ),
    (
        "duplicate-taint",
        E,
        G,
        CORE + "pkg/apis/v1/nodeclaim_validation.go validateTaints (taints and startup taints keyed together)",
        "one taint key and effect twice across taints and startup_taints",
        resolve._taints,
    ),
    (
        "group-label-set-twice",
        E,
        G,
        "ours: the group label key is written from group_label (capacity spread label likewise)",
        "labels setting the group label key or the capacity-spread label key",
        resolve.resolve_group,
    ),
    (
        "spread-needs-group-label",
        E,
        G,
        "ours: a capacity spread selects its nodes by the group label",
        "capacity_spread with group_node_label off",
        resolve.resolve_group,
    ),
    (
        "node-class-reference",
        E,
        G,
        "ours: node_class must name a group that renders its own EC2NodeClass",
        "node_class naming no group, a group with an existing class, or one that reuses another's",
        resolve._node_class_owner,
    ),
    (
        "node-identity",
        E,
        G,
        PROVIDER + "pkg/apis/v1/ec2nodeclass.go EC2NodeClassSpec (role or instanceProfile, exactly one)",
        "no role or instance profile after merging, and no platform node role",
        resolve_nodeclass.resolve_nodeclass,
    ),
    (
        "library-tag-clash",
        E,
        G,
        "ours: library_tags writes cluster, managed_by and the group label key",
        "node_tags that overwrite a tag the library writes",
        resolve_nodeclass.resolve_nodeclass,
    ),
    (
        "custom-ami-terms",
        E,
        G,
        NODECLASS_CEL + " (amiSelectorTerms required; amiFamily Custom has no alias)",
        "ami_family Custom without ami_selector_terms, or an ami_version the family's alias does not take",
        resolve_nodeclass._ami_terms,
    ),
    # --- backends and the stack
    (
        "auto-mode-unsupported",
        E,
        G,
        "EKS User Guide, Auto Mode NodeClass reference (fields EKS Auto Mode has; nodes live at most 21 days)",
        "settings EKS Auto Mode cannot express (per layer)",
        auto_mode_settings,
    ),
    (
        "auto-mode-ephemeral-storage",
        E,
        G,
        "EKS User Guide, Auto Mode NodeClass ephemeralStorage (one gp3, encrypted root volume)",
        "block devices Auto Mode's ephemeral storage cannot express",
        ephemeral_storage,
    ),
    (
        "auto-mode-only-settings",
        E,
        G,
        PROVIDER + "pkg/apis/v1/ec2nodeclass.go (no field for them)",
        "auto_mode settings on the self-managed backend",
        check_not_auto_mode,
    ),
    (
        "adopt-unknown-name",
        E,
        P,
        "ours: an ADOPT entry must name a resource the fleet renders (Pulumi import ids)",
        "an ADOPT key that names no object of the fleet",
        check_adopt,
    ),
    (
        "platform-model",
        E,
        P,
        "EKS CreateCluster/CreateNodegroup and IAM API limits (names, sizes, ARNs, "
        "endpoints); Kubernetes apimachinery label validation",
        "the platform config's own settings (cluster, controller nodes, IAM names, extra values)",
        PlatformSpec._aws_name_limits,
    ),
    (
        "platform-cluster",
        E,
        P,
        "EKS User Guide, Cluster endpoint access control; EC2 subnet and tag rules",
        "subnets listed twice or both private and public, one zone, no endpoint, bad tags",
        ClusterSpec._network,
    ),
    (
        "platform-oidc",
        E,
        P,
        "IAM CreateOpenIDConnectProvider (the provider is named after its issuer)",
        "an OIDC provider ARN of another issuer",
        ExistingCluster._oidc,
    ),
    (
        "controller-node-sizes",
        E,
        P,
        "EKS CreateNodegroup scalingConfig (min <= desired <= max; one AMI architecture)",
        "controller node group sizes out of order, or types of another architecture",
        ControllerNodesSpec._sizes,
    ),
    (
        "platform-values",
        E,
        P,
        "the Karpenter chart's values.yaml (keys it reads), ours for library-set values",
        "extra_values keys the chart does not read, or that replace a library value unannounced",
        KarpenterSpec._values,
    ),
    (
        "platform-fields",
        E,
        P,
        "EC2/IAM id and ARN formats, Kubernetes quantity and label rules",
        "ids, ARNs, CIDRs, versions, quantities and labels in the platform config",
        checked,
    ),
    (
        "platform-labels",
        E,
        P,
        "Kubernetes apimachinery IsQualifiedName/IsValidLabelValue",
        "labels in the platform config",
        check_labels,
    ),
    (
        "feature-gates",
        E,
        P,
        "the Karpenter chart's values.yaml settings.featureGates",
        "feature gates the chart does not know",
        check_feature_gates,
    ),
    (
        "extra-statements",
        E,
        P,
        "IAM policy grammar (Effect, Action, Resource)",
        "extra controller policy statements IAM refuses",
        check_statements,
    ),
    (
        "alert-thresholds",
        E,
        P,
        "ours: a warning that fires after the critical alert says nothing",
        "monitoring thresholds whose warning is not below the critical one",
        AlertThresholds._warning_below_critical,
    ),
    (
        "auto-mode-platform",
        E,
        P,
        "EKS User Guide, Auto Mode (AWS runs Karpenter: no controller settings)",
        "controller settings on backend auto-mode",
        check_auto_mode_platform,
    ),
)

for _id, _severity, _stage, _source, _summary, _where in DECLARED:
    declare(_id, severity=_severity, stage=_stage, source=_source, summary=_summary, where=_where)
