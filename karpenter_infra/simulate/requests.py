"""A pod's effective requests, as the kubelet and Karpenter count them.

Karpenter sums them with ``resources.RequestsForPods`` -> ``resources.Ceiling`` (kubernetes-sigs/karpenter
``pkg/utils/resources/resources.go``, tag v1.14.1), the Kubernetes effective-request rule:
- containers are summed; an init container counts alone, beside the sidecars (``restartPolicy: Always``) started
  before it; sidecars add to the containers' sum; the larger of the two wins, per resource;
- a container with a limit but no request for a resource requests its limit (``MergeResourceLimitsIntoRequests``),
  resource by resource;
- ``spec.overhead`` (RuntimeClass) is added, and each pod counts 1 toward ``pods``.
Units are the catalog's: cpu in millicores, memory in MiB, ephemeral-storage in GiB, the rest as counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from karpenter_infra.errors import SpecError
from karpenter_infra.scheduling.quantity import GIBIBYTE, MEBIBYTE, QuantityError, parse_quantity

Resources = dict[str, float]

_UNITS = {"cpu": 1e-3, "memory": float(MEBIBYTE), "ephemeral-storage": float(GIBIBYTE)}


def in_catalog_units(resource: str, text: Any, owner: str, path: str) -> float:
    try:
        amount = parse_quantity(text if isinstance(text, str | int) and not isinstance(text, bool) else str(text))
    except QuantityError as exc:
        raise SpecError.one(owner, path, str(exc)) from None
    if amount < 0:
        raise SpecError.one(owner, path, f"{text!r} is negative")
    return float(amount) / _UNITS.get(resource, 1.0)


def _container(container: Any, owner: str, path: str) -> Resources:
    if not isinstance(container, Mapping):
        raise SpecError.one(owner, path, "must be a mapping")
    resources = container.get("resources") or {}
    if not isinstance(resources, Mapping):
        raise SpecError.one(owner, f"{path}.resources", "must be a mapping")
    found: Resources = {}
    for part in ("limits", "requests"):  # requests win where both are set
        values = resources.get(part) or {}
        if not isinstance(values, Mapping):
            raise SpecError.one(owner, f"{path}.resources.{part}", "must be a mapping")
        for name, text in values.items():
            found[str(name)] = in_catalog_units(str(name), text, owner, f"{path}.resources.{part}.{name}")
    return found


def _add(total: Resources, more: Resources) -> Resources:
    out = dict(total)
    for name, value in more.items():
        out[name] = out.get(name, 0.0) + value
    return out


def _max(left: Resources, right: Resources) -> Resources:
    out = dict(left)
    for name, value in right.items():
        out[name] = max(out.get(name, 0.0), value)
    return out


def pod_requests(spec: Mapping[str, Any], owner: str, path: str = "spec") -> Resources:
    """The pod's requests in catalog units, ``pods`` included."""
    containers: Resources = {}
    for j, container in enumerate(spec.get("containers") or []):
        containers = _add(containers, _container(container, owner, f"{path}.containers[{j}]"))
    sidecars: Resources = {}
    init_peak: Resources = {}
    inits = spec.get("initContainers") or []
    if not isinstance(inits, list):
        raise SpecError.one(owner, f"{path}.initContainers", "must be a list")
    for j, container in enumerate(inits):
        requests = _container(container, owner, f"{path}.initContainers[{j}]")
        if container.get("restartPolicy") == "Always":
            sidecars = _add(sidecars, requests)
            init_peak = _max(init_peak, sidecars)
        else:
            init_peak = _max(init_peak, _add(sidecars, requests))
    total = _max(_add(containers, sidecars), init_peak)
    overhead = spec.get("overhead") or {}
    if isinstance(overhead, Mapping):
        total = _add(
            total,
            {str(k): in_catalog_units(str(k), v, owner, f"{path}.overhead.{k}") for k, v in overhead.items()},
        )
    total["pods"] = total.get("pods", 0.0) + 1.0
    return {name: value for name, value in total.items() if value > 0}
