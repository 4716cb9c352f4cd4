"""The checks a model makes of its own settings (one layer as written), declared for the ledger: see ``declared``."""

from __future__ import annotations

from typing import Any

from karpenter_infra.ledger.core import Severity, Stage
from karpenter_infra.schedule import OffHours
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
from karpenter_infra.spec.scheduling import CapacitySpread
from karpenter_infra.spec.settings import NodeGroupSettings

E, M = Severity.ERROR, Stage.MODEL

CORE = "core v1.14.1 "
PROVIDER = "provider v1.14.1 "
NODEPOOL_CEL = CORE + "pkg/apis/v1/nodepool.go NodePool/NodePoolSpec kubebuilder XValidation (CRD CEL)"
NODECLASS_CEL = PROVIDER + "pkg/apis/v1/ec2nodeclass.go EC2NodeClassSpec kubebuilder XValidation (CRD CEL)"

#: (id, severity, stage, source, summary, where). ``where`` is a function; mypy types a model's validator as
#: pydantic's descriptor proxy, hence ``Any``.
MODEL_RULES: tuple[tuple[str, Severity, Stage, str, str, Any], ...] = (
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
        "terms, tags, device names); "
        + CORE
        + "pkg/apis/v1/nodeclaim_validation.go ValidateRequirement; "
        + PROVIDER
        + "pkg/apis/v1/ec2nodeclass.go amiFamilyFromAlias (log.Fatalf on an alias with a second '@')",
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
)
