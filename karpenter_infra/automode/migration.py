"""A backend change, as ``karpenter-infra diff`` states it: which pools move, and that every one of their nodes goes.

Switching a stack between ``karpenter`` and ``auto-mode`` changes each NodePool's ``nodeClassRef`` group. The
NodePool CRD makes that field immutable, so the pool is deleted and created again (``NodePoolSet`` replaces it,
delete first), the old backend drains and terminates all of its nodes, and the new one launches replacements.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, Protocol

NODE_CLASS_REF_GROUP: Final = "spec.template.spec.nodeClassRef.group"

#: nodeClassRef group -> the stack's ``backend`` setting that renders it.
BACKENDS: Final = {"karpenter.k8s.aws": "karpenter", "eks.amazonaws.com": "auto-mode"}


class Change(Protocol):
    @property
    def path(self) -> str: ...

    @property
    def before(self) -> Any: ...

    @property
    def after(self) -> Any: ...


def backend_change(fields: Iterable[Change]) -> tuple[str, str] | None:
    """``(old backend, new backend)`` when a NodePool's node class moved between backends."""
    for field in fields:
        if field.path == NODE_CLASS_REF_GROUP and field.before in BACKENDS and field.after in BACKENDS:
            return BACKENDS[field.before], BACKENDS[field.after]
    return None


def describe(change: tuple[str, str]) -> tuple[str, str]:
    """The note on the pool's line and the sentence under it."""
    old, new = change
    return (
        f"REPLACES EVERY NODE: backend {old} -> {new}",
        "the NodePool is deleted and created again (nodeClassRef's group is immutable): "
        f"{old} drains and terminates all of its nodes, {new} launches their replacements",
    )
