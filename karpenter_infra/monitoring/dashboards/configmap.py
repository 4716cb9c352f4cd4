"""Both dashboards by file name, and the ConfigMap that ships them to Grafana."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from karpenter_infra.monitoring import metrics as m
from karpenter_infra.monitoring.dashboards.controller import CONTROLLER_DASHBOARD_FILE, controller_dashboard
from karpenter_infra.monitoring.dashboards.nodegroups import NODEGROUP_DASHBOARD_FILE, nodegroup_dashboard


def dashboards(datasource_uid: str = "prometheus", job: str = m.DEFAULT_JOB) -> dict[str, dict[str, Any]]:
    return {
        CONTROLLER_DASHBOARD_FILE: controller_dashboard(datasource_uid, job),
        NODEGROUP_DASHBOARD_FILE: nodegroup_dashboard(datasource_uid),
    }


def dashboard_configmap(name: str, namespace: str, dashboard_files: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A ConfigMap the Grafana dashboard sidecar (kube-prometheus-stack's default label) picks up."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": {"grafana_dashboard": "1"}},
        "data": {
            file_name: json.dumps(dashboard, indent=2, sort_keys=True) + "\n"
            for file_name, dashboard in sorted(dashboard_files.items())
        },
    }
