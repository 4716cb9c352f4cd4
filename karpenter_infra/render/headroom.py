"""Headroom -> one PriorityClass, its Namespace, and a Deployment of pause pods per entry."""

from __future__ import annotations

from typing import Any

from karpenter_infra.render.names import shorten
from karpenter_infra.spec.headroom import Headroom, HeadroomPriorityClass
from karpenter_infra.spec.resolved import ResolvedNodeGroup

PRIORITY_CLASS = "karpenter-headroom"
PRIORITY_VALUE = -1_000_000
HEADROOM_APP_LABEL = "karpenter-infra/headroom"


def priority_class(settings: HeadroomPriorityClass | None = None) -> dict[str, Any]:
    """Below every real pod (default priority 0), so the scheduler evicts headroom first and Karpenter re-buys it."""
    settings = settings or HeadroomPriorityClass()
    labels = {"app.kubernetes.io/managed-by": "karpenter-infra"} if settings.labels is None else settings.labels
    metadata: dict[str, Any] = {"name": PRIORITY_CLASS}
    if labels:
        metadata["labels"] = dict(sorted(labels.items()))
    rendered: dict[str, Any] = {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": metadata,
        "value": settings.value,
        "globalDefault": False,
    }
    if settings.preemption_policy is not None:
        rendered["preemptionPolicy"] = str(settings.preemption_policy)
    if settings.description is not None:
        rendered["description"] = settings.description
    return rendered


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
    if entry.selector_labels is not None:
        pod_labels = dict(sorted(entry.selector_labels.items()))
    else:
        pod_labels = {HEADROOM_APP_LABEL: shorten(name, 63)}  # label values stop at 63 characters
    cpu, memory = entry.resources
    anti_affinity: list[dict[str, Any]] = [_one_per_node(entry, pod_labels)]
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
    pod_spec: dict[str, Any] = {"priorityClassName": PRIORITY_CLASS}
    if entry.hardened:
        # Nothing to wait for when the scheduler evicts it, and no token to steal from it.
        pod_spec["terminationGracePeriodSeconds"] = 0
        pod_spec["automountServiceAccountToken"] = False
    pod_spec |= {
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
                "resources": {"requests": {"cpu": cpu, "memory": memory}},
            }
        ],
    }
    if entry.hardened:
        _harden(pod_spec["containers"][0], cpu, memory)
    if entry.labels is not None:
        labels = dict(sorted(entry.labels.items()))
    else:
        labels = {
            "app.kubernetes.io/managed-by": "karpenter-infra",
            group.group_label_key: group.group_label,
            **pod_labels,
        }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": name,
            "namespace": namespace_name,
            "labels": labels,
        },
        "spec": {
            "replicas": entry.count,
            "selector": {"matchLabels": dict(pod_labels)},
            "template": {"metadata": {"labels": dict(pod_labels)}, "spec": pod_spec},
        },
    }


def _one_per_node(entry: Headroom, pod_labels: dict[str, str]) -> dict[str, Any]:
    """One placeholder per node: each one holds a whole node's worth of warm capacity."""
    if entry.spread_expressions is None:
        selector: dict[str, Any] = {"matchLabels": dict(pod_labels)}
    else:
        # The karpenter_nodes chart's shape: the pod label as an `In` expression, its antiAffinitySpec ANDed on.
        selector = {
            "matchExpressions": [
                *({"key": k, "operator": "In", "values": [v]} for k, v in pod_labels.items()),
                *(e.model_dump(mode="json", exclude_none=True) for e in entry.spread_expressions),
            ]
        }
    term: dict[str, Any] = {"labelSelector": selector, "topologyKey": "kubernetes.io/hostname"}
    if entry.spread_namespaces is not None:
        term["namespaces"] = list(entry.spread_namespaces)
    return term


def _harden(container: dict[str, Any], cpu: str, memory: str) -> None:
    """Guaranteed QoS (limits = requests) and a container that can change nothing on the node."""
    container["resources"]["limits"] = {"cpu": cpu, "memory": memory}
    container["securityContext"] = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": 65535,
        "capabilities": {"drop": ["ALL"]},
    }
