"""The stacks' rendered manifests, as YAML a reviewer reads. Regenerate with `make goldens` and review the diff."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from karpenter_infra.render.files import to_yaml
from karpenter_infra.stack import load_stack

PROJECT = Path(__file__).resolve().parents[2]
GOLDENS = Path(__file__).parent / "goldens"


@pytest.mark.parametrize("stack", ["dev", "prod", "auto"])
def test_stack_renders_its_golden_manifests(stack: str) -> None:
    rendered = to_yaml(load_stack(stack, PROJECT).fleet().manifests())
    golden = GOLDENS / f"{stack}.yaml"
    if os.environ.get("UPDATE_GOLDENS"):
        golden.write_text(rendered)
    assert golden.is_file(), "no golden file yet: run `make goldens`"
    assert rendered == golden.read_text(), f"{stack} manifests changed: run `make goldens` and review the diff"
