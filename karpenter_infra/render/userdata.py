"""User data: verbatim text as written, or a Jinja2 template rendered once per EC2NodeClass in a bounded sandbox.

The template sees plain data only (dicts, lists, strings, numbers, booleans and None) built from the resolved group
before rendering: never a model, a method or a class, so no attribute of what it sees leads back into Python
(``parse_raw``, ``parse_file``, ``__class__.__init__.__globals__``). The sandbox (``render/sandbox.py``) bounds the
values it builds, its output and its work.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from functools import cache
from typing import Any

import jinja2
from jinja2 import nodes
from pydantic import BaseModel

from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.render.sandbox import (
    BoundedSandbox,
    BoundedTemplate,
    TemplateBoundError,
    compile_bounded,
    render_bounded,
)
from karpenter_infra.spec.resolved import ResolvedNodeGroup

# Sandboxed: a nodegroup list may come from another team (or a multi-language program's plain input), and a
# template must not reach Python internals (``cycler.__init__.__globals__.os``) on the machine that runs the plan.
_ENV = BoundedSandbox(
    undefined=jinja2.StrictUndefined,  # a typo in a template is an error, never an empty string on a node
    keep_trailing_newline=True,
    autoescape=False,  # user data is a shell script or MIME document, not HTML
)
_MAX_PROBLEM = 200


@cache
def _template(source: str) -> BoundedTemplate:
    return compile_bounded(_ENV, source)


_SCALARS = frozenset({str, int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """``value`` as JSON-like data: models, dataclasses and enums become dicts, lists and scalars."""
    # Exact types first: this runs for every field of every templated group, and most values are already plain.
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:
        return {str(k): plain(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [plain(v) for v in value]
    if isinstance(value, BaseModel):
        return plain(value.model_dump(mode="json"))
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: plain(getattr(value, name)) for name in _field_names(kind)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"{type(value).__name__} is not plain data")


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


@cache
def _group_fields(source: str) -> frozenset[str] | None:
    """The ``group`` fields a template reads, or ``None`` when it uses ``group`` other than as ``group.<field>``.

    The context is built only for those fields (building all of them for every group was most of a 1,000-group
    render). What the template sees stays plain data; it just holds less of it. Any other use of ``group``
    (``group | tojson``, ``group[key]``, ``{% for k in group %}``, ``{% set g = group %}``) gets every field.
    """
    fields: set[str] = set()

    def visit(node: nodes.Node) -> bool:
        if isinstance(node, nodes.Getattr | nodes.Getitem) and _is_group(node.node):
            key = node.attr if isinstance(node, nodes.Getattr) else _constant_key(node.arg)
            if key is None:
                return False
            fields.add(key)
            return all(visit(child) for child in node.iter_child_nodes(exclude=("node",)))
        if _is_group(node):
            return False
        return all(visit(child) for child in node.iter_child_nodes())

    return frozenset(fields) if visit(_ENV.parse(source)) else None


def _is_group(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Name) and node.name == "group" and node.ctx == "load"


def _constant_key(node: nodes.Node) -> str | None:
    return node.value if isinstance(node, nodes.Const) and isinstance(node.value, str) else None


def _group_data(group: ResolvedNodeGroup, fields: frozenset[str] | None) -> dict[str, Any]:
    names = (*_field_names(type(group)), "architecture")
    return {name: plain(getattr(group, name)) for name in names if fields is None or name in fields}


def template_context(group: ResolvedNodeGroup, fields: frozenset[str] | None = None) -> dict[str, Any]:
    """What a user-data template sees: plain data, never the models themselves (only ``fields`` of the group)."""
    nodeclass = group.nodeclass
    return {
        "cluster_name": group.cluster_name,
        "group": _group_data(group, fields),
        "values": plain(nodeclass.user_data_values) if nodeclass is not None else {},
    }


def render_user_data(group: ResolvedNodeGroup) -> str | None:
    nodeclass = group.nodeclass
    if nodeclass is None:
        return None
    if nodeclass.user_data_template is None:
        return nodeclass.user_data
    try:
        template = _template(nodeclass.user_data_template)
        context = template_context(group, _group_fields(nodeclass.user_data_template))
        return render_bounded(template, context)
    except jinja2.TemplateSyntaxError as exc:
        problem = f"template syntax error on line {exc.lineno}: {exc.message}"
    except jinja2.UndefinedError as exc:
        problem = f"template refers to something undefined: {exc.message}"
    except jinja2.exceptions.SecurityError as exc:
        problem = f"the template sandbox refused it: {exc}"
    except TemplateBoundError as exc:
        problem = f"the template sandbox stopped it: {exc}"
    except jinja2.TemplateError as exc:
        problem = f"template error: {exc}"
    except (TypeError, ValueError, ArithmeticError, LookupError) as exc:  # e.g. ``{{ values.n + 'x' }}``
        problem = f"template failed: {type(exc).__name__}: {exc}"
    if len(problem) > _MAX_PROBLEM:
        problem = problem[: _MAX_PROBLEM - 3] + "..."
    raise SpecError.one(nodegroup_owner(group.name), "user_data_template", problem.replace("\n", " "))
