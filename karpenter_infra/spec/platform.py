"""The platform around the fleet: cluster, controller node group, IAM, Karpenter release, monitoring.

One ``PlatformSpec`` is what a stack's ``karpenter-infra:platform`` config holds; it is validated before Pulumi
registers anything, so a bad stack file fails with the key that is wrong.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal, Self

from pydantic import Field, model_validator

from karpenter_infra.monitoring.alerts import AlertThresholds
from karpenter_infra.spec.automode import AutoModeSpec, Backend, check_auto_mode_platform
from karpenter_infra.spec.base import Spec
from karpenter_infra.spec.names import ClusterName

KARPENTER_VERSION = "1.14.1"
KARPENTER_CHART_REPOSITORY = "oci://public.ecr.aws/karpenter"


class ExistingCluster(Spec):
    """A cluster Pulumi does not manage: install Karpenter into what a team already runs."""

    endpoint: str = Field(pattern=r"^https://", description="API server endpoint.")
    certificate_authority: str = Field(min_length=1, description="Base64 CA data of the API server.")
    oidc_issuer_url: str | None = Field(default=None, description="OIDC issuer URL (needed for IRSA).")
    oidc_provider_arn: str | None = Field(default=None, description="IAM OIDC provider ARN (needed for IRSA).")
    cluster_security_group_id: str | None = Field(
        default=None,
        pattern=r"^sg-[0-9a-z]+$",
        description="The EKS cluster security group, to tag for discovery.",
    )


class ClusterSpec(Spec):
    """The EKS cluster: created here, or an `existing` one Karpenter is installed into."""

    name: ClusterName = Field(description="EKS cluster name.")
    kubernetes_version: str = Field(default="1.33", pattern=r"^1\.[0-9]{2}$", description="Kubernetes minor version.")
    vpc_id: str | None = Field(default=None, pattern=r"^vpc-[0-9a-z]+$", description="VPC of the cluster.")
    private_subnet_ids: list[str] = Field(
        default_factory=list,
        description="Private subnets: nodes and (tagged for discovery) Karpenter's nodes.",
    )
    public_subnet_ids: list[str] = Field(default_factory=list, description="Public subnets for load balancers.")
    endpoint_public_access: bool = Field(default=True, description="Public API endpoint.")
    endpoint_private_access: bool = Field(default=True, description="Private API endpoint.")
    public_access_cidrs: list[str] = Field(
        default_factory=lambda: ["0.0.0.0/0"], description="CIDRs allowed to the public endpoint."
    )
    ip_family: Literal["ipv4", "ipv6"] = Field(default="ipv4", description="Cluster IP family.")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags on every AWS resource of the platform.")
    existing: ExistingCluster | None = Field(
        default=None, description="Use this existing cluster instead of creating one."
    )

    @model_validator(mode="after")
    def _network(self) -> Self:
        if len(self.private_subnet_ids) < 2:
            raise ValueError("the controller node group needs at least two private_subnet_ids (two zones)")
        if self.existing is None and self.vpc_id is None:
            raise ValueError("a new cluster needs vpc_id")
        return self


class ControllerNodesSpec(Spec):
    """The dedicated, tainted EKS managed node group for Karpenter and critical add-ons: Karpenter never runs on
    nodes it manages, or it could consolidate itself away."""

    instance_types: list[str] = Field(
        default_factory=lambda: ["m7i.large", "m6i.large", "m7a.large"],
        min_length=1,
        description="Small current-generation on-demand types.",
    )
    min_size: int = Field(default=2, ge=2, description="At least two nodes, in two zones.")
    desired_size: int = Field(default=2, ge=2, description="Desired nodes.")
    max_size: int = Field(default=3, ge=2, description="Maximum nodes.")
    disk_size: int = Field(default=50, ge=20, description="Root volume GiB.")
    ami_type: str = Field(default="AL2023_x86_64_STANDARD", description="EKS managed node group AMI type.")
    labels: dict[str, str] = Field(
        default_factory=lambda: {"karpenter-infra/role": "controller"}, description="Node labels."
    )
    taint_key: str = Field(default="CriticalAddonsOnly", description="Taint key (`CriticalAddonsOnly`).")
    taint_value: str = Field(default="true", description="Taint value.")
    create: bool = Field(
        default=True,
        description="Create the node group. `false` when the cluster runs one already: Karpenter is then pinned "
        "to its nodes by `labels` and tolerates `taint_key`/`taint_value`, so set them to match it.",
    )
    coredns_addon: bool = Field(
        default=True,
        description="Install the CoreDNS add-on pinned to the node group; `false` when the cluster has CoreDNS.",
    )

    @model_validator(mode="after")
    def _sizes(self) -> Self:
        if not self.min_size <= self.desired_size <= self.max_size:
            raise ValueError("sizes must satisfy min_size <= desired_size <= max_size")
        return self


class Identity(StrEnum):
    POD_IDENTITY = "pod-identity"
    IRSA = "irsa"


class IamSpec(Spec):
    """Karpenter's AWS identity: the controller role, the node role, instance profiles and the queue."""

    identity: Identity = Field(default=Identity.POD_IDENTITY, description="`pod-identity` (default) or `irsa`.")
    path: str = Field(default="/", pattern=r"^/([\x21-\x7e]*/)?$", description="IAM path of every role and policy.")
    permissions_boundary: str | None = Field(default=None, description="Permissions boundary ARN for every role.")
    node_role_name: str | None = Field(
        default=None, description="Name of the node role to create (default `KarpenterNodeRole-<cluster>`)."
    )
    existing_node_role_arn: str | None = Field(
        default=None,
        pattern=r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$",
        description="Bring your own node role.",
    )
    node_role_policy_arns: list[str] = Field(default_factory=list, description="Extra policies for the node role.")
    create_instance_profile: bool = Field(
        default=False,
        description="Create an instance profile for the node role (groups using `instance_profile`).",
    )
    instance_profile_roles: dict[str, str] = Field(
        default_factory=dict,
        description="Role behind each existing instance profile the node groups use, so the controller may pass it.",
    )
    extra_controller_statements: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Extra IAM statements for the controller (e.g. SSM parameters of AMIs).",
    )
    manage_access_entries: bool = Field(
        default=True,
        description="Create the EKS access entries of the node roles; off when a role already has one (migrations).",
    )
    pod_identity_agent_addon: bool = Field(
        default=True,
        description="Install the `eks-pod-identity-agent` add-on (Pod Identity); `false` when the cluster has it.",
    )
    interruption_queue: bool = Field(default=True, description="Create the SQS interruption queue and its rules.")
    queue_kms_key_arn: str | None = Field(default=None, description="Customer KMS key for the queue (else SSE-SQS).")
    create_spot_service_linked_role: bool = Field(
        default=False, description="Create the EC2 Spot service-linked role (once per account)."
    )

    def controller_role(self, cluster_name: str) -> str:
        return f"KarpenterController-{cluster_name}"

    def instance_profile(self, cluster_name: str) -> str | None:
        return f"KarpenterNodeInstanceProfile-{cluster_name}" if self.create_instance_profile else None

    def node_role(self, cluster_name: str) -> str:
        if self.existing_node_role_arn is not None:
            return self.existing_node_role_arn.rsplit("/", 1)[1]
        return self.node_role_name or f"KarpenterNodeRole-{cluster_name}"


class KarpenterSpec(Spec):
    """The Karpenter Helm release: chart versions, namespace, controller sizing and feature gates."""

    version: str = Field(default=KARPENTER_VERSION, description="Chart version of `karpenter` and `karpenter-crd`.")
    crd_version: str | None = Field(default=None, description="Chart version of `karpenter-crd` (default: version).")
    repository: str = Field(default=KARPENTER_CHART_REPOSITORY, description="OCI chart repository.")
    namespace: str = Field(default="kube-system", description="Namespace of the release.")
    service_account: str = Field(default="karpenter", description="Service account of the controller.")
    replicas: int = Field(default=2, ge=1, description="Controller replicas.")
    log_level: Literal["debug", "info", "error"] = Field(default="info", description="Log level.")
    cpu: str = Field(default="1", description="Controller CPU request and limit.")
    memory: str = Field(default="1Gi", description="Controller memory request and limit.")
    feature_gates: dict[str, bool] = Field(
        default_factory=dict, description="Feature gates, e.g. `{'spotToSpotConsolidation': true}`."
    )
    service_monitor: bool = Field(default=False, description="Render the chart's ServiceMonitor.")
    service_monitor_labels: dict[str, str] = Field(
        default_factory=dict, description="Labels the Prometheus monitor selector expects on the ServiceMonitor."
    )
    extra_values: dict[str, Any] = Field(default_factory=dict, description="Helm values deep-merged last.")

    @property
    def crd_chart_version(self) -> str:
        return self.crd_version or self.version


class MonitoringSpec(Spec):
    """Pulumi cannot see whether the Prometheus Operator CRDs exist, so the stack says so."""

    enabled: bool = Field(
        default=False,
        description="Prometheus Operator CRDs are installed: render rules, monitors, dashboards.",
    )
    namespace: str = Field(default="monitoring", description="Namespace of the rule and dashboard ConfigMaps.")
    rule_labels: dict[str, str] = Field(
        default_factory=dict,
        description="Labels the Prometheus rule selector expects (e.g. `release: prom`).",
    )
    thresholds: AlertThresholds = Field(default_factory=AlertThresholds, description="Alert thresholds.")
    dashboards: bool = Field(default=True, description="Grafana dashboards as ConfigMaps for the Grafana sidecar.")
    datasource_uid: str = Field(default="prometheus", description="Grafana data source of the dashboards.")


class PlatformSpec(Spec):
    nodegroups: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z_][\w.]*$",
        description="Python module with `DEFAULTS` and `NODEGROUPS` (`stacks.nodegroups.dev`).",
    )
    production: bool = Field(default=False, description="Production stack: stricter plan-time warnings.")
    region: str | None = Field(default=None, description="AWS region; default: the provider's (`aws:region`).")
    catalog: str | None = Field(
        default=None,
        min_length=1,
        description="Instance-type catalog file (from `karpenter-infra catalog refresh`), relative to the project "
        "directory; default: the shipped us-east-1 catalog.",
    )
    account_id: str | None = Field(
        default=None,
        pattern=r"^[0-9]{12}$",
        description="AWS account id; default: looked up from the credentials.",
    )
    partition: Literal["aws", "aws-cn", "aws-us-gov"] | None = Field(
        default=None, description="AWS partition; default: looked up from the credentials."
    )
    cluster: ClusterSpec
    backend: Backend = Field(
        default=Backend.KARPENTER,
        description="`karpenter` (default: this stack runs Karpenter) or `auto-mode` (EKS Auto Mode: AWS runs it).",
    )
    auto_mode: AutoModeSpec = Field(default_factory=AutoModeSpec, description="Settings of the `auto-mode` backend.")
    controller_nodes: ControllerNodesSpec = Field(default_factory=ControllerNodesSpec)
    iam: IamSpec = Field(default_factory=IamSpec)
    karpenter: KarpenterSpec = Field(default_factory=KarpenterSpec)
    monitoring: MonitoringSpec = Field(default_factory=MonitoringSpec)

    @property
    def node_role_name(self) -> str:
        if self.backend == Backend.AUTO_MODE:
            return self.iam.node_role_name or f"EKSAutoNodeRole-{self.cluster.name}"
        return self.iam.node_role(self.cluster.name)

    @model_validator(mode="after")
    def _aws_name_limits(self) -> Self:
        if self.backend == Backend.AUTO_MODE:
            check_auto_mode_platform(self)
            return self
        # Names derived from the cluster name must still fit AWS's limits, or the first `pulumi up` fails late.
        if len(self.node_role_name) > 64:
            raise ValueError(f"node role name {self.node_role_name!r} is over 64 characters: set iam.node_role_name")
        if len(self.iam.controller_role(self.cluster.name)) > 64:
            raise ValueError(
                "the controller role KarpenterController-<cluster> must fit 64 characters: shorten cluster.name"
            )
        if self.iam.interruption_queue and len(self.cluster.name) > 80:
            raise ValueError(
                "the interruption queue is named after the cluster: cluster.name must be at most 80 characters"
            )
        return self
