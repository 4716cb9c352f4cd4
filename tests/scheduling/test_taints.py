from __future__ import annotations

import pytest

from karpenter_infra.scheduling import tolerates, tolerates_taint

GPU = {"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"}


@pytest.mark.parametrize(
    ("toleration", "ok"),
    [
        ({"key": "nvidia.com/gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}, True),
        ({"key": "nvidia.com/gpu", "value": "true"}, True),  # Equal by default, any effect
        ({"key": "nvidia.com/gpu", "operator": "Equal", "value": "false"}, False),
        ({"key": "nvidia.com/gpu", "operator": "Exists"}, True),
        ({"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoExecute"}, False),
        ({"operator": "Exists"}, True),  # empty key with Exists tolerates everything
        ({"key": "other", "operator": "Exists"}, False),
    ],
)
def test_toleration_matching(toleration: dict[str, str], ok: bool) -> None:
    assert tolerates_taint(toleration, GPU) is ok


def test_the_reason_names_the_taint_as_karpenter_prints_it() -> None:
    assert tolerates([GPU], []) == "did not tolerate taint nvidia.com/gpu=true:NoSchedule"
    assert (
        tolerates([{"key": "dedicated", "effect": "NoSchedule"}], []) == "did not tolerate taint dedicated:NoSchedule"
    )
    assert tolerates([GPU], [{"operator": "Exists"}]) is None
