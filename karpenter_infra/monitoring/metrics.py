"""Karpenter v1.14 metric, label and label-value names that our alerts and dashboards query.

A misspelt metric name is not an error in PromQL: the query just returns nothing, the panel stays empty and
the alert never fires. So every name lives here once, and the tests check each query against
``KNOWN_METRICS``.
"""

from __future__ import annotations

# Every metric on the Karpenter v1.14 metrics reference page, names only. Source:
# https://karpenter.sh/v1.14/reference/metrics/ (aws/karpenter-provider-aws,
# website/content/en/v1.14/reference/metrics.md at 1d927085d, "docs: update for patch release v1.14.1"; the
# page is generated from the metrics registry by hack/docs/metrics_gen/main.go).
KNOWN_METRICS: frozenset[str] = frozenset(
    {
        # Karpenter
        "karpenter_build_info",
        "karpenter_consolidation_moves_total",
        "karpenter_consolidation_score",
        "karpenter_nodeclaims_created_total",
        "karpenter_nodeclaims_disrupted_total",
        "karpenter_nodeclaims_instance_termination_duration_seconds",
        "karpenter_nodeclaims_terminated_total",
        "karpenter_nodeclaims_termination_duration_seconds",
        "karpenter_nodeclaims_unhealthy_disrupted_total",
        "karpenter_nodes_allocatable",
        "karpenter_nodes_created_total",
        "karpenter_nodes_current_lifetime_seconds",
        "karpenter_nodes_drained_total",
        "karpenter_nodes_lifetime_duration_seconds",
        "karpenter_nodes_system_overhead",
        "karpenter_nodes_terminated_total",
        "karpenter_nodes_termination_duration_seconds",
        "karpenter_nodes_total_daemon_limits",
        "karpenter_nodes_total_daemon_requests",
        "karpenter_nodes_total_pod_limits",
        "karpenter_nodes_total_pod_requests",
        "karpenter_pods_bound_duration_seconds",
        "karpenter_pods_drained_total",
        "karpenter_pods_eviction_requests_total",
        "karpenter_pods_provisioning_bound_duration_seconds",
        "karpenter_pods_provisioning_scheduling_undecided_time_seconds",
        "karpenter_pods_provisioning_startup_duration_seconds",
        "karpenter_pods_provisioning_unbound_time_seconds",
        "karpenter_pods_provisioning_unstarted_time_seconds",
        "karpenter_pods_scheduling_decision_duration_seconds",
        "karpenter_pods_startup_duration_seconds",
        "karpenter_pods_state",
        "karpenter_pods_unbound_time_seconds",
        "karpenter_pods_unstarted_time_seconds",
        "karpenter_voluntary_disruption_consolidation_timeouts_total",
        "karpenter_voluntary_disruption_decision_evaluation_duration_seconds",
        "karpenter_voluntary_disruption_decisions_by_nodepool_total",
        "karpenter_voluntary_disruption_decisions_total",
        "karpenter_voluntary_disruption_eligible_nodes",
        "karpenter_voluntary_disruption_failed_validations_total",
        "karpenter_voluntary_disruption_queue_failures_total",
        "karpenter_scheduler_ignored_pods_count",
        "karpenter_scheduler_pending_pods_by_effective_zone_count",
        "karpenter_scheduler_queue_depth",
        "karpenter_scheduler_scheduling_duration_seconds",
        "karpenter_scheduler_unfinished_work_seconds",
        "karpenter_scheduler_unschedulable_pods_count",
        "karpenter_nodepools_allowed_disruptions",
        "karpenter_nodepools_cost_total",
        "karpenter_nodepools_cost_tracker_errors_total",
        "karpenter_nodepools_limit",
        "karpenter_nodepools_nodes_consuming_budgets",
        "karpenter_nodepools_usage",
        "karpenter_interruption_deleted_messages_total",
        "karpenter_interruption_instance_status_unhealthy_total",
        "karpenter_interruption_message_queue_duration_seconds",
        "karpenter_interruption_received_messages_total",
        "karpenter_cluster_utilization_percent",
        "karpenter_cluster_state_node_count",
        "karpenter_cluster_state_synced",
        "karpenter_cluster_state_unsynced_time_seconds",
        "karpenter_cloudprovider_batcher_batch_size",
        "karpenter_cloudprovider_batcher_batch_time_seconds",
        "karpenter_cloudprovider_duration_seconds",
        "karpenter_cloudprovider_errors_total",
        "karpenter_cloudprovider_instance_launch_failures_total",
        "karpenter_cloudprovider_instance_termination_failures_total",
        "karpenter_cloudprovider_instance_type_cpu_cores",
        "karpenter_cloudprovider_instance_type_memory_bytes",
        "karpenter_cloudprovider_instance_type_offering_available",
        "karpenter_cloudprovider_instance_type_offering_price_estimate",
        # operatorpkg status-condition and termination metrics, one family per watched kind
        "operator_ec2nodeclass_status_condition_count",
        "operator_ec2nodeclass_status_condition_current_status_seconds",
        "operator_ec2nodeclass_status_condition_transition_seconds",
        "operator_ec2nodeclass_status_condition_transitions_total",
        "operator_ec2nodeclass_termination_current_time_seconds",
        "operator_ec2nodeclass_termination_duration_seconds",
        "operator_node_status_condition_count",
        "operator_node_status_condition_current_status_seconds",
        "operator_node_status_condition_transition_seconds",
        "operator_node_status_condition_transitions_total",
        "operator_node_termination_current_time_seconds",
        "operator_node_termination_duration_seconds",
        "operator_nodeclaim_status_condition_count",
        "operator_nodeclaim_status_condition_current_status_seconds",
        "operator_nodeclaim_status_condition_transition_seconds",
        "operator_nodeclaim_status_condition_transitions_total",
        "operator_nodeclaim_termination_current_time_seconds",
        "operator_nodeclaim_termination_duration_seconds",
        "operator_nodepool_status_condition_count",
        "operator_nodepool_status_condition_current_status_seconds",
        "operator_nodepool_status_condition_transition_seconds",
        "operator_nodepool_status_condition_transitions_total",
        "operator_nodepool_termination_current_time_seconds",
        "operator_nodepool_termination_duration_seconds",
        # deprecated kind-less twins of the families above, still emitted in v1.14
        "operator_status_condition_count",
        "operator_status_condition_current_status_seconds",
        "operator_status_condition_transition_seconds",
        "operator_status_condition_transitions_total",
        "operator_termination_current_time_seconds",
        "operator_termination_duration_seconds",
        # controller-runtime, client-go and the AWS SDK, registered in the same registry
        "controller_runtime_active_workers",
        "controller_runtime_conversion_webhook_panics_total",
        "controller_runtime_max_concurrent_reconciles",
        "controller_runtime_reconcile_errors_total",
        "controller_runtime_reconcile_panics_total",
        "controller_runtime_reconcile_time_seconds",
        "controller_runtime_reconcile_timeouts_total",
        "controller_runtime_reconcile_total",
        "controller_runtime_terminal_reconcile_errors_total",
        "workqueue_adds_total",
        "workqueue_depth",
        "workqueue_longest_running_processor_seconds",
        "workqueue_queue_duration_seconds",
        "workqueue_retries_total",
        "workqueue_unfinished_work_seconds",
        "workqueue_work_duration_seconds",
        "client_go_request_duration_seconds",
        "client_go_request_total",
        "aws_sdk_go_request_attempt_duration_seconds",
        "aws_sdk_go_request_attempt_total",
        "aws_sdk_go_request_duration_seconds",
        "aws_sdk_go_request_retry_count",
        "aws_sdk_go_request_total",
        "leader_election_master_status",
        "leader_election_slowpath_total",
    }
)

# Prometheus writes `up` for every scrape target itself, so it is on no exporter's reference page. It is the
# only way to tell "the controller is down" from "the controller has nothing to report".
PROMETHEUS_SCRAPE_METRICS: frozenset[str] = frozenset({"up"})

# The suffixes Prometheus adds to a histogram's (or summary's) base name in the exposition format.
SERIES_SUFFIXES: tuple[str, ...] = ("_bucket", "_count", "_sum")

# --- metric names -------------------------------------------------------------------------------------------
BUILD_INFO = "karpenter_build_info"
CLUSTER_STATE_SYNCED = "karpenter_cluster_state_synced"
NODES_ALLOCATABLE = "karpenter_nodes_allocatable"
NODEPOOLS_USAGE = "karpenter_nodepools_usage"
NODEPOOLS_LIMIT = "karpenter_nodepools_limit"
NODEPOOLS_ALLOWED_DISRUPTIONS = "karpenter_nodepools_allowed_disruptions"
NODEPOOLS_COST_TOTAL = "karpenter_nodepools_cost_total"
NODECLAIMS_DISRUPTED_TOTAL = "karpenter_nodeclaims_disrupted_total"
VOLUNTARY_DISRUPTION_DECISIONS_TOTAL = "karpenter_voluntary_disruption_decisions_total"
VOLUNTARY_DISRUPTION_DECISIONS_BY_NODEPOOL_TOTAL = "karpenter_voluntary_disruption_decisions_by_nodepool_total"
VOLUNTARY_DISRUPTION_EVALUATION_DURATION_SECONDS = "karpenter_voluntary_disruption_decision_evaluation_duration_seconds"
VOLUNTARY_DISRUPTION_ELIGIBLE_NODES = "karpenter_voluntary_disruption_eligible_nodes"
VOLUNTARY_DISRUPTION_CONSOLIDATION_TIMEOUTS_TOTAL = "karpenter_voluntary_disruption_consolidation_timeouts_total"
SCHEDULER_SCHEDULING_DURATION_SECONDS = "karpenter_scheduler_scheduling_duration_seconds"
SCHEDULER_QUEUE_DEPTH = "karpenter_scheduler_queue_depth"
SCHEDULER_UNSCHEDULABLE_PODS_COUNT = "karpenter_scheduler_unschedulable_pods_count"
PODS_PROVISIONING_STARTUP_DURATION_SECONDS = "karpenter_pods_provisioning_startup_duration_seconds"
INTERRUPTION_RECEIVED_MESSAGES_TOTAL = "karpenter_interruption_received_messages_total"
INTERRUPTION_DELETED_MESSAGES_TOTAL = "karpenter_interruption_deleted_messages_total"
INTERRUPTION_MESSAGE_QUEUE_DURATION_SECONDS = "karpenter_interruption_message_queue_duration_seconds"
CLOUDPROVIDER_ERRORS_TOTAL = "karpenter_cloudprovider_errors_total"
CLOUDPROVIDER_DURATION_SECONDS = "karpenter_cloudprovider_duration_seconds"
CLOUDPROVIDER_INSTANCE_LAUNCH_FAILURES_TOTAL = "karpenter_cloudprovider_instance_launch_failures_total"
CLOUDPROVIDER_OFFERING_PRICE_ESTIMATE = "karpenter_cloudprovider_instance_type_offering_price_estimate"
NODEPOOL_STATUS_CONDITION_COUNT = "operator_nodepool_status_condition_count"
NODE_TERMINATION_CURRENT_TIME_SECONDS = "operator_node_termination_current_time_seconds"
CONTROLLER_RUNTIME_RECONCILE_ERRORS_TOTAL = "controller_runtime_reconcile_errors_total"
CONTROLLER_RUNTIME_RECONCILE_TIME_SECONDS = "controller_runtime_reconcile_time_seconds"
WORKQUEUE_DEPTH = "workqueue_depth"
LEADER_ELECTION_MASTER_STATUS = "leader_election_master_status"
UP = "up"

# --- label names --------------------------------------------------------------------------------------------
# karpenter_* metrics (sigs.k8s.io/karpenter pkg/metrics/constants.go; node metrics derive theirs from the
# well-known node labels, e.g. topology.kubernetes.io/zone -> zone).
LABEL_NODEPOOL = "nodepool"
LABEL_RESOURCE_TYPE = "resource_type"
LABEL_CAPACITY_TYPE = "capacity_type"
LABEL_ZONE = "zone"
LABEL_INSTANCE_TYPE = "instance_type"
LABEL_REASON = "reason"
LABEL_DECISION = "decision"
LABEL_CONSOLIDATION_TYPE = "consolidation_type"
LABEL_MESSAGE_TYPE = "message_type"
LABEL_CONTROLLER = "controller"
LABEL_METHOD = "method"
LABEL_ERROR = "error"
# operator_* metrics come from operatorpkg, which names the object with `name` and turns the object's
# `karpenter.sh/nodepool` label into `karpenter_sh_nodepool` (operatorpkg status/controller.go
# toPrometheusLabel).
LABEL_OBJECT_NAME = "name"
LABEL_STATUS_NODEPOOL = "karpenter_sh_nodepool"
LABEL_CONDITION_TYPE = "type"
LABEL_CONDITION_STATUS = "status"

# --- label values -------------------------------------------------------------------------------------------
RESOURCE_CPU = "cpu"
RESOURCE_MEMORY = "memory"
RESOURCE_NODES = "nodes"  # NodePool status.resources always carries it, so usage exists even at zero nodes
CONDITION_NODE_REGISTRATION_HEALTHY = "NodeRegistrationHealthy"
# karpenter_nodeclaims_disrupted_total reasons written by the AWS interruption controller (message kinds in
# pkg/controllers/interruption/messages/types.go). Rebalance recommendations and no-ops never delete a
# NodeClaim.
REASON_SPOT_INTERRUPTED = "spot_interrupted"
INTERRUPTION_REASONS: tuple[str, ...] = (
    "capacity_reservation_interrupted",
    "event_status",
    "instance_status",
    "instance_stopped",
    "instance_terminated",
    "scheduled_change",
    "spot_interrupted",
    "system_status",
)
# Reasons the NodeClaim lifecycle controller writes when a NodeClaim never became a working node: the instance
# did not launch in time, never joined the cluster in time, or its EC2NodeClass was not ready.
LAUNCH_FAILURE_REASONS: tuple[str, ...] = ("launch_timeout", "nodeclass_not_ready", "registration_timeout")

# The Prometheus job of the Karpenter chart's ServiceMonitor (the Service is named after the release). Only
# the metric families that other controllers also export (controller_runtime_*, workqueue_*,
# leader_election_*, up) need it; karpenter_* and operator_nodepool_* names are Karpenter's alone.
DEFAULT_JOB = "karpenter"
