"""Helm values of the Karpenter chart and the objects the release needs around it, as plain data."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from karpenter_infra.spec.platform import ControllerNodesSpec, KarpenterSpec

KARPENTER_NODEPOOL_LABEL = "karpenter.sh/nodepool"


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Maps merge recursively, anything else in ``override`` replaces: Helm's own rule for values files."""
    merged = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def controller_tolerations(nodes: ControllerNodesSpec) -> list[dict[str, str]]:
    return [{"key": nodes.taint_key, "operator": "Equal", "value": nodes.taint_value, "effect": "NoSchedule"}]


def controller_affinity(nodes: ControllerNodesSpec) -> dict[str, Any]:
    """Only on the controller node group, never on a node Karpenter manages, one replica per node."""
    expressions: list[dict[str, Any]] = [{"key": KARPENTER_NODEPOOL_LABEL, "operator": "DoesNotExist"}]
    expressions += [{"key": key, "operator": "In", "values": [value]} for key, value in sorted(nodes.labels.items())]
    return {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": expressions}]}
        },
        "podAntiAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "kubernetes.io/hostname"}]
        },
    }


def karpenter_values(
    spec: KarpenterSpec,
    nodes: ControllerNodesSpec,
    *,
    cluster_name: str,
    cluster_endpoint: str,
    interruption_queue: str | None,
    irsa_role_arn: str | None = None,
) -> dict[str, Any]:
    settings: dict[str, Any] = {"clusterName": cluster_name, "clusterEndpoint": cluster_endpoint}
    if interruption_queue is not None:
        settings["interruptionQueue"] = interruption_queue
    if spec.feature_gates:
        settings["featureGates"] = dict(sorted(spec.feature_gates.items()))
    service_account: dict[str, Any] = {"create": True, "name": spec.service_account}
    if irsa_role_arn is not None:
        service_account["annotations"] = {"eks.amazonaws.com/role-arn": irsa_role_arn}
    resources = {"cpu": spec.cpu, "memory": spec.memory}
    values: dict[str, Any] = {
        "settings": settings,
        "serviceAccount": service_account,
        "replicas": spec.replicas,
        "logLevel": spec.log_level,
        "controller": {"resources": {"requests": dict(resources), "limits": dict(resources)}},
        "affinity": controller_affinity(nodes),
        "tolerations": controller_tolerations(nodes),
        "topologySpreadConstraints": [
            {"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule"}
        ],
        "podDisruptionBudget": {"name": "karpenter", "maxUnavailable": 1},
        "serviceMonitor": {
            "enabled": spec.service_monitor,
            "additionalLabels": dict(sorted(spec.service_monitor_labels.items())),
        },
    }
    return deep_merge(values, spec.extra_values)


def flow_schemas(namespace: str, service_account: str) -> list[dict[str, Any]]:
    """API priority for the controller outside kube-system, where the built-in exemptions do not reach it.

    Without these, a busy API server can starve Karpenter's leader election and its watches.
    """
    subject = [{"kind": "ServiceAccount", "serviceAccount": {"name": service_account, "namespace": namespace}}]

    def schema(name: str, precedence: int, level: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "apiVersion": "flowcontrol.apiserver.k8s.io/v1",
            "kind": "FlowSchema",
            "metadata": {"name": name},
            "spec": {
                "distinguisherMethod": {"type": "ByUser"},
                "matchingPrecedence": precedence,
                "priorityLevelConfiguration": {"name": level},
                "rules": rules,
            },
        }

    leases = {
        "apiGroups": ["coordination.k8s.io"],
        "namespaces": ["*"],
        "resources": ["leases"],
        "verbs": ["get", "create", "update"],
    }
    everything = {
        "apiGroups": ["*"],
        "clusterScope": True,
        "namespaces": ["*"],
        "resources": ["*"],
        "verbs": ["*"],
    }
    return [
        schema(
            "karpenter-leader-election",
            200,
            "leader-election",
            [{"resourceRules": [leases], "subjects": subject}],
        ),
        schema(
            "karpenter-workload",
            1000,
            "workload-high",
            [
                {
                    "nonResourceRules": [{"nonResourceURLs": ["*"], "verbs": ["*"]}],
                    "resourceRules": [everything],
                    "subjects": subject,
                }
            ],
        ),
    ]


def coredns_configuration(nodes: ControllerNodesSpec) -> dict[str, Any]:
    """CoreDNS on the controller node group: DNS must not depend on nodes that Karpenter itself launches."""
    return {
        "nodeSelector": dict(sorted(nodes.labels.items())),
        "tolerations": [
            {"key": nodes.taint_key, "operator": "Exists", "effect": "NoSchedule"},
            {"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"},
        ],
    }
