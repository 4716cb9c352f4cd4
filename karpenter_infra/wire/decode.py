"""What the engine sends, turned back into what the models take: the one boundary between wire and Python names.

Inputs from TypeScript, Go, C# or YAML arrive as a protobuf ``Struct``, whose only number is a double:
``limits: {cpu: 2000}`` reaches Python as ``2000.0``. Where the model wants an int, or a string that also takes a
whole number (a quantity, a budget count, a volume size), a whole-number float becomes the int the user wrote.
Free-form values (user data values, Helm values) get the same treatment, so a template renders ``10``, not ``10.0``.

Property names are camelCase on the wire and snake_case in the models. The snake_case spelling is accepted too:
it is what the components took before the schema was typed, and it is what the README's Python examples show.
An unknown key fails here, with the closest known name, instead of as pydantic's bare "Extra inputs".
"""

from __future__ import annotations

import re
from typing import Any

from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.suggest import closest
from karpenter_infra.wire.shapes import (
    AnyValue,
    ArrayOf,
    IntOrString,
    MapOf,
    ObjectType,
    OneOf,
    Primitive,
    Shape,
    by_python,
)
from karpenter_infra.wire.shapes import by_wire as props_by_wire

Issues = list[tuple[str, str]]

_PLAIN = (str, int, float, bool, list, dict)


def _whole(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _takes_whole_numbers(shape: Shape) -> bool:
    if isinstance(shape, OneOf):
        return any(_takes_whole_numbers(option) for option in shape.options)
    return shape == Primitive("integer") or isinstance(shape, IntOrString)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def decode(shape: Shape, value: Any, path: str, issues: Issues) -> Any:
    if value is None:
        return None
    if not isinstance(value, _PLAIN):
        issues.append((path or "(root)", "must be a plain value known at preview, not an output of another resource"))
        return None
    if _takes_whole_numbers(shape):
        return _whole(value)
    if isinstance(shape, AnyValue):
        return _free_form(value, path, issues)
    if isinstance(shape, ArrayOf) and isinstance(value, list):
        return [decode(shape.item, item, f"{path}[{i}]", issues) for i, item in enumerate(value)]
    if isinstance(shape, MapOf) and isinstance(value, dict):
        return {key: decode(shape.value, item, _join(path, key), issues) for key, item in value.items()}
    if isinstance(shape, ObjectType) and isinstance(value, dict):
        return _object(shape, value, path, issues)
    # Anything else goes to the model as it came: its validation names the field and what it expected.
    return value


def _free_form(value: Any, path: str, issues: Issues) -> Any:
    if isinstance(value, dict):
        return {key: _free_form(item, _join(path, key), issues) for key, item in value.items()}
    if isinstance(value, list):
        return [_free_form(item, f"{path}[{i}]", issues) for i, item in enumerate(value)]
    if value is not None and not isinstance(value, _PLAIN):
        issues.append((path, "must be a plain value known at preview, not an output of another resource"))
        return None
    return _whole(value)


def _object(shape: ObjectType, value: dict[str, Any], path: str, issues: Issues) -> dict[str, Any]:
    wire_props, python_props = props_by_wire(shape.model), by_python(shape.model)
    decoded: dict[str, Any] = {}
    spelled: dict[str, str] = {}
    for key, item in value.items():
        prop = wire_props.get(key) or python_props.get(key)
        if prop is None:
            issues.append((_join(path, key), _unknown(key, list(wire_props))))
            continue
        if prop.python in spelled:
            issues.append((_join(path, key), f"set `{prop.wire}` once (also given as `{spelled[prop.python]}`)"))
            continue
        spelled[prop.python] = key
        decoded[prop.python] = decode(prop.shape, item, _join(path, prop.wire), issues)
    return decoded


def _unknown(key: str, known: list[str]) -> str:
    close = closest(key, known)
    hint = f"; did you mean `{close[0]}`?" if close else f"; known properties: {', '.join(sorted(known))}"
    return f"unknown property `{key}`{hint}"


def decode_model(shape: ObjectType, value: Any, owner: str) -> Any:
    issues: Issues = []
    decoded = decode(shape, value, "", issues)
    if issues:
        raise SpecError(owner, issues)
    return decoded


def decode_groups(shape: ObjectType, value: Any) -> list[Any]:
    """Each group is decoded on its own, so an error names the group it is in."""
    if not isinstance(value, list):
        raise SpecError.one("nodegroups", "(root)", f"must be a list of node groups, got {type(value).__name__}")
    decoded = []
    for index, group in enumerate(value):
        name = group.get("name", f"<#{index}>") if isinstance(group, dict) else f"<#{index}>"
        decoded.append(decode_model(shape, group, nodegroup_owner(name)))
    return decoded


_SEGMENT = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|(\[\d+\])")


def wire_path(shape: Shape, path: str) -> str:
    """``instances.capacity_types[0]`` as the wire user wrote it: ``instances.capacityTypes[0]``.

    Below a map the path is the user's own keys, so it stays as it is.
    """
    out, at, current = "", 0, shape
    while at < len(path):
        match = _SEGMENT.match(path, at)
        if match is None:
            break
        name, index = match.groups()
        if index is not None and isinstance(current, ArrayOf):
            out, current = out + index, current.item
        elif name is not None and isinstance(current, ObjectType) and name in by_python(current.model):
            prop = by_python(current.model)[name]
            out, current = _join(out, prop.wire), prop.shape
        else:
            break
        at = match.end()
    return out + path[at:]


def in_wire_names(error: SpecError, shape: Shape) -> SpecError:
    return SpecError(error.owner, [(wire_path(shape, field), problem) for field, problem in error.issues])
