"""Building a fleet pauses the cyclic GC and hands what it built to the oldest generation; the program's GC settings
and its own frozen objects come out as they went in."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from karpenter_infra import Fleet, NodeGroup, NodeGroupDefaults


def build() -> None:
    fleet = Fleet(NodeGroupDefaults(cluster_name="t"), [NodeGroup(name="a"), NodeGroup(name="b")], node_role="R")
    fleet.manifests()


@pytest.fixture
def gc_state() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("gc_state")
@pytest.mark.parametrize("enabled", [True, False])
def test_the_gc_is_left_as_it_was(enabled: bool) -> None:
    gc.unfreeze()
    (gc.enable if enabled else gc.disable)()
    build()
    assert gc.isenabled() is enabled
    assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("gc_state")
def test_the_programs_frozen_objects_stay_frozen() -> None:
    gc.enable()
    gc.freeze()
    frozen = gc.get_freeze_count()
    build()
    assert gc.get_freeze_count() == frozen


@pytest.mark.usefixtures("gc_state")
def test_young_garbage_made_before_a_build_is_collected_not_moved_to_the_oldest_generation() -> None:
    class Node:
        other: object = None

    gc.enable()
    a, b = Node(), Node()
    a.other, b.other = b, a
    alive = weakref.ref(a)
    del a, b
    build()
    assert alive() is None
