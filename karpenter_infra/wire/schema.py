"""The Pulumi package schema of the components, generated from the models (``make schema``).

The provider in ``components/`` serves exactly this document, and ``components/schema.json`` is its checked-in
copy for ``pulumi package gen-sdk`` and for review; a test fails when the copy is stale. Reference for the format:
Pulumi's package metaschema (pkg/codegen/schema/pulumi.json in github.com/pulumi/pulumi).
"""

from __future__ import annotations

import enum
import json
import sys
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from karpenter_infra.wire.components import COMPONENTS, Component
from karpenter_infra.wire.shapes import (
    AnyValue,
    ArrayOf,
    EnumType,
    IntOrString,
    MapOf,
    ObjectType,
    OneOf,
    Primitive,
    Prop,
    Shape,
    model_description,
    named_types,
    props,
)

PACKAGE = "karpenter-infra"
DISTRIBUTION = "karpenter-infra"
SCHEMA_PATH = Path("components") / "schema.json"


def type_token(name: str) -> str:
    return f"{PACKAGE}:index:{name}"


def _ref(name: str) -> str:
    return f"#/types/{type_token(name)}"


def type_spec(shape: Shape, *, plain: bool) -> dict[str, Any]:
    spec: dict[str, Any]
    if isinstance(shape, Primitive):
        spec = {"type": shape.kind}
    elif isinstance(shape, IntOrString):
        spec = {"oneOf": [{"type": "integer"}, {"type": "string"}]}
    elif isinstance(shape, EnumType):
        spec = {"type": shape.kind, "$ref": _ref(shape.name)}
    elif isinstance(shape, ObjectType):
        spec = {"$ref": _ref(shape.model.__name__)}
    elif isinstance(shape, ArrayOf):
        spec = {"type": "array", "items": type_spec(shape.item, plain=plain)}
    elif isinstance(shape, MapOf):
        spec = {"type": "object", "additionalProperties": type_spec(shape.value, plain=plain)}
    elif isinstance(shape, AnyValue):
        spec = {"$ref": "pulumi.json#/Any"}
    elif isinstance(shape, OneOf):
        spec = {"oneOf": [type_spec(option, plain=False) for option in shape.options]}
    if plain:
        spec["plain"] = True
    return spec


def _json_default(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


def _description(prop: Prop) -> str:
    text = prop.description
    if prop.has_default and not isinstance(prop.default, BaseModel):
        shown = json.dumps(_json_default(prop.default), sort_keys=True)
        text = f"{text} Default: `{shown}`." if text else f"Default: `{shown}`."
    return text


def property_spec(prop: Prop) -> dict[str, Any]:
    # Every model property is plain: the specs are validated before anything registers.
    spec = type_spec(prop.shape, plain=True)
    description = _description(prop)
    if description:
        spec["description"] = description
    default = _json_default(prop.default) if prop.has_default else None
    if isinstance(default, bool | int | float | str):
        # SDKs fill in schema defaults client-side; only primitives may carry one (metaschema propertySpec.default).
        spec["default"] = default
    return spec


def object_type(model: type[BaseModel]) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "type": "object",
        "properties": {p.wire: property_spec(p) for p in props(model)},
        "required": sorted(p.wire for p in props(model) if p.required),
    }
    description = model_description(model)
    if description:
        spec["description"] = description
    if not spec["required"]:
        del spec["required"]
    return spec


def enum_type(shape: EnumType) -> dict[str, Any]:
    values: list[dict[str, Any]] = []
    for index, value in enumerate(shape.values):
        entry: dict[str, Any] = {"value": value}
        if shape.members:
            entry["name"] = shape.members[index]
        values.append(entry)
    return {"type": shape.kind, "enum": values}


def resource(component: Component) -> dict[str, Any]:
    inputs = {}
    for item in component.inputs:
        spec = type_spec(item.shape, plain=item.plain)
        spec["description"] = item.description
        if item.secret:
            spec["secret"] = True
        inputs[item.wire] = spec
    outputs = {}
    for out in component.outputs:
        spec = type_spec(out.shape, plain=False)
        spec["description"] = out.description
        if out.secret:
            spec["secret"] = True
        outputs[out.wire] = spec
    return {
        "isComponent": True,
        "description": component.description,
        "type": "object",
        "inputProperties": inputs,
        "requiredInputs": sorted(i.wire for i in component.inputs if i.required),
        "properties": outputs,
        "required": sorted(o.wire for o in component.outputs if o.required),
    }


def package_version() -> str:
    """The distribution's version, which setuptools takes from pyproject.toml."""
    return installed_version(DISTRIBUTION)


#: Pulumi's Go code generator (pkg/codegen/go, v3.276.0) names the SDK's directory after the package without its
#: hyphen (``karpenterinfra``) but derives the import path from the namespace with it, so the SDK imports a
#: directory it did not write; and for a required plain object input whose type has defaults it writes a
#: ``Defaults()`` call of the wrong type (pointer into value; the family of pulumi/pulumi#7196). Both were found by
#: compiling the generated Go SDK (``make e2e-sdks``, docs/real-parts.md). The provider applies the defaults itself.
GO_PACKAGE = PACKAGE.replace("-", "")
GO_LANGUAGE = {
    "importBasePath": f"github.com/{PACKAGE}/pulumi-{PACKAGE}/sdk/go/{GO_PACKAGE}",
    "disableObjectDefaults": True,
}


def package_schema() -> dict[str, Any]:
    roots = [item.shape for component in COMPONENTS for item in component.inputs]
    models, enums = named_types(roots)
    types: dict[str, Any] = {type_token(name): object_type(model) for name, model in models.items()}
    types.update({type_token(name): enum_type(shape) for name, shape in enums.items()})
    return {
        "name": PACKAGE,
        "displayName": "karpenter-infra",
        "version": package_version(),
        "namespace": PACKAGE,
        "description": "An EKS cluster whose compute is run by Karpenter v1, with NodePools and EC2NodeClasses "
        "generated from a typed nodegroup list.",
        "keywords": ["aws", "eks", "karpenter", "kubernetes", "category/infrastructure", "kind/component"],
        "license": "Apache-2.0",
        "language": {
            lang: {"respectSchemaVersion": True, **(GO_LANGUAGE if lang == "go" else {})}
            for lang in ("csharp", "go", "java", "nodejs", "python")
        },
        "resources": {type_token(c.name): resource(c) for c in COMPONENTS},
        "types": types,
    }


def schema_text() -> str:
    """Byte-stable: keys sorted, so the same models give the same file."""
    return json.dumps(package_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> None:
    path = Path(argv[0]) if argv else SCHEMA_PATH
    path.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
