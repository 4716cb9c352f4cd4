"""What every chart area's mapping shares: recording errors and warnings, and the chart's scalar conversions."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from karpenter_infra.errors import SpecError, issues_from, nodegroup_owner
from karpenter_infra.importer.helm_template import Call, Expr, Field, UserDataError, parse_template
from karpenter_infra.importer.origins import chart_path, shared_origin
from karpenter_infra.importer.userdata import Translation, translate
from karpenter_infra.importer.values import LoadedValues, go_print, is_empty, reparsed
from karpenter_infra.ledger.core import CollectedError
from karpenter_infra.spec.headroom import Headroom
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults
from karpenter_infra.spec.scheduling import CapacitySpread
from karpenter_infra.suggest import closest

M = TypeVar("M", bound=BaseModel)

#: Field references in a template the translator could not read: ``$.Values.x`` / ``.Values.x`` and ``.value.x``.
_VALUES_REF = re.compile(r"\.Values\.([A-Za-z0-9_]+)")
_GROUP_REF = re.compile(r"\.value\.([A-Za-z0-9_]+)")

# --------------------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ImportWarning:
    """A place where the import deliberately differs from the chart's output, or where the chart ignores a value."""

    group: str | None
    key: str
    message: str

    def __str__(self) -> str:
        owner = nodegroup_owner(self.group) if self.group is not None else "values"
        return f"{owner}: {self.key}: {self.message}"


class ValuesError(CollectedError):
    """Every problem in the values at once (sorted by group, then key), so a migration is fixed in one round trip."""


@dataclass(frozen=True)
class Mapped:
    defaults: NodeGroupDefaults
    nodegroups: list[NodeGroup]
    warnings: list[ImportWarning]


class Stop(Exception):
    """One group's value cannot be mapped; the error is recorded and mapping goes on with the next group."""


# ------------------------------------------------------------------------------------------------------- utilities


def plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def canon(value: Any) -> str:
    return json.dumps(plain(value), sort_keys=True, default=str)


def suggest(key: str, known: Iterable[str]) -> str:
    close = closest(key, known)
    return f"; did you mean {close[0]!r}?" if close else ""


def go_int64(value: Any) -> int:
    """spf13/cast ``ToInt64``, which sprig's ``sub`` and ``int`` use: truncates floats, unparsable text is 0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return 0 if math.isnan(value) or math.isinf(value) else int(value)
    if isinstance(value, str):
        text = value.strip()
        if "." in text and text.rstrip("0").endswith("."):
            text = text.rstrip("0").rstrip(".")
        try:
            return int(text, 0)
        except ValueError:
            return 0
    return 0


def whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


# ------------------------------------------------------------------------------------------------------ the mapper


@dataclass
class GroupSettings:
    """One node group, resolved the chart's way into our settings."""

    name: str
    pool: dict[str, Any] = field(default_factory=dict)
    nodeclass: dict[str, Any] | None = None
    group_label: str | None = None
    capacity_spread: CapacitySpread | None = None
    node_class: str | None = None
    existing_node_class: str | None = None
    headroom: list[Headroom] | None = None


class Mapper:
    def __init__(self, loaded: LoadedValues, node_role: str | None, modernize: bool = False) -> None:
        self.values = loaded.values
        self.user = loaded.user
        self.loaded = loaded
        self.node_role = node_role
        #: Our opinions over the chart's rendering (each one replaces nodes or recreates objects), not adoption.
        self.modernize = modernize
        self.errors: list[SpecError] = []
        self.warnings: list[ImportWarning] = []
        self.group_name = ""
        self.translations: dict[str, Translation | None] = {}

    # --- recording

    def owner(self) -> str:
        return nodegroup_owner(self.group_name) if self.group_name else "values"

    def located(self, key: str) -> str:
        """``key``, with the values file it came from when the group took it from the top level."""
        if not self.group_name:
            return key
        groups = self.values.get("nodeGroups")
        raw = groups.get(self.group_name) if isinstance(groups, dict) else None
        origin = shared_origin(self.loaded, raw if isinstance(raw, dict) else {}, chart_path(key))
        return f"{key} (from {origin})" if origin else key

    def error(self, key: str, problem: str) -> Stop:
        self.errors.append(SpecError.one(self.owner(), self.located(key), problem))
        return Stop()

    def warn(self, key: str, message: str, group: str | None = None) -> None:
        where = self.located(key) if group is None or group == self.group_name else key
        self.warnings.append(ImportWarning(group if group is not None else (self.group_name or None), where, message))

    def attempt(self, build: Callable[[], Any], fallback: Any = None) -> Any:
        """Go on after a recorded error, so one run reports every bad key of a group, not only the first."""
        try:
            return build()
        except Stop:
            return fallback

    def model(self, where: str, cls: type[M], /, **fields: Any) -> M:
        """Build a model, turning its validation errors into errors on the chart key ``where``."""
        try:
            return cls(**fields)
        except ValidationError as exc:
            issues = issues_from(exc)
            problem = "; ".join(f"{path}: {msg}" if path != "(root)" else msg for path, msg in issues)
            raise self.error(where, problem) from None
        except SpecError as exc:
            raise self.error(where, "; ".join(f"{f}: {p}" for f, p in exc.issues)) from None

    # --- the chart's two override styles

    def dflt(self, group: dict[str, Any], key: str) -> Any:
        value = group.get(key)
        return value if not is_empty(value) else self.values.get(key)

    def ignored_override(self, group: dict[str, Any], key: str) -> None:
        """A group's empty value never overrides a global one in the chart; say so rather than let it vanish."""
        if key in group and is_empty(group[key]) and not is_empty(self.values.get(key)):
            self.warn(
                key,
                f"the chart ignores the group's empty value {go_print(group[key])!r} and uses the top-level "
                f"{go_print(self.values[key])!r}; imported as the chart renders it",
            )

    # --- scalar conversions

    def text(self, key: str, value: Any, what: str) -> str:
        """A value the chart prints unquoted into a string field: flag (and fix) YAML re-typing it."""
        printed = go_print(value)
        after = reparsed(printed)
        if after is None and printed == "":
            self.warn(key, f"the chart writes the empty {what} unquoted, so it becomes null and is dropped; kept ''")
        elif not isinstance(after, str):
            kind = "boolean" if isinstance(after, bool) else "number"
            self.warn(
                key,
                f"the chart writes {what} {printed!r} unquoted, so YAML makes it the {kind} "
                f"{go_print(after)}, which Karpenter rejects; kept the string {printed!r}",
            )
        return printed

    def tag_value(self, key: str, value: Any) -> str:
        """Tag and selector values pass through toYaml with their YAML type; Karpenter wants strings."""
        if isinstance(value, str):
            return value
        printed = (
            go_print(value) if not isinstance(value, int | float) or isinstance(value, bool) else number_text(value)
        )
        self.warn(key, f"{value!r} is not a string; Karpenter rejects it; imported as the string {printed!r}")
        return printed

    def boolean(self, key: str, value: Any) -> bool:
        after = reparsed(go_print(value))
        if isinstance(after, bool):
            return after
        raise self.error(key, f"must be true or false, got {value!r}")

    def integer(self, key: str, value: Any, low: int, high: int) -> int:
        number = whole(value)
        if number is None or not low <= number <= high:
            raise self.error(key, f"must be a whole number from {low} to {high}, got {value!r}")
        return number

    def string_list(self, key: str, value: Any) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(key, f"must be a list, got {value!r}")
        return [go_print(item) for item in value]

    def mapping(self, key: str, value: Any) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(key, f"must be a mapping, got {value!r}")
        return value

    def items(self, key: str, value: Any, allowed: Iterable[str]) -> list[dict[str, Any]]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.error(key, f"must be a list of mappings, got {value!r}")
        allowed = set(allowed)
        for index, item in enumerate(value):
            for name in item:
                if name not in allowed:
                    raise self.error(f"{key}[{index}].{name}", "unknown key" + suggest(name, allowed))
        return value

    # --- user data references decide which free keys are legitimate

    def translation(self, source: Any, key: str) -> Translation | None:
        if source is None:
            return None
        if not isinstance(source, str):
            raise self.error(key, f"must be a string (a Helm template), got {type(source).__name__}")
        if source not in self.translations:
            try:
                self.translations[source] = translate(parse_template(source))
            except UserDataError as exc:
                self.translations[source] = None
                raise self.error(key, f"`{exc.construct}`: {exc.problem}") from None
        return self.translations[source]

    def referenced(self) -> tuple[set[str], set[str]]:
        """Top-level keys read as ``$.Values.x`` and group keys read as ``.value.x`` by any user data template."""
        globals_, per_group = set(), set()
        for source, translation in self.translations.items():
            if translation is None:
                # The template did not translate (an error says why): its keys are still read, not unknown.
                globals_.update(_VALUES_REF.findall(source))
                per_group.update(_GROUP_REF.findall(source))
                continue
            for ref in translation.refs:
                for path in template_fields(ref.expr):
                    if path[0] == "Values" and len(path) > 1:
                        globals_.add(path[1])
                    elif path[0] == "value" and len(path) > 1:
                        per_group.add(path[1])
        return globals_, per_group


def template_fields(expr: Expr) -> list[tuple[str, ...]]:
    if isinstance(expr, Field):
        return [expr.path]
    if isinstance(expr, Call):
        return [path for arg in expr.args for path in template_fields(arg)]
    return []


def number_text(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else go_print(value)
