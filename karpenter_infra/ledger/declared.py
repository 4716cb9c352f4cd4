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
from karpenter_infra.ledger.declared_models import CORE, MODEL_RULES, NODECLASS_CEL, PROVIDER
from karpenter_infra.monitoring.alerts import AlertThresholds
from karpenter_infra.spec import resolve, resolve_nodeclass
from karpenter_infra.spec.automode import check_auto_mode_platform
from karpenter_infra.spec.platform import ControllerNodesSpec, KarpenterSpec, PlatformSpec
from karpenter_infra.spec.platform_cluster import ClusterSpec, ExistingCluster
from karpenter_infra.spec.platform_policy import check_statements
from karpenter_infra.spec.platform_rules import check_feature_gates, check_labels, checked

E, G, P = Severity.ERROR, Stage.GROUP, Stage.PLATFORM

#: (id, severity, stage, source, summary, where), as ``MODEL_RULES``.
DECLARED: tuple[tuple[str, Severity, Stage, str, str, Any], ...] = (
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
        resolve_nodeclass._resolve,
    ),
    (
        "library-tag-clash",
        E,
        G,
        "ours: library_tags writes cluster, managed_by and the group label key",
        "node_tags that overwrite a tag the library writes",
        resolve_nodeclass._tags,
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

for _id, _severity, _stage, _source, _summary, _where in (*MODEL_RULES, *DECLARED):
    declare(_id, severity=_severity, stage=_stage, source=_source, summary=_summary, where=_where)
