"""The alerts a platform team pages or files a ticket on when Karpenter, or a node group it runs, is in
trouble.

Severity follows the usual split: ``critical`` pages (workloads cannot get nodes now), ``warning`` files a
ticket (they will not soon, or the nodes they get keep disappearing). Every node-group-scoped alert carries
the NodePool and the node group, recovered from the NodePool name, so Alertmanager can route and silence per
group.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Self

from pydantic import Field, StringConstraints, model_validator

from karpenter_infra.monitoring import metrics as m
from karpenter_infra.monitoring.promql import (
    alternation,
    copy_label,
    eq,
    match,
    prometheus_label_name,
    sel,
    with_group_label,
)
from karpenter_infra.spec.base import Spec

PromDuration = Annotated[str, StringConstraints(pattern=r"^(?:[0-9]+(?:ms|s|m|h|d|w|y))+$")]

_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}

# Counters are judged over an hour: short enough to alert while it matters, long enough that one burst of
# interruptions in a single zone does not.
_RATE_WINDOW = "1h"
# Alerts whose threshold already encodes the time (a count per hour, seconds terminating) still hold for a few
# evaluations: increase() extrapolates and briefly overshoots right after a counter first appears.
_DEBOUNCE_FOR = "5m"

# Prometheus templates in annotations, kept apart from Python's f-string braces.
_NODEPOOL = "{{ $labels.nodepool }}"
_RESOURCE = "{{ $labels.resource_type }}"
_REASON = "{{ $labels.reason }}"
_NODE = "{{ $labels.name }}"
_VALUE = "{{ $value | humanize }}"


def duration_seconds(duration: str) -> float:
    units = re.findall(r"([0-9]+)(ms|s|m|h|d|w|y)", duration)
    return sum(float(amount) * _UNIT_SECONDS[unit] for amount, unit in units)


class AlertThresholds(Spec):
    nodepool_usage_warning_percent: float = Field(
        default=80,
        gt=0,
        le=100,
        description="Ticket when a NodePool has provisioned this share (%) of any of its resource limits.",
    )
    nodepool_usage_critical_percent: float = Field(
        default=95,
        gt=0,
        le=100,
        description="Page when a NodePool has provisioned this share (%) of a limit; at 100% it launches nothing.",
    )
    nodepool_usage_for: PromDuration = Field(
        default="15m", description="How long usage must stay above a limit threshold before the alert fires."
    )
    spot_interruptions_per_hour: float = Field(
        default=5,
        gt=0,
        description="Spot interruptions per NodePool (a node group has one per architecture) in the last "
        "hour that call for more instance-type or zone diversity.",
    )
    launch_failures_per_hour: float = Field(
        default=3,
        gt=0,
        description="NodeClaims per NodePool and reason deleted in the last hour because they failed to "
        "launch, failed to register, or found their EC2NodeClass not ready.",
    )
    registration_unhealthy_for: PromDuration = Field(
        default="15m",
        description="How long a NodePool may report NodeRegistrationHealthy=False (Karpenter's verdict that "
        "its nodes keep failing to join) before it pages.",
    )
    node_terminating_max: PromDuration = Field(
        default="1h",
        description="How long a node may stay terminating (usually a drain blocked by a PodDisruptionBudget) "
        "before it is reported as stuck.",
    )
    controller_down_for: PromDuration = Field(
        default="5m",
        description="How long no Karpenter replica may be scraped, or none hold the leader lease, before paging.",
    )
    cluster_state_unsynced_for: PromDuration = Field(
        default="15m",
        description="How long Karpenter's view of nodes and NodeClaims may disagree with the API server; "
        "while it does, Karpenter neither provisions nor disrupts.",
    )

    @model_validator(mode="after")
    def _warning_below_critical(self) -> Self:
        if self.nodepool_usage_warning_percent >= self.nodepool_usage_critical_percent:
            raise ValueError(
                "nodepool_usage_warning_percent must be below nodepool_usage_critical_percent, got "
                f"{self.nodepool_usage_warning_percent:g} >= {self.nodepool_usage_critical_percent:g}"
            )
        return self


def _rule(alert: str, *, expr: str, for_: str, severity: str, summary: str, description: str) -> dict[str, Any]:
    return {
        "alert": alert,
        "expr": expr,
        "for": for_,
        "labels": {"severity": severity},
        "annotations": {"description": description, "summary": summary},
    }


def _nodegroup_rules(thresholds: AlertThresholds, group: str) -> list[dict[str, Any]]:
    named = f"NodePool {_NODEPOOL} (node group {{{{ $labels.{group} }}}})"

    def per_resource(metric: str) -> str:
        return f"max by ({m.LABEL_NODEPOOL}, {m.LABEL_RESOURCE_TYPE}) ({metric})"

    def disrupted(reasons: str, by: str) -> str:
        counter = sel(m.NODECLAIMS_DISRUPTED_TOTAL, reasons)
        return with_group_label(f"sum by ({by}) (increase({counter}[{_RATE_WINDOW}]))", group)

    spot_interruptions = disrupted(eq(m.LABEL_REASON, m.REASON_SPOT_INTERRUPTED), m.LABEL_NODEPOOL)
    launch_failures = disrupted(
        match(m.LABEL_REASON, alternation(m.LAUNCH_FAILURE_REASONS)), f"{m.LABEL_NODEPOOL}, {m.LABEL_REASON}"
    )
    usage_percent = with_group_label(
        f"100 * {per_resource(m.NODEPOOLS_USAGE)} / on ({m.LABEL_NODEPOOL}, {m.LABEL_RESOURCE_TYPE})"
        f" ({per_resource(m.NODEPOOLS_LIMIT)} > 0)",
        group,
    )
    registration_unhealthy = sel(
        m.NODEPOOL_STATUS_CONDITION_COUNT,
        eq(m.LABEL_CONDITION_TYPE, m.CONDITION_NODE_REGISTRATION_HEALTHY),
        eq(m.LABEL_CONDITION_STATUS, "False"),
    )
    # operatorpkg names the NodePool `name` and a node's NodePool `karpenter_sh_nodepool`; alerts say
    # `nodepool`
    registration = with_group_label(
        copy_label(
            f"max by ({m.LABEL_OBJECT_NAME}) ({registration_unhealthy})",
            m.LABEL_NODEPOOL,
            m.LABEL_OBJECT_NAME,
        ),
        group,
    )
    terminating_seconds = (
        f"max by ({m.LABEL_OBJECT_NAME}, {m.LABEL_STATUS_NODEPOOL}) ({m.NODE_TERMINATION_CURRENT_TIME_SECONDS})"
    )
    terminating = with_group_label(copy_label(terminating_seconds, m.LABEL_NODEPOOL, m.LABEL_STATUS_NODEPOOL), group)
    return [
        _rule(
            "KarpenterNodePoolNearLimit",
            expr=f"{usage_percent} > {thresholds.nodepool_usage_warning_percent:g}",
            for_=thresholds.nodepool_usage_for,
            severity="warning",
            summary=f"NodePool {_NODEPOOL} is near its {_RESOURCE} limit.",
            description=f"{named} has provisioned {_VALUE}% of its {_RESOURCE} limit. At 100% Karpenter "
            "launches no more nodes for it; raise the group's limits or move workloads.",
        ),
        _rule(
            "KarpenterNodePoolNearLimit",
            expr=f"{usage_percent} > {thresholds.nodepool_usage_critical_percent:g}",
            for_=thresholds.nodepool_usage_for,
            severity="critical",
            summary=f"NodePool {_NODEPOOL} is at its {_RESOURCE} limit.",
            description=f"{named} has provisioned {_VALUE}% of its {_RESOURCE} limit. Pods that need a new "
            "node in this group will stay pending; raise the group's limits now.",
        ),
        _rule(
            "KarpenterSpotInterruptionRateHigh",
            expr=f"{spot_interruptions} > {thresholds.spot_interruptions_per_hour:g}",
            for_=_DEBOUNCE_FOR,
            severity="warning",
            summary=f"NodePool {_NODEPOOL} keeps losing spot nodes to interruptions.",
            description=f"{named} lost {_VALUE} spot nodes to EC2 interruptions in the last hour. Each one "
            "restarts the pods on the node; allow more instance types and zones for the group, or move its "
            "critical workloads to on-demand.",
        ),
        _rule(
            "KarpenterNodeClaimsFailingToLaunch",
            expr=f"{launch_failures} >= {thresholds.launch_failures_per_hour:g}",
            for_=_DEBOUNCE_FOR,
            severity="warning",
            summary=f"NodeClaims of NodePool {_NODEPOOL} fail with {_REASON}.",
            description=f"{named} had {_VALUE} NodeClaims deleted for {_REASON} in the last hour: instances "
            "that did not launch, nodes that never joined the cluster, or an EC2NodeClass that is not ready. "
            "Check the NodeClaim events, the EC2NodeClass status and the node's user data.",
        ),
        _rule(
            "KarpenterNodePoolRegistrationUnhealthy",
            expr=f"{registration} > 0",
            for_=thresholds.registration_unhealthy_for,
            severity="critical",
            summary=f"Nodes of NodePool {_NODEPOOL} fail to join the cluster.",
            description=f"{named} reports NodeRegistrationHealthy=False: its nodes keep failing to launch or "
            "register and Karpenter needs a person to fix the configuration (AMI, subnets, security groups, "
            "instance profile, user data). Until then the group cannot scale up; `kubectl describe nodepool` "
            "shows the reason.",
        ),
        _rule(
            "KarpenterNodeStuckTerminating",
            expr=f"{terminating} > {duration_seconds(thresholds.node_terminating_max):g}",
            for_=_DEBOUNCE_FOR,
            severity="warning",
            summary=f"Node {_NODE} of NodePool {_NODEPOOL} is stuck terminating.",
            description=f"Node {_NODE} of {named} has been terminating for "
            "{{ $value | humanizeDuration }}. "
            "A PodDisruptionBudget or a pod that ignores eviction usually blocks its drain, and the instance "
            "costs money until it is gone. A terminationGracePeriod on the group bounds this.",
        ),
    ]


def _controller_rules(thresholds: AlertThresholds, job: str) -> list[dict[str, Any]]:
    replicas_up = f"sum({sel(m.UP, eq('job', job))})"
    leaders = f"sum({sel(m.LEADER_ELECTION_MASTER_STATUS, eq('job', job))})"
    return [
        _rule(
            "KarpenterControllerDown",
            # `or on() vector(0)` also fires when the target has vanished from service discovery altogether
            expr=f"({replicas_up} or on() vector(0)) < 1",
            for_=thresholds.controller_down_for,
            severity="critical",
            summary="Karpenter is down.",
            description=f"No Karpenter replica of job {job} has been scraped for "
            f"{thresholds.controller_down_for}. "
            "No node group can scale up, replace interrupted spot nodes or consolidate until it is back.",
        ),
        _rule(
            "KarpenterNoLeader",
            expr=f"({leaders} or on() vector(0)) < 1 and on() {replicas_up} > 0",
            for_=thresholds.controller_down_for,
            severity="critical",
            summary="Karpenter has no leader.",
            description=f"Replicas of job {job} are up but none holds the leader lease, so none provisions "
            "or disrupts nodes. Check the controller logs and the lease in the Karpenter namespace.",
        ),
        _rule(
            "KarpenterClusterStateUnsynced",
            expr=f"max({m.CLUSTER_STATE_SYNCED}) < 1",
            for_=thresholds.cluster_state_unsynced_for,
            severity="warning",
            summary="Karpenter's cluster state is out of sync.",
            description="Karpenter's view of nodes and NodeClaims disagrees with the API server, and while "
            "it does Karpenter makes no provisioning or disruption decisions. Look for NodeClaims without "
            "nodes (or the reverse) and for API server throttling.",
        ),
    ]


def prometheus_rule(
    name: str,
    namespace: str,
    thresholds: AlertThresholds,
    group_label_key: str = "nodegroup",
    labels: Mapping[str, str] | None = None,
    *,
    job: str = m.DEFAULT_JOB,
) -> dict[str, Any]:
    """A ``monitoring.coreos.com/v1`` PrometheusRule.

    ``labels`` is where the label the Prometheus operator's rule selector wants (often ``release``) goes;
    ``job`` is the scrape job of the Karpenter pods, needed for the metric names other controllers export too.
    """
    groups = {
        "karpenter-controller": _controller_rules(thresholds, job),
        "karpenter-nodegroups": _nodegroup_rules(thresholds, prometheus_label_name(group_label_key)),
    }
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(sorted((labels or {}).items()))},
        "spec": {
            "groups": [
                {
                    "name": group_name,
                    "rules": sorted(rules, key=lambda r: (r["alert"], r["labels"]["severity"])),
                }
                for group_name, rules in sorted(groups.items())
            ]
        },
    }
