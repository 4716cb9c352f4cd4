"""Grafana dashboards for the node groups Karpenter runs and for the Karpenter controller itself.

Built with grafana-foundation-sdk rather than written as JSON so that panels are typed and every query is
assembled from the metric names in ``metrics``; the result is a plain dict with sorted keys so the rendered
JSON (and the ConfigMap that ships it to the Grafana sidecar) only changes when a panel does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from grafana_foundation_sdk.builders import bargauge, prometheus, stat, timeseries
from grafana_foundation_sdk.builders import common as common_builders
from grafana_foundation_sdk.builders import dashboard as builders
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common
from grafana_foundation_sdk.models import dashboard as models

from karpenter_infra.monitoring import metrics as m
from karpenter_infra.monitoring.alerts import AlertThresholds
from karpenter_infra.monitoring.promql import (
    NODEPOOL_GROUP_REGEX,
    alternation,
    eq,
    match,
    nodepools_of_groups,
    sel,
)

NODEGROUP_DASHBOARD_UID = "karpenter-infra-nodegroups"
CONTROLLER_DASHBOARD_UID = "karpenter-infra-controller"
NODEGROUP_DASHBOARD_FILE = "karpenter-nodegroups.json"
CONTROLLER_DASHBOARD_FILE = "karpenter-controller.json"
GROUP_VARIABLE = "nodegroup"

_TAGS = ["karpenter", "karpenter-infra"]
_RATE = "$__rate_interval"

_Panel = timeseries.Panel | stat.Panel | bargauge.Panel
_Rows = Sequence[tuple[str, Sequence[_Panel]]]


def _query(expr: str, legend: str, ref_id: str) -> prometheus.Dataquery:
    return prometheus.Dataquery().expr(expr).legend_format(legend).ref_id(ref_id).range()


def _targets(queries: Sequence[tuple[str, str]]) -> list[cogbuilder.Builder[cogvariants.Dataquery]]:
    return [_query(expr, legend, chr(ord("A") + index)) for index, (expr, legend) in enumerate(queries)]


def _timeseries(
    title: str,
    description: str,
    unit: str,
    queries: Sequence[tuple[str, str]],
    *,
    stacked: bool = False,
    bars: bool = False,
    threshold: float | None = None,
) -> timeseries.Panel:
    panel = (
        timeseries.Panel()
        .title(title)
        .description(description)
        .unit(unit)
        .min(0)
        .height(8)
        .span(8)
        .targets(_targets(queries))
        .legend(
            common_builders.VizLegendOptions()
            .display_mode(common.LegendDisplayMode.TABLE)
            .placement(common.LegendPlacement.BOTTOM)
            .show_legend(True)
            .calcs(["lastNotNull", "max"])
        )
        .tooltip(
            common_builders.VizTooltipOptions().mode(common.TooltipDisplayMode.MULTI).sort(common.SortOrder.DESCENDING)
        )
        .fill_opacity(30 if stacked else 10)
        .draw_style(common.GraphDrawStyle.BARS if bars else common.GraphDrawStyle.LINE)
        .stacking(
            common_builders.StackingConfig().mode(common.StackingMode.NORMAL if stacked else common.StackingMode.NONE)
        )
    )
    if threshold is not None:
        panel = panel.thresholds(_thresholds([(threshold, "red")])).thresholds_style(
            common_builders.GraphThresholdsStyleConfig().mode(common.GraphTresholdsStyleMode.DASHED)
        )
    return panel


def _thresholds(steps: Sequence[tuple[float, str]]) -> builders.ThresholdsConfig:
    return (
        builders.ThresholdsConfig()
        .mode(models.ThresholdsMode.ABSOLUTE)
        .steps(
            [
                models.Threshold(value=None, color="green"),
                *(models.Threshold(value=v, color=c) for v, c in steps),
            ]
        )
    )


def _stat(title: str, description: str, expr: str, legend: str, *, red_below: float | None) -> stat.Panel:
    steps = [(red_below, "green")] if red_below is not None else []
    return (
        stat.Panel()
        .title(title)
        .description(description)
        .unit("short")
        .height(4)
        .span(6)
        .targets([_query(expr, legend, "A")])
        .reduce_options(common_builders.ReduceDataOptions().calcs(["lastNotNull"]).values(False))
        .graph_mode(common.BigValueGraphMode.NONE)
        .color_mode(common.BigValueColorMode.BACKGROUND)
        .text_mode(common.BigValueTextMode.VALUE if red_below is not None else common.BigValueTextMode.NAME)
        .thresholds(
            builders.ThresholdsConfig()
            .mode(models.ThresholdsMode.ABSOLUTE)
            .steps(
                [models.Threshold(value=None, color="red" if red_below is not None else "blue")]
                + [models.Threshold(value=v, color=c) for v, c in steps]
            )
        )
    )


def _assemble(title: str, uid: str, description: str, datasource_uid: str, rows: _Rows) -> builders.Dashboard:
    datasource = models.DataSourceRef(type_val="prometheus", uid=datasource_uid)
    dashboard = (
        builders.Dashboard(title)
        .uid(uid)
        .description(description)
        .tags(_TAGS)
        .editable()
        .time("now-24h", "now")
        .refresh("1m")
        .timezone("browser")
        .tooltip(models.DashboardCursorSync.CROSSHAIR)
    )
    panel_id = 0
    for row_title, panels in rows:
        panel_id += 1
        dashboard = dashboard.with_row(builders.Row(row_title).id(panel_id))
        for panel in panels:
            panel_id += 1
            dashboard = dashboard.with_panel(panel.id(panel_id).datasource(datasource))
    return dashboard


def _to_dict(dashboard: builders.Dashboard) -> dict[str, Any]:
    # The SDK's models serialise through to_json(); a JSON round trip turns them into plain, key-sorted dicts.
    result: dict[str, Any] = json.loads(json.dumps(dashboard.build(), cls=JSONEncoder, sort_keys=True))
    return result


def nodegroup_dashboard(
    datasource_uid: str = "prometheus", thresholds: AlertThresholds | None = None
) -> dict[str, Any]:
    """What a node group runs on, how near its limits it is, what it loses and what it costs.

    Karpenter exports only well-known node labels, never our group label, so the group variable is read off
    the NodePool names (`<group>-<arch>`); ``karpenter_nodepools_usage`` is used because Karpenter reports it
    for every NodePool, including one scaled to zero by its off-hours schedule.
    """
    limits = thresholds or AlertThresholds()
    pools = match(m.LABEL_NODEPOOL, nodepools_of_groups(f"${{{GROUP_VARIABLE}}}"))
    one_series_per_node = sel(m.NODES_ALLOCATABLE, eq(m.LABEL_RESOURCE_TYPE, m.RESOURCE_CPU), pools)

    def nodes_by(label: str) -> tuple[str, str]:
        return f"count by ({label}) ({one_series_per_node})", f"{{{{{label}}}}}"

    def usage_and_limit(resource: str) -> list[tuple[str, str]]:
        return [
            (
                f"sum by ({m.LABEL_NODEPOOL}) ({sel(metric, eq(m.LABEL_RESOURCE_TYPE, resource), pools)})",
                legend,
            )
            for metric, legend in (
                (m.NODEPOOLS_USAGE, "{{nodepool}} usage"),
                (m.NODEPOOLS_LIMIT, "{{nodepool}} limit"),
            )
        ]

    def per_resource(metric: str) -> str:
        return f"max by ({m.LABEL_NODEPOOL}, {m.LABEL_RESOURCE_TYPE}) ({sel(metric, pools)})"

    def disrupted(reasons: Sequence[str], window: str, by: str) -> str:
        selector = sel(m.NODECLAIMS_DISRUPTED_TOTAL, match(m.LABEL_REASON, alternation(reasons)), pools)
        return f"sum by ({by}) (increase({selector}[{window}]))"

    def hourly_cost(by: str) -> str:
        offering = f"{m.LABEL_INSTANCE_TYPE}, {m.LABEL_CAPACITY_TYPE}, {m.LABEL_ZONE}"
        return (
            f"sum by ({by}) (count by ({m.LABEL_NODEPOOL}, {offering}) ({one_series_per_node})"
            f" * on ({offering}) group_left ()"
            f" max by ({offering}) ({m.CLOUDPROVIDER_OFFERING_PRICE_ESTIMATE}))"
        )

    rows: _Rows = [
        (
            "Capacity",
            [
                _timeseries(
                    "Nodes by capacity type",
                    "Nodes Karpenter runs for the selected groups, split spot / on-demand / reserved.",
                    "short",
                    [nodes_by(m.LABEL_CAPACITY_TYPE)],
                    stacked=True,
                ),
                _timeseries(
                    "Nodes by zone",
                    "A group piling into one zone loses most of its capacity with that zone.",
                    "short",
                    [nodes_by(m.LABEL_ZONE)],
                    stacked=True,
                ),
                _timeseries(
                    "Nodes by instance type",
                    "Which of the allowed instance types Karpenter actually picks.",
                    "short",
                    [nodes_by(m.LABEL_INSTANCE_TYPE)],
                    stacked=True,
                ),
            ],
        ),
        (
            "Usage vs limit",
            [
                _timeseries(
                    "CPU usage vs limit",
                    "vCPUs provisioned for each NodePool against spec.limits.cpu; at the limit no node is added.",
                    "short",
                    usage_and_limit(m.RESOURCE_CPU),
                ),
                _timeseries(
                    "Memory usage vs limit",
                    "Memory provisioned for each NodePool against spec.limits.memory.",
                    "bytes",
                    usage_and_limit(m.RESOURCE_MEMORY),
                ),
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
                        _query(
                            f"100 * {per_resource(m.NODEPOOLS_USAGE)} / on ({m.LABEL_NODEPOOL}, "
                            f"{m.LABEL_RESOURCE_TYPE}) ({per_resource(m.NODEPOOLS_LIMIT)} > 0)",
                            "{{nodepool}} {{resource_type}}",
                            "A",
                        ).instant()
                    ]
                )
                .display_mode(common.BarGaugeDisplayMode.GRADIENT)
                .orientation(common.VizOrientation.HORIZONTAL)
                .thresholds(
                    _thresholds(
                        [
                            (limits.nodepool_usage_warning_percent, "orange"),
                            (limits.nodepool_usage_critical_percent, "red"),
                        ]
                    )
                ),
            ],
        ),
        (
            "Disruptions",
            [
                _timeseries(
                    "Disruptions by reason",
                    "NodeClaims Karpenter removed, by reason: consolidation, drift, expiry, interruptions, "
                    "launch and registration timeouts.",
                    "short",
                    [
                        (
                            f"sum by ({m.LABEL_REASON})"
                            f" (increase({sel(m.NODECLAIMS_DISRUPTED_TOTAL, pools)}[{_RATE}]))",
                            "{{reason}}",
                        )
                    ],
                    stacked=True,
                    bars=True,
                ),
                _timeseries(
                    "Voluntary disruption decisions",
                    "What the disruption controller decided for these NodePools (delete or replace) and why.",
                    "short",
                    [
                        (
                            f"sum by ({m.LABEL_DECISION}, {m.LABEL_REASON}) (increase("
                            f"{sel(m.VOLUNTARY_DISRUPTION_DECISIONS_BY_NODEPOOL_TOTAL, pools)}[{_RATE}]))",
                            "{{decision}} {{reason}}",
                        )
                    ],
                    stacked=True,
                    bars=True,
                ),
                _timeseries(
                    "Launch and registration failures",
                    "NodeClaims deleted because the instance did not launch, never joined, or its "
                    "EC2NodeClass was not ready.",
                    "short",
                    [
                        (
                            disrupted(m.LAUNCH_FAILURE_REASONS, _RATE, f"{m.LABEL_NODEPOOL}, {m.LABEL_REASON}"),
                            "{{nodepool}} {{reason}}",
                        )
                    ],
                    bars=True,
                ),
            ],
        ),
        (
            "Interruptions",
            [
                _timeseries(
                    "Spot interruptions per hour",
                    "Spot nodes lost to EC2 interruption notices in the trailing hour; the dashed line is "
                    "the KarpenterSpotInterruptionRateHigh threshold.",
                    "short",
                    [(disrupted([m.REASON_SPOT_INTERRUPTED], "1h", m.LABEL_NODEPOOL), "{{nodepool}}")],
                    threshold=limits.spot_interruptions_per_hour,
                ),
                _timeseries(
                    "Interruptions by kind",
                    "Nodes the interruption controller removed, by the kind of message it received.",
                    "short",
                    [(disrupted(m.INTERRUPTION_REASONS, _RATE, m.LABEL_REASON), "{{reason}}")],
                    stacked=True,
                    bars=True,
                ),
                _timeseries(
                    "Allowed disruptions",
                    "How many nodes each NodePool's disruption budgets let Karpenter disrupt right now.",
                    "short",
                    [
                        (
                            f"max by ({m.LABEL_NODEPOOL}, {m.LABEL_REASON}) "
                            f"({sel(m.NODEPOOLS_ALLOWED_DISRUPTIONS, pools)})",
                            "{{nodepool}} {{reason}}",
                        )
                    ],
                ),
            ],
        ),
        (
            "Cost",
            [
                _timeseries(
                    "Estimated hourly cost by capacity type",
                    "Running nodes times Karpenter's price estimate for their offering (instance type, "
                    "capacity type, zone). An estimate for comparing groups, not a bill.",
                    "currencyUSD",
                    [(hourly_cost(m.LABEL_CAPACITY_TYPE), "{{capacity_type}}")],
                    stacked=True,
                ),
                _timeseries(
                    "Estimated hourly cost by NodePool",
                    "The same estimate per NodePool.",
                    "currencyUSD",
                    [(hourly_cost(m.LABEL_NODEPOOL), "{{nodepool}}")],
                    stacked=True,
                ),
                _timeseries(
                    "Karpenter cost view",
                    "Karpenter's own running cost per NodePool (alpha metric); unlike the estimate it "
                    "includes price adjustments from NodeOverlays.",
                    "currencyUSD",
                    [(f"sum by ({m.LABEL_NODEPOOL}) ({sel(m.NODEPOOLS_COST_TOTAL, pools)})", "{{nodepool}}")],
                    stacked=True,
                ),
            ],
        ),
    ]
    group_variable = (
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
    dashboard = _assemble(
        "Karpenter / Node groups",
        NODEGROUP_DASHBOARD_UID,
        "Capacity, limits, disruptions, interruptions and cost of the node groups Karpenter runs.",
        datasource_uid,
        rows,
    ).with_variable(group_variable)
    return _to_dict(dashboard)


def controller_dashboard(datasource_uid: str = "prometheus", job: str = m.DEFAULT_JOB) -> dict[str, Any]:
    """Is the controller healthy and fast: the view for "pods are pending and Karpenter does nothing".

    controller_runtime_*, workqueue_* and leader_election_* are exported by every controller-runtime operator,
    so those queries are pinned to Karpenter's scrape ``job``; karpenter_* names are unique and need no job.
    """
    job_matcher = eq("job", job)

    def p(quantile: float, metric: str, by: str, *matchers: str) -> tuple[str, str]:
        bucket = sel(f"{metric}_bucket", *matchers)
        legend = " ".join(f"{{{{{label.strip()}}}}}" for label in by.split(",") if label.strip())
        return (
            f"histogram_quantile({quantile:g}, sum by (le{', ' + by if by else ''}) (rate({bucket}[{_RATE}])))",
            f"p{quantile * 100:g} {legend}".strip(),
        )

    def rate_by(metric: str, by: str, *matchers: str) -> str:
        return f"sum by ({by}) (rate({sel(metric, *matchers)}[{_RATE}]))"

    rows: _Rows = [
        (
            "Health",
            [
                _stat(
                    "Replicas up",
                    "Karpenter pods Prometheus scrapes successfully.",
                    f"sum({sel(m.UP, job_matcher)})",
                    "up",
                    red_below=1,
                ),
                _stat(
                    "Leader elected",
                    "Replicas holding the leader lease; only the leader provisions and disrupts.",
                    f"sum({sel(m.LEADER_ELECTION_MASTER_STATUS, job_matcher)})",
                    "leader",
                    red_below=1,
                ),
                _stat(
                    "Cluster state synced",
                    "1 when Karpenter's view of nodes and NodeClaims matches the API server; it makes no "
                    "decisions while it does not.",
                    f"max({m.CLUSTER_STATE_SYNCED})",
                    "synced",
                    red_below=1,
                ),
                _stat(
                    "Version",
                    "Karpenter version of the running replicas.",
                    f"count by (version) ({m.BUILD_INFO})",
                    "{{version}}",
                    red_below=None,
                ),
            ],
        ),
        (
            "Provisioning",
            [
                _timeseries(
                    "Scheduling simulation latency",
                    "How long a scheduling simulation takes, for provisioning and for disruption's "
                    "replacement checks (label controller).",
                    "s",
                    [
                        p(0.5, m.SCHEDULER_SCHEDULING_DURATION_SECONDS, m.LABEL_CONTROLLER),
                        p(0.99, m.SCHEDULER_SCHEDULING_DURATION_SECONDS, m.LABEL_CONTROLLER),
                    ],
                ),
                _timeseries(
                    "Pods waiting for Karpenter",
                    "Pods queued for a scheduling simulation, and pods Karpenter found no NodePool for.",
                    "short",
                    [
                        (f"sum({m.SCHEDULER_QUEUE_DEPTH})", "queued"),
                        (f"sum({m.SCHEDULER_UNSCHEDULABLE_PODS_COUNT})", "unschedulable"),
                    ],
                ),
                _timeseries(
                    "Pod startup after a provisioning decision",
                    "From Karpenter deciding a pod can schedule until it runs: instance launch, node join "
                    "and image pull.",
                    "s",
                    [
                        p(0.5, m.PODS_PROVISIONING_STARTUP_DURATION_SECONDS, ""),
                        p(0.99, m.PODS_PROVISIONING_STARTUP_DURATION_SECONDS, ""),
                    ],
                ),
            ],
        ),
        (
            "Disruption",
            [
                _timeseries(
                    "Disruption evaluation latency",
                    "How long one pass of each disruption method (label reason) takes to pick candidates.",
                    "s",
                    [
                        p(0.5, m.VOLUNTARY_DISRUPTION_EVALUATION_DURATION_SECONDS, m.LABEL_REASON),
                        p(0.99, m.VOLUNTARY_DISRUPTION_EVALUATION_DURATION_SECONDS, m.LABEL_REASON),
                    ],
                ),
                _timeseries(
                    "Disruption decisions",
                    "Decisions per second by decision and reason, across all NodePools.",
                    "ops",
                    [
                        (
                            rate_by(
                                m.VOLUNTARY_DISRUPTION_DECISIONS_TOTAL,
                                f"{m.LABEL_DECISION}, {m.LABEL_REASON}",
                            ),
                            "{{decision}} {{reason}}",
                        )
                    ],
                ),
                _timeseries(
                    "Eligible nodes and consolidation timeouts",
                    "Nodes each method could disrupt, and consolidation passes that ran out of time (a sign "
                    "the cluster is too large for one pass).",
                    "short",
                    [
                        (
                            f"sum by ({m.LABEL_REASON}) ({m.VOLUNTARY_DISRUPTION_ELIGIBLE_NODES})",
                            "eligible {{reason}}",
                        ),
                        (
                            f"sum by ({m.LABEL_CONSOLIDATION_TYPE}) (increase("
                            f"{m.VOLUNTARY_DISRUPTION_CONSOLIDATION_TIMEOUTS_TOTAL}[{_RATE}]))",
                            "timeouts {{consolidation_type}}",
                        ),
                    ],
                ),
            ],
        ),
        (
            "Interruption queue",
            [
                _timeseries(
                    "Interruption messages received",
                    "EC2 events read from the SQS interruption queue, by message type. The queue's depth "
                    "itself is a CloudWatch metric; Karpenter does not export it.",
                    "ops",
                    [
                        (
                            rate_by(m.INTERRUPTION_RECEIVED_MESSAGES_TOTAL, m.LABEL_MESSAGE_TYPE),
                            "{{message_type}}",
                        )
                    ],
                    stacked=True,
                ),
                _timeseries(
                    "Interruption messages deleted",
                    "Messages handled and deleted from the queue; received minus deleted is the backlog growth.",
                    "ops",
                    [(f"sum(rate({m.INTERRUPTION_DELETED_MESSAGES_TOTAL}[{_RATE}]))", "deleted")],
                ),
                _timeseries(
                    "Interruption message age",
                    "How long a message sat in the queue before Karpenter processed it; a spot node has two "
                    "minutes from the notice.",
                    "s",
                    [
                        p(0.5, m.INTERRUPTION_MESSAGE_QUEUE_DURATION_SECONDS, ""),
                        p(0.99, m.INTERRUPTION_MESSAGE_QUEUE_DURATION_SECONDS, ""),
                    ],
                ),
            ],
        ),
        (
            "Reconcile errors",
            [
                _timeseries(
                    "Reconcile errors by controller",
                    "Failed reconciles per second of each Karpenter controller.",
                    "ops",
                    [
                        (
                            rate_by(m.CONTROLLER_RUNTIME_RECONCILE_ERRORS_TOTAL, m.LABEL_CONTROLLER, job_matcher),
                            "{{controller}}",
                        )
                    ],
                ),
                _timeseries(
                    "Reconcile latency by controller",
                    "p99 time of one reconcile of each controller.",
                    "s",
                    [p(0.99, m.CONTROLLER_RUNTIME_RECONCILE_TIME_SECONDS, m.LABEL_CONTROLLER, job_matcher)],
                ),
                _timeseries(
                    "Work queue depth",
                    "Objects waiting for each controller; a queue that only grows means it cannot keep up.",
                    "short",
                    [(f"sum by (name) ({sel(m.WORKQUEUE_DEPTH, job_matcher)})", "{{name}}")],
                ),
            ],
        ),
        (
            "Cloud provider",
            [
                _timeseries(
                    "Cloud provider errors",
                    "Errors returned by cloud provider calls, by method and error (e.g. InsufficientCapacityError).",
                    "ops",
                    [
                        (
                            rate_by(m.CLOUDPROVIDER_ERRORS_TOTAL, f"{m.LABEL_METHOD}, {m.LABEL_ERROR}"),
                            "{{method}} {{error}}",
                        )
                    ],
                ),
                _timeseries(
                    "Instance launch failures",
                    "CreateFleet offerings that failed, by reason, capacity type and zone.",
                    "short",
                    [
                        (
                            f"sum by ({m.LABEL_REASON}, {m.LABEL_CAPACITY_TYPE}, {m.LABEL_ZONE}) (increase("
                            f"{m.CLOUDPROVIDER_INSTANCE_LAUNCH_FAILURES_TOTAL}[{_RATE}]))",
                            "{{reason}} {{capacity_type}} {{zone}}",
                        )
                    ],
                    stacked=True,
                    bars=True,
                ),
                _timeseries(
                    "Cloud provider call latency",
                    "p99 duration of cloud provider calls (Create, Delete, Get, List, ...).",
                    "s",
                    [p(0.99, m.CLOUDPROVIDER_DURATION_SECONDS, m.LABEL_METHOD)],
                ),
            ],
        ),
    ]
    return _to_dict(
        _assemble(
            "Karpenter / Controller",
            CONTROLLER_DASHBOARD_UID,
            "Health, latency and errors of the Karpenter controller.",
            datasource_uid,
            rows,
        )
    )


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


def _panels(panels: Sequence[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for panel in panels:
        yield panel
        yield from _panels(panel.get("panels") or [])


def dashboard_queries(dashboard: Mapping[str, Any]) -> list[str]:
    """Every PromQL query of a dashboard's panels and query variables (any dashboard JSON, not only ours)."""
    queries = [
        target["expr"]
        for panel in _panels(dashboard.get("panels") or [])
        for target in panel.get("targets") or []
        if target.get("expr")
    ]
    for variable in (dashboard.get("templating") or {}).get("list") or []:
        if variable.get("type") != "query":
            continue
        query = variable.get("query")
        if isinstance(query, Mapping):
            query = query.get("query")
        if isinstance(query, str) and query:
            queries.append(query)
    return queries


def panel_titles_by_row(dashboard: Mapping[str, Any]) -> dict[str, list[str]]:
    """Panel titles under the row they sit in; panels above the first row sit under ``""``."""
    rows: dict[str, list[str]] = {}
    current = ""
    for panel in dashboard.get("panels") or []:
        if panel.get("type") == "row":
            current = panel["title"]
            rows.setdefault(current, [])
            rows[current].extend(child["title"] for child in panel.get("panels") or [])
        else:
            rows.setdefault(current, []).append(panel["title"])
    return rows
