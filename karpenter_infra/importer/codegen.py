"""Models -> the Python module a user pastes into ``stacks/``: what they would have written by hand.

The output is formatted the way ``ruff format`` formats it (a call fits on one line or is split one argument per line
with a trailing comma), so it passes ``make lint`` as generated. Only values that differ from a field's default are
written; multi-line strings (user data) become module constants so the node groups stay readable.

Data reaches the code only through serializers that are correct by construction: ``repr`` for strings, numbers and
bytes (each literal is read back with ``ast.literal_eval`` and must give the value it came from), ``float("nan")``
for what ``repr`` cannot spell, and ``ast.unparse`` for the docstring that names the values files. Nothing a values
file says is pasted into code as text, so no value or file name can close a string and write code of its own.
"""

from __future__ import annotations

import ast
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults

LINE_LENGTH = 120
INDENT = "    "

#: Arguments a reader looks for first.
_FIRST = ("cluster_name", "name", "group_label", "node_class")


def _reads_back(literal: str, value: object) -> bool:
    try:
        back = ast.literal_eval(literal)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return False
    return type(back) is type(value) and back == value


def _string(value: str) -> str:
    """A one-line string literal in ruff's preferred (double) quotes; ``repr`` itself where that would differ."""
    literal = repr(value)
    if literal.startswith("'") and '"' not in value:
        double = '"' + literal[1:-1].replace("\\'", "'") + '"'
        if _reads_back(double, value):
            return double
    return literal


def _scalar(value: Any) -> str:
    """A literal for a scalar that reads back as the same value and type."""
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, float) and not math.isfinite(value):
        return 'float("nan")' if math.isnan(value) else ('float("inf")' if value > 0 else '-float("inf")')
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 14_000:
        return hex(value)  # repr refuses ints past 4300 digits; hex has no limit
    if value is None or isinstance(value, bool | int | float | bytes):
        return repr(value)
    return _string(str(value))  # a type a values file does not give (a date): its text, still a plain literal


def _raw_block_fits(value: str) -> bool:
    """Whether ``r\"\"\"value\"\"\"`` reads back as ``value``: printable text, no closing quotes, no trailing escape."""
    if '"""' in value or value.endswith(('"', "\\")):
        return False
    if not all(c.isprintable() or c in "\n\t" for c in value):
        return False
    return _reads_back(f'r"""{value}"""', value)


def _block(name: str, value: str) -> str:
    """``NAME = <literal>``: raw and triple-quoted where possible, with the ``noqa`` lint needs for long lines."""
    statement = f'{name} = r"""{value}"""' if _raw_block_fits(value) else f"{name} = {_string(value)}"
    codes = set()
    for line in statement.split("\n"):
        if len(line) > LINE_LENGTH:
            codes.add("E501")
        if line != line.rstrip():
            codes.add("W293" if not line.strip() else "W291")
    return statement + (f"  # noqa: {', '.join(sorted(codes))}" if codes else "")


class _Writer:
    def __init__(self) -> None:
        self.constants: dict[str, str] = {}  # text -> constant name
        self.used: set[str] = set()

    def constant_for(self, text: str, hint: str) -> str:
        if text not in self.constants:
            safe = re.sub(r"[^A-Z0-9_]", "_", hint.upper())  # a name from data: only ASCII letters, digits, _
            base = "USER_DATA" if not safe else f"USER_DATA_{safe}"
            name, n = base, 1
            while name in self.constants.values():
                n += 1
                name = f"{base}_{n}"
            self.constants[text] = name
        return self.constants[text]

    # --- values

    def arguments(self, model: BaseModel, hint: str) -> list[tuple[str, Any]]:
        fields = type(model).model_fields
        names = [n for n in _FIRST if n in fields] + [n for n in fields if n not in _FIRST]
        out = []
        for name in names:
            value = getattr(model, name)
            info = fields[name]
            if not info.is_required() and _same(value, info.get_default(call_default_factory=True)):
                continue
            out.append((name, value))
        return out

    def flat(self, value: Any, hint: str) -> str:
        if isinstance(value, BaseModel):
            self.used.add(type(value).__name__)
            args = ", ".join(f"{k}={self.flat(v, hint)}" for k, v in self.arguments(value, hint))
            return f"{type(value).__name__}({args})"
        if isinstance(value, str):
            if "\n" in value:
                return self.constant_for(value, hint)
            return _string(value)
        if isinstance(value, list | tuple):
            return "[" + ", ".join(self.flat(v, hint) for v in value) + "]"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{_string(str(k))}: {self.flat(v, hint)}" for k, v in value.items()) + "}"
        return _scalar(value)

    def format(self, value: Any, indent: int, prefix: str, suffix: str, hint: str) -> list[str]:
        """Lines of ``prefix + value + suffix`` at ``indent``: one line if it fits, else split like ruff format."""
        pad = INDENT * indent
        flat = self.flat(value, hint)
        if len(pad) + len(prefix) + len(flat) + len(suffix) <= LINE_LENGTH:
            return [f"{pad}{prefix}{flat}{suffix}"]
        if isinstance(value, BaseModel):
            opening, closing = f"{type(value).__name__}(", ")"
            children = [(f"{k}=", v) for k, v in self.arguments(value, hint)]
        elif isinstance(value, list | tuple):
            opening, closing = "[", "]"
            children = [("", v) for v in value]
        elif isinstance(value, dict):
            opening, closing = "{", "}"
            children = [(f"{_string(str(k))}: ", v) for k, v in value.items()]
        else:
            return [f"{pad}{prefix}{flat}{suffix}"]
        if not children:
            return [f"{pad}{prefix}{flat}{suffix}"]
        lines = [f"{pad}{prefix}{opening}"]
        for child_prefix, child in children:
            lines.extend(self.format(child, indent + 1, child_prefix, ",", hint))
        lines.append(f"{pad}{closing}{suffix}")
        return lines


def _same(value: Any, default: Any) -> bool:
    """Equal, with ``True`` and ``1`` told apart (enum defaults equal the strings a model stores)."""
    return bool(value == default) and isinstance(value, bool) == isinstance(default, bool)


def module_text(
    defaults: NodeGroupDefaults,
    nodegroups: Sequence[NodeGroup],
    *,
    source_files: Sequence[str] = (),
    chart_version: str = "",
    adopt: Mapping[str, str] | None = None,
) -> str:
    writer = _Writer()
    body: list[str] = []
    body.extend(writer.format(defaults, 0, "DEFAULTS = ", "", ""))
    body.append("")
    if nodegroups:
        body.append("NODEGROUPS: list[NodeGroup] = [")
        for group in nodegroups:
            body.extend(writer.format(group, 1, "", ",", group.name))
        body.append("]")
    else:
        body.append("NODEGROUPS: list[NodeGroup] = []")
    if adopt:
        body.append("")
        body.append("#: Live objects a first `pulumi up` imports instead of creating (NodePoolSet(adopt=ADOPT)).")
        body.append("ADOPT: dict[str, str] = {")
        body.extend(f"{INDENT}{_string(name)}: {_string(object_id)}," for name, object_id in sorted(adopt.items()))
        body.append("}")
    writer.used.add("NodeGroup")
    names = sorted(writer.used)

    files = ", ".join(f"`{f}`" for f in source_files) or "its values files"
    version = f" {chart_version}" if chart_version else ""
    docstring = "\n".join(
        [
            f"Node groups imported from the `karpenter_nodes` Helm chart{version}.",
            "",
            *textwrap.wrap(f"Values: {files}.", LINE_LENGTH, break_on_hyphens=False, break_long_words=False),
            "Written by `karpenter-infra import-helm-values`; this module is now the source of truth, edit it freely.",
            "",
        ]
    )
    # File names are data: ast.unparse writes the docstring with whatever quoting and escapes keep it one string.
    lines = [ast.unparse(ast.Module(body=[ast.Expr(ast.Constant(docstring))], type_ignores=[])), ""]
    single = f"from karpenter_infra import {', '.join(names)}"
    if len(single) <= LINE_LENGTH:
        lines.append(single)
    else:
        lines.append("from karpenter_infra import (")
        lines.extend(f"{INDENT}{name}," for name in names)
        lines.append(")")
    lines.append("")
    lines.extend(_block(name, text) for text, name in writer.constants.items())
    if writer.constants:
        lines.append("")
    return "\n".join([*lines, *body]) + "\n"
