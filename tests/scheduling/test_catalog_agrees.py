"""The catalog's indexed selection admits exactly the types the algebra admits, type by type."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from karpenter_infra.catalog.model import Catalog, shipped_catalog
from karpenter_infra.scheduling import Requirement, Requirements

CATALOG = shipped_catalog()
KEYS = sorted(CATALOG.labels)


def type_requirements(catalog: Catalog, i: int) -> Requirements:
    """A type as Karpenter describes it: its label values, and ``DoesNotExist`` for a key it lacks."""
    found = []
    for key in KEYS:
        values = [value for value, bits in catalog.labels[key].items() if bits >> i & 1]
        found.append(Requirement.of(key, "In", values) if values else Requirement.of(key, "DoesNotExist"))
    return Requirements(found)


@st.composite
def terms(draw: st.DrawFn) -> tuple[str, str, tuple[str, ...]]:
    key = draw(st.sampled_from(KEYS))
    known = sorted(CATALOG.labels[key])
    operator = draw(st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Gte", "Lte"]))
    if operator in ("Exists", "DoesNotExist"):
        return key, operator, ()
    if operator in ("In", "NotIn"):
        values = draw(st.lists(st.sampled_from([*known, "not-a-value"]), min_size=1, max_size=4, unique=True))
        return key, operator, tuple(values)
    return key, operator, (str(draw(st.integers(-2, 800))),)


SAMPLE = list(range(0, len(CATALOG), 7))


@settings(max_examples=60, deadline=None)
@given(terms())
def test_selection_equals_the_algebra(term: tuple[str, str, tuple[str, ...]]) -> None:
    key, operator, values = term
    selected = CATALOG.select(key, operator, values)
    wanted = Requirements([Requirement.of(key, operator, values)])
    for i in SAMPLE:
        admitted = type_requirements(CATALOG, i).intersects(wanted) is None
        assert bool(selected >> i & 1) is admitted, (CATALOG.names[i], term)
