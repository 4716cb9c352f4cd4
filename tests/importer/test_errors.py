"""Values the chart accepts but Karpenter rejects, and keys the chart ignores: errors naming group and key, exit 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .support import BASE, cli, deep_merge, write


def invoke(tmp_path: Path, values: dict[str, Any]) -> Any:
    return cli("-f", str(write(tmp_path, "values.yaml", deep_merge(BASE, values))))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"nodeGroups": {"ng": {"amiFamily": "BottleRocket"}}},
            "nodegroup 'ng': amiFamily: 'BottleRocket' is not an AMI family Karpenter accepts; "
            "did you mean 'Bottlerocket'?",
        ),
        (
            {"amiFamily": "al2023"},
            "nodegroup 'ng': amiFamily (from values.yaml): 'al2023' is not an AMI family Karpenter accepts; did you "
            "mean 'AL2023'?",
        ),
        (
            {"nodeGroups": {"ng": {"instanceStorePolicy": "test"}}},
            "nodegroup 'ng': instanceStorePolicy: 'test' is not an instance store policy Karpenter accepts; "
            "the only one is 'RAID0'",
        ),
        (
            {"nodeGroups": {"ng": {"budget": [{"nodes": "2"}]}}},
            "nodegroup 'ng': budget: unknown key, the chart ignores it; did you mean 'budgets'?",
        ),
        (
            {"nodeGroups": {"ng": {"instances": {"minGenration": 6}}}},
            "nodegroup 'ng': instances.minGenration: unknown key; did you mean 'minGeneration'?",
        ),
        (
            {"nodeGroups": {"ng": {"clusterName": "other"}}},
            "nodegroup 'ng': clusterName: the chart reads this key only at the top level, never per node group",
        ),
        (
            {"nodeGroups": {"ng": {"instances": {"capacityType": ["Spot"]}}}},
            "nodegroup 'ng': instances.capacityType: 'Spot' is not a value Karpenter accepts; did you mean 'spot'?",
        ),
        (
            {"nodeGroups": {"ng": {"taints": [{"key": "a", "value": "b", "effect": "NoSchedul"}]}}},
            "nodegroup 'ng': taints[0].effect: 'NoSchedul' is not a taint effect; did you mean 'NoSchedule'?",
        ),
        (
            {"nodeGroups": {"ng": {"expireAfter": "30d"}}},
            "nodegroup 'ng': expireAfter: '30d' is not a duration Karpenter accepts (e.g. 30s, 5m, 720h, Never)",
        ),
        (
            {"nodeGroups": {"ng": {"amiSelectorTerms": [{"alias": "al2023@latest"}]}}},
            "nodegroup 'ng': amiSelectorTerms[0].alias: 'al2023@latest' does not match amiFamily 'AL2'; Karpenter "
            "rejects the EC2NodeClass",
        ),
        (
            {"IamRole": None},
            "nodegroup 'ng': IamRole: neither IamRole nor IamInstanceProfile is set (the chart fails on this); set "
            "one, or import with a node role",
        ),
        (
            {"nodeGroups": {"ng": {"weight": 1000}}},
            "nodegroup 'ng': weight: must be a whole number from 1 to 100, got 1000",
        ),
        (
            {"nodeGroups": {"ng": {"headRoom": [{"size": "huge"}]}}},
            "nodegroup 'ng': headRoom[0].size: 'huge' is not small, medium, large or xlarge (the chart renders pods "
            "that request nothing)",
        ),
        (
            {"nodeGroups": {"ng": {"userData": "{{ range .value.x }}{{ end }}"}}},
            "nodegroup 'ng': userData: `{{ range .value.x }}`: `range` is not in the supported subset (if, else, end, "
            "default, eq)",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else next(iter(v)),
)
def test_error_names_group_and_key_and_exits_2(tmp_path: Path, values: dict[str, Any], message: str) -> None:
    result = invoke(tmp_path, values)
    assert result.exit_code == 2
    assert f"error: {message}" in result.stderr.splitlines()
    assert result.stdout == ""


def test_every_error_is_reported_in_one_run(tmp_path: Path) -> None:
    result = invoke(
        tmp_path,
        {
            "nodeGroups": {
                "a": {"instances": {}, "amiFamily": "BottleRocket", "instanceStorePolicy": "test"},
                "b": {"instances": {}, "budget": []},
            }
        },
    )
    assert result.exit_code == 2
    assert [line.split(":")[1].strip() for line in result.stderr.splitlines()] == [
        "nodegroup 'a'",
        "nodegroup 'a'",
        "nodegroup 'b'",
    ]


def test_a_rejection_of_the_crd_gate_names_the_group(tmp_path: Path) -> None:
    result = invoke(
        tmp_path,
        {"nodeGroups": {"ng": {"additionalRequirements": [{"key": "karpenter.sh/nodepool", "operator": "Exists"}]}}},
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: nodegroup 'ng': NodePool ng-amd64: ")


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = cli("-f", str(tmp_path / "missing.yaml"))
    assert result.exit_code == 2


def test_a_word_for_min_generation_is_named_as_written(tmp_path: Path) -> None:
    """It was reported as "0 renders instance-generation Gt -1", a value nobody wrote."""
    from .support import warnings_of, with_base

    result = with_base(tmp_path, {"nodeGroups": {"ng": {"instances": {"minGeneration": "seven"}}}})
    [warning] = [w for w in warnings_of(result) if "minGeneration" in w]
    assert "'seven' is not a number: the chart reads it as 0, which renders instance-generation Gt -1" in warning
