"""The vocabulary the Karpenter v1.14 CRDs share: patterns, bounds, allow-lists, closed sets, and the base model.

Every regex here is the CRD's text, character for character, so ``tests/karpenter/test_enums_match_crds.py`` can
compare them with the CRD files and fail when Karpenter changes one. The apiserver evaluates them with Go's RE2, in
which ``\\d`` and ``\\s`` are ASCII-only; pydantic-core's Rust engine is Unicode-aware, so the models compile them
through :func:`go_regex` first. The allow-lists are the ones written into the CEL rules, for the same reason.
"""

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

# --- Labels and taints -------------------------------------------------------------------------------------------

#: ``requirements[].key``, ``taints[].key`` and ``taints[].value`` all use this qualified-name shape.
QUALIFIED_NAME_PATTERN: Final = (
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(\/))?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$"
)
REQUIREMENT_KEY_PATTERN: Final = QUALIFIED_NAME_PATTERN
REQUIREMENT_KEY_MAX_LENGTH: Final = 316
TAINT_KEY_PATTERN: Final = QUALIFIED_NAME_PATTERN
TAINT_VALUE_PATTERN: Final = QUALIFIED_NAME_PATTERN

#: ``template.metadata.labels`` values. The CRD also puts this pattern and max length on ``requirements[].values``,
#: but on the array rather than its items, where the apiserver ignores them (see ``nodepool.Requirement``).
LABEL_VALUE_PATTERN: Final = r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"
LABEL_VALUE_MAX_LENGTH: Final = 63
TEMPLATE_LABELS_MAX_PROPERTIES: Final = 100

#: Not from the CRDs: Karpenter writes NodePool and EC2NodeClass names into label values
#: (``karpenter.sh/nodepool``, ``karpenter.k8s.aws/ec2nodeclass``), so a name must also be a valid label value.
DNS1123_LABEL_PATTERN: Final = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
DNS1123_LABEL_MAX_LENGTH: Final = 63
#: Kubernetes' own rule for ``metadata.labels`` / ``metadata.annotations`` keys (``IsQualifiedName``).
QUALIFIED_KEY_NAME_PATTERN: Final = r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$"
QUALIFIED_KEY_NAME_MAX_LENGTH: Final = 63
DNS1123_SUBDOMAIN_PATTERN: Final = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
DNS1123_SUBDOMAIN_MAX_LENGTH: Final = 253

#: RFC 3339, the layout Kubernetes writes ``metav1.Time`` in; the CRD says ``format: date-time``.
DATE_TIME_PATTERN: Final = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)

KARPENTER_SH_DOMAIN: Final = "karpenter.sh"
KARPENTER_K8S_AWS_DOMAIN: Final = "karpenter.k8s.aws"
NODEPOOL_LABEL: Final = "karpenter.sh/nodepool"
HOSTNAME_LABEL: Final = "kubernetes.io/hostname"

#: Keys under ``karpenter.sh`` that requirements and template labels may still use.
KARPENTER_SH_ALLOWED_LABELS: Final = frozenset({"karpenter.sh/capacity-type", "karpenter.sh/nodepool"})

#: Keys under ``karpenter.k8s.aws`` that requirements and template labels may still use (well-known labels).
KARPENTER_K8S_AWS_ALLOWED_LABELS: Final = frozenset(
    {
        "karpenter.k8s.aws/instance-tenancy",
        "karpenter.k8s.aws/capacity-reservation-type",
        "karpenter.k8s.aws/capacity-reservation-id",
        "karpenter.k8s.aws/capacity-reservation-interruptible",
        "karpenter.k8s.aws/ec2nodeclass",
        "karpenter.k8s.aws/instance-encryption-in-transit-supported",
        "karpenter.k8s.aws/instance-category",
        "karpenter.k8s.aws/instance-hypervisor",
        "karpenter.k8s.aws/instance-family",
        "karpenter.k8s.aws/instance-generation",
        "karpenter.k8s.aws/instance-local-nvme",
        "karpenter.k8s.aws/instance-size",
        "karpenter.k8s.aws/instance-cpu",
        "karpenter.k8s.aws/instance-cpu-manufacturer",
        "karpenter.k8s.aws/instance-cpu-sustained-clock-speed-mhz",
        "karpenter.k8s.aws/instance-memory",
        "karpenter.k8s.aws/instance-ebs-bandwidth",
        "karpenter.k8s.aws/instance-network-bandwidth",
        "karpenter.k8s.aws/instance-gpu-name",
        "karpenter.k8s.aws/instance-gpu-manufacturer",
        "karpenter.k8s.aws/instance-gpu-count",
        "karpenter.k8s.aws/instance-gpu-memory",
        "karpenter.k8s.aws/instance-accelerator-name",
        "karpenter.k8s.aws/instance-accelerator-manufacturer",
        "karpenter.k8s.aws/instance-accelerator-count",
        "karpenter.k8s.aws/instance-capability-flex",
        "karpenter.k8s.aws/placement-group-id",
        "karpenter.k8s.aws/placement-group-partition",
    }
)

# --- Durations, budgets, quantities --------------------------------------------------------------------------------

#: ``expireAfter`` and ``consolidateAfter``.
DURATION_OR_NEVER_PATTERN: Final = r"^(([0-9]+(s|m|h))+|Never)$"
#: ``terminationGracePeriod``.
DURATION_PATTERN: Final = r"^([0-9]+(s|m|h))+$"
BUDGET_DURATION_PATTERN: Final = r"^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$"
BUDGET_NODES_PATTERN: Final = r"^((100|[0-9]{1,2})%|[0-9]+)$"
BUDGET_SCHEDULE_PATTERN: Final = (
    r"^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)\s(.+)\s(.+)\s(.+)\s(.+))$"
)
BUDGETS_MAX_ITEMS: Final = 50
BUDGET_REASONS_MAX_ITEMS: Final = 50
REQUIREMENTS_MAX_ITEMS: Final = 100
MIN_VALUES_MINIMUM: Final = 1
MIN_VALUES_MAXIMUM: Final = 50
WEIGHT_MINIMUM: Final = 1
WEIGHT_MAXIMUM: Final = 100

#: A Kubernetes resource quantity: ``limits``, ``kubeReserved``, ``systemReserved``.
QUANTITY_PATTERN: Final = (
    r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"
)
#: ``evictionHard`` / ``evictionSoft`` values: a percentage, empty, or a quantity.
EVICTION_THRESHOLD_PATTERN: Final = (
    r"^((\d{1,2}(\.\d{1,2})?|100(\.0{1,2})?)%||(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|"
    r"([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?)$"
)

NODE_CLASS_GROUP_PATTERN: Final = r"^[^/]*$"

#: ``format: int32`` / ``int64`` bounds. The apiserver does not check them, but Karpenter's Go types cannot decode a
#: value outside them, so an out-of-range number would be accepted and then break the controller.
INT32_MIN: Final = -(2**31)
INT32_MAX: Final = 2**31 - 1
INT64_MIN: Final = -(2**63)
INT64_MAX: Final = 2**63 - 1

# --- EC2NodeClass --------------------------------------------------------------------------------------------------

VOLUME_SIZE_PATTERN: Final = (
    r"^((?:[1-9][0-9]{0,3}|[1-4][0-9]{4}|[5][0-8][0-9]{3}|59000)Gi|(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-3][0-9]{3}"
    r"|64000)G|([1-9]||[1-5][0-7]|58)Ti|([1-9]||[1-5][0-9]|6[0-3]|64)T)$"
)
#: The CRD's id patterns are unanchored (``ami-[0-9a-z]+`` matches anywhere in the string); mirrored as written.
AMI_ID_PATTERN: Final = r"ami-[0-9a-z]+"
SECURITY_GROUP_ID_PATTERN: Final = r"sg-[0-9a-z]+"
SUBNET_ID_PATTERN: Final = r"subnet-[0-9a-z]+"
CAPACITY_RESERVATION_ID_PATTERN: Final = r"^cr-[0-9a-z]+$"
CAPACITY_RESERVATION_OWNER_ID_PATTERN: Final = r"^[0-9]{12}$"
PLACEMENT_GROUP_ID_PATTERN: Final = r"^pg-[0-9a-z]+$"
#: From the alias CEL rule (``self.matches(...)``), not a schema ``pattern``.
AMI_ALIAS_PATTERN: Final = r"^[a-zA-Z0-9]+@.+$"
AMI_ALIAS_MAX_LENGTH: Final = 30
AMI_ALIAS_LATEST: Final = "latest"
SELECTOR_TERMS_MAX_ITEMS: Final = 30
SELECTOR_TAGS_MAX_PROPERTIES: Final = 20
BLOCK_DEVICE_MAPPINGS_MAX_ITEMS: Final = 50
NETWORK_INTERFACES_MAX_ITEMS: Final = 150

#: Keys the kubelet's eviction maps accept, in the CRD's order (its messages list them in this order).
EVICTION_SIGNALS: Final = (
    "memory.available",
    "nodefs.available",
    "nodefs.inodesFree",
    "imagefs.available",
    "imagefs.inodesFree",
    "pid.available",
)
#: Keys ``kubeReserved`` and ``systemReserved`` accept.
RESERVED_RESOURCES: Final = ("cpu", "memory", "ephemeral-storage", "pid")

#: Tag keys Karpenter sets itself and an EC2NodeClass may not.
RESTRICTED_TAG_KEYS: Final = (
    "eks:eks-cluster-name",
    "karpenter.sh/nodepool",
    "karpenter.sh/nodeclaim",
    "karpenter.k8s.aws/ec2nodeclass",
)
RESTRICTED_TAG_PREFIX: Final = "kubernetes.io/cluster"


# --- Closed sets -------------------------------------------------------------------------------------------------


class ConsolidationPolicy(StrEnum):
    WHEN_EMPTY = "WhenEmpty"
    WHEN_EMPTY_OR_UNDERUTILIZED = "WhenEmptyOrUnderutilized"
    BALANCED = "Balanced"


class DisruptionReason(StrEnum):
    UNDERUTILIZED = "Underutilized"
    EMPTY = "Empty"
    DRIFTED = "Drifted"


class Operator(StrEnum):
    """In the CRD's order, which is not alphabetical: the enum test compares lists."""

    GTE = "Gte"
    LTE = "Lte"
    IN = "In"
    NOT_IN = "NotIn"
    EXISTS = "Exists"
    DOES_NOT_EXIST = "DoesNotExist"
    GT = "Gt"
    LT = "Lt"


#: Operators whose single value must parse as a non-negative integer.
NUMERIC_OPERATORS: Final = frozenset({Operator.GT, Operator.LT, Operator.GTE, Operator.LTE})


class TaintEffect(StrEnum):
    NO_SCHEDULE = "NoSchedule"
    PREFER_NO_SCHEDULE = "PreferNoSchedule"
    NO_EXECUTE = "NoExecute"


class AmiFamily(StrEnum):
    AL2 = "AL2"
    AL2023 = "AL2023"
    BOTTLEROCKET = "Bottlerocket"
    CUSTOM = "Custom"
    WINDOWS2019 = "Windows2019"
    WINDOWS2022 = "Windows2022"
    WINDOWS2025 = "Windows2025"


class AmiAliasFamily(StrEnum):
    """The ``family`` half of an ``amiSelectorTerms[].alias`` (``al2023@latest``); from the CEL rules."""

    AL2 = "al2"
    AL2023 = "al2023"
    BOTTLEROCKET = "bottlerocket"
    WINDOWS2019 = "windows2019"
    WINDOWS2022 = "windows2022"
    WINDOWS2025 = "windows2025"

    @property
    def ami_family(self) -> AmiFamily:
        """The only ``amiFamily`` besides ``Custom`` that may accompany this alias."""
        return _ALIAS_TO_AMI_FAMILY[self]

    @property
    def is_windows(self) -> bool:
        return self.value.startswith("windows")


_ALIAS_TO_AMI_FAMILY: Final = {
    AmiAliasFamily.AL2: AmiFamily.AL2,
    AmiAliasFamily.AL2023: AmiFamily.AL2023,
    AmiAliasFamily.BOTTLEROCKET: AmiFamily.BOTTLEROCKET,
    AmiAliasFamily.WINDOWS2019: AmiFamily.WINDOWS2019,
    AmiAliasFamily.WINDOWS2022: AmiFamily.WINDOWS2022,
    AmiAliasFamily.WINDOWS2025: AmiFamily.WINDOWS2025,
}


class VolumeType(StrEnum):
    STANDARD = "standard"
    IO1 = "io1"
    IO2 = "io2"
    GP2 = "gp2"
    SC1 = "sc1"
    ST1 = "st1"
    GP3 = "gp3"


class InstanceStorePolicy(StrEnum):
    RAID0 = "RAID0"


class InstanceMatchCriteria(StrEnum):
    OPEN = "open"
    TARGETED = "targeted"


class Toggle(StrEnum):
    """``metadataOptions.httpEndpoint``, ``metadataOptions.httpProtocolIPv6``, ``cpuOptions.nestedVirtualization``."""

    ENABLED = "enabled"
    DISABLED = "disabled"


class HttpTokens(StrEnum):
    REQUIRED = "required"
    OPTIONAL = "optional"


class NetworkInterfaceType(StrEnum):
    INTERFACE = "interface"
    EFA_ONLY = "efa-only"


# --- Go regex semantics ----------------------------------------------------------------------------------------

# Go's RE2 classes, spelled without the Unicode meaning Rust's engine (and Python's) gives the short forms.
_GO_CLASSES: Final = {"d": "0-9", "s": "\\t\\n\\f\\r ", "w": "0-9A-Za-z_"}
_GO_NEGATED: Final = {"D": "d", "S": "s", "W": "w"}
_ESCAPE: Final = re.compile(r"\\(.)|(\[)|(\])", re.DOTALL)


def go_regex(pattern: str) -> str:
    """``pattern`` with RE2's ASCII-only ``\\d``, ``\\s``, ``\\w`` spelled out, for pydantic-core's Rust engine.

    Without it ``"١٢%"`` (Arabic-Indic digits) would pass ``evictionHard`` here and fail at the apiserver.
    """
    out: list[str] = []
    in_class = False
    position = 0
    for match in _ESCAPE.finditer(pattern):
        out.append(pattern[position : match.start()])
        position = match.end()
        escaped, opening, closing = match.groups()
        if opening is not None:
            in_class = True
            out.append(opening)
        elif closing is not None:
            in_class = False
            out.append(closing)
        elif escaped in _GO_CLASSES:
            members = _GO_CLASSES[escaped]
            out.append(members if in_class else f"[{members}]")
        elif escaped in _GO_NEGATED:
            if in_class:
                raise ValueError(f"negated class \\{escaped} inside [...] is not translated: {pattern!r}")
            out.append(f"[^{_GO_CLASSES[_GO_NEGATED[escaped]]}]")
        else:
            out.append(match.group(0))
    out.append(pattern[position:])
    return "".join(out)


# --- Building blocks the models share ------------------------------------------------------------------------------

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
