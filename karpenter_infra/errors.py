"""Errors raised for bad user input, before any resource is registered."""

from __future__ import annotations

import re
import typing
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from karpenter_infra.safe_text import printable, quoted


class SpecError(Exception):
    """Bad input, pinned to the node group (or other owner) and the fields that carry it.

    Each line reads ``<owner>: <field>: <problem>`` so that a platform engineer finds the line in their nodegroup
    list without a traceback. It deliberately is not a ``ValueError``: pydantic would wrap a ``ValueError`` raised
    inside a validator into its own error and lose the owner.
    """

    def __init__(self, owner: str, issues: Sequence[tuple[str, str]]) -> None:
        self.owner = owner
        self.issues = list(issues)
        # Each part is made terminal-safe once, here: a key or value with control characters prints as escapes.
        lines = (f"{printable(owner)}: {printable(field)}: {printable(problem)}" for field, problem in self.issues)
        super().__init__("\n".join(lines))

    @classmethod
    def one(cls, owner: str, field: str, problem: str) -> SpecError:
        return cls(owner, [(field, problem)])


class FieldProblem(ValueError):
    """A validator's problem with one setting, at ``field`` below where pydantic reports it.

    A model validator sees the whole model, so pydantic reports its errors at the model (``(root)``, ``cluster``);
    raising this instead names the setting (``cluster.endpoint_private_access``). The message quotes only the
    offending value (``shown``), never the model's input: the platform config may hold secrets.
    """

    def __init__(self, field: str | tuple[str | int, ...], problem: str) -> None:
        super().__init__(problem)
        #: ``"a.b[0]"``, or the parts as a tuple when a part holds a dot (a tag key, a label key).
        self.field = field
        self.problem = problem

    def parts(self) -> tuple[str | int, ...]:
        if isinstance(self.field, tuple):
            return self.field
        return tuple(int(part) if part.isdigit() else part for part in re.findall(r"[^.\[\]]+", self.field))


def nodegroup_owner(name: object) -> str:
    return f"nodegroup {name!r}"


def loc_to_path(loc: Iterable[int | str]) -> str:
    """Turn pydantic's ``('instances', 'cores', 0)`` into the ``instances.cores[0]`` a user would write."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(root)"


def issues_from(exc: ValidationError, model: type[BaseModel] | None = None) -> list[tuple[str, str]]:
    """One ``(field, problem)`` per error, in words a user reads: a misspelled key or value gets a "did you mean",
    a pattern is described, never shown as a regular expression. ``model`` defaults to the spec model named by
    the error's title."""
    from karpenter_infra.suggest import did_you_mean

    model = model or _model_named(exc.title)
    issues = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        cause = err.get("ctx", {}).get("error")
        if isinstance(cause, FieldProblem):
            # Our own message quotes the value itself; the input may be the whole config.
            loc += cause.parts()
            message = cause.problem
        else:
            message = _message(err)
        if err["type"] == "extra_forbidden" and model is not None:
            message += did_you_mean(str(err["loc"][-1]), _fields_at(model, err["loc"][:-1]))
        elif err["type"] in {"enum", "literal_error"} and isinstance(err.get("input"), str):
            message += did_you_mean(err["input"], _expected(err.get("ctx", {}).get("expected", "")))
        issues.append((loc_to_path(loc), message.removeprefix("Value error, ")))
    return issues


def _message(err: Any) -> str:
    kind, given = err["type"], err.get("input")
    if kind == "string_pattern_mismatch":
        from karpenter_infra.spec.words import pattern_words

        return f"must be {pattern_words(str(err['ctx']['pattern']))}, got {quoted(given)}"
    if kind in {"enum", "literal_error"}:
        return f"must be {err['ctx']['expected']}, got {quoted(given)}"
    if kind == "int_parsing":
        return f"must be a whole number, got {quoted(given)}"
    if kind not in {"missing", "extra_forbidden"} and "input" in err:
        return f"{err['msg']}, got {quoted(given)}"
    return str(err["msg"])


def _expected(text: str) -> list[str]:
    """pydantic's ``'spot', 'on-demand' or 'reserved'`` -> the three values."""
    return [part.strip().strip("'") for part in text.replace(" or ", ", ").split(",") if part.strip()]


def _model_named(title: str) -> type[BaseModel] | None:
    """The spec model a ``ValidationError`` is about (it carries only the name), for its "did you mean"."""
    from karpenter_infra.spec.base import Spec

    todo: list[type[BaseModel]] = [Spec]
    while todo:
        model = todo.pop()
        if model.__name__ == title:
            return model
        todo.extend(model.__subclasses__())
    return None


def _fields_at(model: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    """The field names of the model found by following ``loc`` from ``model`` (lists and dicts stepped through)."""
    current: object = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return []
        current = _model_in(current.model_fields[part].annotation)
    return list(current.model_fields) if isinstance(current, type) and issubclass(current, BaseModel) else []


def _model_in(annotation: object) -> object:
    """The model inside ``X | None``, ``list[X]`` or ``dict[str, X]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
