"""Models -> the Python module a user pastes into ``stacks/``: what they would have written by hand.

The output is formatted the way ``ruff format`` formats it (a call fits on one line or is split one argument per line
with a trailing comma), so it passes ``make lint`` as generated. Only values that differ from a field's default are
written; multi-line strings (user data) become module constants so the node groups stay readable.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults

LINE_LENGTH = 120
INDENT = "    "

#: Arguments a reader looks for first.
_FIRST = ("cluster_name", "name", "group_label", "node_class")


def _string(value: str) -> str:
    """A one-line string literal in ruff's preferred (double) quotes."""
    literal = repr(value)
    if literal.startswith("'") and '"' not in value:
        literal = '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def _block(name: str, value: str) -> str:
    """``NAME = <literal>``: raw and triple-quoted where possible, with the ``noqa`` lint needs for long lines."""
    if '"""' in value or value.endswith(('"', "\\")) or "\r" in value:
        statement = f"{name} = {_string(value)}"
    else:
        statement = f'{name} = r"""{value}"""'
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
            base = "USER_DATA" if not hint else f"USER_DATA_{hint.upper().replace('-', '_')}"
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
        return repr(value)

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
    lines = [
        f'"""Node groups imported from the `karpenter_nodes` Helm chart{version}.',
        "",
        *textwrap.wrap(f"Values: {files}.", LINE_LENGTH, break_on_hyphens=False, break_long_words=False),
        "Written by `karpenter-infra import-helm-values`; this module is now the source of truth, edit it freely.",
        '"""',
        "",
    ]
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
