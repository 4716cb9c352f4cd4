"""Alerts and dashboards for the fleet: a PrometheusRule and Grafana dashboard ConfigMaps."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_kubernetes as k8s

from karpenter_infra.components.base import child, token
from karpenter_infra.monitoring.manifests import monitoring_manifests
from karpenter_infra.spec.platform import MonitoringSpec


class KarpenterMonitoring(pulumi.ComponentResource):
    """The chart's ServiceMonitor is switched on through the release; this adds what to do with the metrics."""

    rule_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        spec: MonitoringSpec,
        *,
        group_label_key: str,
        depends_on: Sequence[pulumi.Resource],
        provider: pulumi.ProviderResource,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(token("KarpenterMonitoring"), name, None, opts)
        rule, *config_maps = monitoring_manifests(spec, group_label_key)
        k8s.apiextensions.CustomResource(
            f"{name}-rules",
            api_version=rule["apiVersion"],
            kind=rule["kind"],
            metadata=rule["metadata"],
            spec=rule["spec"],
            opts=child(self, provider=provider, depends_on=depends_on),
        )
        for config_map in config_maps:  # the dashboards, when the spec asks for them
            k8s.core.v1.ConfigMap(
                f"{name}-dashboards",
                metadata=config_map["metadata"],
                data=config_map["data"],
                opts=child(self, provider=provider),
            )
        self.rule_name = pulumi.Output.from_input(str(rule["metadata"]["name"]))
        self.register_outputs({"rule_name": self.rule_name})
