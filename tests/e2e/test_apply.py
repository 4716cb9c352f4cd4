"""Every object each stack renders, server-side applied to a real API server (one fresh server per stack).

- every object is accepted (strict field validation: an unknown field is an error, as ``kubectl apply`` makes it);
- the server stores what we sent: defaulting may add fields, but nothing we set is changed or dropped;
  (``false`` and empty lists excepted: the API's encoding omits them);
- a second apply changes nothing (the resourceVersion stays), so ``pulumi preview`` after ``up`` stays empty.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from karpenter_infra.diff import object_id
from tests.e2e.conftest import start
from tests.e2e.kube import ApiError, ApiServer, Manifest
from tests.e2e.objects import NO_CRD, STACKS, apply_order, monitoring_namespaces, stack_objects


@dataclass
class Applied:
    stack: str
    server: ApiServer
    objects: list[Manifest]
    stored: dict[tuple[str, str], Manifest]
    refused: list[str]


@pytest.fixture(scope="module", params=STACKS)
def applied(request: pytest.FixtureRequest) -> Iterator[Applied]:
    stack: str = request.param
    server = start()
    for namespace in monitoring_namespaces(stack):
        server.apply(namespace)
    objects = apply_order([m for m in stack_objects(stack) if m["kind"] not in NO_CRD])
    stored, refused = {}, []
    for manifest in objects:
        try:
            stored[object_id(manifest)] = server.apply(manifest)
        except ApiError as error:
            refused.append(f"{'/'.join(object_id(manifest))}: {error}")
    yield Applied(stack, server, objects, stored, refused)
    server.close()


def test_every_object_is_accepted(applied: Applied) -> None:
    assert applied.refused == []
    kinds = {m["kind"] for m in applied.objects}
    # Each stack brings its Karpenter objects; dev and prod also their monitoring objects.
    assert "NodePool" in kinds
    if applied.stack != "auto":
        assert {"EC2NodeClass", "PrometheusRule"} <= kinds


#: What the API's encoding leaves out (Go's ``omitempty``): sent as ``false`` or ``[]``, stored as absent.
_OMITTED: tuple[object, ...] = (False, [], {})


def changed_fields(sent: Any, stored: Any, path: str = "") -> list[str]:
    """Where ``stored`` does not hold ``sent``: extra fields in ``stored`` (defaults) are fine."""
    if stored is None and any(sent == empty and type(sent) is type(empty) for empty in _OMITTED):
        return []
    if isinstance(sent, dict) and isinstance(stored, dict):
        return [p for key, value in sent.items() for p in changed_fields(value, stored.get(key), f"{path}.{key}")]
    if isinstance(sent, list) and isinstance(stored, list) and len(sent) == len(stored):
        return [
            p for i, (a, b) in enumerate(zip(sent, stored, strict=True)) for p in changed_fields(a, b, f"{path}[{i}]")
        ]
    return [] if sent == stored else [f"{path}: sent {sent!r}, stored {stored!r}"]


def test_the_server_stores_what_was_sent(applied: Applied) -> None:
    changed = {
        "/".join(object_id(m)): changed_fields(m, applied.stored[object_id(m)])
        for m in applied.objects
        if object_id(m) in applied.stored
    }
    assert {name: fields for name, fields in changed.items() if fields} == {}


def test_a_second_apply_changes_nothing(applied: Applied) -> None:
    moved = []
    for manifest in applied.objects:
        before = applied.stored.get(object_id(manifest))
        if before is None:
            continue
        after = applied.server.apply(manifest)
        if after["metadata"]["resourceVersion"] != before["metadata"]["resourceVersion"]:
            moved.append("/".join(object_id(manifest)))
    assert moved == []
