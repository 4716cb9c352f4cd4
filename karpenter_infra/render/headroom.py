"""Headroom -> one PriorityClass, its Namespace, and a Deployment of pause pods per entry."""

from __future__ import annotations

from typing import Any

from karpenter_infra.render.names import shorten
from karpenter_infra.spec.headroom import Headroom
from karpenter_infra.spec.resolved import ResolvedNodeGroup

PRIORITY_CLASS = "karpenter-headroom"
PRIORITY_VALUE = -1_000_000
HEADROOM_APP_LABEL = "karpenter-infra/headroom"


def priority_class() -> dict[str, Any]:
    """Below every real pod (default priority 0), so the scheduler evicts headroom first and Karpenter re-buys it."""
    return {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": {"name": PRIORITY_CLASS, "labels": {"app.kubernetes.io/managed-by": "karpenter-infra"}},
        "value": PRIORITY_VALUE,
        "globalDefault": False,
        "preemptionPolicy": "Never",
        "description": "Placeholder pods that keep spare Karpenter capacity warm; evicted first.",
    }


def namespace(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": name, "labels": {"app.kubernetes.io/managed-by": "karpenter-infra"}},
    }


def deployment_name(group: ResolvedNodeGroup, entry: Headroom) -> str:
    return f"headroom-{group.nodepool_name}-{entry.key}"


def deployment(group: ResolvedNodeGroup, entry: Headroom, namespace_name: str, image: str) -> dict[str, Any]:
    name = deployment_name(group, entry)
    pod_labels = {HEADROOM_APP_LABEL: shorten(name, 63)}  # label values stop at 63 characters
    cpu, memory = entry.resources
    anti_affinity: list[dict[str, Any]] = [
        # One placeholder per node: each one holds a whole node's worth of warm capacity.
        {"labelSelector": {"matchLabels": dict(pod_labels)}, "topologyKey": "kubernetes.io/hostname"}
    ]
    if entry.anti_affinity_labels:
        term: dict[str, Any] = {
            "labelSelector": {"matchLabels": dict(sorted(entry.anti_affinity_labels.items()))},
            "topologyKey": "kubernetes.io/hostname",
        }
        if entry.anti_affinity_namespaces is not None:
            term["namespaces"] = sorted(entry.anti_affinity_namespaces)
        else:
            term["namespaceSelector"] = {}
        anti_affinity.append(term)
    pod_spec: dict[str, Any] = {
        "priorityClassName": PRIORITY_CLASS,
        "terminationGracePeriodSeconds": 0,
        "automountServiceAccountToken": False,
        "affinity": {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [
                        {
                            "matchExpressions": [
                                {
                                    "key": "karpenter.sh/nodepool",
                                    "operator": "In",
                                    "values": [group.nodepool_name],
                                }
                            ]
                        }
                    ]
                }
            },
            "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": anti_affinity},
        },
        "tolerations": [{"operator": "Exists"}],
        "containers": [
            {
                "name": "pause",
                "image": image,
                "resources": {
                    "requests": {"cpu": cpu, "memory": memory},
                    "limits": {"cpu": cpu, "memory": memory},
                },
                "securityContext": {
                    "allowPrivilegeEscalation": False,
                    "readOnlyRootFilesystem": True,
                    "runAsNonRoot": True,
                    "runAsUser": 65535,
                    "capabilities": {"drop": ["ALL"]},
                },
            }
        ],
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": name,
            "namespace": namespace_name,
            "labels": {
                "app.kubernetes.io/managed-by": "karpenter-infra",
                group.group_label_key: group.group_label,
                **pod_labels,
            },
        },
        "spec": {
            "replicas": entry.count,
            "selector": {"matchLabels": dict(pod_labels)},
            "template": {"metadata": {"labels": dict(pod_labels)}, "spec": pod_spec},
        },
    }
