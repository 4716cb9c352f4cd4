"""The building blocks every mirrored CRD model shares: the base model, enum and quantity fields, CEL checks, and
``metadata``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Final, cast

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    ValidationError,
)
from pydantic.alias_generators import to_camel
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, InitErrorDetails, PydanticCustomError, core_schema

from karpenter_infra.karpenter.crd_patterns import (
    DNS1123_LABEL_MAX_LENGTH,
    DNS1123_LABEL_PATTERN,
    DNS1123_SUBDOMAIN_MAX_LENGTH,
    DNS1123_SUBDOMAIN_PATTERN,
    LABEL_VALUE_MAX_LENGTH,
    LABEL_VALUE_PATTERN,
    QUALIFIED_KEY_NAME_MAX_LENGTH,
    QUALIFIED_KEY_NAME_PATTERN,
    QUANTITY_PATTERN,
)
from karpenter_infra.karpenter.re2 import go_regex

#: A pydantic location relative to the model raising it: field aliases, list indices, map keys.
Loc = tuple[str | int, ...]


def _drop_null_from_optional_fields(schema: dict[str, Any]) -> None:
    while schema["type"] != "model-fields":
        schema = schema["schema"]
    for field in schema["fields"].values():
        inner = field["schema"]
        if inner["type"] == "default" and inner.get("default", ...) is None and inner["schema"]["type"] == "nullable":
            inner["schema"] = inner["schema"]["schema"]


class CrdModel(BaseModel):
    """Base of every mirrored object: camelCase keys, nothing unknown, nothing coerced, and no explicit nulls.

    A field typed ``X | None = None`` means "may be left out". An explicit ``null`` is rejected: the renderer must
    omit a field rather than emit ``null`` (the apiserver would prune it, a JSON-schema check would reject it, and
    a diff would show it), so what passes here is exactly what we send.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        populate_by_name=True,
        alias_generator=to_camel,
    )

    @classmethod
    def __get_pydantic_core_schema__(cls, source: type[BaseModel], handler: GetCoreSchemaHandler, /) -> CoreSchema:
        schema = handler(source)
        _drop_null_from_optional_fields(cast(dict[str, Any], schema))
        return schema


class _ExactEnum:
    """Validate a ``StrEnum`` field from its plain string value, and from nothing else.

    With ``strict=True`` pydantic accepts only enum instances, which a YAML-shaped manifest never holds; lax enum
    validation would also turn ``b"In"`` into ``Operator.IN``. A strict ``str`` step followed by a lax enum step
    accepts exactly the strings the CRD's ``enum`` lists, natively in pydantic-core.
    """

    def __get_pydantic_core_schema__(self, source: type[StrEnum], handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.chain_schema(
            [
                core_schema.str_schema(strict=True),
                core_schema.enum_schema(source, list(source), sub_type="str", strict=False),
            ]
        )

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        members = schema["steps"][1]["members"]
        return {"type": "string", "enum": [member.value for member in members]}


#: ``Annotated[Operator, FROM_STRING]``: the field holds the enum member, the manifest holds its string.
FROM_STRING: Final = _ExactEnum()


class _IntOrQuantity:
    """``x-kubernetes-int-or-string`` with a quantity pattern on the string form, reported as one error."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.union_schema(
            [
                core_schema.int_schema(strict=True),
                core_schema.str_schema(strict=True, pattern=go_regex(QUANTITY_PATTERN)),
            ],
            custom_error_type="int_or_quantity",
            custom_error_message=f"Input should be an integer or a string matching pattern '{QUANTITY_PATTERN}'",
        )


IntOrQuantity = Annotated[int | str, _IntOrQuantity()]


def cel_failure(title: str, issues: Sequence[tuple[Loc, str]]) -> ValidationError:
    """The error a validator raises for broken CEL rules, each at its own location below the validated value.

    Raised from inside validation, pydantic-core prefixes each location with the value's own, so the final path
    points at the offending item or key rather than only at the list or map that carries the rule in the CRD.
    """
    return ValidationError.from_exception_data(
        title,
        [
            InitErrorDetails(type=PydanticCustomError("cel", "{message}", {"message": message}), loc=loc, input=None)
            for loc, message in issues
        ],
    )


class CelCheck:
    """A CEL rule on one string that pydantic-core can check natively, failing with the CRD's own message.

    The type's own validation (strict ``str``, the schema's pattern) runs first and reports as usual; only when
    it passes is ``check`` tried, and any failure of it becomes ``message``. Native checks keep the hot path out
    of Python: a fleet validates thousands of these strings.
    """

    def __init__(self, message: str, check: CoreSchema) -> None:
        self.message = message
        self.check = check

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.chain_schema(
            [handler(source), core_schema.custom_error_schema(self.check, "cel", custom_error_message=self.message)]
        )


def non_empty(message: str) -> CelCheck:
    """CEL ``self != ''``."""
    return CelCheck(message, core_schema.str_schema(min_length=1))


def one_of(message: str, allowed: Sequence[str]) -> CelCheck:
    """CEL ``self in [...]``, as applied to each key of a map by ``self.all(x, x in [...])``."""
    return CelCheck(message, core_schema.literal_schema(list(allowed)))


def not_negative(message: str) -> CelCheck:
    """CEL ``!self.startsWith('-')``."""
    return CelCheck(message, core_schema.str_schema(pattern="^([^-]|$)"))


# ``fullmatch``, not ``match``: Python's ``$`` also matches before a trailing newline, Go's does not.
_DNS1123_SUBDOMAIN: Final = re.compile(DNS1123_SUBDOMAIN_PATTERN, re.ASCII)
_QUALIFIED_KEY_NAME: Final = re.compile(QUALIFIED_KEY_NAME_PATTERN, re.ASCII)


@cache
def _qualified_key_problems(key: str) -> str:
    """Kubernetes' ``IsQualifiedName``; cached because every object carries the same few label keys."""
    prefix, slash, name = key.rpartition("/")
    problems = []
    if slash and not (len(prefix) <= DNS1123_SUBDOMAIN_MAX_LENGTH and _DNS1123_SUBDOMAIN.fullmatch(prefix)):
        problems.append(f"prefix must be a DNS-1123 subdomain of at most {DNS1123_SUBDOMAIN_MAX_LENGTH} characters")
    if not (len(name) <= QUALIFIED_KEY_NAME_MAX_LENGTH and _QUALIFIED_KEY_NAME.fullmatch(name)):
        problems.append(
            f"name must be at most {QUALIFIED_KEY_NAME_MAX_LENGTH} characters of [-A-Za-z0-9_.], "
            "starting and ending with an alphanumeric character"
        )
    return "; ".join(problems)


def _qualified_key(key: str) -> str:
    problems = _qualified_key_problems(key)
    if problems:
        raise PydanticCustomError(
            "qualified_name", "invalid key '{key}': {problems}", {"key": key, "problems": problems}
        )
    return key


QualifiedKey = Annotated[str, AfterValidator(_qualified_key)]
LabelValue = Annotated[str, Field(max_length=LABEL_VALUE_MAX_LENGTH, pattern=go_regex(LABEL_VALUE_PATTERN))]


class ObjectMeta(CrdModel):
    """The ``metadata`` we render: the apiserver checks it against Kubernetes' ObjectMeta rules, not the CRD."""

    name: str = Field(
        min_length=1,
        max_length=DNS1123_LABEL_MAX_LENGTH,
        pattern=go_regex(DNS1123_LABEL_PATTERN),
        description="Object name; also a label value on every node Karpenter launches from it, hence a DNS label.",
    )
    labels: dict[QualifiedKey, LabelValue] | None = Field(
        default=None, description="Labels on the Karpenter object itself (not on its nodes)."
    )
    annotations: dict[QualifiedKey, str] | None = Field(
        default=None, description="Annotations on the Karpenter object itself (not on its nodes)."
    )
