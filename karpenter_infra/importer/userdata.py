"""The chart's user data is a Helm template; ours is Jinja2. This translates the subset ``helm_template`` reads.

Translation keeps the template a template. Each value the Helm template computes becomes one entry of our
``values`` mapping, computed per node group by the importer with Helm's own rules (``default`` treats empty values
as missing, missing keys print nothing, numbers print as Go float64s). A few expressions have an exact equivalent in
our context and use it instead: ``$.Values.clusterName`` is ``cluster_name``, ``.key`` is ``group.name``,
``.value.nodeGroupLabel | default .key`` is ``group.group_label``.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from karpenter_infra.importer.helm_render import evaluate
from karpenter_infra.importer.helm_template import (
    Call,
    Comment,
    Expr,
    Field,
    HelmTemplate,
    Literal,
    Node,
    Print,
    Text,
    UserDataError,
)
from karpenter_infra.importer.values import go_print

# -------------------------------------------------------------------------------------------------------- translation


@dataclass(frozen=True)
class ValueRef:
    """One entry of ``values`` the translated template reads, and how the importer computes it per group."""

    name: str
    expr: Expr
    as_text: bool
    as_value: bool


@dataclass(frozen=True)
class Translation:
    jinja: str
    refs: tuple[ValueRef, ...]
    template: HelmTemplate


#: Expressions with an exact equivalent in our user data context.
_EXACT: dict[str, str] = {
    "Values.clusterName": "cluster_name",
    "key": "group.name",
    "Values.nodeGroupLabelName": "group.group_label_key",
}


def _exact(expr: Expr) -> str | None:
    if isinstance(expr, Field):
        return _EXACT.get(".".join(expr.path))
    if isinstance(expr, Call) and expr.function == "default":
        args = expr.args
        if len(args) == 1 and isinstance(args[0], Field) and args[0].path == ("key",):
            return "group.name"
        if (
            len(args) == 2
            and isinstance(args[0], Field)
            and args[0].path == ("key",)
            and isinstance(args[1], Field)
            and args[1].path == ("value", "nodeGroupLabel")
        ):
            return "group.group_label"
    return None


def _base_name(expr: Expr) -> str:
    def first_field(e: Expr) -> Field | None:
        if isinstance(e, Field):
            return e
        if isinstance(e, Call):
            for arg in reversed(e.args):  # the piped (primary) value is the last argument
                found = first_field(arg)
                if found is not None:
                    return found
        return None

    found = first_field(expr)
    if found is None:
        return "value"
    path = found.path[1:] if found.path[0] in ("Values", "value") else found.path
    return re.sub(r"\W", "_", "_".join(path[-1:])) or "value"


def _reference(name: str) -> str:
    if name.isidentifier() and not keyword.iskeyword(name) and not hasattr(dict, name):
        return f"values.{name}"
    return f"values[{name!r}]"


def _jinja_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


_JINJA_OPENERS = re.compile(r"\{[{%#]")


def _escape_text(text: str) -> str:
    """Shell scripts hold ``${#ARRAY[@]}``; Jinja would read ``{#`` as a comment."""
    return _JINJA_OPENERS.sub(lambda m: "{{ " + _jinja_literal(m.group(0)) + " }}", text)


def translate(template: HelmTemplate) -> Translation:
    refs: dict[str, ValueRef] = {}
    names: dict[Expr, str] = {}

    def ref(expr: Expr, as_text: bool) -> str:
        exact = _exact(expr)
        if exact is not None:
            return exact
        if isinstance(expr, Literal):
            return _jinja_literal(expr.value)
        name = names.get(expr)
        if name is None:
            base = _base_name(expr)
            name, n = base, 1
            while name in refs:
                n += 1
                name = f"{base}_{n}"
            names[expr] = name
            refs[name] = ValueRef(name, expr, False, False)
        current = refs[name]
        refs[name] = ValueRef(name, expr, current.as_text or as_text, current.as_value or not as_text)
        return _reference(name)

    def condition(expr: Expr) -> str:
        if isinstance(expr, Call) and expr.function == "eq":
            first, *others = (ref(arg, as_text=False) for arg in expr.args)
            return " or ".join(f"{first} == {other}" for other in others)
        return ref(expr, as_text=False)

    def open_(trim: bool) -> str:
        return "{%- " if trim else "{% "

    def close(trim: bool) -> str:
        return " -%}" if trim else " %}"

    def emit(nodes: list[Node]) -> str:
        out = []
        for node in nodes:
            if isinstance(node, Text):
                out.append(_escape_text(node.text))
            elif isinstance(node, Print):
                out.append(
                    ("{{- " if node.trim_left else "{{ ")
                    + ref(node.expr, as_text=True)
                    + (" -}}" if node.trim_right else " }}")
                )
            elif isinstance(node, Comment):
                text = node.text.replace("#}", "# }")
                out.append(("{#-" if node.trim_left else "{#") + text + ("-#}" if node.trim_right else "#}"))
            else:
                for index, branch in enumerate(node.branches):
                    tag = branch.tag
                    if branch.condition is None:
                        out.append(open_(tag.trim_left) + "else" + close(tag.trim_right))
                    else:
                        word = "if" if index == 0 else "elif"
                        out.append(
                            open_(tag.trim_left) + f"{word} {condition(branch.condition)}" + close(tag.trim_right)
                        )
                    out.append(emit(branch.body))
                out.append(open_(node.end.trim_left) + "endif" + close(node.end.trim_right))
        return "".join(out)

    nodes = list(template.nodes)
    # The chart writes user data as a YAML literal block: trailing newlines collapse into exactly one.
    if nodes and isinstance(nodes[-1], Text):
        nodes[-1] = Text(nodes[-1].text.rstrip("\n") + "\n")
    else:
        nodes.append(Text("\n"))
    return Translation(emit(nodes), tuple(refs.values()), template)


def values_for(translation: Translation, root: dict[str, Any]) -> dict[str, Any]:
    """The ``values`` entries the translated template reads, computed for one group with Helm's rules."""
    computed: dict[str, Any] = {}
    for entry in translation.refs:
        value = evaluate(entry.expr, root)
        if entry.as_text and entry.as_value and value is not None and not isinstance(value, str):
            raise UserDataError(
                entry.expr.source,
                f"is printed and also tested in a condition, but its value {value!r} is not a string",
            )
        if entry.as_value:
            computed[entry.name] = "" if entry.as_text and value is None else value
        else:
            computed[entry.name] = go_print(value)
    return computed


# The translation is made from a values file (data), so it renders in Jinja's sandbox like every user-data template.
_JINJA = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)


def render_translation(
    translation: Translation,
    cluster_name: str,
    name: str,
    group_label: str,
    group_label_key: str,
    values: dict[str, Any],
) -> str:
    """The translation rendered as our renderer will render it, with a stand-in for the resolved group."""
    group = SimpleNamespace(name=name, group_label=group_label, group_label_key=group_label_key)
    render: Callable[..., str] = _JINJA.from_string(translation.jinja).render
    return render(cluster_name=cluster_name, group=group, values=values)
