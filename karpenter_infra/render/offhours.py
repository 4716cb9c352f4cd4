"""Off-hours scale-to-zero, in the cluster: a CronJob pair per scheduled NodePool and least-privilege RBAC.

How it stays out of Pulumi's way: the jobs own exactly one field, ``spec.limits.nodes`` of their NodePool, through
a server-side-apply field manager of their own. Pulumi (also server-side apply) never sets that field, so a
``pulumi up`` at night neither fails nor resets it, and the next run still owns it. ``down`` applies
``limits.nodes: "0"`` (no new nodes) and deletes the pool's NodeClaims, which Karpenter drains gracefully, as it
would on any disruption; ``up`` applies an empty document, and server-side apply removes the field it owned.
"""

from __future__ import annotations

import json
from typing import Any

from karpenter_infra.render.names import shorten
from karpenter_infra.schedule import OffHours
from karpenter_infra.spec.resolved import ResolvedNodeGroup

FIELD_MANAGER = "karpenter-infra-off-hours"
SERVICE_ACCOUNT = "karpenter-off-hours"

_LABELS = {"app.kubernetes.io/managed-by": "karpenter-infra", "app.kubernetes.io/component": "off-hours"}


def scheduled(groups: list[ResolvedNodeGroup]) -> list[ResolvedNodeGroup]:
    return [g for g in groups if g.off_hours is not None]


def limit_document(pool: str, down: bool) -> dict[str, Any]:
    spec: dict[str, Any] = {"limits": {"nodes": "0"}} if down else {}
    return {"apiVersion": "karpenter.sh/v1", "kind": "NodePool", "metadata": {"name": pool}, "spec": spec}


def rbac(groups: list[ResolvedNodeGroup], namespace: str) -> list[dict[str, Any]]:
    """Only the scheduled pools, by name; NodeClaims cannot be scoped by label in RBAC, so list and delete."""
    pools = sorted(g.nodepool_name for g in groups)
    meta = {"labels": dict(_LABELS)}
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace, **meta}},
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": SERVICE_ACCOUNT, "namespace": namespace, **meta},
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": {"name": SERVICE_ACCOUNT, **meta},
            "rules": [
                {
                    "apiGroups": ["karpenter.sh"],
                    "resources": ["nodepools"],
                    "resourceNames": pools,
                    "verbs": ["get", "patch"],
                },
                {"apiGroups": ["karpenter.sh"], "resources": ["nodeclaims"], "verbs": ["list", "delete"]},
            ],
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": SERVICE_ACCOUNT, **meta},
            "roleRef": {
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "ClusterRole",
                "name": SERVICE_ACCOUNT,
            },
            "subjects": [{"kind": "ServiceAccount", "name": SERVICE_ACCOUNT, "namespace": namespace}],
        },
    ]


def _apply_args(pool: str, down: bool) -> list[str]:
    return [
        "apply",
        "--server-side",
        f"--field-manager={FIELD_MANAGER}",
        "-f",
        f"/config/{pool}-{_word(down)}.yaml",
    ]


def _word(down: bool) -> str:
    return "down" if down else "up"


def config_map(groups: list[ResolvedNodeGroup], namespace: str) -> dict[str, Any]:
    data = {
        f"{g.nodepool_name}-{_word(down)}.yaml": json.dumps(limit_document(g.nodepool_name, down), sort_keys=True)
        for g in sorted(groups, key=lambda g: g.nodepool_name)
        for down in (True, False)
    }
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": SERVICE_ACCOUNT, "namespace": namespace, "labels": dict(_LABELS)},
        "data": data,
    }


def cron_job(group: ResolvedNodeGroup, schedule: OffHours, down: bool, namespace: str, image: str) -> dict[str, Any]:
    pool = group.nodepool_name
    container: dict[str, Any] = {
        "name": "kubectl",
        "image": image,
        "args": _apply_args(pool, down),
        "volumeMounts": [{"name": "config", "mountPath": "/config", "readOnly": True}],
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "runAsUser": 65532,
            "capabilities": {"drop": ["ALL"]},
        },
        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
    }
    pod: dict[str, Any] = {
        "serviceAccountName": SERVICE_ACCOUNT,
        "restartPolicy": "OnFailure",
        # Runs on the controller node group: a job that turns pools off must not need a pool to run on.
        "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"}],
        "volumes": [{"name": "config", "configMap": {"name": SERVICE_ACCOUNT}}],
    }
    if down:
        # Limit first (no new nodes), then remove what runs: Karpenter drains each NodeClaim, honouring PDBs.
        pod["initContainers"] = [container]
        pod["containers"] = [
            {
                **container,
                "name": "drain",
                "args": ["delete", "nodeclaims", "-l", f"karpenter.sh/nodepool={pool}", "--wait=false"],
                "volumeMounts": [],
            }
        ]
    else:
        pod["containers"] = [container]
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {
            # CronJob names stop at 52 characters: the Job controller appends a timestamp to them.
            "name": shorten(f"off-hours-{pool}-{_word(down)}", 52),
            "namespace": namespace,
            "labels": {**_LABELS, group.group_label_key: group.group_label},
        },
        "spec": {
            "schedule": schedule.down if down else schedule.up,
            "timeZone": schedule.timezone,
            "concurrencyPolicy": "Forbid",
            "startingDeadlineSeconds": 3600,
            "successfulJobsHistoryLimit": 1,
            "failedJobsHistoryLimit": 3,
            "jobTemplate": {
                "spec": {"backoffLimit": 3, "template": {"metadata": {"labels": dict(_LABELS)}, "spec": pod}}
            },
        },
    }
