"""Workload files: multi-document YAML (``helm template`` output, kustomize builds, raw manifests) or directories of
them, read through the one bounded loader. Each object becomes a ``Workload``: a pod template and a pod count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from karpenter_infra.errors import SpecError
from karpenter_infra.yamlio import load_yaml_file_documents

#: Kinds that hold a pod template, and where it is.
POD_KINDS = ("Pod", "Deployment", "ReplicaSet", "StatefulSet", "Job", "CronJob", "DaemonSet")


@dataclass(frozen=True)
class Workload:
    kind: str
    namespace: str
    name: str
    pods: int
    spec: Mapping[str, Any]
    labels: Mapping[str, str] = field(default_factory=dict)
    source: str = ""

    @property
    def owner(self) -> str:
        return f"{self.source}: {self.kind} {self.namespace}/{self.name}"


@dataclass
class Workloads:
    workloads: list[Workload] = field(default_factory=list)
    daemonsets: list[Workload] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


def files(paths: Sequence[Path | str]) -> list[Path]:
    """Each path, or the ``*.yaml``/``*.yml`` files below a directory, recursively, in sorted order."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()))
        elif path.exists():
            found.append(path)
        else:
            raise SpecError.one("simulate", "--workloads", f"{path}: no such file or directory")
    return found


def load(paths: Sequence[Path | str]) -> Workloads:
    result = Workloads()
    for path in files(paths):
        add_documents(result, load_yaml_file_documents(path), str(path))
    return result


def from_objects(objects: Iterable[Any], source: str = "<objects>") -> Workloads:
    """The library path: objects already loaded (dicts as YAML gives them)."""
    result = Workloads()
    add_documents(result, objects, source)
    return result


def add_documents(result: Workloads, documents: Iterable[Any], source: str) -> None:
    for index, document in enumerate(documents):
        if document is None:
            continue
        _add(result, document, source, f"document {index + 1}")


def _add(result: Workloads, obj: Any, source: str, where: str) -> None:
    if not isinstance(obj, Mapping):
        raise SpecError.one(f"{source}: {where}", "(object)", f"expected a Kubernetes object, got {type(obj).__name__}")
    kind = obj.get("kind")
    if not isinstance(kind, str) or not kind:
        raise SpecError.one(f"{source}: {where}", "kind", "missing: every object needs a kind")
    if kind == "List":
        items = obj.get("items")
        if not isinstance(items, list):
            raise SpecError.one(f"{source}: {where} (List)", "items", "must be a list of objects")
        for j, item in enumerate(items):
            _add(result, item, source, f"{where} items[{j}]")
        return
    if kind not in POD_KINDS:
        result.skipped[kind] += 1
        return
    metadata = obj.get("metadata")
    name = metadata.get("name") if isinstance(metadata, Mapping) else None
    if not isinstance(name, str) or not name:
        raise SpecError.one(f"{source}: {where} ({kind})", "metadata.name", "missing")
    namespace = metadata.get("namespace") or "default" if isinstance(metadata, Mapping) else "default"
    owner = f"{source}: {kind} {namespace}/{name}"
    spec = _mapping(obj.get("spec"), owner, "spec")
    if kind == "Pod":
        template: Mapping[str, Any] = {"metadata": metadata, "spec": spec}
        count: Any = 1
        template_path = "spec"
    elif kind == "CronJob":
        job = _mapping(
            _mapping(spec.get("jobTemplate"), owner, "spec.jobTemplate").get("spec"), owner, "spec.jobTemplate.spec"
        )
        template = _mapping(job.get("template"), owner, "spec.jobTemplate.spec.template")
        count = job.get("parallelism", 1)
        template_path = "spec.jobTemplate.spec.template.spec"
    else:
        template = _mapping(spec.get("template"), owner, "spec.template")
        count = spec.get("parallelism", 1) if kind == "Job" else spec.get("replicas", 1)
        template_path = "spec.template.spec"
    if kind == "DaemonSet":
        count = 0
    if count is None:
        count = 1
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        field_name = "parallelism" if kind in ("Job", "CronJob") else "replicas"
        raise SpecError.one(owner, field_name, f"must be a whole number of pods, got {count!r}")
    pod_spec = template["spec"] if kind == "Pod" else _mapping(template.get("spec"), owner, template_path)
    containers = pod_spec.get("containers")
    if not isinstance(containers, list) or not containers:
        raise SpecError.one(owner, f"{template_path}.containers", "must be a non-empty list")
    template_meta = template.get("metadata") if isinstance(template.get("metadata"), Mapping) else {}
    labels = template_meta.get("labels") if isinstance(template_meta, Mapping) else None
    workload = Workload(
        kind=kind,
        namespace=str(namespace),
        name=name,
        pods=count,
        spec=pod_spec,
        labels={str(k): str(v) for k, v in (labels or {}).items()} if isinstance(labels, Mapping) else {},
        source=source,
    )
    (result.daemonsets if kind == "DaemonSet" else result.workloads).append(workload)


def _mapping(value: Any, owner: str, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SpecError.one(owner, path, "missing or not a mapping")
    return value
