from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from packaging.requirements import Requirement
from pulumi.errors import InputPropertiesError

from karpenter_infra.errors import SpecError
from karpenter_infra.multilang import (
    COMPONENTS,
    InterruptionQueue,
    KarpenterInfraProvider,
    KarpenterPlatform,
    NodePoolSet,
)
from karpenter_infra.plan.mocks import run_program
from karpenter_infra.wire.components import BY_NAME

PROJECT = Path(__file__).resolve().parents[1]
DEV_TOOLS = {"pytest", "pytest-xdist", "hypothesis", "mypy", "ruff", "cel-python", "jsonschema", "types-pyyaml"}


def test_every_schema_component_has_a_class() -> None:
    assert set(COMPONENTS) == set(BY_NAME)


def test_plugin_runs_the_provider_that_serves_the_generated_schema() -> None:
    plugin = yaml.safe_load((PROJECT / "components" / "PulumiPlugin.yaml").read_text())
    assert plugin["runtime"]["name"] == "python"
    main = (PROJECT / "components" / "__main__.py").read_text()
    assert "KarpenterInfraProvider()" in main and "component_provider_host" not in main


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _runtime_closure(distribution: str) -> set[str]:
    """The distributions installing ``distribution`` pulls in: its requirements without extras, recursively."""
    seen: set[str] = set()
    todo = [distribution]
    while todo:
        name = _normalized(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for line in importlib.metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen - {_normalized(distribution)}


def test_plugin_environment_gets_runtime_dependencies_only() -> None:
    lines = [
        line.strip()
        for line in (PROJECT / "components" / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # `-c` pins what gets installed to the lock without installing the lock; `..` is this package.
    assert lines == ["-c ../requirements.lock", ".."]
    lock = {
        _normalized(line.split("==")[0])
        for line in (PROJECT / "requirements.lock").read_text().splitlines()
        if "==" in line
    }
    runtime = _runtime_closure("karpenter-infra")
    assert {"pydantic", "pulumi", "pulumi-kubernetes"} <= runtime
    assert runtime <= lock, sorted(runtime - lock)
    assert not runtime & {_normalized(t) for t in DEV_TOOLS}


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


def test_plain_data_errors_of_the_defaults_and_every_group_are_raised_together() -> None:
    args = stack_args()
    args["nodegroup_defaults"] = {**args["nodegroup_defaults"], "wieght": 5}
    args["nodegroups"] = [{"name": "web", "weight": "heavy"}, {"name": "jobs", "lables": {}}]
    with pytest.raises(SpecError) as caught:
        run_program(lambda: KarpenterPlatform("karpenter", args))  # type: ignore[arg-type]
    assert [line.split(": ")[:2] for line in str(caught.value).splitlines()] == [
        ["defaults", "wieght"],
        ["nodegroup 'jobs'", "lables"],
        ["nodegroup 'web'", "weight"],
    ]


def _fleet_inputs() -> dict[str, Any]:
    return {
        "kubeconfig": "{}",
        "nodeRole": "NodeRole",
        "nodegroupDefaults": {"clusterName": "c"},
        "nodegroups": [{"name": "web"}],
    }


def test_fleet_only_component_owns_its_kubernetes_provider() -> None:
    provider = KarpenterInfraProvider()
    plan = run_program(lambda: provider.construct("fleet", "karpenter-infra:index:NodePoolSet", _fleet_inputs()))
    component = plan.one("karpenter-infra:index:NodePoolSet", "fleet")
    k8s_provider = plan.one("pulumi:providers:kubernetes", "fleet-k8s")
    assert k8s_provider.parent == component.urn
    assert k8s_provider.inputs["kubeconfig"] == "{}"
    [nodeclass] = plan.find("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")
    assert nodeclass.inputs["spec"]["role"] == "NodeRole"
    assert nodeclass.parent == component.urn


def test_fleet_only_component_from_python() -> None:
    args = {"kubeconfig": "{}", "node_role": "NodeRole", "nodegroup_defaults": {"cluster_name": "c"}, "nodegroups": []}
    plan = run_program(lambda: NodePoolSet("fleet", args))  # type: ignore[arg-type]
    assert (
        plan.one("pulumi:providers:kubernetes", "fleet-k8s").parent == plan.one("karpenter-infra:index:NodePoolSet").urn
    )


def test_interruption_queue_takes_tags() -> None:
    inputs = {"clusterName": "prod", "tags": {"team": "platform"}}
    provider = KarpenterInfraProvider()
    plan = run_program(lambda: provider.construct("queue", "karpenter-infra:index:InterruptionQueue", inputs))
    assert plan.one("aws:sqs/queue:Queue").inputs["tags"] == {"team": "platform"}
    assert {r.inputs["tags"]["team"] for r in plan.find("aws:cloudwatch/eventRule:EventRule")} == {"platform"}
    untagged = run_program(lambda: InterruptionQueue("q", {"cluster_name": "prod"}))
    assert "tags" not in untagged.one("aws:sqs/queue:Queue").inputs


def test_construct_refuses_unknown_and_missing_inputs() -> None:
    provider = KarpenterInfraProvider()
    with pytest.raises(SpecError, match=r"NodePoolSet: nodeRoles: unknown input; it takes kubeconfig, nodeRole"):
        provider.construct("f", "karpenter-infra:index:NodePoolSet", {**_fleet_inputs(), "nodeRoles": "x"})
    missing = _fleet_inputs()
    del missing["nodeRole"]
    with pytest.raises(SpecError, match=r"NodePoolSet: nodeRole: missing required input"):
        provider.construct("f", "karpenter-infra:index:NodePoolSet", missing)
    with pytest.raises(ValueError, match="unknown resource type"):
        provider.construct("f", "karpenter-infra:index:Cluster", {})


def test_construct_refuses_outputs_where_specs_go() -> None:
    def program() -> None:
        inputs = {**_fleet_inputs(), "nodeRole": pulumi.Output.from_input("role")}
        KarpenterInfraProvider().construct("f", "karpenter-infra:index:NodePoolSet", inputs)

    with pytest.raises(SpecError, match=r"nodeRole: must be a plain value known at preview"):
        run_program(program)


def test_the_plugin_serves_the_checked_in_schema_over_grpc() -> None:
    """Started the way the engine starts it (`__main__.py <engine address>`), it prints its port and answers."""
    import grpc  # type: ignore[import-untyped]
    from google.protobuf import empty_pb2  # type: ignore[import-untyped]
    from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

    plugin = subprocess.Popen(
        [sys.executable, str(PROJECT / "components" / "__main__.py"), "127.0.0.1:1"],
        stdout=subprocess.PIPE,
        cwd=PROJECT / "components",
    )
    try:
        assert plugin.stdout is not None
        port = int(plugin.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            schema = stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=60).schema
            info = stub.GetPluginInfo(empty_pb2.Empty(), timeout=60)
    finally:
        plugin.terminate()
        plugin.wait(timeout=30)
    assert json.loads(schema) == json.loads((PROJECT / "components" / "schema.json").read_text())
    assert info.version == json.loads(schema)["version"]


def test_construct_errors_are_property_errors_for_the_engine() -> None:
    inputs = _fleet_inputs()
    inputs["nodegroups"] = [{"name": "web"}, {"name": "jobs", "instances": {"capacityTipes": ["spot"]}}]
    with pytest.raises(InputPropertiesError) as caught:
        KarpenterInfraProvider().construct("f", "karpenter-infra:index:NodePoolSet", inputs)
    assert caught.value.errors == [
        {
            "property_path": "nodegroups[1].instances.capacityTipes",
            "reason": "unknown property `capacityTipes`; did you mean `capacityTypes`?",
        }
    ]
    assert caught.value.message.startswith("nodegroup 'jobs': instances.capacityTipes: unknown property")
    inputs["nodegroupDefaults"] = {"clusterName": "c", "weight": 500}
    inputs["nodegroups"] = []
    with pytest.raises(InputPropertiesError) as caught:
        KarpenterInfraProvider().construct("f", "karpenter-infra:index:NodePoolSet", inputs)
    assert [e["property_path"] for e in caught.value.errors or []] == ["nodegroupDefaults.weight"]
