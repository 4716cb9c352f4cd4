from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from karpenter_infra.errors import SpecError
from karpenter_infra.simulate import load_workloads
from karpenter_infra.simulate.requests import pod_requests

MANIFESTS = """
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a}]}}
- {apiVersion: v1, kind: Service, metadata: {name: s}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: jobs}
spec:
  jobTemplate:
    spec:
      parallelism: 4
      template: {spec: {containers: [{name: a}]}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec: {template: {spec: {containers: [{name: a}]}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
"""


def test_kinds_counts_and_skips(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "all.yaml").write_text(MANIFESTS)
    (tmp_path / "notes.txt").write_text("not yaml")
    loaded = load_workloads([tmp_path])
    assert [(w.kind, w.namespace, w.name, w.pods) for w in loaded.workloads] == [
        ("Pod", "default", "p", 1),
        ("CronJob", "jobs", "nightly", 4),
        ("StatefulSet", "default", "db", 1),
    ]
    assert dict(loaded.skipped) == {"Service": 1, "ConfigMap": 1}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("kind: Deployment\nmetadata: {name: w}\nspec: {replicas: 1}\n", "Deployment default/w: spec.template"),
        (
            "kind: Deployment\nmetadata: {name: w}\nspec: {replicas: x, template: {spec: {containers: [{name: a}]}}}\n",
            "replicas",
        ),
        (
            "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, resources: {requests: {cpu: lots}}}]}\n",
            "spec.containers[0].resources.requests.cpu",
        ),
        ("- just\n- a list\n", "expected a Kubernetes object"),
    ],
)
def test_a_malformed_object_is_one_line_naming_file_and_object(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(SpecError) as caught:
        load_workloads([path]) if "lots" not in text else pod_requests(load_workloads([path]).workloads[0].spec, "x")
    message = str(caught.value)
    assert words in message and len(message.splitlines()) == 1
    if "lots" not in text:
        assert str(path) in message


def test_effective_requests_with_init_and_sidecar_containers() -> None:
    spec: dict[str, Any] = {
        "initContainers": [
            {"name": "setup", "resources": {"requests": {"cpu": "2", "memory": "100Mi"}}},
            {"name": "proxy", "restartPolicy": "Always", "resources": {"requests": {"cpu": "250m"}}},
        ],
        "containers": [
            {"name": "a", "resources": {"requests": {"cpu": "500m"}, "limits": {"memory": "1Gi"}}},
            {"name": "b", "resources": {"limits": {"cpu": "250m", "nvidia.com/gpu": "1"}}},
        ],
    }
    # containers 750m + sidecar 250m = 1000m < the setup init container's 2 cores.
    assert pod_requests(spec, "x") == {"cpu": 2000.0, "memory": 1024.0, "nvidia.com/gpu": 1.0, "pods": 1.0}
    spec["initContainers"][0]["resources"]["requests"]["cpu"] = "100m"
    assert pod_requests(spec, "x")["cpu"] == 1000.0
