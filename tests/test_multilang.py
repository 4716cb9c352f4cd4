"""Components for other Pulumi languages: the schema Pulumi infers, and the components built from plain data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi.provider.experimental.component import ComponentProvider

from karpenter_infra.errors import SpecError
from karpenter_infra.multilang import COMPONENTS, KarpenterPlatform, NodePoolSet
from karpenter_infra.plan.mocks import run_program

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    schema = ComponentProvider(COMPONENTS, "karpenter-infra").schema
    assert schema is not None
    return dict(json.loads(schema))


@pytest.mark.parametrize(
    ("component", "inputs", "outputs"),
    [
        (
            "KarpenterPlatform",
            {"platform", "nodegroupDefaults", "nodegroups"},
            {
                "clusterName",
                "kubeconfig",
                "controllerRoleArn",
                "nodeRoleName",
                "nodeRoleArn",
                "instanceProfileName",
                "queueName",
                "queueArn",
            },
        ),
        ("NodePoolSet", {"kubeconfig", "nodeRole", "nodegroupDefaults", "nodegroups"}, {"resourceNames"}),
        ("InterruptionQueue", {"clusterName", "kmsKeyArn"}, {"queueName", "queueArn", "queueUrl"}),
    ],
)
def test_schema_has_each_component(schema: dict[str, Any], component: str, inputs: set[str], outputs: set[str]) -> None:
    resource = schema["resources"][f"karpenter-infra:index:{component}"]
    assert resource["isComponent"] is True
    assert set(resource["inputProperties"]) == inputs
    assert set(resource["properties"]) == outputs
    assert resource["description"]


def test_data_inputs_are_plain(schema: dict[str, Any]) -> None:
    """Specs are validated before anything registers, so they cannot be outputs of other resources."""
    platform = schema["resources"]["karpenter-infra:index:KarpenterPlatform"]
    assert all(prop.get("plain") for prop in platform["inputProperties"].values())


def test_plugin_files_point_at_the_components() -> None:
    plugin = yaml.safe_load((PROJECT / "components" / "PulumiPlugin.yaml").read_text())
    assert plugin["runtime"]["name"] == "python"
    main = (PROJECT / "components" / "__main__.py").read_text()
    assert "component_provider_host" in main and "COMPONENTS" in main


def stack_args() -> dict[str, Any]:
    config = yaml.safe_load((PROJECT / "stacks" / "Pulumi.dev.yaml").read_text())["config"]
    return {
        "platform": config["karpenter-infra:platform"],
        "nodegroup_defaults": {"cluster_name": "karpenter-dev"},
        "nodegroups": [
            {"name": "web", "instances": {"architecture": "arm64"}},
            {"name": "jobs", "weight": 5},
        ],
    }


def test_platform_from_plain_data() -> None:
    plan = run_program(lambda: KarpenterPlatform("karpenter", stack_args()))  # type: ignore[arg-type]
    pools = {r.inputs["metadata"]["name"] for r in plan.find("kubernetes:karpenter.sh/v1:NodePool")}
    assert pools == {"web-arm64", "jobs-amd64"}
    assert plan.one("karpenter-infra:index:KarpenterPlatform").name == "karpenter"


def test_plain_data_errors_name_the_group() -> None:
    args = stack_args()
    args["nodegroups"] = [{"name": "web", "weight": "heavy"}]
    with pytest.raises(SpecError, match=r"nodegroup 'web': weight:"):
        run_program(lambda: KarpenterPlatform("karpenter", args))  # type: ignore[arg-type]


def test_fleet_only_component() -> None:
    args = {
        "kubeconfig": "{}",
        "node_role": "NodeRole",
        "nodegroup_defaults": {"cluster_name": "c"},
        "nodegroups": [{"name": "web"}],
    }
    plan = run_program(lambda: NodePoolSet("fleet", args))  # type: ignore[arg-type]
    [nodeclass] = plan.find("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")
    assert nodeclass.inputs["spec"]["role"] == "NodeRole"
