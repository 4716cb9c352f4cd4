"""Catalog warnings reach ``pulumi preview``: the platform component logs each through ``pulumi.log.warn``."""

from __future__ import annotations

import dataclasses
from typing import Any

import pulumi
import pytest

from karpenter_infra import Instances, NodeGroup
from karpenter_infra.plan.mocks import run_program
from karpenter_infra.program import deploy
from karpenter_infra.stack import load_stack
from tests.catalog.support import PROJECT


def test_a_catalog_warning_is_logged_by_the_platform_under_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    logged: list[str] = []

    def warn(message: str, resource: Any = None, **_: Any) -> None:
        logged.append(message)

    monkeypatch.setattr(pulumi.log, "warn", warn)
    stack = load_stack("prod", PROJECT)
    narrow = NodeGroup(
        name="narrow",
        instances=Instances(capacity_types=["spot"], instance_types=["m7i.large", "m7i.xlarge"], min_values={}),
        limits={"cpu": 16, "memory": "64Gi"},
    )
    stack = dataclasses.replace(stack, nodegroups=[*stack.nodegroups, narrow])
    run_program(lambda: deploy(stack), stack="prod", region="eu-west-1")
    assert logged == [
        "nodegroup 'narrow': instances: spot pool admits 2 instance types (fewer than 15): one spot price or "
        "capacity event can take them all; admit more families or sizes"
    ]
