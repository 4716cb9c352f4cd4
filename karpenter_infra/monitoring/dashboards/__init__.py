"""Grafana dashboards for the node groups Karpenter runs and for the Karpenter controller itself.

Built with grafana-foundation-sdk rather than written as JSON so that panels are typed and every query is
assembled from the metric names in ``metrics``; the result is a plain dict with sorted keys so the rendered
JSON (and the ConfigMap that ships it to the Grafana sidecar) only changes when a panel does.

- ``panels``: the panel builders both dashboards are made of;
- ``nodegroups`` and ``controller``: one dashboard each, a row per helper;
- ``configmap``: both dashboards by file name, and the ConfigMap for the Grafana sidecar;
- ``reading``: queries and layout of any dashboard JSON.
"""

from karpenter_infra.monitoring.dashboards.configmap import dashboard_configmap, dashboards
from karpenter_infra.monitoring.dashboards.controller import (
    CONTROLLER_DASHBOARD_FILE,
    CONTROLLER_DASHBOARD_UID,
    controller_dashboard,
)
from karpenter_infra.monitoring.dashboards.nodegroups import (
    GROUP_VARIABLE,
    NODEGROUP_DASHBOARD_FILE,
    NODEGROUP_DASHBOARD_UID,
    nodegroup_dashboard,
)
from karpenter_infra.monitoring.dashboards.reading import dashboard_queries, panel_titles_by_row

__all__ = [
    "CONTROLLER_DASHBOARD_FILE",
    "CONTROLLER_DASHBOARD_UID",
    "GROUP_VARIABLE",
    "NODEGROUP_DASHBOARD_FILE",
    "NODEGROUP_DASHBOARD_UID",
    "controller_dashboard",
    "dashboard_configmap",
    "dashboard_queries",
    "dashboards",
    "nodegroup_dashboard",
    "panel_titles_by_row",
]
