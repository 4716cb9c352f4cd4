"""The platform around the fleet: cluster, controller node group, IAM, Karpenter release, monitoring.

One ``PlatformSpec`` is what a stack's ``karpenter-infra:platform`` config holds; it is validated before Pulumi
registers anything, so a bad stack file fails with the key that is wrong.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, Field, ValidationError, ValidatorFunctionWrapHandler, model_validator

from karpenter_infra.aws.arns import region_problem
from karpenter_infra.errors import FieldProblem, SpecError, issues_from
from karpenter_infra.monitoring.alerts import AlertThresholds
from karpenter_infra.rules.tags import role_name_problem
from karpenter_infra.safe_text import quoted
from karpenter_infra.spec.automode import AutoModeSpec, Backend, check_auto_mode_platform
from karpenter_infra.spec.base import Spec
from karpenter_infra.spec.platform_cluster import ClusterSpec
from karpenter_infra.spec.platform_policy import check_statements, policy_name_collision
from karpenter_infra.spec.platform_rules import (
    LIBRARY_VALUES,
    AmiType,
    CpuQuantity,
    IamPath,
    InstanceType,
    KmsKey,
    Labels,
    MemoryQuantity,
    Namespace,
    ObjectLabels,
    ObjectName,
    PolicyArn,
    RoleArn,
    RoleName,
    TaintKey,
    TaintValue,
    ami_architecture_problem,
    check_feature_gates,
    dotted,
    extra_values_problems,
)

#: The owner every platform error names when the spec is built in Python (the CLI names the stack too).
PLATFORM_OWNER = "karpenter-infra:platform"

# The newest patch of the 1.14 LTS line whose release notes were read: 1.14.2 and 1.14.3 list bug fixes and
# dependency bumps only, no API change. The CRD mirrors and cited sources stay v1.14.1 (docs/stacks.md says why).
KARPENTER_VERSION = "1.14.3"
KARPENTER_CHART_REPOSITORY = "oci://public.ecr.aws/karpenter"


class ControllerNodesSpec(Spec):
    """The dedicated, tainted EKS managed node group for Karpenter and critical add-ons: Karpenter never runs on
    nodes it manages, or it could consolidate itself away."""

    instance_types: list[InstanceType] = Field(
        default_factory=lambda: ["m7i.large", "m6i.large", "m7a.large"],
        min_length=1,
        description="Small current-generation on-demand types.",
    )
    min_size: int = Field(default=2, ge=2, description="At least two nodes, in two zones.")
    desired_size: int = Field(default=2, ge=2, description="Desired nodes.")
    max_size: int = Field(default=3, ge=2, description="Maximum nodes.")
    # EBS: gp2/gp3 root volumes of 1-16,384 GiB ("Amazon EBS volume types"); EKS's own default is 20.
    disk_size: int = Field(default=50, ge=20, le=16384, description="Root volume GiB (20-16384).")
    ami_type: AmiType = Field(
        default="AL2023_x86_64_STANDARD", description="EKS managed node group AMI type (`CreateNodegroup.amiType`)."
    )
    labels: Labels = Field(default_factory=lambda: {"karpenter-infra/role": "controller"}, description="Node labels.")
    taint_key: TaintKey = Field(default="CriticalAddonsOnly", description="Taint key (`CriticalAddonsOnly`).")
    taint_value: TaintValue = Field(default="true", description="Taint value.")
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
            raise FieldProblem("desired_size", "sizes must satisfy min_size <= desired_size <= max_size")
        problem = ami_architecture_problem(self.ami_type, self.instance_types)
        if problem is not None:
            raise FieldProblem("ami_type", problem)
        return self


class Identity(StrEnum):
    POD_IDENTITY = "pod-identity"
    IRSA = "irsa"


class IamSpec(Spec):
    """Karpenter's AWS identity: the controller role, the node role, instance profiles and the queue."""

    identity: Identity = Field(default=Identity.POD_IDENTITY, description="`pod-identity` (default) or `irsa`.")
    path: IamPath = Field(
        default="/",
        description="IAM path of every role and policy this stack creates, and of the roles node groups name.",
    )
    permissions_boundary: PolicyArn | None = Field(
        default=None, description="Permissions boundary (a managed policy's ARN) for every role."
    )
    node_role_name: RoleName | None = Field(
        default=None, description="Name of the node role to create (default `KarpenterNodeRole-<cluster>`)."
    )
    existing_node_role_arn: RoleArn | None = Field(default=None, description="Bring your own node role.")
    node_role_policy_arns: list[PolicyArn] = Field(
        default_factory=list, description="Extra policies for the node role."
    )
    create_instance_profile: bool = Field(
        default=False,
        description="Create an instance profile for the node role (groups using `instance_profile`).",
    )
    instance_profile_roles: dict[str, RoleName] = Field(
        default_factory=dict,
        description="Role behind each existing instance profile the node groups use, so the controller may pass it.",
    )
    extra_controller_statements: Annotated[list[dict[str, Any]], AfterValidator(check_statements)] = Field(
        default_factory=list,
        description="Extra IAM statements for the controller (e.g. SSM parameters of AMIs), in IAM's grammar.",
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
    queue_kms_key_arn: KmsKey | None = Field(
        default=None, description="Customer KMS key for the queue (else SSE-SQS): key id, alias or ARN."
    )
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
    namespace: Namespace = Field(default="kube-system", description="Namespace of the release.")
    service_account: ObjectName = Field(default="karpenter", description="Service account of the controller.")
    replicas: int = Field(default=2, ge=1, description="Controller replicas.")
    log_level: Literal["debug", "info", "error"] = Field(default="info", description="Log level.")
    cpu: CpuQuantity = Field(default="1", description="Controller CPU request and limit.")
    memory: MemoryQuantity = Field(default="1Gi", description="Controller memory request and limit.")
    feature_gates: Annotated[dict[str, bool], AfterValidator(check_feature_gates)] = Field(
        default_factory=dict, description="Feature gates of the chart, e.g. `{'spotToSpotConsolidation': true}`."
    )
    service_monitor: bool = Field(default=False, description="Render the chart's ServiceMonitor.")
    service_monitor_labels: ObjectLabels = Field(
        default_factory=dict, description="Labels the Prometheus monitor selector expects on the ServiceMonitor."
    )
    extra_values: dict[str, Any] = Field(
        default_factory=dict,
        description="Helm values deep-merged last; keys the chart does not read, and values the library sets from "
        "a setting of its own, are refused (see `extra_values_override`).",
    )
    extra_values_override: list[str] = Field(
        default_factory=list,
        description="Library-set values `extra_values` may replace on purpose, dotted (`affinity`, "
        "`settings.clusterEndpoint`).",
    )

    @model_validator(mode="after")
    def _values(self) -> Self:
        unknown = sorted(set(self.extra_values_override) - {dotted(key) for key in LIBRARY_VALUES})
        if unknown:
            known = ", ".join(dotted(key) for key in LIBRARY_VALUES)
            raise FieldProblem(
                "extra_values_override", f"{quoted(unknown[0])} is not a value the library sets ({known})"
            )
        for path, problem in extra_values_problems(self.extra_values, frozenset(self.extra_values_override)):
            raise FieldProblem(("extra_values", *path), problem)
        return self

    @property
    def crd_chart_version(self) -> str:
        return self.crd_version or self.version


class MonitoringSpec(Spec):
    """Pulumi cannot see whether the Prometheus Operator CRDs exist, so the stack says so."""

    enabled: bool = Field(
        default=False,
        description="Prometheus Operator CRDs are installed: render rules, monitors, dashboards.",
    )
    namespace: Namespace = Field(default="monitoring", description="Namespace of the rule and dashboard ConfigMaps.")
    rule_labels: ObjectLabels = Field(
        default_factory=dict,
        description="Labels the Prometheus rule selector expects (e.g. `release: prom`).",
    )
    thresholds: AlertThresholds = Field(default_factory=AlertThresholds, description="Alert thresholds.")
    dashboards: bool = Field(default=True, description="Grafana dashboards as ConfigMaps for the Grafana sidecar.")
    # Grafana: a data source uid is at most 40 of a-z, A-Z, 0-9, - and _ (grafana pkg/util ``IsValidShortUID``).
    datasource_uid: str = Field(
        default="prometheus", pattern=r"^[A-Za-z0-9_-]{1,40}$", description="Grafana data source of the dashboards."
    )


class PlatformSpec(Spec):
    nodegroups: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z_][\w.]*$",
        description="Python module with `DEFAULTS` and `NODEGROUPS` (`stacks.nodegroups.dev`).",
    )
    production: bool = Field(default=False, description="Production stack: stricter plan-time warnings.")
    region: str | None = Field(
        default=None,
        description="AWS region; default: the provider's (`aws:region`). When both are set they must agree.",
    )
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
        self._check_aws()
        if self.backend == Backend.AUTO_MODE:
            check_auto_mode_platform(self)
            return self
        if "auto_mode" in self.model_fields_set:
            raise FieldProblem("auto_mode", "only backend auto-mode reads it; this stack runs backend karpenter")
        # Names derived from the cluster name must still fit AWS's limits, or the first `pulumi up` fails late.
        if len(self.node_role_name) > 64:
            raise FieldProblem(
                "iam.node_role_name",
                f"node role name {self.node_role_name!r} is over 64 characters: set iam.node_role_name",
            )
        if len(self.iam.controller_role(self.cluster.name)) > 64:
            raise FieldProblem(
                "cluster.name",
                "the controller role KarpenterController-<cluster> must fit 64 characters: shorten cluster.name",
            )
        if self.iam.interruption_queue and len(self.cluster.name) > 80:
            raise FieldProblem(
                "cluster.name",
                "the interruption queue is named after the cluster: cluster.name must be at most 80 characters",
            )
        existing = self.cluster.existing
        irsa = self.iam.identity == Identity.IRSA
        if irsa and existing is not None and (existing.oidc_provider_arn is None or existing.oidc_issuer_url is None):
            raise FieldProblem(
                "iam.identity",
                "irsa on an existing cluster needs cluster.existing.oidc_provider_arn and oidc_issuer_url "
                "(or identity pod-identity)",
            )
        return self

    def _check_aws(self) -> None:
        """What is checked during registration otherwise: region and partition, the node role's name, and the
        resource names the extra node policies become."""
        if self.region is not None:
            problem = region_problem(self.region, self.partition)
            if problem:
                raise FieldProblem("region", problem)
        role = self.node_role_name
        problem = role_name_problem(role)
        if problem:
            field = "iam.existing_node_role_arn" if self.iam.existing_node_role_arn else "iam.node_role_name"
            raise FieldProblem(field, problem)
        auto_mode = self.backend == Backend.AUTO_MODE
        collision = policy_name_collision(self.iam.node_role_policy_arns, auto_mode=auto_mode)
        if collision is not None:
            raise FieldProblem(f"iam.node_role_policy_arns[{collision[0]}]", collision[1])

    @model_validator(mode="wrap")
    @classmethod
    def _one_line_errors(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Self:
        """Built in Python too, a bad platform is a ``SpecError`` naming each setting: the same lines the CLI
        prints for a stack file (whose owner also names the stack). Defined last, so it wraps every validator."""
        try:
            return handler(data)  # type: ignore[no-any-return]
        except ValidationError as exc:
            raise SpecError(PLATFORM_OWNER, issues_from(exc, cls)) from None
