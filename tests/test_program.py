"""The Pulumi program as the engine runs it: config from the engine, the same checks as offline."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from karpenter_infra import SpecError
from karpenter_infra.program import main
from karpenter_infra.testing import run

PROJECT = Path(__file__).resolve().parents[1]


def dev_config() -> dict[str, object]:
    config: dict[str, object] = yaml.safe_load((PROJECT / "stacks" / "Pulumi.dev.yaml").read_text())["config"]
    return config


def test_the_program_deploys_the_stack_from_the_engine_config() -> None:
    result = run(lambda: main(PROJECT), stack="dev", config=dev_config())
    assert result.outputs["cluster_name"] == "karpenter-dev"


def test_an_unknown_key_of_our_namespace_fails_under_the_engine_too() -> None:
    config = {**dev_config(), "karpenter-infra:nodegroup": "stacks.nodegroups.dev"}
    with pytest.raises(SpecError, match=r"karpenter-infra:nodegroup: unknown config key"):
        run(lambda: main(PROJECT), stack="dev", config=config)
