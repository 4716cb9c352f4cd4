"""Taints and tolerations: kubernetes-sigs/karpenter ``pkg/scheduling/taints.go`` (tag v1.14.1), ``Taints.Tolerates``,
which asks k8s.io/api ``core/v1`` ``Toleration.ToleratesTaint`` of every toleration for every taint.

Startup taints are not here: Karpenter expects them to be removed by a daemon once the node is up, so a pod need not
tolerate them (``NodeClaimTemplate`` keeps them apart from ``Taints``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Taint = Mapping[str, Any]
Toleration = Mapping[str, Any]


def describe(taint: Taint) -> str:
    """As ``pretty.Taint`` prints it: ``key=value:Effect`` (``key:Effect`` without a value)."""
    value = taint.get("value") or ""
    return f"{taint.get('key', '')}{'=' + value if value else ''}:{taint.get('effect', '')}"


def tolerates_taint(toleration: Toleration, taint: Taint) -> bool:
    """``ToleratesTaint``: an empty effect tolerates every effect; an empty key with ``Exists`` tolerates every key;
    ``Exists`` ignores the value; ``Equal`` (the default operator) needs the same value."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if key and key != taint.get("key"):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Exists":
        return True
    if operator == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return False


def untolerated(taints: Iterable[Taint], tolerations: Sequence[Toleration]) -> list[Taint]:
    return [t for t in taints if not any(tolerates_taint(tol, t) for tol in tolerations)]


def tolerates(taints: Iterable[Taint], tolerations: Sequence[Toleration]) -> str | None:
    """``Taints.Tolerates``: ``None``, or the reason naming the first taint no toleration covers."""
    missing = untolerated(taints, tolerations)
    if not missing:
        return None
    return f"did not tolerate taint {describe(missing[0])}"
