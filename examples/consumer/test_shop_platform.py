"""The consumer's own tests: the program under Pulumi's mock runtime, offline (karpenter_infra.testing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from shop_platform.program import main

from karpenter_infra import SpecError
from karpenter_infra.testing import run

HERE = Path(__file__).resolve().parent
NODEPOOL = "kubernetes:karpenter.sh/v1:NodePool"


def config() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((HERE / "Pulumi.prod.yaml").read_text())["config"]
    return loaded


def test_the_program_deploys_both_node_groups_into_the_existing_cluster() -> None:
    result = run(main, stack="prod", config=config())  # account and region: from the config, as plan reads them
    assert {r.name for r in result.find(NODEPOOL)} == {
        "nodepool-web-amd64",
        "nodepool-web-od-amd64",
        "nodepool-batch-arm64",
    }
    assert result.find("aws:eks/cluster:Cluster") == [] and result.find("eks:index:Cluster") == []
    assert result.find("aws:eks/nodeGroup:NodeGroup") == []  # the cluster's own system nodes run Karpenter
    assert result.outputs["cluster_name"] == "shop-prod"
    assert result.outputs["controller_role_arn"] == "arn:aws:iam::111122223333:role/KarpenterController-shop-prod"
    assert result.outputs["interruption_queue"] == "shop-prod"
    assert result.warnings == []


def test_a_typo_in_the_stack_config_is_refused_with_the_key() -> None:
    broken = config()
    broken["karpenter-infra:platform"]["controller_nodes"]["crate"] = False
    with pytest.raises(
        SpecError,
        match=r"^karpenter-infra:platform: controller_nodes\.crate: Extra inputs .*\(did you mean 'create'\?\)",
    ):
        run(main, config=broken)


def test_a_fleet_for_another_cluster_is_refused() -> None:
    other = config()
    other["karpenter-infra:platform"]["cluster"]["name"] = "shop-staging"
    with pytest.raises(SpecError, match=r"differs from the platform's cluster\.name 'shop-staging'"):
        run(main, config=other)
