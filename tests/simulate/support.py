"""Small fleets and workloads written as the manifests they stand for."""

from __future__ import annotations

from typing import Any

from karpenter_infra.simulate import Simulation, simulate

Manifest = dict[str, Any]


def node_pool(
    name: str,
    requirements: list[Manifest] | None = None,
    *,
    weight: int | None = None,
    taints: list[Manifest] | None = None,
    startup_taints: list[Manifest] | None = None,
    limits: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
    node_class: str = "default",
) -> Manifest:
    spec: Manifest = {
        "template": {
            "metadata": {"labels": labels or {}},
            "spec": {
                "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": node_class},
                "requirements": requirements
                if requirements is not None
                else [
                    {"key": "node.kubernetes.io/instance-type", "operator": "In", "values": ["m7i.large", "m7i.xlarge"]}
                ],
                "taints": taints or [],
                "startupTaints": startup_taints or [],
            },
        }
    }
    if weight is not None:
        spec["weight"] = weight
    if limits is not None:
        spec["limits"] = limits
    return {"apiVersion": "karpenter.sh/v1", "kind": "NodePool", "metadata": {"name": name}, "spec": spec}


def node_class(name: str = "default", kubelet: Manifest | None = None, **spec: Any) -> Manifest:
    body: Manifest = {"amiFamily": "AL2023", **spec}
    if kubelet is not None:
        body["kubelet"] = kubelet
    return {"apiVersion": "karpenter.k8s.aws/v1", "kind": "EC2NodeClass", "metadata": {"name": name}, "spec": body}


def types(*names: str) -> list[Manifest]:
    return [{"key": "node.kubernetes.io/instance-type", "operator": "In", "values": list(names)}]


def deployment(
    name: str = "web",
    *,
    replicas: int = 1,
    cpu: str = "500m",
    memory: str = "512Mi",
    extra: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
    kind: str = "Deployment",
    **pod: Any,
) -> Manifest:
    requests = {"cpu": cpu, "memory": memory, **(extra or {})}
    template = {
        "metadata": {"labels": labels or {"app": name}},
        "spec": {"containers": [{"name": "main", "resources": {"requests": requests}}], **pod},
    }
    spec: Manifest = {"template": template}
    if kind != "DaemonSet":
        spec["replicas"] = replicas
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name, "namespace": "ns"}, "spec": spec}


def daemonset(name: str, cpu: str = "100m", memory: str = "128Mi", **pod: Any) -> Manifest:
    return deployment(name, cpu=cpu, memory=memory, kind="DaemonSet", **pod)


def run(pools: list[Manifest], workloads: list[Manifest], classes: list[Manifest] | None = None) -> Simulation:
    return simulate([*(classes or [node_class()]), *pools], workloads)


def only(result: Simulation) -> dict[str, Any]:
    (workload,) = result.to_dict()["workloads"]
    assert isinstance(workload, dict)
    return workload
