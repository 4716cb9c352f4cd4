"""Resource names and quantities: what ``limits`` and the kubelet's reservations may say.

Quantities follow k8s.io/apimachinery ``pkg/api/resource`` (``ParseQuantity``): a signed decimal with a binary
(``Ki``..``Ei``), decimal (``n``..``E``) or exponent suffix. Known resources are Kubernetes' own plus the ones
Karpenter knows on AWS (kubernetes-sigs/karpenter ``pkg/apis/v1/labels.go`` ``WellKnownResources`` and
aws/karpenter-provider-aws ``pkg/apis/v1/labels.go``).
"""

from __future__ import annotations

import difflib
import re
from decimal import Decimal, InvalidOperation
from functools import cache

from karpenter_infra.rules.names import did_you_mean, qualified_name_problem

#: Resources a NodePool's ``limits`` can count. ``nodes`` is Karpenter's own count of nodes.
KNOWN_RESOURCES = frozenset(
    {
        "cpu",
        "memory",
        "ephemeral-storage",
        "pods",
        "nodes",
        "nvidia.com/gpu",
        "amd.com/gpu",
        "aws.amazon.com/neuron",
        "aws.amazon.com/neuroncore",
        "aws.amazon.com/neurondevice",
        "habana.ai/gaudi",
        "vpc.amazonaws.com/efa",
        "vpc.amazonaws.com/pod-eni",
        "vpc.amazonaws.com/PrivateIPv4Address",
    }
)
#: Short names people type for a known resource.
_ALIASES = {"gpu": "nvidia.com/gpu", "gpus": "nvidia.com/gpu", "neuron": "aws.amazon.com/neuron", "mem": "memory"}

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
_QUANTITY = re.compile(
    r"([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))((?:[KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9.]+)?", re.ASCII
)
MEBIBYTE = Decimal(1024) ** 2


class QuantityError(ValueError):
    pass


@cache
def parse_quantity(text: str) -> tuple[Decimal, str]:
    """The value in base units, and the suffix as written (``""`` for none)."""
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


@cache
def resource_name_problem(name: str) -> str | None:
    """A limit's key: a known resource, or a fully qualified extended resource (``example.com/widget``)."""
    if name in KNOWN_RESOURCES:
        return None
    if "/" in name and qualified_name_problem(name) is None:
        # A fully qualified extended resource is fine, unless it is a near miss of a known one (nvidia.com/gpus).
        close = difflib.get_close_matches(name, KNOWN_RESOURCES, n=1, cutoff=0.9)
        return f"unknown resource {name!r} (did you mean {close[0]!r}?)" if close else None
    hint = f" (did you mean {_ALIASES[name]!r}?)" if name in _ALIASES else did_you_mean(name, KNOWN_RESOURCES)
    return f"unknown resource {name!r}{hint}; extended resources are fully qualified (example.com/name)"


def _unitless_memory(name: str, text: str, value: Decimal, suffix: str) -> str | None:
    """Memory under a mebibyte with no unit is a forgotten unit (``512`` for ``512Mi``), in limits and reservations."""
    if name == "memory" and suffix == "" and 0 < value < MEBIBYTE:
        return f"memory {text!r} is {text} bytes; add a unit (Mi, Gi)"
    return None


@cache
def limit_problem(name: str, text: str) -> str | None:
    try:
        value, suffix = parse_quantity(text)
    except QuantityError as exc:
        return str(exc)
    if value < 0:
        return f"{name} limit {text!r} is negative"
    return _unitless_memory(name, text, value, suffix)


@cache
def reserved_problem(name: str, text: str) -> str | None:
    """``kubeReserved`` / ``systemReserved``: whole-core CPU of 8 and above is almost always ``100`` for ``100m``."""
    try:
        value, suffix = parse_quantity(text)
    except QuantityError as exc:
        return str(exc)
    if value < 0:
        return f"{name} {text!r} is negative"
    if name == "cpu" and suffix == "" and value >= 8 and value == value.to_integral_value():
        return f"cpu {text!r} reserves {text} whole cores; did you mean {text}m?"
    return _unitless_memory(name, text, value, suffix)
