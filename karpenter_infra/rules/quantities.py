"""Resource names and quantities: what ``limits`` and the kubelet's reservations may say.

Quantities are parsed by the one parser, ``scheduling.quantity``. Known resources are Kubernetes' own plus the ones
Karpenter knows on AWS (kubernetes-sigs/karpenter ``pkg/apis/v1/labels.go`` ``WellKnownResources`` and
aws/karpenter-provider-aws ``pkg/apis/v1/labels.go``).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from karpenter_infra.rules.names import qualified_name_problem
from karpenter_infra.scheduling.quantity import MEBIBYTE, QuantityError, parse_quantity_suffix
from karpenter_infra.suggest import closest, did_you_mean

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


@cache
def resource_name_problem(name: str) -> str | None:
    """A limit's key: a known resource, or a fully qualified extended resource (``example.com/widget``)."""
    if name in KNOWN_RESOURCES:
        return None
    if "/" in name and qualified_name_problem(name) is None:
        # A fully qualified extended resource is fine, unless it is a near miss of a known one (nvidia.com/gpus).
        close = closest(name, KNOWN_RESOURCES)
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
        value, suffix = parse_quantity_suffix(text)
    except QuantityError as exc:
        return str(exc)
    if value < 0:
        return f"{name} limit {text!r} is negative"
    return _unitless_memory(name, text, value, suffix)


@cache
def reserved_problem(name: str, text: str) -> str | None:
    """``kubeReserved`` / ``systemReserved``: whole-core CPU of 8 and above is almost always ``100`` for ``100m``."""
    try:
        value, suffix = parse_quantity_suffix(text)
    except QuantityError as exc:
        return str(exc)
    if value < 0:
        return f"{name} {text!r} is negative"
    if name == "cpu" and suffix == "" and value >= 8 and value == value.to_integral_value():
        return f"cpu {text!r} reserves {text} whole cores; did you mean {text}m?"
    return _unitless_memory(name, text, value, suffix)
