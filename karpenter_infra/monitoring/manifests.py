"""The monitoring objects of a platform as manifests: what ``KarpenterMonitoring`` registers, and what the
end-to-end tests apply to a real API server (docs/real-parts.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from karpenter_infra.monitoring.alerts import prometheus_rule
from karpenter_infra.monitoring.dashboards import dashboard_configmap, dashboards

if TYPE_CHECKING:
    from karpenter_infra.spec.platform import MonitoringSpec

RULE_NAME = "karpenter"
DASHBOARDS_NAME = "karpenter-dashboards"


def monitoring_manifests(spec: MonitoringSpec, group_label_key: str) -> list[dict[str, Any]]:
    """The PrometheusRule first, then the dashboards' ConfigMap when the spec asks for dashboards."""
    objects = [prometheus_rule(RULE_NAME, spec.namespace, spec.thresholds, group_label_key, spec.rule_labels)]
    if spec.dashboards:
        objects.append(
            dashboard_configmap(DASHBOARDS_NAME, spec.namespace, dashboards(datasource_uid=spec.datasource_uid))
        )
    return objects
