"""The controller dashboard: is Karpenter healthy and fast, the view for "pods are pending and Karpenter does nothing".

controller_runtime_*, workqueue_* and leader_election_* are exported by every controller-runtime operator, so those
queries are pinned to Karpenter's scrape ``job``; karpenter_* names are unique and need no job.
"""

from __future__ import annotations

from typing import Any

from karpenter_infra.monitoring import metrics as m
from karpenter_infra.monitoring.dashboards.panels import (
    RATE,
    Panel,
    Query,
    Rows,
    assemble,
    stat_panel,
    timeseries_panel,
    to_dict,
)
from karpenter_infra.monitoring.promql import eq, sel

CONTROLLER_DASHBOARD_UID = "karpenter-infra-controller"
CONTROLLER_DASHBOARD_FILE = "karpenter-controller.json"


def controller_dashboard(datasource_uid: str = "prometheus", job: str = m.DEFAULT_JOB) -> dict[str, Any]:
    job_matcher = eq("job", job)
    rows: Rows = [
        ("Health", _health_row(job_matcher)),
        ("Provisioning", _provisioning_row()),
        ("Disruption", _disruption_row()),
        ("Interruption queue", _interruption_queue_row()),
        ("Reconcile errors", _reconcile_row(job_matcher)),
        ("Cloud provider", _cloud_provider_row()),
    ]
    return to_dict(
        assemble(
            "Karpenter / Controller",
            CONTROLLER_DASHBOARD_UID,
            "Health, latency and errors of the Karpenter controller.",
            datasource_uid,
            rows,
        )
    )


def _health_row(job_matcher: str) -> list[Panel]:
    return [
        stat_panel(
            "Replicas up",
            "Karpenter pods Prometheus scrapes successfully.",
            f"sum({sel(m.UP, job_matcher)})",
            "up",
            red_below=1,
        ),
        stat_panel(
            "Leader elected",
            "Replicas holding the leader lease; only the leader provisions and disrupts.",
            f"sum({sel(m.LEADER_ELECTION_MASTER_STATUS, job_matcher)})",
            "leader",
            red_below=1,
        ),
        stat_panel(
            "Cluster state synced",
            "1 when Karpenter's view of nodes and NodeClaims matches the API server; it makes no "
            "decisions while it does not.",
            f"max({m.CLUSTER_STATE_SYNCED})",
            "synced",
            red_below=1,
        ),
        stat_panel(
            "Version",
            "Karpenter version of the running replicas.",
            f"count by (version) ({m.BUILD_INFO})",
            "{{version}}",
            red_below=None,
        ),
    ]


def _provisioning_row() -> list[Panel]:
    return [
        timeseries_panel(
            "Scheduling simulation latency",
            "How long a scheduling simulation takes, for provisioning and for disruption's "
            "replacement checks (label controller).",
            "s",
            [
                _quantile(0.5, m.SCHEDULER_SCHEDULING_DURATION_SECONDS, m.LABEL_CONTROLLER),
                _quantile(0.99, m.SCHEDULER_SCHEDULING_DURATION_SECONDS, m.LABEL_CONTROLLER),
            ],
        ),
        timeseries_panel(
            "Pods waiting for Karpenter",
            "Pods queued for a scheduling simulation, and pods Karpenter found no NodePool for.",
            "short",
            [
                (f"sum({m.SCHEDULER_QUEUE_DEPTH})", "queued"),
                (f"sum({m.SCHEDULER_UNSCHEDULABLE_PODS_COUNT})", "unschedulable"),
            ],
        ),
        timeseries_panel(
            "Pod startup after a provisioning decision",
            "From Karpenter deciding a pod can schedule until it runs: instance launch, node join and image pull.",
            "s",
            [
                _quantile(0.5, m.PODS_PROVISIONING_STARTUP_DURATION_SECONDS, ""),
                _quantile(0.99, m.PODS_PROVISIONING_STARTUP_DURATION_SECONDS, ""),
            ],
        ),
    ]


def _disruption_row() -> list[Panel]:
    return [
        timeseries_panel(
            "Disruption evaluation latency",
            "How long one pass of each disruption method (label reason) takes to pick candidates.",
            "s",
            [
                _quantile(0.5, m.VOLUNTARY_DISRUPTION_EVALUATION_DURATION_SECONDS, m.LABEL_REASON),
                _quantile(0.99, m.VOLUNTARY_DISRUPTION_EVALUATION_DURATION_SECONDS, m.LABEL_REASON),
            ],
        ),
        timeseries_panel(
            "Disruption decisions",
            "Decisions per second by decision and reason, across all NodePools.",
            "ops",
            [
                (
                    _rate_by(m.VOLUNTARY_DISRUPTION_DECISIONS_TOTAL, f"{m.LABEL_DECISION}, {m.LABEL_REASON}"),
                    "{{decision}} {{reason}}",
                )
            ],
        ),
        timeseries_panel(
            "Eligible nodes and consolidation timeouts",
            "Nodes each method could disrupt, and consolidation passes that ran out of time (a sign "
            "the cluster is too large for one pass).",
            "short",
            [
                (f"sum by ({m.LABEL_REASON}) ({m.VOLUNTARY_DISRUPTION_ELIGIBLE_NODES})", "eligible {{reason}}"),
                (
                    f"sum by ({m.LABEL_CONSOLIDATION_TYPE}) (increase("
                    f"{m.VOLUNTARY_DISRUPTION_CONSOLIDATION_TIMEOUTS_TOTAL}[{RATE}]))",
                    "timeouts {{consolidation_type}}",
                ),
            ],
        ),
    ]


def _interruption_queue_row() -> list[Panel]:
    return [
        timeseries_panel(
            "Interruption messages received",
            "EC2 events read from the SQS interruption queue, by message type. The queue's depth "
            "itself is a CloudWatch metric; Karpenter does not export it.",
            "ops",
            [(_rate_by(m.INTERRUPTION_RECEIVED_MESSAGES_TOTAL, m.LABEL_MESSAGE_TYPE), "{{message_type}}")],
            stacked=True,
        ),
        timeseries_panel(
            "Interruption messages deleted",
            "Messages handled and deleted from the queue; received minus deleted is the backlog growth.",
            "ops",
            [(f"sum(rate({m.INTERRUPTION_DELETED_MESSAGES_TOTAL}[{RATE}]))", "deleted")],
        ),
        timeseries_panel(
            "Interruption message age",
            "How long a message sat in the queue before Karpenter processed it; a spot node has two "
            "minutes from the notice.",
            "s",
            [
                _quantile(0.5, m.INTERRUPTION_MESSAGE_QUEUE_DURATION_SECONDS, ""),
                _quantile(0.99, m.INTERRUPTION_MESSAGE_QUEUE_DURATION_SECONDS, ""),
            ],
        ),
    ]


def _reconcile_row(job_matcher: str) -> list[Panel]:
    return [
        timeseries_panel(
            "Reconcile errors by controller",
            "Failed reconciles per second of each Karpenter controller.",
            "ops",
            [
                (
                    _rate_by(m.CONTROLLER_RUNTIME_RECONCILE_ERRORS_TOTAL, m.LABEL_CONTROLLER, job_matcher),
                    "{{controller}}",
                )
            ],
        ),
        timeseries_panel(
            "Reconcile latency by controller",
            "p99 time of one reconcile of each controller.",
            "s",
            [_quantile(0.99, m.CONTROLLER_RUNTIME_RECONCILE_TIME_SECONDS, m.LABEL_CONTROLLER, job_matcher)],
        ),
        timeseries_panel(
            "Work queue depth",
            "Objects waiting for each controller; a queue that only grows means it cannot keep up.",
            "short",
            [(f"sum by (name) ({sel(m.WORKQUEUE_DEPTH, job_matcher)})", "{{name}}")],
        ),
    ]


def _cloud_provider_row() -> list[Panel]:
    return [
        timeseries_panel(
            "Cloud provider errors",
            "Errors returned by cloud provider calls, by method and error (e.g. InsufficientCapacityError).",
            "ops",
            [(_rate_by(m.CLOUDPROVIDER_ERRORS_TOTAL, f"{m.LABEL_METHOD}, {m.LABEL_ERROR}"), "{{method}} {{error}}")],
        ),
        timeseries_panel(
            "Instance launch failures",
            "CreateFleet offerings that failed, by reason, capacity type and zone.",
            "short",
            [
                (
                    f"sum by ({m.LABEL_REASON}, {m.LABEL_CAPACITY_TYPE}, {m.LABEL_ZONE}) (increase("
                    f"{m.CLOUDPROVIDER_INSTANCE_LAUNCH_FAILURES_TOTAL}[{RATE}]))",
                    "{{reason}} {{capacity_type}} {{zone}}",
                )
            ],
            stacked=True,
            bars=True,
        ),
        timeseries_panel(
            "Cloud provider call latency",
            "p99 duration of cloud provider calls (Create, Delete, Get, List, ...).",
            "s",
            [_quantile(0.99, m.CLOUDPROVIDER_DURATION_SECONDS, m.LABEL_METHOD)],
        ),
    ]


def _quantile(quantile: float, metric: str, by: str, *matchers: str) -> Query:
    bucket = sel(f"{metric}_bucket", *matchers)
    legend = " ".join(f"{{{{{label.strip()}}}}}" for label in by.split(",") if label.strip())
    return (
        f"histogram_quantile({quantile:g}, sum by (le{', ' + by if by else ''}) (rate({bucket}[{RATE}])))",
        f"p{quantile * 100:g} {legend}".strip(),
    )


def _rate_by(metric: str, by: str, *matchers: str) -> str:
    return f"sum by ({by}) (rate({sel(metric, *matchers)}[{RATE}]))"
