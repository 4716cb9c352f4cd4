"""The chart facts the platform validates against are generated from the reference values.yaml, and current."""

from __future__ import annotations

from karpenter_infra.karpenter import chart_values
from karpenter_infra.karpenter.chart_values_gen import TARGET, module, read
from tests.crd_validator import reference_dir

REFERENCE = reference_dir() / "helm-values.yaml"


def test_the_generated_module_matches_the_reference_chart() -> None:
    assert TARGET.read_text(encoding="utf-8") == module(read(REFERENCE))


def test_the_facts_are_the_charts() -> None:
    assert chart_values.FEATURE_GATES["reservedCapacity"] is True
    assert chart_values.FEATURE_GATES["spotToSpotConsolidation"] is False
    assert {"settings", "serviceAccount", "extraVolumes"} <= set(chart_values.VALUES_KEYS)
    assert "clusterName" in chart_values.SETTINGS_KEYS
