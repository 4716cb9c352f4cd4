"""examples/blueprints: a hand-written blueprints-style pair, rebuilt by the model with nothing forced on it."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import yaml

from karpenter_infra import Fleet
from tests.crd_validator import crd_validator

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "blueprints"


def rendered() -> list[dict[str, Any]]:
    module = runpy.run_path(str(EXAMPLE / "nodegroups.py"))
    manifests: list[dict[str, Any]] = Fleet(module["DEFAULTS"], module["NODEGROUPS"]).manifests()
    return manifests


def expected() -> list[dict[str, Any]]:
    return list(yaml.safe_load_all((EXAMPLE / "expected.yaml").read_text()))


def test_the_example_renders_exactly_the_hand_written_pair() -> None:
    assert rendered() == expected()


def test_the_hand_written_pair_is_valid_karpenter() -> None:
    for manifest in expected():
        crd_validator().check(manifest)


def test_nothing_of_the_librarys_own_reaches_nodes_or_ec2() -> None:
    nodeclass, pool = rendered()
    assert nodeclass["spec"]["tags"] == {"IntentLabel": "apps", "KarpenterNodePoolName": "default"}
    assert pool["spec"]["template"]["metadata"] == {"labels": {"intent": "apps"}}
    assert (nodeclass["metadata"]["name"], pool["metadata"]["name"]) == ("default", "default")
