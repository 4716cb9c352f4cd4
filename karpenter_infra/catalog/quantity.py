"""Kubernetes resource quantities (``1500m``, ``8Gi``, ``2e3``) as numbers, for comparing with the catalog."""

from __future__ import annotations

import re
from functools import cache

_QUANTITY = re.compile(r"^([+-]?[0-9.]+)([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$")
_SUFFIX = {
    "n": 1e-9,
    "u": 1e-6,
    "m": 1e-3,
    "": 1.0,
    "k": 1e3,
    "M": 1e6,
    "G": 1e9,
    "T": 1e12,
    "P": 1e15,
    "E": 1e18,
    "Ki": 2.0**10,
    "Mi": 2.0**20,
    "Gi": 2.0**30,
    "Ti": 2.0**40,
    "Pi": 2.0**50,
    "Ei": 2.0**60,
}
MIB = 2.0**20


@cache
def parse(text: str | int) -> float | None:
    """The quantity in base units (cores, bytes, counts); ``None`` when it is not one (k8s.io/apimachinery
    ``resource.ParseQuantity`` grammar: a decimal number, then a binary, decimal-SI or exponent suffix)."""
    match = _QUANTITY.match(str(text).strip())
    if match is None:
        return None
    number, suffix = match.group(1), match.group(2) or ""
    try:
        value = float(number)
    except ValueError:
        return None
    if suffix[:1] in {"e", "E"} and len(suffix) > 1:
        return value * 10.0 ** int(suffix[1:])
    return value * _SUFFIX[suffix]
