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
from pydantic import BaseModel

from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.render.sandbox import BoundedSandbox, TemplateBoundError, render_bounded
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
def _template(source: str) -> jinja2.Template:
    return _ENV.from_string(source)


def plain(value: Any) -> Any:
    """``value`` as JSON-like data: models, dataclasses and enums become dicts, lists and scalars."""
    if isinstance(value, BaseModel):
        return plain(value.model_dump(mode="json"))
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"{type(value).__name__} is not plain data")


def template_context(group: ResolvedNodeGroup) -> dict[str, Any]:
    """What a user-data template sees: plain data, never the models themselves."""
    nodeclass = group.nodeclass
    group_data = plain(group)
    group_data["architecture"] = plain(group.architecture)
    return {
        "cluster_name": group.cluster_name,
        "group": group_data,
        "values": plain(nodeclass.user_data_values) if nodeclass is not None else {},
    }


def render_user_data(group: ResolvedNodeGroup) -> str | None:
    nodeclass = group.nodeclass
    if nodeclass is None:
        return None
    if nodeclass.user_data_template is None:
        return nodeclass.user_data
    try:
        return render_bounded(_template(nodeclass.user_data_template), template_context(group))
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
