"""A stack's own catalog file (``platform.catalog``), resolved against the project directory."""

from __future__ import annotations

from pathlib import Path

from karpenter_infra.catalog.model import Catalog, catalog_file
from karpenter_infra.errors import SpecError


def stack_catalog(stack: str, setting: str | None, project_dir: Path) -> Catalog | None:
    if setting is None:
        return None
    path = Path(setting)
    if not path.is_absolute():
        path = project_dir / path
    owner = f"stack {stack!r} (karpenter-infra:platform)"
    if not path.is_file():
        hint = "write it with `karpenter-infra catalog refresh`"
        raise SpecError.one(owner, "catalog", f"{path} does not exist ({hint})")
    try:
        return catalog_file(path.resolve())
    except ValueError as exc:
        raise SpecError.one(owner, "catalog", f"{path} is not a catalog file: {exc}") from None
    except OSError as exc:
        raise SpecError.one(owner, "catalog", f"cannot read {path}: {exc.strerror or exc}") from None
