"""The EKS cluster (pulumi-eks, API authentication mode), or an existing one to install Karpenter into."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks
import pulumi_kubernetes as k8s

from karpenter_infra.components.base import child, token
from karpenter_infra.spec.platform import Identity
from karpenter_infra.spec.platform_cluster import ClusterSpec


class EksCluster(pulumi.ComponentResource):
    """Outputs are plain values (names, ids, strings): passing resources as inputs makes previews and mock tests
    racy (pulumi/pulumi#6561), so nothing downstream needs the ``eks.Cluster`` object itself."""

    name: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    certificate_authority: pulumi.Output[str]
    kubeconfig: pulumi.Output[str]
    oidc_provider_arn: pulumi.Output[str | None]
    oidc_issuer: pulumi.Output[str | None]
    cluster_security_group_id: pulumi.Output[str]
    provider: k8s.Provider

    def __init__(
        self,
        name: str,
        spec: ClusterSpec,
        identity: Identity,
        opts: pulumi.ResourceOptions | None = None,
        *,
        auto_mode: eks.AutoModeOptionsArgs | None = None,
    ) -> None:
        super().__init__(token("EksCluster"), name, None, opts)
        if spec.existing is None:
            self._create(name, spec, identity, auto_mode)
        else:
            existing = spec.existing
            self.name = pulumi.Output.from_input(spec.name)
            self.endpoint = pulumi.Output.from_input(existing.endpoint)
            self.certificate_authority = pulumi.Output.from_input(existing.certificate_authority)
            self.oidc_provider_arn = pulumi.Output.from_input(existing.oidc_provider_arn)
            self.oidc_issuer = pulumi.Output.from_input(
                existing.oidc_issuer_url.removeprefix("https://") if existing.oidc_issuer_url else None
            )
            self.cluster_security_group_id = _cluster_security_group(spec.name, existing.cluster_security_group_id)
            self.kubeconfig = pulumi.Output.all(self.endpoint, self.certificate_authority).apply(
                lambda args: kubeconfig(spec.name, args[0], args[1])
            )
        self.provider = k8s.Provider(f"{name}-k8s", kubeconfig=self.kubeconfig, opts=child(self))
        self.register_outputs(
            {
                "name": self.name,
                "endpoint": self.endpoint,
                "kubeconfig": self.kubeconfig,
                "cluster_security_group_id": self.cluster_security_group_id,
            }
        )

    def _create(
        self, name: str, spec: ClusterSpec, identity: Identity, auto_mode: eks.AutoModeOptionsArgs | None
    ) -> None:
        cluster = eks.Cluster(
            f"{name}-eks",
            name=spec.name,
            version=spec.kubernetes_version,
            authentication_mode=eks.AuthenticationMode.API,
            vpc_id=spec.vpc_id,
            private_subnet_ids=spec.private_subnet_ids,
            public_subnet_ids=spec.public_subnet_ids or None,
            endpoint_private_access=spec.endpoint_private_access,
            endpoint_public_access=spec.endpoint_public_access,
            public_access_cidrs=spec.public_access_cidrs if spec.endpoint_public_access else None,
            ip_family=spec.ip_family,
            # Compute comes from the controller node group and Karpenter, never from a default node group.
            skip_default_node_group=True,
            # CoreDNS is installed after the controller node group exists, pinned to it (see ControllerNodeGroup).
            coredns_addon_options=eks.CoreDnsAddonOptionsArgs(enabled=False),
            create_oidc_provider=identity == Identity.IRSA,
            # Backend auto-mode: AWS runs Karpenter. bootstrapSelfManagedAddons is read at creation only (pulumi-eks
            # ignores changes to it), so enabling Auto Mode on a running cluster is an in-place update.
            auto_mode=auto_mode,
            bootstrap_self_managed_addons=False if auto_mode is not None else None,
            # pulumi-eks drops its default security groups under Auto Mode; keeping them keeps the cluster's
            # vpcConfig as it was, so switching backends never touches it.
            skip_default_security_groups=False if auto_mode is not None else None,
            tags=spec.tags,
            opts=child(self),
        )
        described = aws.eks.get_cluster_output(
            name=spec.name, opts=pulumi.InvokeOutputOptions(depends_on=[cluster], parent=self)
        )
        self.name = described.name
        self.endpoint = described.endpoint
        self.certificate_authority = described.certificate_authorities.apply(lambda cas: cas[0].data)
        self.kubeconfig = cluster.kubeconfig_json
        if identity == Identity.IRSA:
            self.oidc_provider_arn = cluster.oidc_provider_arn
            self.oidc_issuer = cluster.oidc_issuer
        else:
            self.oidc_provider_arn = pulumi.Output.from_input(None)
            self.oidc_issuer = pulumi.Output.from_input(None)
        # The security group EKS creates for the control plane and nodes, not pulumi-eks's node group.
        self.cluster_security_group_id = described.vpc_config.cluster_security_group_id


def _cluster_security_group(cluster_name: str, known: str | None) -> pulumi.Output[str]:
    if known is not None:
        return pulumi.Output.from_input(known)
    return aws.eks.get_cluster_output(name=cluster_name).vpc_config.cluster_security_group_id


def kubeconfig(cluster_name: str, endpoint: str, certificate_authority: str) -> str:
    """A kubeconfig that authenticates with ``aws eks get-token``, like the one pulumi-eks writes."""
    config: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": cluster_name,
                "cluster": {"server": endpoint, "certificate-authority-data": certificate_authority},
            }
        ],
        "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": cluster_name}}],
        "current-context": cluster_name,
        "users": [
            {
                "name": cluster_name,
                "user": {
                    "exec": {
                        "apiVersion": "client.authentication.k8s.io/v1beta1",
                        "command": "aws",
                        "args": ["eks", "get-token", "--cluster-name", cluster_name, "--output", "json"],
                    }
                },
            }
        ],
    }
    return json.dumps(config, sort_keys=True)
