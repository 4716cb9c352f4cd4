"""The chart's user data is a Helm template; ours is Jinja2. This translates the subset the chart's users write.

Supported: text; ``{{ PIPELINE }}``; ``{{ if PIPELINE }}`` / ``{{ if eq A B }}``, ``{{ else if ... }}``,
``{{ else }}``, ``{{ end }}``; ``{{/* comments */}}``; ``{{-`` and ``-}}`` trimming. A pipeline is made of fields of
the chart's root (``$.Values.x``, ``.Values.x``, ``.key``, ``.value.x``), string, number and boolean literals,
parentheses and ``default``. Anything else (``range``, ``with``, ``include``, ``quote``, variables, ``.Release``, ...)
is an error naming the construct: a template we do not understand must never become a silently different script.

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
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import jinja2
import yaml

from karpenter_infra.importer.values import go_print, is_empty


class UserDataError(Exception):
    """A construct outside the supported subset, or one Helm itself would fail on; ``construct`` quotes it."""

    def __init__(self, construct: str, problem: str) -> None:
        self.construct = construct
        self.problem = problem
        super().__init__(f"{construct}: {problem}")


# ---------------------------------------------------------------------------------------------------------------- AST


@dataclass(frozen=True)
class Field:
    path: tuple[str, ...]
    source: str = field(compare=False)


@dataclass(frozen=True)
class Literal:
    value: Any
    source: str = field(compare=False)


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple[Expr, ...]
    source: str = field(compare=False)


Expr = Field | Literal | Call


@dataclass
class Text:
    text: str


@dataclass
class Print:
    expr: Expr
    trim_left: bool
    trim_right: bool


@dataclass
class Comment:
    text: str
    trim_left: bool
    trim_right: bool


@dataclass
class Tag:
    """Where a branch tag (``if``, ``else if``, ``else``, ``end``) sits, for its trim markers."""

    trim_left: bool
    trim_right: bool


@dataclass
class Branch:
    condition: Expr | None  # None for ``else``
    tag: Tag
    body: list[Node] = field(default_factory=list)


@dataclass
class If:
    branches: list[Branch]
    end: Tag


Node = Text | Print | Comment | If


@dataclass(frozen=True)
class HelmTemplate:
    source: str
    nodes: list[Node]


# -------------------------------------------------------------------------------------------------------------- lexer

_ACTION_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>"(?:[^"\\\n]|\\.)*")
    | (?P<raw>`[^`]*`)
    | (?P<number>[-+]?(?:0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+))
    | (?P<field>(?:\$|\.)?(?:\.[A-Za-z_][A-Za-z0-9_]*)+|\$[A-Za-z0-9_]*|\.)
    | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<punct>:=|=|\||\(|\)|,)
    )""",
    re.VERBOSE,
)


def _split_actions(source: str) -> list[tuple[str, str, bool, bool]]:
    """Text and actions in order: ``(kind, body, trim_left, trim_right)`` with kind ``text``/``action``/``comment``."""
    parts: list[tuple[str, str, bool, bool]] = []
    pos = 0
    while True:
        start = source.find("{{", pos)
        if start < 0:
            parts.append(("text", source[pos:], False, False))
            return parts
        parts.append(("text", source[pos:start], False, False))
        cursor = start + 2
        trim_left = (
            source.startswith("- ", cursor) or source.startswith("-\t", cursor) or source.startswith("-\n", cursor)
        )
        if trim_left:
            cursor += 1
        body_start = cursor
        stripped = source[cursor:].lstrip()
        if stripped.startswith("/*"):
            close = source.find("*/", cursor)
            if close < 0:
                raise UserDataError(source[start : start + 20], "unclosed comment")
            end = source.find("}}", close)
            if end < 0:
                raise UserDataError(source[start : start + 20], "unclosed action")
            between = source[close + 2 : end]
            trim_right = between.strip() == "-"
            parts.append(("comment", source[source.find("/*", cursor) + 2 : close], trim_left, trim_right))
            pos = end + 2
            continue
        cursor = _find_action_end(source, cursor, start)
        body = source[body_start:cursor]
        trim_right = bool(re.search(r"\s-$", body))
        if trim_right:
            body = body[:-1]
        parts.append(("action", body.strip(), trim_left, trim_right))
        pos = cursor + 2


def _find_action_end(source: str, cursor: int, start: int) -> int:
    quote: str | None = None
    while cursor < len(source):
        char = source[cursor]
        if quote:
            if char == "\\" and quote == '"':
                cursor += 2
                continue
            if char == quote:
                quote = None
        elif char in '"`':
            quote = char
        elif source.startswith("}}", cursor):
            return cursor
        cursor += 1
    raise UserDataError(source[start : start + 30].split("\n", maxsplit=1)[0], "unclosed action")


def _tokens(body: str) -> list[tuple[str, str]]:
    tokens = []
    pos = 0
    while pos < len(body):
        if body[pos:].strip() == "":
            break
        match = _ACTION_TOKEN.match(body, pos)
        if match is None or match.end() == pos:
            raise UserDataError(f"{{{{ {body} }}}}", f"cannot read {body[pos:].strip()!r}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


# ------------------------------------------------------------------------------------------------------------- parser

_ROOT_FIELDS = {"Values", "key", "value"}
_SUPPORTED_FUNCTIONS = {"default", "eq"}
_KEYWORDS = {"range", "with", "define", "template", "block", "break", "continue", "nil"}


class _PipelineParser:
    def __init__(self, tokens: list[tuple[str, str]], action: str) -> None:
        self.tokens = tokens
        self.pos = 0
        self.action = action

    def fail(self, construct: str, problem: str) -> UserDataError:
        return UserDataError(construct, problem)

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def pipeline(self) -> Expr:
        expr = self.command(None)
        while self.peek() == ("punct", "|"):
            self.take()
            expr = self.command(expr)
        return expr

    def command(self, piped: Expr | None) -> Expr:
        operands: list[Expr | str] = []
        while (token := self.peek()) is not None and token not in (("punct", "|"), ("punct", ")")):
            operands.append(self.operand())
        if not operands:
            raise self.fail(self.action, "empty command")
        head = operands[0]
        if isinstance(head, str):
            args = [self._expr(o) for o in operands[1:]]
            if piped is not None:
                args.append(piped)
            if head == "default" and not args:
                raise self.fail("default", "needs at least one argument")
            if head == "eq" and len(args) < 2:
                raise self.fail("eq", "needs at least two arguments")
            source = " ".join([head, *(a.source for a in args)])
            return Call(head, tuple(args), source)
        if len(operands) > 1 or piped is not None:
            raise self.fail(self.action, f"{head.source!r} is not a function and cannot take arguments")
        return head

    def _expr(self, operand: Expr | str) -> Expr:
        if isinstance(operand, str):
            raise self.fail(operand, "a function used as a value is not supported")
        return operand

    def operand(self) -> Expr | str:
        kind, text = self.take()
        if kind == "punct" and text == "(":
            inner = self.pipeline()
            if self.peek() != ("punct", ")"):
                raise self.fail(self.action, "unbalanced parentheses")
            self.take()
            return inner
        if kind == "string":
            return Literal(_go_string(text), text)
        if kind == "raw":
            return Literal(text[1:-1], text)
        if kind == "number":
            return Literal(_go_number(text), text)
        if kind == "field":
            return _field(text)
        if kind == "ident":
            if text in ("true", "false"):
                return Literal(text == "true", text)
            if text in _SUPPORTED_FUNCTIONS:
                return text
            raise self.fail(text, "this function or keyword is not in the supported subset (default, eq, if)")
        raise self.fail(text, "not in the supported subset")


def _go_string(text: str) -> str:
    try:
        value = yaml.safe_load(text)  # a Go interpreted string literal reads like a YAML double-quoted scalar
    except yaml.YAMLError:
        raise UserDataError(text, "cannot read this string literal") from None
    return str(value)


def _go_number(text: str) -> int | float:
    plain = text.replace("_", "")
    try:
        return int(plain, 0)
    except ValueError:
        return float(plain)


def _field(text: str) -> Field:
    if text.startswith("$") and not text.startswith("$."):
        raise UserDataError(text, "template variables are not supported")
    path = tuple(p for p in text.lstrip("$").split(".") if p)
    if not path:
        raise UserDataError(text, "the whole root context cannot be used as a value")
    if path[0] not in _ROOT_FIELDS:
        raise UserDataError(text, "only $.Values, .key and .value are available to node user data")
    if path[0] == "Values" and len(path) == 1:
        raise UserDataError(text, "the whole of .Values cannot be used as a value")
    return Field(path, text)


def parse_template(source: str) -> HelmTemplate:
    root: list[Node] = []
    stack: list[If] = []

    def body() -> list[Node]:
        return stack[-1].branches[-1].body if stack else root

    for kind, text, trim_left, trim_right in _split_actions(source):
        if kind == "text":
            if text:
                body().append(Text(text))
            continue
        if kind == "comment":
            body().append(Comment(text, trim_left, trim_right))
            continue
        action = f"{{{{ {text} }}}}"
        tokens = _tokens(text)
        if not tokens:
            raise UserDataError(action, "empty action")
        head_kind, head = tokens[0]
        tag = Tag(trim_left, trim_right)
        if head_kind == "ident" and head == "if":
            condition = _parse_pipeline(tokens[1:], action)
            block = If([Branch(condition, tag)], Tag(False, False))
            body().append(block)
            stack.append(block)
        elif head_kind == "ident" and head == "else":
            if not stack or stack[-1].branches[-1].condition is None:
                raise UserDataError(action, "`else` without a matching `if`")
            if len(tokens) > 1:
                if tokens[1] != ("ident", "if"):
                    raise UserDataError(action, "only `else` and `else if` are supported")
                stack[-1].branches.append(Branch(_parse_pipeline(tokens[2:], action), tag))
            else:
                stack[-1].branches.append(Branch(None, tag))
        elif head_kind == "ident" and head == "end":
            if not stack:
                raise UserDataError(action, "`end` without a matching `if`")
            stack.pop().end = tag
        elif head_kind == "ident" and head in _KEYWORDS:
            raise UserDataError(action, f"`{head}` is not in the supported subset (if, else, end, default, eq)")
        elif any(t in (("punct", ":="), ("punct", "=")) for t in tokens):
            raise UserDataError(action, "template variables are not supported")
        else:
            expr = _parse_pipeline(tokens, action)
            if isinstance(expr, Call) and expr.function == "eq":
                raise UserDataError(action, "`eq` is supported only as the condition of an `if`")
            body().append(Print(expr, trim_left, trim_right))
    if stack:
        raise UserDataError("{{ if ... }}", "missing `{{ end }}`")
    return HelmTemplate(source, root)


def _parse_pipeline(tokens: list[tuple[str, str]], action: str) -> Expr:
    if not tokens:
        raise UserDataError(action, "missing condition")
    parser = _PipelineParser(tokens, action)
    expr = parser.pipeline()
    if parser.peek() is not None:
        raise UserDataError(action, f"unexpected {parser.peek()[1]!r}")  # type: ignore[index]
    _no_nested_eq(expr, action, top=True)
    return expr


def _no_nested_eq(expr: Expr, action: str, top: bool) -> None:
    if isinstance(expr, Call):
        if expr.function == "eq" and not top:
            raise UserDataError(action, "`eq` is supported only as the whole condition of an `if`")
        for arg in expr.args:
            _no_nested_eq(arg, action, top=False)


# ---------------------------------------------------------------------------------------------------- Helm evaluation


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
        parsed = yaml.safe_load(document)
    except yaml.YAMLError:
        return None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("userData"), str):
        return None
    value: str = parsed["userData"]
    return value


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


_JINJA = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)


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
