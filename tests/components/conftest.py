"""One offline plan per stack, shared by the component tests (a plan takes a fraction of a second)."""

from __future__ import annotations

from pathlib import Path

import pytest

from karpenter_infra.plan.mocks import PlanResult, run_program
from karpenter_infra.program import deploy
from karpenter_infra.stack import Stack, load_stack

PROJECT = Path(__file__).resolve().parents[2]


def plan_of(stack: Stack, partition: str = "aws", region: str = "eu-west-1") -> PlanResult:
    return run_program(lambda: deploy(stack), stack=stack.name, region=region, partition=partition)


@pytest.fixture(scope="session")
def dev_stack() -> Stack:
    return load_stack("dev", PROJECT)


@pytest.fixture(scope="session")
def prod_stack() -> Stack:
    return load_stack("prod", PROJECT)


@pytest.fixture(scope="session")
def dev_plan(dev_stack: Stack) -> PlanResult:
    return plan_of(dev_stack)


@pytest.fixture(scope="session")
def prod_plan(prod_stack: Stack) -> PlanResult:
    return plan_of(prod_stack)
