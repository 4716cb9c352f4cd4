"""The Karpenter Helm releases: ``karpenter-crd`` first, then ``karpenter`` without its own copy of the CRDs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from karpenter_infra.components.base import child, token
from karpenter_infra.helm import flow_schemas, karpenter_values
from karpenter_infra.spec.platform import ControllerNodesSpec, KarpenterSpec


class KarpenterRelease(pulumi.ComponentResource):
    """CRDs live in their own release so ``helm upgrade`` updates them; the main chart's ``crds/`` is skipped.

    The chart is pulled anonymously from the public registry: no registry token, which rotates, ever reaches the
    release inputs, so a preview with nothing changed shows nothing changed.
    """

    namespace: pulumi.Output[str]
    service_account: pulumi.Output[str]
    release_name: pulumi.Output[str | None]

    def __init__(
        self,
        name: str,
        spec: KarpenterSpec,
        controller_nodes: ControllerNodesSpec,
        *,
        cluster_name: pulumi.Input[str],
        cluster_endpoint: pulumi.Input[str],
        interruption_queue: pulumi.Input[str] | None,
        irsa_role_arn: pulumi.Input[str] | None,
        depends_on: Sequence[pulumi.Resource],
        provider: pulumi.ProviderResource,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(token("KarpenterRelease"), name, None, opts)
        extra: list[pulumi.Resource] = []
        if spec.namespace != "kube-system":
            namespace = k8s.core.v1.Namespace(
                f"{name}-namespace", metadata={"name": spec.namespace}, opts=child(self, provider=provider)
            )
            extra.append(namespace)
            for schema in flow_schemas(spec.namespace, spec.service_account):
                extra.append(
                    k8s.flowcontrol.v1.FlowSchema(
                        f"{name}-{schema['metadata']['name']}",
                        metadata=schema["metadata"],
                        spec=schema["spec"],
                        opts=child(self, provider=provider, depends_on=[namespace]),
                    )
                )
        crds = k8s.helm.v3.Release(
            f"{name}-crd",
            name="karpenter-crd",
            chart=f"{spec.repository}/karpenter-crd",
            version=spec.crd_chart_version,
            namespace=spec.namespace,
            create_namespace=False,
            opts=child(self, provider=provider, depends_on=[*depends_on, *extra]),
        )
        values = pulumi.Output.all(cluster_name, cluster_endpoint, interruption_queue, irsa_role_arn).apply(
            lambda args: _values(spec, controller_nodes, *args)
        )
        release = k8s.helm.v3.Release(
            f"{name}-controller",
            name="karpenter",
            chart=f"{spec.repository}/karpenter",
            version=spec.version,
            namespace=spec.namespace,
            skip_crds=True,
            values=values,
            # Wait for the controller to be ready: NodePools applied before it would sit unreconciled.
            skip_await=False,
            opts=child(self, provider=provider, depends_on=[*depends_on, crds]),
        )
        self.namespace = pulumi.Output.from_input(spec.namespace)
        self.service_account = pulumi.Output.from_input(spec.service_account)
        self.release_name = release.name
        self.register_outputs(
            {
                "namespace": self.namespace,
                "service_account": self.service_account,
                "release_name": self.release_name,
            }
        )


def _values(
    spec: KarpenterSpec,
    nodes: ControllerNodesSpec,
    cluster_name: str,
    endpoint: str,
    queue: str | None,
    irsa_role_arn: str | None,
) -> dict[str, Any]:
    return karpenter_values(
        spec,
        nodes,
        cluster_name=cluster_name,
        cluster_endpoint=endpoint,
        interruption_queue=queue,
        irsa_role_arn=irsa_role_arn,
    )
