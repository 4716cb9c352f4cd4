"""Rules across groups and against the model: capacity spread twins, headroom vs limits, requirements, warnings."""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra.fleet import Fleet
from karpenter_infra.ledger import Finding
from tests.rules.support import accepted, build, refused_group

SPOT = {"instances": {"capacity_types": ["spot"]}}
ON_DEMAND = {"instances": {"capacity_types": ["on-demand"]}}


def spread(name: str, start: int, end: int, capacity: dict[str, Any], label: str = "web") -> dict[str, Any]:
    return {"name": name, "group_label": label, "capacity_spread": {"start": start, "end": end}, **capacity}


def found(fleet: Fleet, *rules: str) -> list[Finding]:
    return [f for f in fleet.warnings if f.rule in rules]


def test_spread_twins_with_disjoint_ranges_are_accepted() -> None:
    fleet = build(spread("web", 1, 4, SPOT), spread("web-od", 5, 5, ON_DEMAND))
    assert found(fleet, "spread-overlap", "spread-without-twin") == []


def test_overlapping_spreads_of_other_capacity_types_are_a_warning() -> None:
    fleet = build(spread("web", 1, 4, SPOT), spread("web-od", 4, 5, ON_DEMAND))
    [warning] = found(fleet, "spread-overlap")
    assert str(warning).startswith("nodegroup 'web-od': capacity_spread: 4..5 overlaps group 'web' (1..4)")


def test_overlapping_spreads_that_differ_by_instance_shape_are_accepted() -> None:
    """The chart's own example: nodes-workers (m, r) and nodes-workers-c (c) both take 1..5, twins on demand."""
    fleet = build(
        spread("web", 1, 4, {"instances": {"capacity_types": ["spot"], "categories": ["m", "r"]}}),
        spread("web-c", 1, 4, {"instances": {"capacity_types": ["spot"], "categories": ["c"]}}),
        spread("web-od", 5, 5, ON_DEMAND),
    )
    assert found(fleet, "spread-overlap", "spread-without-twin") == []


@pytest.mark.parametrize(
    "groups",
    [
        (spread("web", 1, 4, SPOT), spread("web-b", 5, 5, SPOT)),
        (spread("web", 1, 4, SPOT), {"name": "web-b", "group_label": "web", **SPOT}),
    ],
)
def test_spot_twins_sharing_a_spread_are_a_warning_not_an_error(groups: tuple[dict[str, Any], ...]) -> None:
    fleet = build(*groups)
    owners = {f.owner for f in found(fleet, "spread-without-twin")}
    assert "nodegroup 'web'" in owners


def test_a_spread_without_a_twin_is_a_warning() -> None:
    fleet = build(spread("web", 1, 4, SPOT), {"name": "other", **ON_DEMAND})
    assert [(f.owner, f.field) for f in found(fleet, "spread-without-twin")] == [("nodegroup 'web'", "capacity_spread")]


def test_a_warning_is_switched_off_by_id_on_the_group_or_the_defaults() -> None:
    web = spread("web", 1, 4, SPOT)
    assert found(build({**web, "warnings_off": ["spread-without-twin"]}), "spread-without-twin") == []
    assert found(build(web, defaults={"warnings_off": ["spread-without-twin"]}), "spread-without-twin") == []
    # A group's own list replaces the defaults'.
    both = build({**web, "warnings_off": []}, defaults={"warnings_off": ["spread-without-twin"]})
    assert [f.owner for f in found(both, "spread-without-twin")] == ["nodegroup 'web'"]


def test_expire_after_shorter_than_consolidate_after_is_a_warning() -> None:
    fleet = build(
        {"name": "web", "expire_after": "1h", "consolidate_after": "2h"},
        {"name": "ok", "expire_after": "720h", "consolidate_after": "30s"},
        {"name": "never", "expire_after": "1h", "consolidate_after": "Never"},
    )
    assert [(f.owner, f.field) for f in found(fleet, "expire-before-consolidate")] == [
        ("nodegroup 'web'", "expire_after")
    ]


SMALL = {"size": "small", "count": 3}  # 1 CPU and 4Gi each, one per node


@pytest.mark.parametrize(
    ("settings", "field", "words"),
    [
        ({"headroom": [SMALL], "limits": {"cpu": 2}}, "limits['cpu']", "less than the headroom alone needs (3)"),
        ({"headroom": [SMALL], "limits": {"memory": "8Gi"}}, "limits['memory']", "(12Gi)"),
        ({"headroom": [SMALL], "limits": {"nodes": 2}}, "limits['nodes']", "(3)"),
        ({"headroom": [SMALL], "replicas": 2}, "headroom", "static pool"),
        (
            {"headroom": [{**SMALL, "anti_affinity_labels": {"app": "-bad"}}]},
            "headroom[0].anti_affinity_labels['app']",
            "alphanumeric",
        ),
        (
            {"headroom": [{**SMALL, "anti_affinity_labels": {"a/b/c": "x"}}]},
            "headroom[0].anti_affinity_labels['a/b/c']",
            "more than one '/'",
        ),
        (
            {"additional_requirements": [{"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["spot"]}]},
            "additional_requirements[0]",
            "contradicts instances.capacity_types ['on-demand']",
        ),
        (
            {"additional_requirements": [{"key": "kubernetes.io/os", "operator": "NotIn", "values": ["linux"]}]},
            "additional_requirements[0]",
            "contradicts instances.operating_systems",
        ),
        (
            {
                "instances": {"architecture": "multiarch"},
                "additional_requirements": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["arm64"]}],
            },
            "additional_requirements[0]",
            "contradicts instances.architecture ['amd64', 'arm64']",
        ),
        (
            {"instances": {"min_values": {"instance_family": 3}}},
            "instances.min_values['instance_family']",
            "did you mean 'instance-family'?",
        ),
        (
            {"instances": {"min_values": {"karpenter.k8s.aws/instance_family": 3}}},
            "instances.min_values['karpenter.k8s.aws/instance_family']",
            "did you mean 'karpenter.k8s.aws/instance-family'?",
        ),
    ],
)
def test_refused(settings: dict[str, Any], field: str, words: str) -> None:
    refused_group(field, words, **settings)


@pytest.mark.parametrize(
    "settings",
    [
        {"headroom": [SMALL], "limits": {"cpu": 3, "memory": "12Gi", "nodes": 3}},
        {"headroom": [{**SMALL, "anti_affinity_labels": {"app.kubernetes.io/name": "db"}}]},
        {
            "additional_requirements": [
                {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand", "spot"]}
            ]
        },
        {"additional_requirements": [{"key": "example.com/disk", "operator": "Exists"}]},
        {"instances": {"min_values": {"instance-family": 3, "karpenter.k8s.aws/instance-size": 2}}},
    ],
)
def test_accepted(settings: dict[str, Any]) -> None:
    accepted(**settings)
