"""The generated package schema: current, a valid Pulumi package schema, and faithful to every model field."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

import jsonschema
import pytest
from pulumi.provider.server import ProviderServicer
from pulumi.runtime.proto import provider_pb2
from pydantic import BaseModel, Field, StringConstraints

from karpenter_infra.multilang import KarpenterInfraProvider
from karpenter_infra.spec.base import Spec
from karpenter_infra.spec.instances import Architecture, CapacityType
from karpenter_infra.spec.scheduling import Taint
from karpenter_infra.wire.components import COMPONENTS
from karpenter_infra.wire.decode import decode
from karpenter_infra.wire.schema import object_type, package_schema, schema_text, type_token
from karpenter_infra.wire.shapes import ObjectType, named_types, wire_name

PROJECT = Path(__file__).resolve().parents[1]
METASCHEMA = PROJECT.parent / "shared" / "reference" / "pulumi" / "package-metaschema.json"
SCHEMA_FILE = PROJECT / "components" / "schema.json"
BUILTIN_REFS = {"pulumi.json#/Any", "pulumi.json#/Archive", "pulumi.json#/Asset", "pulumi.json#/Json"}

MODELS, ENUMS = named_types([item.shape for c in COMPONENTS for item in c.inputs])


def _python_regex(text: str) -> str:
    """The metaschema writes named groups the ECMAScript way, `(?<name>...)`; Python's `re` wants `(?P<name>...)`."""
    return re.sub(r"\(\?<([A-Za-z_])", r"(?P<\1", text)


@pytest.fixture(scope="module")
def metaschema() -> dict[str, Any]:
    return dict(json.loads(_python_regex(METASCHEMA.read_text())))


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return dict(json.loads(SCHEMA_FILE.read_text()))


def test_checked_in_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text() == schema_text(), "components/schema.json is stale: run `make schema`"


def test_generator_output_does_not_depend_on_hash_seed(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"schema-{seed}.json"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "karpenter_infra.wire.schema", str(out)], check=True, env=env, cwd=PROJECT
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == SCHEMA_FILE.read_bytes()


def test_schema_validates_against_the_pulumi_metaschema(metaschema: dict[str, Any], schema: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(metaschema)
    errors = sorted(validator.iter_errors(schema), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_metaschema_check_refuses_a_broken_schema(metaschema: dict[str, Any], schema: dict[str, Any]) -> None:
    """The validation above can fail: a bad token, an unknown primitive."""
    validator = jsonschema.Draft202012Validator(metaschema)
    broken = json.loads(json.dumps(schema))
    broken["types"]["karpenter-infra:index:9Bad"] = {"type": "object"}
    assert not validator.is_valid(broken)
    broken = json.loads(json.dumps(schema))
    broken["types"][type_token("Budget")]["properties"]["nodes"] = {"type": "quantity"}
    assert not validator.is_valid(broken)


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_every_ref_resolves(schema: dict[str, Any]) -> None:
    refs = set(_refs(schema))
    assert refs, "the schema has no references at all"
    local = {r.removeprefix("#/types/") for r in refs if r.startswith("#/types/")}
    assert local <= set(schema["types"]), sorted(local - set(schema["types"]))
    assert {r for r in refs if not r.startswith("#/types/")} <= BUILTIN_REFS


def test_every_token_follows_the_metaschema_token_rule(metaschema: dict[str, Any], schema: dict[str, Any]) -> None:
    rule = re.compile(metaschema["$defs"]["token"]["pattern"])
    tokens = [*schema["resources"], *schema["types"]]
    assert [t for t in tokens if not rule.match(t)] == []
    assert all(t.startswith("karpenter-infra:index:") for t in tokens)


def test_version_comes_from_pyproject(schema: dict[str, Any]) -> None:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    assert schema["version"] == project["version"]


def test_every_model_is_an_object_type_and_every_enum_an_enum(schema: dict[str, Any]) -> None:
    objects = {t.rsplit(":", 1)[1] for t, d in schema["types"].items() if d["type"] == "object"}
    enums = {t.rsplit(":", 1)[1] for t, d in schema["types"].items() if "enum" in d}
    assert objects == set(MODELS)
    assert enums == set(ENUMS)
    assert {"NodeGroup", "NodeGroupDefaults", "Instances", "Budget", "BlockDevice", "PlatformSpec"} <= objects
    architecture = schema["types"][type_token("Architecture")]["enum"]
    assert [e["value"] for e in architecture] == [a.value for a in Architecture]
    capacity = schema["types"][type_token("CapacityType")]["enum"]
    assert {e["name"]: e["value"] for e in capacity}["OnDemand"] == CapacityType.ON_DEMAND.value


def _pydantic_kind(node: dict[str, Any], defs: dict[str, Any]) -> Any:
    """What pydantic's own JSON schema says a field is: the oracle the generated types are compared with."""
    options = [o for o in node.get("anyOf", [node]) if o.get("type") != "null"]
    if len(options) > 1:
        return ("union", frozenset(_pydantic_kind(o, defs) for o in options))
    node = options[0]
    if "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[1]]
        return ("enum", tuple(target["enum"])) if "enum" in target else ("object", target["title"])
    if "enum" in node or "const" in node:
        return ("enum", tuple(node.get("enum", [node.get("const")])))
    kind = node.get("type")
    if kind == "array":
        return ("array", _pydantic_kind(node.get("items", {}), defs) if node.get("items") else "any")
    if kind == "object":
        extra = node.get("additionalProperties")
        return ("map", _pydantic_kind(extra, defs) if isinstance(extra, dict) and extra else "any")
    return kind or "any"


def _schema_kind(node: dict[str, Any], schema: dict[str, Any]) -> Any:
    if "oneOf" in node:
        return ("union", frozenset(_schema_kind(o, schema) for o in node["oneOf"]))
    ref = node.get("$ref")
    if ref == "pulumi.json#/Any":
        return "any"
    if ref is not None:
        target = schema["types"][ref.removeprefix("#/types/")]
        if "enum" in target:
            return ("enum", tuple(e["value"] for e in target["enum"]))
        return ("object", ref.rsplit(":", 1)[1])
    if node["type"] == "array":
        return ("array", _schema_kind(node["items"], schema))
    if node["type"] == "object":
        return ("map", _schema_kind(node["additionalProperties"], schema))
    return node["type"]


def _agree(generated: Any, oracle: Any) -> bool:
    """Equal, or a string that also takes whole numbers: pydantic's JSON schema cannot see a `BeforeValidator`."""
    if generated == oracle:
        return True
    if generated == ("union", frozenset({"integer", "string"})) and oracle == "string":
        return True
    if isinstance(generated, tuple) and isinstance(oracle, tuple) and generated[0] == oracle[0] != "union":
        return _agree(generated[1], oracle[1])
    return False


@pytest.mark.parametrize("model", [MODELS[name] for name in sorted(MODELS)], ids=sorted(MODELS))
def test_every_field_has_its_type_and_description(schema: dict[str, Any], model: type[BaseModel]) -> None:
    generated = schema["types"][type_token(model.__name__)]
    oracle = model.model_json_schema(mode="validation")
    defs = oracle.get("$defs", {})
    assert set(generated["properties"]) == {wire_name(name) for name in model.model_fields}
    for name, field in model.model_fields.items():
        prop = generated["properties"][wire_name(name)]
        assert _agree(_schema_kind(prop, schema), _pydantic_kind(oracle["properties"][name], defs)), name
        assert prop.get("description"), f"{model.__name__}.{name} has no description"
        if field.description:
            assert prop["description"].startswith(field.description)
    assert set(generated.get("required", [])) == {
        wire_name(n) for n, f in model.model_fields.items() if f.is_required()
    }


def test_defaults_are_documented(schema: dict[str, Any]) -> None:
    nodes = schema["types"][type_token("Budget")]["properties"]["nodes"]
    assert nodes["default"] == "10%" and 'Default: `"10%"`' in nodes["description"]
    cidrs = schema["types"][type_token("ClusterSpec")]["properties"]["publicAccessCidrs"]
    assert "default" not in cidrs and 'Default: `["0.0.0.0/0"]`' in cidrs["description"]
    # `None` means "inherit" in a node group: no default may be filled in by an SDK there.
    assert all("default" not in p for p in schema["types"][type_token("NodeGroup")]["properties"].values())


def test_numbers_that_take_quantities_are_unions(schema: dict[str, Any]) -> None:
    group = schema["types"][type_token("NodeGroup")]["properties"]
    assert group["limits"]["additionalProperties"]["oneOf"] == [{"type": "integer"}, {"type": "string"}]
    disk = schema["types"][type_token("BlockDevice")]["properties"]["volumeSize"]
    assert disk["oneOf"] == [{"type": "integer"}, {"type": "string"}]
    assert group["weight"]["type"] == "integer"


def test_component_interfaces(schema: dict[str, Any]) -> None:
    platform = schema["resources"][type_token("KarpenterPlatform")]
    assert platform["isComponent"] is True
    assert platform["inputProperties"]["nodegroups"]["items"]["$ref"] == f"#/types/{type_token('NodeGroup')}"
    assert all(p["plain"] for p in platform["inputProperties"].values())
    assert platform["properties"]["kubeconfig"]["secret"] is True
    fleet = schema["resources"][type_token("NodePoolSet")]
    assert fleet["inputProperties"]["kubeconfig"]["secret"] is True
    assert "plain" not in fleet["inputProperties"]["kubeconfig"]  # it may be another stack's output
    queue = schema["resources"][type_token("InterruptionQueue")]
    assert queue["inputProperties"]["tags"]["additionalProperties"] == {"type": "string"}
    assert set(queue["requiredInputs"]) == {"clusterName"}


def test_provider_serves_the_generated_schema() -> None:
    provider = KarpenterInfraProvider()
    servicer = ProviderServicer(provider, [], engine_address="127.0.0.1:0")
    response = asyncio.run(servicer.GetSchema(provider_pb2.GetSchemaRequest(version=0), None))
    assert json.loads(response.schema) == package_schema()
    info = asyncio.run(servicer.GetPluginInfo(None, None))
    assert info.version == package_schema()["version"]


class _Added(Spec):
    """A model as another engineer might add one: the walk needs no list to learn it."""

    count: int | None = Field(default=None, description="A count.")
    size: int | str = Field(default=1, description="A size or a quantity.")
    mode: Literal["fast", "safe"] = Field(default="safe", description="A mode.")
    zones: tuple[str, ...] = Field(default=(), description="Zones.")
    taint: Taint | None = Field(default=None, description="A taint.")
    tags: dict[Annotated[str, StringConstraints(min_length=1)], str] | None = Field(default=None, description="Tags.")


def test_a_new_model_and_its_fields_are_published_without_edits() -> None:
    generated = object_type(_Added)
    assert generated["description"].startswith("A model as another engineer")
    properties = generated["properties"]
    assert properties["count"]["type"] == "integer"
    assert (
        properties["size"]["oneOf"] == [{"type": "integer"}, {"type": "string"}] and properties["size"]["default"] == 1
    )
    assert properties["mode"]["$ref"] == "#/types/karpenter-infra:index:_AddedMode"
    assert properties["zones"]["items"]["type"] == "string"
    assert properties["taint"]["$ref"] == "#/types/karpenter-infra:index:Taint"
    assert properties["tags"]["additionalProperties"]["type"] == "string"
    models, enums = named_types([ObjectType(_Added)])
    assert set(models) == {"_Added", "Taint"} and set(enums) == {"_AddedMode", "TaintEffect"}
    issues: list[tuple[str, str]] = []
    assert decode(ObjectType(_Added), {"count": 3.0, "size": 2.0, "zones": ["a"]}, "", issues) == {
        "count": 3,
        "size": 2,
        "zones": ["a"],
    }
    assert issues == []


def test_the_go_sdk_imports_the_directory_pulumis_go_generator_writes() -> None:
    """Found by compiling the generated Go SDK (`make e2e-sdks`): Pulumi's Go generator writes the package into
    ``karpenterinfra/`` (the name without its hyphen) but, without an ``importBasePath``, imports
    ``.../sdk/go/karpenter-infra/internal``; and a required plain object input whose type has defaults got a
    ``Defaults()`` call that does not compile, so the Go SDK leaves defaults to the provider."""
    from karpenter_infra.wire.schema import PACKAGE, package_schema

    schema = package_schema()
    go = schema["language"]["go"]
    assert go["importBasePath"].rsplit("/", 1)[1] == PACKAGE.replace("-", "")
    plain_required_with_defaults = [
        (token, name)
        for token, resource in schema["resources"].items()
        for name, prop in resource["inputProperties"].items()
        if prop.get("plain")
        and name in resource.get("requiredInputs", [])
        and "$ref" in prop
        and any("default" in p for p in schema["types"][prop["$ref"].removeprefix("#/types/")]["properties"].values())
    ]
    assert plain_required_with_defaults, "no input needs it any more: drop disableObjectDefaults"
    assert go["disableObjectDefaults"] is True
