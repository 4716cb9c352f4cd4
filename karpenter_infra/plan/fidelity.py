"""Inputs as the program passed them: integers stay integers.

The Pulumi SDK serializes a resource's inputs into a protobuf ``Struct``, whose only number type is a double, so the
mock monitor reads ``weight: 50`` back as ``50.0``. A real engine hands the provider that double and the provider's
schema makes it the integer the API receives; the offline plan has no provider, so it would print floats that never
reach the API. Guessing (every integral float is an int) would also turn a real ``2.0`` into ``2``. Instead, while
a plan runs, each resource's inputs are also serialized the way the SDK does it (``rpc.serialize_property`` per
property, keys translated as ``rpc.serialize_properties`` translates them), into plain Python values that still
carry their types; the recording monitor then restores an ``int`` exactly where the program passed one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from pulumi import _types
from pulumi.runtime import rpc

#: (type token, resource name) -> wire property name -> the serialized Python value, before the protobuf Struct.
Sent = dict[tuple[str, str], dict[str, Any]]


@contextmanager
def observe_serialization(sent: Sent) -> Iterator[None]:
    """For the time of one offline run, record what each resource's inputs serialize to, types intact."""
    original: Callable[..., Awaitable[Any]] = rpc.serialize_properties

    async def observed(
        inputs: Any,
        property_deps: dict[str, Any],
        resource_obj: Any = None,
        input_transformer: Callable[[str], str] | None = None,
        typ: type | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        struct = await original(inputs, property_deps, resource_obj, input_transformer, typ, *args, **kwargs)
        type_, name = getattr(resource_obj, "_type", None), getattr(resource_obj, "_name", None)
        if isinstance(type_, str) and isinstance(name, str):
            sent[(type_, name)] = await _plain_inputs(inputs, resource_obj, input_transformer, typ)
        return struct

    # The SDK calls it by module attribute (``rpc.serialize_properties``), so the swap reaches every resource.
    setattr(rpc, "serialize_properties", observed)  # noqa: B010
    try:
        yield
    finally:
        setattr(rpc, "serialize_properties", original)  # noqa: B010


async def _plain_inputs(
    inputs: Any, resource_obj: Any, input_transformer: Callable[[str], str] | None, typ: type | None
) -> dict[str, Any]:
    """The same per-property serialization and key translation as ``rpc.serialize_properties``, without the Struct."""
    translate = input_transformer
    get_type: Callable[[str], type | None] = lambda _key: None  # noqa: E731
    if typ is not None:
        names = _types.input_type_py_to_pulumi_names(typ)
        types = _types.input_type_types(typ)

        def translate(key: str) -> str:
            return names.get(key) or key

        def get_type(key: str) -> type | None:
            return types.get(translate(key))

    plain: dict[str, Any] = {}
    for key in inputs:
        value = await rpc.serialize_property(inputs[key], [], key, resource_obj, input_transformer, get_type(key))
        if value is not None:
            plain[translate(key) if translate is not None else key] = value
    return plain


def with_ints(received: Any, sent: Any) -> Any:
    """``received`` (read back from the Struct), with an ``int`` wherever ``sent`` (what was passed) had one."""
    if isinstance(sent, bool):
        return received
    if isinstance(sent, int) and isinstance(received, float) and received == sent:
        return sent
    if isinstance(sent, dict) and isinstance(received, dict):
        return {key: with_ints(value, sent.get(key)) for key, value in received.items()}
    if isinstance(sent, list) and isinstance(received, list) and len(sent) == len(received):
        return [with_ints(r, s) for r, s in zip(received, sent, strict=True)]
    return received
