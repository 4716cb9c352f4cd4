"""Every generated page under ``docs/reference/``: ``make reference`` writes them, a test fails when one is stale."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from pydantic import BaseModel

import karpenter_infra
from karpenter_infra.docs.fields import fields_table
from karpenter_infra.docs.models import enum_section, model_section, reachable_enums, reachable_models

REFERENCE_DIR = "reference"
_GENERATED = "<!-- Generated from the code by `make reference`; do not edit by hand. -->"


def _public_models() -> list[type[BaseModel]]:
    values = [getattr(karpenter_infra, name) for name in karpenter_infra.__all__]
    return [v for v in values if isinstance(v, type) and issubclass(v, BaseModel)]


def _public_enums() -> list[type[Enum]]:
    values = [getattr(karpenter_infra, name) for name in karpenter_infra.__all__]
    return [v for v in values if isinstance(v, type) and issubclass(v, Enum)]


def _index() -> str:
    return f"""# Reference

{_GENERATED}

Generated from the models and components, so it says what the code does:

- [Node group fields](nodegroup-fields.md): every field of `NodeGroupDefaults` and `NodeGroup` in one table, where
  it may be set and the library's default.
- [Models](models.md): every model `karpenter_infra` exports, field by field, and the closed sets (enums).
- [Platform settings](platform.md): `karpenter-infra:platform` in a stack file, validated by `PlatformSpec`.
- [Components](components.md): the Pulumi components, their inputs and outputs.
"""


def _nodegroup_fields() -> str:
    return f"""# Node group fields

{_GENERATED}

`where` says which model takes the field: `defaults` (`NodeGroupDefaults` only), `group` (`NodeGroup` only) or
`both` (a group's value overrides the defaults'). `None` inherits; an explicit empty list means "none".

{fields_table()}"""


def _models() -> str:
    models = _public_models()
    linked = frozenset(model.__name__ for model in models)
    enums = sorted({*_public_enums(), *reachable_enums(models)}, key=lambda enum: enum.__name__)
    linked |= frozenset(enum.__name__ for enum in enums)
    sections = [model_section(model, linked) for model in models]
    sections += [enum_section(enum) for enum in enums]
    intro = "Everything here is importable from `karpenter_infra`."
    return f"# Models\n\n{_GENERATED}\n\n{intro}\n\n" + "\n".join(sections)


def _platform() -> str:
    from karpenter_infra.spec.platform import PlatformSpec

    models = reachable_models([PlatformSpec])
    enums = reachable_enums(models)
    linked = frozenset(model.__name__ for model in models) | frozenset(enum.__name__ for enum in enums)
    sections = [model_section(model, linked) for model in models] + [enum_section(enum) for enum in enums]
    intro = (
        "The stack file's `karpenter-infra:platform` key, validated by "
        "`karpenter_infra.spec.platform.PlatformSpec` before any resource is registered. Keys are the field names."
    )
    return f"# Platform settings\n\n{_GENERATED}\n\n{intro}\n\n" + "\n".join(sections)


def _components() -> str:
    from karpenter_infra.docs.components import component_classes, component_section

    sections = [component_section(component) for component in component_classes()]
    intro = (
        "Every component takes its spec model (or the fleet's manifests) plus `opts`, and registers its outputs. "
        "[Stacks and the platform](../stacks.md#components) says what each creates by default."
    )
    return f"# Components\n\n{_GENERATED}\n\n{intro}\n\n" + "\n".join(sections)


def reference_pages() -> dict[str, str]:
    """Page path under ``docs/`` -> its content."""
    return {
        f"{REFERENCE_DIR}/index.md": _index(),
        f"{REFERENCE_DIR}/nodegroup-fields.md": _nodegroup_fields(),
        f"{REFERENCE_DIR}/models.md": _models(),
        f"{REFERENCE_DIR}/platform.md": _platform(),
        f"{REFERENCE_DIR}/components.md": _components(),
    }


def write_reference(docs_dir: Path) -> list[Path]:
    written = []
    for relative, content in reference_pages().items():
        path = docs_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != content:
            path.write_text(content)
            written.append(path)
    return written
