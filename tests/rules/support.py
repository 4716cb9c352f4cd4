"""Build a one-group (or small) fleet from plain dicts, the way a stack file does, and read its first error."""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra import Fleet, NodeGroup, NodeGroupDefaults, SpecError


def build(*groups: dict[str, Any], defaults: dict[str, Any] | None = None) -> Fleet:
    spec = NodeGroupDefaults.model_validate({"cluster_name": "test", **(defaults or {})})
    return Fleet(spec, [NodeGroup.model_validate(g) for g in groups], node_role="NodeRole")


def accepted(**settings: Any) -> Fleet:
    return build({"name": "web", **settings})


def refused(field: str, words: str, *groups: dict[str, Any], defaults: dict[str, Any] | None = None) -> str:
    """The error names the group (``web`` unless the groups say otherwise) and ``field``, on one line."""
    with pytest.raises(SpecError) as caught:
        build(*(groups or ({"name": "web"},)), defaults=defaults)
    message = str(caught.value)
    owner = message.split(":", 1)[0]
    assert owner.startswith("nodegroup '") or owner == "defaults", message
    # One line per problem, each naming the owner: the line that names the field says what is wrong.
    lines = message.splitlines()
    assert all(line.startswith(f"{owner}: ") for line in lines), message
    assert any(f": {field}: " in line and words in line for line in lines), message
    return message


def refused_group(field: str, words: str, **settings: Any) -> str:
    message = refused(field, words, {"name": "web", **settings})
    assert message.startswith("nodegroup 'web': "), message
    return message
