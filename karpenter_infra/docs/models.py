"""Reference pages for pydantic models: one section per model, one row per field, read off the models themselves."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Iterator
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo


def anchor(name: str) -> str:
    """The id mkdocs gives a heading that is one identifier (``## NodeGroup`` -> ``nodegroup``)."""
    return name.lower()


def type_name(annotation: Any, linked: frozenset[str] = frozenset()) -> str:
    """A field's type as a reader writes it: ``list[Taint] | None``; documented models link to their section."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return type_name(args[0], linked)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_name(arg, linked) for arg in args)
    if origin is typing.Literal:
        return " | ".join(f'"{arg}"' if isinstance(arg, str) else str(arg) for arg in args)
    if origin is not None:
        base = getattr(origin, "__name__", str(origin))
        return f"{base}[{', '.join(type_name(arg, linked) for arg in args)}]"
    if annotation is type(None):
        return "None"
    name = getattr(annotation, "__name__", None)
    if name is None:
        return str(annotation).replace("typing.", "")
    return f"[{name}](#{anchor(name)})" if name in linked else name


def default_text(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    value = info.get_default(call_default_factory=True)
    if value is None:
        return ""
    if isinstance(value, Enum):
        return f"`{value.value}`"
    if isinstance(value, BaseModel):
        return f"`{type(value).__name__}()`"
    if isinstance(value, list | tuple | dict | set | frozenset) and not value:
        return f"`{value!r}`"
    text = repr(value)
    return f"`{text}`" if len(text) <= 60 else "see the model"


def _cell(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def model_section(model: type[BaseModel], linked: frozenset[str], level: int = 2) -> str:
    lines = [f"{'#' * level} {model.__name__}", ""]
    doc = (model.__doc__ or "").strip()
    if doc and doc != (BaseModel.__doc__ or "").strip():
        lines += [" ".join(doc.split("\n\n", 1)[0].split()), ""]
    lines += ["| field | type | default | description |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        shown = info.alias if info.alias and info.alias != name else name
        lines.append(
            f"| `{shown}` | {_cell(type_name(info.annotation, linked))} | {default_text(info)} | "
            f"{_cell(info.description)} |"
        )
    return "\n".join(lines) + "\n"


def enum_section(enum: type[Enum], level: int = 2) -> str:
    values = ", ".join(f"`{member.value}`" for member in enum)
    doc = " ".join((enum.__doc__ or "").split()) if enum.__doc__ and not enum.__doc__.startswith("An enum") else ""
    return f"{'#' * level} {enum.__name__}\n\n{doc + ' ' if doc else ''}Values: {values}.\n"


def reachable_models(roots: Iterable[type[BaseModel]]) -> list[type[BaseModel]]:
    """The roots and every model their fields hold, directly or in lists, maps and unions; roots first."""
    seen: dict[type[BaseModel], None] = {}
    pending = list(roots)
    while pending:
        model = pending.pop(0)
        if model in seen:
            continue
        seen[model] = None
        for info in model.model_fields.values():
            pending.extend(_models_in(info.annotation))
    return list(seen)


def reachable_enums(models: Iterable[type[BaseModel]]) -> list[type[Enum]]:
    found: dict[type[Enum], None] = {}
    for model in models:
        for info in model.model_fields.values():
            for tp in _leaves(info.annotation):
                if isinstance(tp, type) and issubclass(tp, Enum):
                    found[tp] = None
    return sorted(found, key=lambda enum: enum.__name__)


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    for tp in _leaves(annotation):
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            yield tp


def _leaves(annotation: Any) -> Iterator[Any]:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return
    if not args:
        yield annotation
        return
    for arg in args:
        yield from _leaves(arg)
