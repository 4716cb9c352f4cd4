"""The models as other Pulumi languages see them: every field a typed, camelCase property.

One walk over the pydantic models feeds both the package schema (``wire.schema``) and the decoding of what the
engine sends (``wire.decode``), so the names and types a TypeScript user is promised are exactly the ones the
provider reads. The walk is generic over the type annotations: a field added to a model appears in the schema
the next time ``make schema`` runs, with no list to update.
"""

from __future__ import annotations

import enum
import types
from collections import abc
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.alias_generators import to_camel, to_pascal
from pydantic_core import PydanticUndefined

PrimitiveKind = Literal["boolean", "integer", "number", "string"]


@dataclass(frozen=True)
class Primitive:
    kind: PrimitiveKind


@dataclass(frozen=True)
class IntOrString:
    """A string field whose model also takes a whole number: a quantity (`2000`), a count (`5`), a size in GiB."""


@dataclass(frozen=True)
class EnumType:
    name: str
    kind: PrimitiveKind
    values: tuple[str | int | bool, ...]
    #: Member names for the SDKs (``CapacityType.OnDemand``); empty for a ``Literal``, whose names codegen derives.
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObjectType:
    model: type[BaseModel]


@dataclass(frozen=True)
class ArrayOf:
    item: Shape


@dataclass(frozen=True)
class MapOf:
    value: Shape


@dataclass(frozen=True)
class AnyValue:
    """Free-form data (Helm values, user data values, IAM statements): keys are the user's, never translated."""


@dataclass(frozen=True)
class OneOf:
    """A union of scalar types (`int | str`); unions of models have no faithful decoding and are refused."""

    options: tuple[Shape, ...]


Shape = Primitive | IntOrString | EnumType | ObjectType | ArrayOf | MapOf | AnyValue | OneOf

_NO_DEFAULT: Any = PydanticUndefined


@dataclass(frozen=True)
class Prop:
    wire: str
    python: str
    shape: Shape
    description: str
    required: bool
    default: Any = _NO_DEFAULT

    @property
    def has_default(self) -> bool:
        return self.default is not _NO_DEFAULT and self.default is not None


def wire_name(python_name: str) -> str:
    return to_camel(python_name)


def _primitive_kind(value: object) -> PrimitiveKind:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def _takes_whole_numbers(annotation: Any) -> bool:
    """Whether a string type also accepts an int (through a ``BeforeValidator``): probed, not guessed from names."""
    try:
        return isinstance(TypeAdapter(annotation).validate_python(1), str)
    except ValidationError:
        return False


def shape_of(annotation: Any, owner: str) -> Shape:
    """``owner`` (``ClusterSpecIpFamily``) names the enum a ``Literal`` becomes; enum classes keep their own name."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base = get_args(annotation)[0]
        inner = shape_of(base, owner)
        if inner == Primitive("string") and _takes_whole_numbers(annotation):
            return IntOrString()
        return inner
    if origin in (Union, types.UnionType):
        options = [shape_of(a, owner) for a in get_args(annotation) if a is not type(None)]
        if len(options) == 1:
            return options[0]
        if not all(isinstance(o, Primitive | IntOrString | EnumType) for o in options):
            raise TypeError(f"{owner}: a union of {annotation} has no Pulumi type; use scalars or one model")
        return OneOf(tuple(dict.fromkeys(options)))
    if origin is Literal:
        values = tuple(get_args(annotation))
        return EnumType(owner, _primitive_kind(values[0]), values)
    if origin in (list, tuple, set, frozenset, abc.Sequence, abc.Set):
        return ArrayOf(shape_of(get_args(annotation)[0], owner))
    if origin in (dict, abc.Mapping):
        key, value = get_args(annotation)
        if shape_of(key, owner) != Primitive("string"):
            raise TypeError(f"{owner}: map keys must be strings, got {key}")
        return MapOf(shape_of(value, owner))
    if annotation is Any or annotation is object:
        return AnyValue()
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return ObjectType(annotation)
        if issubclass(annotation, enum.Enum):
            values = tuple(member.value for member in annotation)
            members = tuple(to_pascal(member.name.lower()) for member in annotation)
            return EnumType(annotation.__name__, _primitive_kind(values[0]), values, members)
        if issubclass(annotation, bool):
            return Primitive("boolean")
        if issubclass(annotation, int):
            return Primitive("integer")
        if issubclass(annotation, float):
            return Primitive("number")
        if issubclass(annotation, str):
            return Primitive("string")
    raise TypeError(f"{owner}: no Pulumi type for {annotation!r}")


def model_description(model: type[BaseModel]) -> str:
    doc = model.__doc__ or ""
    # BaseModel's own docstring is inherited by models that have none: that one describes pydantic, not us.
    if not doc or doc == BaseModel.__doc__:
        return ""
    return str(doc).strip().split("\n\n")[0].replace("\n", " ")


@cache
def props(model: type[BaseModel]) -> tuple[Prop, ...]:
    found = []
    for python, field in model.model_fields.items():
        annotation: Any = field.annotation
        if field.metadata:
            annotation = Annotated[annotation, *field.metadata]
        shape = shape_of(annotation, model.__name__ + to_pascal(python))
        description = field.description or ""
        if not description and isinstance(shape, ObjectType):
            description = model_description(shape.model)
        default = field.default
        if default is PydanticUndefined and field.default_factory is not None:
            default = field.default_factory()  # type: ignore[call-arg]
        found.append(
            Prop(
                wire=wire_name(python),
                python=python,
                shape=shape,
                description=description,
                required=field.is_required(),
                default=default,
            )
        )
    wires = [p.wire for p in found]
    if len(set(wires)) != len(wires):
        raise TypeError(f"{model.__name__}: two fields share one camelCase name: {sorted(wires)}")
    return tuple(found)


@cache
def by_wire(model: type[BaseModel]) -> dict[str, Prop]:
    return {p.wire: p for p in props(model)}


@cache
def by_python(model: type[BaseModel]) -> dict[str, Prop]:
    return {p.python: p for p in props(model)}


def children(shape: Shape) -> list[Shape]:
    if isinstance(shape, ArrayOf):
        return [shape.item]
    if isinstance(shape, MapOf):
        return [shape.value]
    if isinstance(shape, ObjectType):
        return [p.shape for p in props(shape.model)]
    return []


def named_types(roots: list[Shape]) -> tuple[dict[str, type[BaseModel]], dict[str, EnumType]]:
    """Every model and enum reachable from ``roots``, by name; two different types of one name are an error."""
    models: dict[str, type[BaseModel]] = {}
    enums: dict[str, EnumType] = {}
    stack = list(roots)
    while stack:
        shape = stack.pop()
        if isinstance(shape, ObjectType):
            name = shape.model.__name__
            if name in models:
                if models[name] is not shape.model:
                    raise TypeError(f"two models are named {name}: {models[name]} and {shape.model}")
                continue
            models[name] = shape.model
        elif isinstance(shape, EnumType) and enums.setdefault(shape.name, shape) != shape:
            raise TypeError(f"two enums are named {shape.name} with different values")
        stack.extend(children(shape))
    clash = set(models) & set(enums)
    if clash:
        raise TypeError(f"a model and an enum share a name: {sorted(clash)}")
    return models, enums
