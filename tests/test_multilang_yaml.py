"""The Pulumi YAML example: checked against the schema's types, and rendering what the Python stack renders."""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from google.protobuf import struct_pb2  # type: ignore[import-untyped]
from pulumi.provider.server import ProviderServicer

from karpenter_infra.multilang import KarpenterInfraProvider
from karpenter_infra.plan.mocks import PlanResult, run_program
from karpenter_infra.program import deploy
from karpenter_infra.stack import load_stack
from karpenter_infra.wire.program_check import ProgramChecker, expand_variables

PROJECT = Path(__file__).resolve().parents[1]
EXAMPLE = PROJECT / "examples" / "yaml" / "Pulumi.yaml"
FLEET_EXAMPLE = PROJECT / "examples" / "yaml-fleet" / "Pulumi.yaml"
KARPENTER_KINDS = ("kubernetes:karpenter.sh/v1:NodePool", "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")


@pytest.fixture(scope="module")
def checker() -> ProgramChecker:
    return ProgramChecker(json.loads((PROJECT / "components" / "schema.json").read_text()))


@pytest.fixture
def program() -> dict[str, Any]:
    return dict(yaml.safe_load(EXAMPLE.read_text()))


def _groups(program: dict[str, Any]) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = program["resources"]["karpenter"]["properties"]["nodegroups"]
    return groups


@pytest.mark.parametrize("example", [EXAMPLE, FLEET_EXAMPLE], ids=lambda p: p.parent.name)
def test_the_examples_fit_the_schema(checker: ProgramChecker, example: Path) -> None:
    program = yaml.safe_load(example.read_text())
    assert checker.check(program) == []
    assert program["packages"]["karpenter-infra"] == "../../components"
    assert (example.parent / program["packages"]["karpenter-infra"] / "PulumiPlugin.yaml").is_file()


def test_a_misspelt_property_is_refused_by_name(checker: ProgramChecker, program: dict[str, Any]) -> None:
    instances = _groups(program)[1]["instances"]
    instances["capacityTipes"] = instances.pop("capacityTypes")
    assert checker.check(program) == [
        "karpenter.nodegroups[1].instances.capacityTipes: unknown property `capacityTipes`; "
        "did you mean `capacityTypes`?"
    ]


def test_an_enum_value_that_does_not_exist_is_refused(checker: ProgramChecker, program: dict[str, Any]) -> None:
    _groups(program)[0]["instances"] = {"architecture": "x86"}
    assert checker.check(program) == [
        "karpenter.nodegroups[0].instances.architecture: 'x86' is not a valid Architecture; "
        "expected one of amd64, arm64, multiarch"
    ]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda g: g.update(weight="heavy"), "karpenter.nodegroups[0].weight: expected integer, got 'heavy'"),
        (lambda g: g.update(limits={"cpu": True}), "karpenter.nodegroups[0].limits.cpu: expected integer or string"),
        (lambda g: g.update(labels={"a": 1}), "karpenter.nodegroups[0].labels.a: expected string, got 1"),
        (lambda g: g.pop("name"), "karpenter.nodegroups[0].name: missing required property"),
        (lambda g: g.update(taints={"key": "x"}), "karpenter.nodegroups[0].taints: expected a list"),
        (lambda g: g.update(offHours={"down": "0 20 * * *"}), "karpenter.nodegroups[0].offHours.up: missing"),
    ],
)
def test_wrong_types_are_refused(checker: ProgramChecker, program: dict[str, Any], change: Any, error: str) -> None:
    change(_groups(program)[0])
    [found] = checker.check(program)
    assert found.startswith(error)


def test_outputs_must_exist(checker: ProgramChecker, program: dict[str, Any]) -> None:
    program["outputs"]["role"] = "${karpenter.nodeRoleArm}"
    assert checker.check(program) == [
        "${karpenter.nodeRoleArm}: unknown property `nodeRoleArm`; did you mean `nodeRoleArn`?"
    ]


def test_unknown_components_are_refused(checker: ProgramChecker, program: dict[str, Any]) -> None:
    program["resources"]["queue"] = {"type": "karpenter-infra:index:Queue", "properties": {}}
    assert checker.check(program) == ["queue: unknown resource type `karpenter-infra:index:Queue`"]


def _engine_inputs(properties: dict[str, Any]) -> dict[str, Any]:
    """The resource's properties as the engine sends them to the plugin: a protobuf Struct, decoded by the SDK."""
    struct = struct_pb2.Struct()
    struct.update(properties)
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(ProviderServicer._construct_inputs(struct, {}))
    finally:
        loop.close()


def _construct(resource: str, properties: dict[str, Any]) -> PlanResult:
    inputs = _engine_inputs(properties)
    provider = KarpenterInfraProvider()
    return run_program(lambda: provider.construct(resource, "karpenter-infra:index:KarpenterPlatform", inputs))


def _objects(plan: PlanResult) -> dict[str, dict[str, Any]]:
    return {f"{r.type}::{r.name}": r.inputs for kind in KARPENTER_KINDS for r in plan.find(kind)}


def test_the_example_renders_what_the_python_stack_renders(program: dict[str, Any]) -> None:
    properties = expand_variables(program)["resources"]["karpenter"]["properties"]
    from_yaml = _objects(_construct("karpenter", copy.deepcopy(properties)))
    from_python = _objects(run_program(lambda: deploy(load_stack("dev", PROJECT))))
    assert len([k for k in from_python if ":NodePool::" in k]) == 9
    assert from_yaml == from_python


def test_construct_reports_errors_in_the_users_names(program: dict[str, Any]) -> None:
    properties = expand_variables(program)["resources"]["karpenter"]["properties"]
    properties["nodegroups"][0]["instances"] = {"minGeneration": 0}
    with pytest.raises(Exception, match=r"nodegroup 'default': instances\.minGeneration: Input should be greater"):
        _construct("karpenter", properties)


def test_construct_state_marks_the_kubeconfig_secret(program: dict[str, Any]) -> None:
    properties = expand_variables(program)["resources"]["karpenter"]["properties"]
    struct = struct_pb2.Struct()
    struct.update(properties)
    inputs = asyncio.new_event_loop().run_until_complete(ProviderServicer._construct_inputs(struct, {}))
    state: dict[str, Any] = {}

    def program_() -> None:
        result = KarpenterInfraProvider().construct("karpenter", "karpenter-infra:index:KarpenterPlatform", inputs)
        state.update(result.state)
        cluster_name = result.state["clusterName"]
        assert isinstance(cluster_name, pulumi.Output)
        cluster_name.apply(lambda name: state.setdefault("name", name))

    run_program(program_)
    assert set(state) >= {"clusterName", "kubeconfig", "nodeRoleArn", "queueName"}
    assert state["name"] == "karpenter-dev"
    kubeconfig = state["kubeconfig"]
    assert isinstance(kubeconfig, pulumi.Output)
    assert kubeconfig._data.result().is_secret is True
    assert state["clusterName"]._data.result().is_secret is False


def test_the_fleet_example_constructs_its_pools_and_queue() -> None:
    program = yaml.safe_load(FLEET_EXAMPLE.read_text())
    resources = program["resources"]
    fleet = {**resources["fleet"]["properties"], "kubeconfig": '{"apiVersion": "v1"}'}
    fleet_inputs, queue_inputs = _engine_inputs(fleet), _engine_inputs(resources["queue"]["properties"])
    provider = KarpenterInfraProvider()

    def program_() -> None:
        provider.construct("fleet", resources["fleet"]["type"], fleet_inputs)
        provider.construct("queue", resources["queue"]["type"], queue_inputs)

    plan = run_program(program_)
    pools = {r.name: r.inputs["spec"] for r in plan.find(KARPENTER_KINDS[0])}
    assert sorted(pools) == ["nodepool-arm-arm64", "nodepool-default-amd64"]
    assert pools["nodepool-default-amd64"]["limits"] == {"cpu": "2000", "memory": "8000Gi"}
    assert pools["nodepool-default-amd64"]["disruption"]["budgets"][1]["nodes"] == "0"
    [arm_class] = [r for r in plan.find(KARPENTER_KINDS[1]) if r.name == "ec2nodeclass-arm-arm64"]
    assert arm_class.inputs["spec"]["blockDeviceMappings"][0]["ebs"]["volumeSize"] == "100Gi"
    assert arm_class.inputs["spec"]["role"] == "KarpenterNodeRole-shared"
    assert (
        plan.one("pulumi:providers:kubernetes", "fleet-k8s").parent == plan.one("karpenter-infra:index:NodePoolSet").urn
    )
    assert plan.one("aws:sqs/queue:Queue").inputs["tags"] == {"team": "platform"}
