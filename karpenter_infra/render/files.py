"""Manifests as YAML text and as a GitOps tree (one file per object plus a kustomization)."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from karpenter_infra.errors import SpecError

# libyaml's emitter, which every PyYAML wheel carries: the same text byte for byte (tests/render/test_yaml_text.py
# compares the two on every stack and golden), in a fraction of the pure-Python emitter's time, which was most of
# `render`'s own work after start-up. The pure-Python one stays the fallback for a PyYAML built without libyaml.
_BaseDumper: type[yaml.SafeDumper | yaml.CSafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):  # type: ignore[valid-type,misc]  # one of two bases, chosen above
    """Block style for multi-line strings, so user data reads as a script in a review, not as escapes."""


def _str(dumper: yaml.representer.SafeRepresenter, value: str) -> yaml.ScalarNode:
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


#: The list of files ``render -o`` wrote, kept in the output directory: the only files it ever replaces or removes.
OWNED = ".karpenter-infra"
_OWNED_HEADER = "# Files written by `karpenter-infra render -o`; it replaces or removes only these. Do not edit."
KUSTOMIZATION = "kustomization.yaml"
# What our file names look like (kind, namespace and name are Kubernetes names): anything else in OWNED is ignored.
_OWN_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]*\.yaml$")


def _owned(out_dir: Path) -> set[str]:
    path = out_dir / OWNED
    if path.is_symlink():
        raise SpecError.one("render", "--out", f"{path} is a symbolic link; remove it")
    if not path.exists():
        return set()
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise SpecError.one("render", "--out", f"cannot read {path}: {exc.strerror or exc}") from None
    return {line.strip() for line in lines if _OWN_NAME.match(line.strip())}


def _refuse_foreign(out_dir: Path, names: Sequence[str], owned: set[str]) -> None:
    """Every file about to be written is ours from before, or new; never a user's file, never a symlink."""
    for name in names:
        path = out_dir / name
        if path.is_symlink():
            raise SpecError.one("render", "--out", f"{path} is a symbolic link; render -o never writes through one")
        if path.exists() and name not in owned:
            what = "a kustomization" if name == KUSTOMIZATION else "a file"
            raise SpecError.one(
                "render",
                "--out",
                f"{path} is {what} karpenter-infra did not write (it is not listed in {OWNED}); "
                "move it away or render into another directory",
            )
        if path.exists() and not path.is_file():
            raise SpecError.one("render", "--out", f"{path} is not a regular file")


def _write(path: Path, text: str) -> None:
    """Create or truncate ``path`` without following a symbolic link planted there after the check."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise SpecError.one("render", "--out", f"cannot write {path}: {exc.strerror or exc}") from None


def write_tree(manifests: Sequence[dict[str, Any]], out_dir: Path) -> list[Path]:
    """Write one file per object and a ``kustomization.yaml``; remove files of objects that no longer exist.

    The directory's ``.karpenter-infra`` lists what earlier runs wrote. Only those files are ever replaced or
    removed: a file of the user's, a kustomization the user wrote or a symbolic link is refused before anything is
    written, and the directory may hold any other files.
    """
    names = [file_name(m) for m in manifests]
    if len(set(names)) != len(names):
        raise ValueError("two manifests map to the same file name")
    if bad := [n for n in names if not _OWN_NAME.match(n)]:
        raise ValueError(f"file names that are not plain: {bad}")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SpecError.one("render", "--out", f"cannot create {out_dir}: {exc.strerror or exc}") from None
    owned = _owned(out_dir)
    _refuse_foreign(out_dir, [*names, KUSTOMIZATION], owned)
    written = []
    for name, manifest in zip(names, manifests, strict=True):
        path = out_dir / name
        _write(path, yaml.dump(manifest, Dumper=_Dumper, sort_keys=False, width=120))
        written.append(path)
    kustomization = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": names,
    }
    _write(out_dir / KUSTOMIZATION, yaml.dump(kustomization, Dumper=_Dumper, sort_keys=False))
    now = {*names, KUSTOMIZATION}
    _write(out_dir / OWNED, "\n".join([_OWNED_HEADER, *sorted(now)]) + "\n")
    for stale in sorted(owned - now):
        path = out_dir / stale
        if path.is_file() and not path.is_symlink():
            path.unlink()
    return written
