"""Text we echo back (keys, names, values, file content) made safe for a terminal, and short.

A misspelt key or a group name can carry control characters: ``ESC ] 0 ;`` retitles a terminal, ``ESC [ 2 J`` clears
it, a bidi override reorders what a reviewer reads. Every error line (``errors.SpecError``) and every line the CLI
console prints goes through ``printable``, so they reach stderr as visible escapes (``\\x1b``), never as controls.
Values quoted in errors go through ``quoted``: one value, shortened, never a whole config.
"""

from __future__ import annotations

import unicodedata
from typing import Any

#: Longest quoted value in an error; a longer one is cut in the middle of its repr.
MAX_QUOTED = 80

_SPOOFING = (
    frozenset("\u2028\u2029\u200e\u200f\u061c")
    | frozenset(chr(c) for c in range(0x202A, 0x202F))
    | frozenset(chr(c) for c in range(0x2066, 0x206A))
)


def _escape(char: str) -> str:
    code = ord(char)
    if char == "\n":
        return "\\n"
    if char == "\r":
        return "\\r"
    if char == "\t":
        return "\\t"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _unsafe(char: str) -> bool:
    category = unicodedata.category(char)
    return category in {"Cc", "Cs"} or char in _SPOOFING  # controls (C0, DEL, C1), lone surrogates, bidi controls


def printable(text: str) -> str:
    """``text`` with every control character, lone surrogate and bidi control written as a visible escape."""
    if text.isprintable():
        return text
    return "".join(_escape(c) if _unsafe(c) else c for c in text)


def shorten(text: str, limit: int = MAX_QUOTED) -> str:
    if len(text) <= limit:
        return text
    keep = limit - 5
    return f"{text[: keep - keep // 3]} ... {text[len(text) - keep // 3 :]}"


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool | bytes)


def quoted(value: Any, limit: int = MAX_QUOTED) -> str:
    """One value as an error quotes it: a scalar (or a list of scalars) by its repr, shortened; a mapping or a nested
    list by its shape only, so an error at a config's root never prints the config (and the secrets in it)."""
    if isinstance(value, dict):
        return f"a mapping of {len(value)} key{'s' if len(value) != 1 else ''}"
    if isinstance(value, list | tuple) and not all(_scalar(v) for v in value):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if _scalar(value) or isinstance(value, list | tuple):
        try:
            text = repr(value)
        except ValueError:  # an int past Python's 4300-digit limit
            text = f"an integer of {value.bit_length() if isinstance(value, int) else '?'} bits"
        return printable(shorten(text, limit))
    return f"a {type(value).__name__}"
