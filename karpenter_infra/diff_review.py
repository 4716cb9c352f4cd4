"""How a diff reads like a review: requirements with their operators, an AMI change as one line, and every pool
whose nodes a node-class change replaces."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from karpenter_infra.backends import NODE_CLASS_KINDS

Manifest = Mapping[str, Any]
REQUIREMENTS = "spec.template.spec.requirements"
AMI_TERMS = "spec.amiSelectorTerms"


def term(requirement: Mapping[str, Any] | None) -> str:
    """``Gt 6``, ``In [c, m]``, ``Exists``; with ``minValues`` when set; ``(absent)`` for no term."""
    if requirement is None:
        return "(absent)"
    operator = str(requirement.get("operator"))
    values = [str(v) for v in requirement.get("values") or []]
    if operator in ("Gt", "Lt", "Gte", "Lte") and len(values) == 1:
        shown = f"{operator} {values[0]}"
    elif operator in ("Exists", "DoesNotExist") and not values:
        shown = operator
    else:
        shown = f"{operator} [{', '.join(values)}]"
    if requirement.get("minValues") is not None:
        shown += f" (minValues {requirement['minValues']})"
    return shown


def requirement_segment(path: str) -> str | None:
    """``spec.template.spec.requirements[KEY OP].values`` -> ``[KEY OP]``; ``None`` for other paths."""
    if not path.startswith(REQUIREMENTS + "["):
        return None
    return path[len(REQUIREMENTS) : path.index("]", len(REQUIREMENTS)) + 1]


def requirement_terms(manifest: Manifest | None, segments: Sequence[str]) -> dict[str, Mapping[str, Any]]:
    """The manifest's requirement terms by the segment ``diff.flatten`` names them with."""
    if manifest is None:
        return {}
    items = list(manifest.get("spec", {}).get("template", {}).get("spec", {}).get("requirements", []))
    return dict(zip(segments, items, strict=True))


def ami(manifest: Manifest | None) -> str | None:
    """The AMI an EC2NodeClass pins, when it is one alias term (the way ``ami_version`` renders)."""
    if manifest is None:
        return None
    terms = manifest.get("spec", {}).get("amiSelectorTerms") or []
    if len(terms) == 1 and set(terms[0]) == {"alias"}:
        return str(terms[0]["alias"])
    return None


def class_users(head: Sequence[Manifest], kind: str, name: str, group_label_key: str) -> tuple[tuple[str, str], ...]:
    """Every NodePool (name, group) whose ``nodeClassRef`` names this node class: its nodes drift with the class."""
    if kind not in NODE_CLASS_KINDS:
        return ()
    users = []
    for manifest in head:
        if manifest.get("kind") != "NodePool":
            continue
        ref = manifest.get("spec", {}).get("template", {}).get("spec", {}).get("nodeClassRef", {})
        if ref.get("name") == name and ref.get("kind", kind) == kind:
            labels = manifest["metadata"].get("labels", {}) or {}
            users.append((str(manifest["metadata"]["name"]), str(labels.get(group_label_key, "(shared)"))))
    return tuple(sorted(users))
