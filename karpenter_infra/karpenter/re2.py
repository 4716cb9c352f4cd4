"""Go's RE2 semantics for the CRDs' patterns, so pydantic-core checks what the apiserver checks."""

from __future__ import annotations

import re
from typing import Final

# Go's RE2 classes, spelled without the Unicode meaning Rust's engine (and Python's) gives the short forms.
_GO_CLASSES: Final = {"d": "0-9", "s": "\\t\\n\\f\\r ", "w": "0-9A-Za-z_"}
_GO_NEGATED: Final = {"D": "d", "S": "s", "W": "w"}
_ESCAPE: Final = re.compile(r"\\(.)|(\[)|(\])", re.DOTALL)


def go_regex(pattern: str) -> str:
    """``pattern`` with RE2's ASCII-only ``\\d``, ``\\s``, ``\\w`` spelled out, for pydantic-core's Rust engine.

    Without it ``"١٢%"`` (Arabic-Indic digits) would pass ``evictionHard`` here and fail at the apiserver.
    """
    out: list[str] = []
    in_class = False
    position = 0
    for match in _ESCAPE.finditer(pattern):
        out.append(pattern[position : match.start()])
        position = match.end()
        escaped, opening, closing = match.groups()
        if opening is not None:
            in_class = True
            out.append(opening)
        elif closing is not None:
            in_class = False
            out.append(closing)
        elif escaped in _GO_CLASSES:
            members = _GO_CLASSES[escaped]
            out.append(members if in_class else f"[{members}]")
        elif escaped in _GO_NEGATED:
            if in_class:
                raise ValueError(f"negated class \\{escaped} inside [...] is not translated: {pattern!r}")
            out.append(f"[^{_GO_CLASSES[_GO_NEGATED[escaped]]}]")
        else:
            out.append(match.group(0))
    out.append(pattern[position:])
    return "".join(out)
