"""Limits and reservations: known resource names, sane quantities, and the 100-for-100m slip."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from karpenter_infra.scheduling.quantity import QuantityError, parse_quantity
from tests.rules.support import accepted, refused_group


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4", Decimal(4)),
        ("500m", Decimal("0.5")),
        ("16Gi", Decimal(16 * 1024**3)),
        ("1e3", Decimal(1000)),
        ("1.5k", Decimal(1500)),
        ("-2", Decimal(-2)),
    ],
)
def test_parses(text: str, value: Decimal) -> None:
    assert parse_quantity(text) == value


@pytest.mark.parametrize("text", ["", "4 Gi", "16GB", "abc", "1Gii"])
def test_refuses(text: str) -> None:
    with pytest.raises(QuantityError):
        parse_quantity(text)


@pytest.mark.parametrize(
    ("settings", "field", "words"),
    [
        ({"limits": {"cpus": 100}}, "limits['cpus']", "did you mean 'cpu'?"),
        ({"limits": {"gpu": 4}}, "limits['gpu']", "did you mean 'nvidia.com/gpu'?"),
        ({"limits": {"memroy": "10Gi"}}, "limits['memroy']", "did you mean 'memory'?"),
        ({"limits": {"nvidia.com/gpus": 8}}, "limits['nvidia.com/gpus']", "did you mean 'nvidia.com/gpu'?"),
        ({"limits": {"cpu": "-1"}}, "limits['cpu']", "negative"),
        ({"limits": {"memory": 512}}, "limits['memory']", "add a unit"),
        ({"kubelet": {"system_reserved": {"cpu": "100"}}}, "kubelet.system_reserved['cpu']", "did you mean 100m?"),
        ({"kubelet": {"kube_reserved": {"cpu": "8"}}}, "kubelet.kube_reserved['cpu']", "did you mean 8m?"),
        ({"kubelet": {"kube_reserved": {"memory": "-1Gi"}}}, "kubelet.kube_reserved['memory']", "negative"),
    ],
)
def test_refused(settings: dict[str, Any], field: str, words: str) -> None:
    refused_group(field, words, **settings)


@pytest.mark.parametrize(
    "settings",
    [
        {
            "instances": {"categories": ["g", "inf"]},
            "limits": {"cpu": 100, "memory": "400Gi", "nodes": 10, "nvidia.com/gpu": 8, "aws.amazon.com/neuron": 4},
        },
        {"limits": {"example.com/widget": 3, "ephemeral-storage": "1Ti", "pods": 500}},
        {"kubelet": {"system_reserved": {"cpu": "100m", "memory": "100Mi"}, "kube_reserved": {"cpu": "2"}}},
    ],
)
def test_accepted(settings: dict[str, Any]) -> None:
    accepted(**settings)
