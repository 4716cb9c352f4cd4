"""The EKS cluster of the platform: one this stack creates, or an ``existing`` one Karpenter is installed into."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from karpenter_infra.aws.formats import tags_problems
from karpenter_infra.errors import FieldProblem
from karpenter_infra.safe_text import quoted
from karpenter_infra.spec.base import Spec
from karpenter_infra.spec.names import ClusterName
from karpenter_infra.spec.platform_rules import (
    CertificateData,
    Cidr,
    HttpsUrl,
    KubernetesVersion,
    OidcProviderArn,
    SecurityGroupId,
    SubnetId,
    VpcId,
    first_duplicate,
)


class ExistingCluster(Spec):
    """A cluster Pulumi does not manage: install Karpenter into what a team already runs."""

    endpoint: HttpsUrl = Field(description="API server endpoint.")
    certificate_authority: CertificateData = Field(min_length=1, description="Base64 CA data of the API server.")
    oidc_issuer_url: HttpsUrl | None = Field(default=None, description="OIDC issuer URL (needed for IRSA).")
    oidc_provider_arn: OidcProviderArn | None = Field(
        default=None, description="IAM OIDC provider ARN (needed for IRSA)."
    )
    cluster_security_group_id: SecurityGroupId | None = Field(
        default=None, description="The EKS cluster security group, to tag for discovery."
    )

    @model_validator(mode="after")
    def _oidc(self) -> Self:
        # IAM names an OIDC provider after its issuer's URL without https:// (CreateOpenIDConnectProvider); a
        # provider of another issuer fails every AssumeRoleWithWebIdentity of the controller.
        if self.oidc_provider_arn is not None and self.oidc_issuer_url is not None:
            host = self.oidc_issuer_url.removeprefix("https://")
            if not self.oidc_provider_arn.endswith(f":oidc-provider/{host}"):
                raise FieldProblem(
                    "oidc_provider_arn",
                    f"{quoted(self.oidc_provider_arn)} is not the provider of issuer {quoted(host)}",
                )
        return self


class ClusterSpec(Spec):
    """The EKS cluster: created here, or an `existing` one Karpenter is installed into."""

    name: ClusterName = Field(description="EKS cluster name.")
    kubernetes_version: KubernetesVersion = Field(
        default="1.33", description="Kubernetes minor version, one EKS runs (`aws/eks_versions.py`)."
    )
    vpc_id: VpcId | None = Field(default=None, description="VPC of the cluster.")
    private_subnet_ids: list[SubnetId] = Field(
        default_factory=list,
        description="Private subnets: nodes and (tagged for discovery) Karpenter's nodes.",
    )
    public_subnet_ids: list[SubnetId] = Field(default_factory=list, description="Public subnets for load balancers.")
    endpoint_public_access: bool = Field(default=True, description="Public API endpoint.")
    endpoint_private_access: bool = Field(default=True, description="Private API endpoint.")
    public_access_cidrs: list[Cidr] = Field(
        default_factory=lambda: ["0.0.0.0/0"], description="CIDRs allowed to the public endpoint."
    )
    ip_family: Literal["ipv4", "ipv6"] = Field(default="ipv4", description="Cluster IP family.")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags on every AWS resource of the platform.")
    existing: ExistingCluster | None = Field(
        default=None, description="Use this existing cluster instead of creating one."
    )

    @model_validator(mode="after")
    def _network(self) -> Self:
        for field in ("private_subnet_ids", "public_subnet_ids"):
            repeated = first_duplicate(getattr(self, field))
            if repeated is not None:
                raise FieldProblem(f"{field}[{repeated[0]}]", f"{quoted(repeated[1])} is listed twice")
        both = first_duplicate([*self.private_subnet_ids, *self.public_subnet_ids])
        if both is not None:
            raise FieldProblem("public_subnet_ids", f"{quoted(both[1])} is both a private and a public subnet")
        if len(self.private_subnet_ids) < 2:
            raise FieldProblem(
                "private_subnet_ids", "the controller node group needs at least two private_subnet_ids (two zones)"
            )
        if self.existing is None and self.vpc_id is None:
            raise FieldProblem("vpc_id", "a new cluster needs vpc_id")
        # EKS CreateCluster/UpdateClusterConfig refuse a cluster with neither endpoint ("Cluster endpoint access
        # control", https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html).
        if self.existing is None and not (self.endpoint_public_access or self.endpoint_private_access):
            raise FieldProblem(
                "endpoint_private_access",
                "both API endpoints are off (endpoint_public_access and endpoint_private_access): EKS needs one",
            )
        # Tags go on the cluster, the roles, the instance profile and the queue: EC2's rules and IAM's character set.
        # The library adds two of its own (karpenter.sh/discovery, managed-by).
        for key, problem in tags_problems(self.tags, added=2, iam=True):
            raise FieldProblem(("tags", key) if key else "tags", problem)
        return self
