"""The one Kubernetes quantity parser (k8s.io/apimachinery ``pkg/api/resource``, ``ParseQuantity``): a signed
decimal with a binary (``Ki``..``Ei``), decimal-SI (``n``..``E``) or exponent suffix. Exact (``Decimal``), cached.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache

_SUFFIXES = {
    "": Decimal(1),
    **{s: Decimal(1024) ** (i + 1) for i, s in enumerate(("Ki", "Mi", "Gi", "Ti", "Pi", "Ei"))},
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
}
_QUANTITY = re.compile(r"([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))((?:[KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?", re.ASCII)
MEBIBYTE = Decimal(1024) ** 2
GIBIBYTE = Decimal(1024) ** 3


class QuantityError(ValueError):
    pass


@cache
def parse_quantity_suffix(text: str | int) -> tuple[Decimal, str]:
    """The value in base units (cores, bytes, counts) and the suffix as written (``""`` for none)."""
    if isinstance(text, int) and not isinstance(text, bool):
        return Decimal(text), ""
    if not isinstance(text, str):
        raise QuantityError(f"{text!r} is not a quantity (like 4, 500m, 16Gi)")
    match = _QUANTITY.fullmatch(text.strip())
    if match is None:
        raise QuantityError(f"{text!r} is not a quantity (like 4, 500m, 16Gi)")
    number, suffix = match.group(1), match.group(2) or ""
    try:
        if suffix[:1] in ("e", "E"):
            return Decimal(number + suffix), suffix
        return Decimal(number) * _SUFFIXES[suffix], suffix
    except InvalidOperation:
        raise QuantityError(f"{text!r} is not a quantity (like 4, 500m, 16Gi)") from None


def parse_quantity(text: str | int) -> Decimal:
    """The value in base units; raises ``QuantityError`` when ``text`` is not a quantity."""
    return parse_quantity_suffix(text)[0]


def quantity_or_none(text: str | int) -> float | None:
    """For comparisons against the catalog, where a bad quantity is reported elsewhere."""
    try:
        return float(parse_quantity_suffix(text)[0])
    except QuantityError:
        return None
