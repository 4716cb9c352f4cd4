"""A parsed user data template evaluated the way Helm's ``tpl`` does: the reference our translation is checked
against, and what the chart model renders."""

from __future__ import annotations

from typing import Any

from karpenter_infra.errors import SpecError
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
from karpenter_infra.importer.values import go_print, is_empty
from karpenter_infra.yamlio import load_yaml


def evaluate(expr: Expr, root: dict[str, Any]) -> Any:
    """``expr`` as Helm evaluates it against the chart's root context (``Values``, ``key``, ``value``)."""
    if isinstance(expr, Literal):
        return expr.value
    if isinstance(expr, Field):
        current: Any = root
        for depth, name in enumerate(expr.path):
            if current is None:
                raise UserDataError(expr.source, f"nil pointer evaluating {'.'.join(expr.path[:depth]) or '.'}")
            if not isinstance(current, dict):
                raise UserDataError(expr.source, f"can't evaluate field {name} in a {type(current).__name__}")
            current = current.get(name)
        return current
    if expr.function == "default":
        fallback, *given = (evaluate(arg, root) for arg in expr.args)
        return fallback if not given or is_empty(given[0]) else given[0]
    first, *others = (evaluate(arg, root) for arg in expr.args)
    return any(_go_eq(first, other, expr) for other in others)


def _kind(value: Any, expr: Expr) -> str:
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int) and isinstance(expr, Literal):
        return "int"  # an integer constant in the template; every number in Values is a float64
    if isinstance(value, int | float):
        return "float"
    if isinstance(value, str):
        return "string"
    raise UserDataError(expr.source, f"a {type(value).__name__} cannot be compared with eq")


def _go_eq(left: Any, right: Any, call: Call) -> bool:
    left_kind, right_kind = _kind(left, call.args[0]), _kind(right, call.args[1])
    if "nil" in (left_kind, right_kind):
        if left_kind == right_kind:
            raise UserDataError(f"eq {call.args[0].source} {call.args[1].source}", "both sides are missing")
        return False
    if left_kind != right_kind:
        raise UserDataError(
            f"eq {' '.join(a.source for a in call.args)}",
            f"incompatible types for comparison ({left_kind} and {right_kind}), Helm fails to render this",
        )
    return bool(left == right)


def render_helm(template: HelmTemplate, root: dict[str, Any]) -> str:
    """The text ``tpl`` produces for ``root``: the reference our translation is checked against."""
    pieces: list[tuple[str, bool, bool]] = []  # (text, is_literal_text, unused)

    def walk(nodes: list[Node]) -> None:
        for node in nodes:
            if isinstance(node, Text):
                pieces.append((node.text, True, False))
            elif isinstance(node, Print):
                _trim(pieces, node.trim_left)
                pieces.append((go_print(evaluate(node.expr, root)), False, node.trim_right))
            elif isinstance(node, Comment):
                _trim(pieces, node.trim_left)
                pieces.append(("", False, node.trim_right))
            else:
                taken = False
                for branch in node.branches:
                    _trim(pieces, branch.tag.trim_left)
                    pieces.append(("", False, branch.tag.trim_right))
                    if taken:
                        continue
                    if branch.condition is None or not is_empty(evaluate(branch.condition, root)):
                        taken = True
                        walk(branch.body)
                _trim(pieces, node.end.trim_left)
                pieces.append(("", False, node.end.trim_right))

    walk(template.nodes)
    out: list[str] = []
    trim_next = False
    for piece, literal, trim_after in pieces:
        text = piece.lstrip(" \t\r\n") if literal and trim_next else piece
        out.append(text)
        if not literal:
            trim_next = trim_after
        elif text:
            trim_next = False
    return "".join(out)


def _trim(pieces: list[tuple[str, bool, bool]], trim: bool) -> None:
    """``{{-``: strip whitespace from the end of the literal text just before the action (Go trims text only)."""
    if trim and pieces and pieces[-1][1]:
        text, literal, flag = pieces[-1]
        pieces[-1] = (text.rstrip(" \t\r\n"), literal, flag)


def chart_user_data(rendered: str) -> str | None:
    """What ``userData: |`` + ``nindent 4`` of ``rendered`` parses to, or None where the chart's YAML breaks."""
    document = "userData: |" + "".join("\n    " + line for line in rendered.split("\n")) + "\n"
    try:
        parsed = load_yaml(document, source="userData")
    except SpecError:
        return None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("userData"), str):
        return None
    value: str = parsed["userData"]
    return value
