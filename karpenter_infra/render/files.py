"""Manifests as YAML text and as a GitOps tree (one file per object plus a kustomization)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from karpenter_infra.yamlio import load_yaml_file


class _Dumper(yaml.SafeDumper):
    """Block style for multi-line strings, so user data reads as a script in a review, not as escapes."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def to_yaml(manifests: Sequence[dict[str, Any]]) -> str:
    return yaml.dump_all(manifests, Dumper=_Dumper, sort_keys=False, width=120, explicit_start=True)


def file_name(manifest: dict[str, Any]) -> str:
    """Stable per object: kind and name (and namespace), never a position in a list."""
    metadata = manifest["metadata"]
    parts = [manifest["kind"].lower()]
    if "namespace" in metadata:
        parts.append(metadata["namespace"])
    parts.append(metadata["name"])
    return "-".join(parts) + ".yaml"


def write_tree(manifests: Sequence[dict[str, Any]], out_dir: Path) -> list[Path]:
    """Write one file per object and a ``kustomization.yaml``; remove files of objects that no longer exist.

    Only files the previous run listed in its kustomization are ever removed: the directory may hold other files.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    kustomization_path = out_dir / "kustomization.yaml"
    previous: list[str] = []
    if kustomization_path.is_file():
        previous = list((load_yaml_file(kustomization_path) or {}).get("resources", []))
    names = [file_name(m) for m in manifests]
    if len(set(names)) != len(names):
        raise ValueError("two manifests map to the same file name")
    written = []
    for name, manifest in zip(names, manifests, strict=True):
        path = out_dir / name
        path.write_text(yaml.dump(manifest, Dumper=_Dumper, sort_keys=False, width=120))
        written.append(path)
    kustomization = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": names,
    }
    kustomization_path.write_text(yaml.dump(kustomization, Dumper=_Dumper, sort_keys=False))
    for stale in set(previous) - set(names):
        path = out_dir / stale
        if path.parent == out_dir and path.is_file():
            path.unlink()
    return written
