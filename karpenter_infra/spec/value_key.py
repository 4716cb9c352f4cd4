"""A hashable key for the value of a setting, so that the resolver works out each distinct input once.

A fleet's groups share a handful of instance shapes and node-class settings; their keys find the result of the
first group that had them. Keys compare values with their types (``1`` and ``True``, a list and a tuple differ), so
two inputs share a key only when the resolver would treat them alike.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from functools import cache
from typing import Any

from pydantic import BaseModel


def value_key(value: Any) -> Hashable:
    """Raises ``TypeError`` for a value that is none of plain data, enums or models (the caller then skips the key)."""
    kind = type(value)
    if kind is list:
        return (list, *[value_key(item) for item in value])
    if kind is dict:
        return (dict, *[(value_key(k), value_key(v)) for k, v in value.items()])
    if isinstance(value, BaseModel):
        model = type(value)
        return (model, *[value_key(getattr(value, name)) for name in _fields(model)])
    hash(value)
    return (kind, value)


def fields_key(model: BaseModel, names: Iterable[str]) -> Hashable:
    """The non-``None`` values of ``names`` on ``model``: what a resolver step reads of one layer."""
    return tuple((name, value_key(value)) for name in names if (value := getattr(model, name)) is not None)


@cache
def _fields(kind: type[BaseModel]) -> tuple[str, ...]:
    return tuple(kind.model_fields)
