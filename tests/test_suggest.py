"""The one "did you mean": by edit distance, near enough to be a typo, never for numbers."""

from __future__ import annotations

import pytest

from karpenter_infra.suggest import closest, did_you_mean, distance


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("", "abc", 3), ("abc", "abc", 0), ("abc", "acb", 1), ("min_genration", "min_generation", 1), ("3", "36", 1)],
)
def test_distance(a: str, b: str, expected: int) -> None:
    assert distance(a, b) == expected == distance(b, a)


def test_a_misspelt_field_finds_its_field() -> None:
    assert did_you_mean("min_genration", ["min_generation", "categories", "cores"]) == (
        " (did you mean 'min_generation'?)"
    )
    assert did_you_mean("node_clas", ["node_class", "name"]) == " (did you mean 'node_class'?)"


def test_a_number_gets_no_suggestion() -> None:
    assert closest("3", ["36", "32", "4"]) == []
    assert did_you_mean("3", ["36", "32"]) == ""


def test_prefixes_are_not_typos() -> None:
    """difflib's ratio (0.6) took a shared prefix for a typo: 'web' for 'web-batch-large'."""
    assert closest("web", ["web-batch-large"]) == []


def test_case_and_separators_cost_nothing() -> None:
    assert closest("Spot", ["spot", "on-demand"]) == ["spot"]
    assert closest("capacity_type", ["karpenter.sh/capacity-type", "capacity-type"]) == ["capacity-type"]


def test_nothing_near_is_nothing() -> None:
    assert did_you_mean("zebra", ["web", "batch"]) == ""
    assert closest("prd", ["prod", "dev"]) == ["prod"]
