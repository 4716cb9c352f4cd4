"""Engine inputs decoded faithfully: through the SDK's own decoding of a protobuf ``Struct``, as the engine sends it."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import pulumi
import pytest
from google.protobuf import struct_pb2  # type: ignore[import-untyped]
from pulumi.provider.server import ProviderServicer
from pydantic import BaseModel, TypeAdapter

from karpenter_infra.errors import SpecError
from karpenter_infra.multilang import decode_inputs
from karpenter_infra.plan.mocks import run_program
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults
from karpenter_infra.wire.components import BY_NAME, COMPONENTS
from karpenter_infra.wire.decode import decode, decode_model, wire_path
from karpenter_infra.wire.shapes import (
    ArrayOf,
    IntOrString,
    MapOf,
    ObjectType,
    OneOf,
    Primitive,
    Shape,
    named_types,
    props,
)

MODELS, _ = named_types([item.shape for c in COMPONENTS for item in c.inputs])


def from_engine(document: dict[str, Any]) -> dict[str, Any]:
    """What ``construct`` receives: the document as a protobuf Struct (every number a double), decoded by the SDK."""
    struct = struct_pb2.Struct()
    struct.update(document)
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(ProviderServicer._construct_inputs(struct, {}))
    finally:
        loop.close()


def _whole_number(shape: Shape) -> bool:
    if isinstance(shape, OneOf):
        return any(_whole_number(option) for option in shape.options)
    return shape == Primitive("integer") or isinstance(shape, IntOrString)


def _sample(model: type[BaseModel], python: str) -> int:
    """A whole number the field accepts: its lower bound if it has one (`ge=100` for IOPS), else 1."""
    for meta in model.model_fields[python].metadata:
        if hasattr(meta, "ge"):
            return int(meta.ge)
    return 1


def _numeric_fields() -> list[tuple[type[BaseModel], str, Shape]]:
    """Every field, in every model the schema publishes, that holds whole numbers directly or in a list or map."""
    found = []
    for model in MODELS.values():
        for prop in props(model):
            shape = prop.shape
            inner = shape.item if isinstance(shape, ArrayOf) else shape.value if isinstance(shape, MapOf) else shape
            if _whole_number(inner):
                found.append((model, prop.python, shape))
    return sorted(found, key=lambda f: (f[0].__name__, f[1]))


NUMERIC = _numeric_fields()


def test_the_numeric_fields_are_found_from_the_models() -> None:
    names = {f"{m.__name__}.{f}" for m, f, _ in NUMERIC}
    # The issue's three, plus a sample of plain ints: the list is derived, these must be in it.
    assert {
        "NodeGroup.limits",
        "Budget.nodes",
        "BlockDevice.volume_size",
        "NodeGroup.weight",
        "Instances.cores",
    } <= names
    assert "Kubelet.max_pods" in names and "Headroom.count" in names


@pytest.mark.parametrize(("model", "python", "shape"), NUMERIC, ids=[f"{m.__name__}.{f}" for m, f, _ in NUMERIC])
def test_whole_numbers_arrive_as_the_ints_the_user_wrote(model: type[BaseModel], python: str, shape: Shape) -> None:
    number = _sample(model, python)
    wire = props(model)[[p.python for p in props(model)].index(python)].wire
    value: Any = [number] if isinstance(shape, ArrayOf) else {"cpu": number} if isinstance(shape, MapOf) else number
    received = from_engine({"doc": {wire: value}})["doc"]
    assert isinstance(next(iter(_leaves(received[wire]))), float)  # the engine's double, as the issue describes
    issues: list[tuple[str, str]] = []
    decoded = decode(ObjectType(model), received, "", issues)[python]
    assert issues == []
    assert all(type(leaf) is int and leaf == number for leaf in _leaves(decoded))
    field = model.model_fields[python]
    annotation: Any = Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)
    assert adapter.validate_python(decoded) == adapter.validate_python(value)


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return [value]


def test_the_readme_values_validate_after_the_engine() -> None:
    """`limits={"cpu": 2000}`, `budgets[].nodes: 5`, `volume_size: 200` failed as "Input should be a valid string"."""
    group = {
        "name": "web",
        "limits": {"cpu": 2000, "memory": "8000Gi"},
        "budgets": [{"nodes": 5}],
        "blockDeviceMappings": [{"volumeSize": 200}],
        "userDataValues": {"qps": 10, "ratio": 0.5, "nested": [{"n": 3}]},
    }
    received = from_engine({"g": group})["g"]
    parsed = NodeGroup.model_validate(decode_model(ObjectType(NodeGroup), received, "nodegroup 'web'"))
    assert parsed.limits == {"cpu": "2000", "memory": "8000Gi"}
    assert parsed.budgets is not None and parsed.budgets[0].nodes == "5"
    assert parsed.block_device_mappings is not None and parsed.block_device_mappings[0].volume_size == "200Gi"
    assert parsed.user_data_values == {"qps": 10, "ratio": 0.5, "nested": [{"n": 3}]}
    assert type(parsed.user_data_values["qps"]) is int


def test_without_decoding_the_engine_values_fail() -> None:
    """Why the decoding exists: the same document, straight from the engine, is refused."""
    received = from_engine({"g": {"name": "web", "limits": {"cpu": 2000}}})["g"]
    with pytest.raises(SpecError, match=r"limits\.cpu: Input should be a valid string"):
        NodeGroup.model_validate(received)


def test_fractions_stay_fractions_and_fail_where_an_int_is_wanted() -> None:
    received = from_engine({"g": {"name": "web", "weight": 1.5, "limits": {"cpu": 0.5}}})["g"]
    decoded = decode_model(ObjectType(NodeGroup), received, "nodegroup 'web'")
    assert decoded["weight"] == 1.5 and decoded["limits"] == {"cpu": 0.5}
    with pytest.raises(SpecError, match=r"nodegroup 'web': weight: Input should be a valid integer"):
        NodeGroup.model_validate(decoded)


def test_camel_case_and_snake_case_keys_both_work() -> None:
    camel = decode_model(ObjectType(NodeGroup), {"name": "a", "instances": {"capacityTypes": ["spot"]}}, "g")
    snake = decode_model(ObjectType(NodeGroup), {"name": "a", "instances": {"capacity_types": ["spot"]}}, "g")
    assert camel == snake == {"name": "a", "instances": {"capacity_types": ["spot"]}}


def test_free_form_keys_are_never_translated() -> None:
    decoded = decode_model(
        ObjectType(NodeGroup),
        {"name": "a", "labels": {"teamName": "x"}, "userDataValues": {"pullQps": 1.0}},
        "g",
    )
    assert decoded["labels"] == {"teamName": "x"} and decoded["user_data_values"] == {"pullQps": 1}


def test_a_misspelt_key_names_the_group_and_the_closest_property() -> None:
    with pytest.raises(SpecError) as caught:
        decode_inputs(
            BY_NAME["NodePoolSet"],
            {
                "kubeconfig": "{}",
                "nodeRole": "r",
                "nodegroupDefaults": {"clusterName": "c"},
                "nodegroups": [{"name": "web", "instances": {"capacityTipes": ["spot"]}}],
            },
        )
    assert str(caught.value) == (
        "nodegroup 'web': instances.capacityTipes: unknown property `capacityTipes`; did you mean `capacityTypes`?"
    )


def test_both_spellings_of_one_key_are_an_error() -> None:
    with pytest.raises(SpecError, match=r"defaults: clusterName: set `clusterName` once"):
        decode_model(ObjectType(NodeGroupDefaults), {"cluster_name": "a", "clusterName": "a"}, "defaults")


def test_outputs_cannot_be_specs() -> None:
    def program() -> None:
        role = pulumi.Output.from_input("x")
        decode_model(ObjectType(NodeGroup), {"name": "a", "role": role}, "nodegroup 'a'")

    with pytest.raises(SpecError, match=r"nodegroup 'a': role: must be a plain value known at preview"):
        run_program(program)


def test_model_error_paths_are_given_in_wire_names() -> None:
    shape = ObjectType(NodeGroup)
    assert wire_path(shape, "instances.capacity_types[0]") == "instances.capacityTypes[0]"
    assert wire_path(shape, "block_device_mappings[1].volume_size") == "blockDeviceMappings[1].volumeSize"
    # Below a map, the keys are the user's own.
    assert wire_path(shape, "user_data_values.registry_pull_qps") == "userDataValues.registry_pull_qps"
    assert wire_path(shape, "NodePool a-amd64: spec") == "NodePool a-amd64: spec"
