"""The Go template subset of the chart's user data, read and evaluated the way Helm's ``tpl`` does.

Supported: text; ``{{ PIPELINE }}``; ``{{ if PIPELINE }}`` / ``{{ if eq A B }}``, ``{{ else if ... }}``,
``{{ else }}``, ``{{ end }}``; ``{{/* comments */}}``; ``{{-`` and ``-}}`` trimming. A pipeline is made of fields of
the chart's root (``$.Values.x``, ``.Values.x``, ``.key``, ``.value.x``), string, number and boolean literals,
parentheses and ``default``. Anything else (``range``, ``with``, ``include``, ``quote``, variables, ``.Release``, ...)
is an error naming the construct: a template we do not understand must never become a silently different script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from karpenter_infra.errors import SpecError
from karpenter_infra.yamlio import load_yaml


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
        value = load_yaml(text, source="string literal")  # a Go interpreted string literal reads like YAML's "..."
    except SpecError:
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
