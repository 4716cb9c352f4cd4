"""The node-group dashboard: what a group runs on, how near its limits it is, what it loses and what it costs.

Karpenter exports only well-known node labels, never our group label, so the group variable is read off the
NodePool names (`<group>-<arch>`); ``karpenter_nodepools_usage`` is used because Karpenter reports it for every
NodePool, including one scaled to zero by its off-hours schedule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from grafana_foundation_sdk.builders import bargauge
from grafana_foundation_sdk.builders import dashboard as builders
from grafana_foundation_sdk.models import common
from grafana_foundation_sdk.models import dashboard as models

from karpenter_infra.monitoring import metrics as m
from karpenter_infra.monitoring.alerts import AlertThresholds
from karpenter_infra.monitoring.dashboards.panels import (
    RATE,
    Panel,
    Query,
    Rows,
    assemble,
    query,
    thresholds,
    timeseries_panel,
    to_dict,
)
from karpenter_infra.monitoring.promql import (
    NODEPOOL_GROUP_REGEX,
    alternation,
    eq,
    match,
    nodepools_of_groups,
    sel,
)

NODEGROUP_DASHBOARD_UID = "karpenter-infra-nodegroups"
NODEGROUP_DASHBOARD_FILE = "karpenter-nodegroups.json"
GROUP_VARIABLE = "nodegroup"

# Every query is narrowed to the NodePools of the groups picked in the variable.
_POOLS = match(m.LABEL_NODEPOOL, nodepools_of_groups(f"${{{GROUP_VARIABLE}}}"))
# Each node reports allocatable once per resource; the CPU series counts it once.
_ONE_SERIES_PER_NODE = sel(m.NODES_ALLOCATABLE, eq(m.LABEL_RESOURCE_TYPE, m.RESOURCE_CPU), _POOLS)


def nodegroup_dashboard(
    datasource_uid: str = "prometheus", thresholds: AlertThresholds | None = None
) -> dict[str, Any]:
    limits = thresholds or AlertThresholds()
    rows: Rows = [
        ("Capacity", _capacity_row()),
        ("Usage vs limit", _usage_row(limits)),
        ("Disruptions", _disruptions_row()),
        ("Interruptions", _interruptions_row(limits)),
        ("Cost", _cost_row()),
    ]
    dashboard = assemble(
        "Karpenter / Node groups",
        NODEGROUP_DASHBOARD_UID,
        "Capacity, limits, disruptions, interruptions and cost of the node groups Karpenter runs.",
        datasource_uid,
        rows,
    ).with_variable(_group_variable(datasource_uid))
    return to_dict(dashboard)


def _capacity_row() -> list[Panel]:
    return [
        timeseries_panel(
            "Nodes by capacity type",
            "Nodes Karpenter runs for the selected groups, split spot / on-demand / reserved.",
            "short",
            [_nodes_by(m.LABEL_CAPACITY_TYPE)],
            stacked=True,
        ),
        timeseries_panel(
            "Nodes by zone",
            "A group piling into one zone loses most of its capacity with that zone.",
            "short",
            [_nodes_by(m.LABEL_ZONE)],
            stacked=True,
        ),
        timeseries_panel(
            "Nodes by instance type",
            "Which of the allowed instance types Karpenter actually picks.",
            "short",
            [_nodes_by(m.LABEL_INSTANCE_TYPE)],
            stacked=True,
        ),
    ]


def _usage_row(limits: AlertThresholds) -> list[Panel]:
    return [
        timeseries_panel(
            "CPU usage vs limit",
            "vCPUs provisioned for each NodePool against spec.limits.cpu; at the limit no node is added.",
            "short",
            _usage_and_limit(m.RESOURCE_CPU),
        ),
        timeseries_panel(
            "Memory usage vs limit",
            "Memory provisioned for each NodePool against spec.limits.memory.",
            "bytes",
            _usage_and_limit(m.RESOURCE_MEMORY),
        ),
        _share_of_limit_panel(limits),
    ]


def _share_of_limit_panel(limits: AlertThresholds) -> bargauge.Panel:
    return (
        bargauge.Panel()
        .title("Share of limit used")
        .description("The number the KarpenterNodePoolNearLimit alert fires on, per NodePool and resource.")
        .unit("percent")
        .min(0)
        .max(100)
        .height(8)
        .span(8)
        .targets(
            [
                query(
                    f"100 * {_per_resource(m.NODEPOOLS_USAGE)} / on ({m.LABEL_NODEPOOL}, "
                    f"{m.LABEL_RESOURCE_TYPE}) ({_per_resource(m.NODEPOOLS_LIMIT)} > 0)",
                    "{{nodepool}} {{resource_type}}",
                    "A",
                ).instant()
            ]
        )
        .display_mode(common.BarGaugeDisplayMode.GRADIENT)
        .orientation(common.VizOrientation.HORIZONTAL)
        .thresholds(
            thresholds(
                [
                    (limits.nodepool_usage_warning_percent, "orange"),
                    (limits.nodepool_usage_critical_percent, "red"),
                ]
            )
        )
    )


def _disruptions_row() -> list[Panel]:
    return [
        timeseries_panel(
            "Disruptions by reason",
            "NodeClaims Karpenter removed, by reason: consolidation, drift, expiry, interruptions, "
            "launch and registration timeouts.",
            "short",
            [
                (
                    f"sum by ({m.LABEL_REASON}) (increase({sel(m.NODECLAIMS_DISRUPTED_TOTAL, _POOLS)}[{RATE}]))",
                    "{{reason}}",
                )
            ],
            stacked=True,
            bars=True,
        ),
        timeseries_panel(
            "Voluntary disruption decisions",
            "What the disruption controller decided for these NodePools (delete or replace) and why.",
            "short",
            [
                (
                    f"sum by ({m.LABEL_DECISION}, {m.LABEL_REASON}) (increase("
                    f"{sel(m.VOLUNTARY_DISRUPTION_DECISIONS_BY_NODEPOOL_TOTAL, _POOLS)}[{RATE}]))",
                    "{{decision}} {{reason}}",
                )
            ],
            stacked=True,
            bars=True,
        ),
        timeseries_panel(
            "Launch and registration failures",
            "NodeClaims deleted because the instance did not launch, never joined, or its EC2NodeClass was not ready.",
            "short",
            [
                (
                    _disrupted(m.LAUNCH_FAILURE_REASONS, RATE, f"{m.LABEL_NODEPOOL}, {m.LABEL_REASON}"),
                    "{{nodepool}} {{reason}}",
                )
            ],
            bars=True,
        ),
    ]


def _interruptions_row(limits: AlertThresholds) -> list[Panel]:
    return [
        timeseries_panel(
            "Spot interruptions per hour",
            "Spot nodes lost to EC2 interruption notices in the trailing hour; the dashed line is "
            "the KarpenterSpotInterruptionRateHigh threshold.",
            "short",
            [(_disrupted([m.REASON_SPOT_INTERRUPTED], "1h", m.LABEL_NODEPOOL), "{{nodepool}}")],
            threshold=limits.spot_interruptions_per_hour,
        ),
        timeseries_panel(
            "Interruptions by kind",
            "Nodes the interruption controller removed, by the kind of message it received.",
            "short",
            [(_disrupted(m.INTERRUPTION_REASONS, RATE, m.LABEL_REASON), "{{reason}}")],
            stacked=True,
            bars=True,
        ),
        timeseries_panel(
            "Allowed disruptions",
            "How many nodes each NodePool's disruption budgets let Karpenter disrupt right now.",
            "short",
            [
                (
                    f"max by ({m.LABEL_NODEPOOL}, {m.LABEL_REASON}) ({sel(m.NODEPOOLS_ALLOWED_DISRUPTIONS, _POOLS)})",
                    "{{nodepool}} {{reason}}",
                )
            ],
        ),
    ]


def _cost_row() -> list[Panel]:
    return [
        timeseries_panel(
            "Estimated hourly cost by capacity type",
            "Running nodes times Karpenter's price estimate for their offering (instance type, "
            "capacity type, zone). An estimate for comparing groups, not a bill.",
            "currencyUSD",
            [(_hourly_cost(m.LABEL_CAPACITY_TYPE), "{{capacity_type}}")],
            stacked=True,
        ),
        timeseries_panel(
            "Estimated hourly cost by NodePool",
            "The same estimate per NodePool.",
            "currencyUSD",
            [(_hourly_cost(m.LABEL_NODEPOOL), "{{nodepool}}")],
            stacked=True,
        ),
        timeseries_panel(
            "Karpenter cost view",
            "Karpenter's own running cost per NodePool (alpha metric); unlike the estimate it "
            "includes price adjustments from NodeOverlays.",
            "currencyUSD",
            [(f"sum by ({m.LABEL_NODEPOOL}) ({sel(m.NODEPOOLS_COST_TOTAL, _POOLS)})", "{{nodepool}}")],
            stacked=True,
        ),
    ]


def _group_variable(datasource_uid: str) -> builders.QueryVariable:
    return (
        builders.QueryVariable(GROUP_VARIABLE)
        .label("Node group")
        .description("Node groups, read off the names of their NodePools (<group>-<arch>).")
        .datasource(models.DataSourceRef(type_val="prometheus", uid=datasource_uid))
        .query(
            f"label_values({sel(m.NODEPOOLS_USAGE, eq(m.LABEL_RESOURCE_TYPE, m.RESOURCE_NODES))}, {m.LABEL_NODEPOOL})"
        )
        .regex(f"/^{NODEPOOL_GROUP_REGEX}$/")
        .multi(True)
        .include_all(True)
        .all_value(".+")
        .refresh(models.VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(models.VariableSort.ALPHABETICAL_ASC)
    )


def _nodes_by(label: str) -> Query:
    return f"count by ({label}) ({_ONE_SERIES_PER_NODE})", f"{{{{{label}}}}}"


def _usage_and_limit(resource: str) -> list[Query]:
    return [
        (f"sum by ({m.LABEL_NODEPOOL}) ({sel(metric, eq(m.LABEL_RESOURCE_TYPE, resource), _POOLS)})", legend)
        for metric, legend in (
            (m.NODEPOOLS_USAGE, "{{nodepool}} usage"),
            (m.NODEPOOLS_LIMIT, "{{nodepool}} limit"),
        )
    ]


def _per_resource(metric: str) -> str:
    return f"max by ({m.LABEL_NODEPOOL}, {m.LABEL_RESOURCE_TYPE}) ({sel(metric, _POOLS)})"


def _disrupted(reasons: Sequence[str], window: str, by: str) -> str:
    selector = sel(m.NODECLAIMS_DISRUPTED_TOTAL, match(m.LABEL_REASON, alternation(reasons)), _POOLS)
    return f"sum by ({by}) (increase({selector}[{window}]))"


def _hourly_cost(by: str) -> str:
    offering = f"{m.LABEL_INSTANCE_TYPE}, {m.LABEL_CAPACITY_TYPE}, {m.LABEL_ZONE}"
    return (
        f"sum by ({by}) (count by ({m.LABEL_NODEPOOL}, {offering}) ({_ONE_SERIES_PER_NODE})"
        f" * on ({offering}) group_left ()"
        f" max by ({offering}) ({m.CLOUDPROVIDER_OFFERING_PRICE_ESTIMATE}))"
    )
