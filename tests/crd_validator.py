"""Validate rendered manifests against the real Karpenter v1.14 CRDs, the way the API server would on create.

The CRDs are reference data outside this repository (`../shared/reference/karpenter-v1.14/crds`, or
`$KARPENTER_REFERENCE_DIR/crds`). They are read at test time and never copied in, so a CRD upgrade is a change of
reference data, not of this file.

What the API server does on create, and what this module mirrors, in order:
1. structural defaults (`default:`) are applied to a copy of the object;
2. the structural OpenAPI schema is checked with strict field validation: unknown fields are errors, as with
   `kubectl apply --validate=strict` (kubectl's default since 1.25), instead of being silently pruned;
3. every `x-kubernetes-validations` CEL rule runs at the schema node that declares it, once per value found there.
   Transition rules (those reading `oldSelf`) only run on update and are skipped.
ObjectMeta is not described by the CRDs (`metadata: {type: object}`), so the API server's own checks on it are
re-implemented here, plus one that Karpenter imposes implicitly: the object's name is copied into a node label value.
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import celpy
import re2  # type: ignore[import-untyped]  # google-re2 comes with cel-python and ships no type information
import yaml
from celpy import celtypes
from celpy.adapter import json_to_cel
from celpy.celparser import CELParseError
from celpy.evaluation import CELEvalError, CELFunction, CELUnsupportedError, Result, base_functions

#: Environment variable naming another copy of the reference folder (the one that holds `crds/`).
REFERENCE_DIR_ENV: Final = "KARPENTER_REFERENCE_DIR"

# Kubernetes' identifier rules (k8s.io/apimachinery/pkg/util/validation).
_DNS1123_SUBDOMAIN: Final = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_LABEL_VALUE: Final = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
_QUALIFIED_NAME: Final = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_RFC3339: Final = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
# The JSON fields of metav1.ObjectMeta; anything else in `metadata` is an unknown field under strict validation.
_OBJECT_META_FIELDS: Final = frozenset(
    {
        "name",
        "generateName",
        "namespace",
        "selfLink",
        "uid",
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "labels",
        "annotations",
        "ownerReferences",
        "finalizers",
        "managedFields",
    }
)
# Karpenter stamps the names of these objects onto every node it launches as a label *value*, so a name must be a
# valid label value (<= 63 characters) although the API server itself accepts a 253-character subdomain.
_NAME_LABELS: Final = {
    ("karpenter.sh", "NodePool"): "karpenter.sh/nodepool",
    ("karpenter.k8s.aws", "EC2NodeClass"): "karpenter.k8s.aws/ec2nodeclass",
}
_INT_RANGES: Final = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_NO_DEFAULT: Final = object()


def reference_dir() -> Path:
    """The Karpenter v1.14 reference folder: `../shared/reference/karpenter-v1.14` unless the env var says otherwise."""
    override = os.environ.get(REFERENCE_DIR_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "karpenter-v1.14"


# --- CEL --------------------------------------------------------------------------------------------------------------
# cel-python implements core CEL. Kubernetes adds cel-go's `strings` extension and Go-flavoured conversions; the
# functions below fill the gaps that the Karpenter rules use, with cel-go semantics.

_GO_BASE10_INT: Final = re.compile(r"[+-]?[0-9]+")


def _cel_find(text: celtypes.StringType, pattern: celtypes.StringType) -> Result:
    """`string.find(regex)`: the first match or '' (Kubernetes' regex library), using RE2 like the API server."""
    match = re2.search(pattern, text)
    return celtypes.StringType(match.group(0) if match else "")


def _cel_split(text: celtypes.StringType, separator: celtypes.StringType, limit: int | None = None) -> Result:
    """`string.split(sep[, n])` from cel-go's strings extension, which is Go's strings.SplitN."""
    if limit == 0:
        return celtypes.ListType([])
    if separator:
        parts = text.split(separator) if limit is None or limit < 0 else text.split(separator, int(limit) - 1)
    else:
        parts = list(text)  # Go splits after each UTF-8 sequence; Python's split('') raises.
        if limit is not None and 0 < limit < len(parts):
            parts = [*parts[: limit - 1], "".join(parts[limit - 1 :])]
    return celtypes.ListType([celtypes.StringType(part) for part in parts])


def _cel_int(value: Result) -> Result:
    """`int()` parsing strings like cel-go does (strconv.ParseInt, base 10, int64).

    cel-python's own `int('0x10')` is 16 and `int(' 7 ')` is 7, so a `Gt` requirement with such a value would pass
    here and be rejected by the API server.
    """
    if isinstance(value, celtypes.StringType):
        low, high = _INT_RANGES["int64"]
        if not _GO_BASE10_INT.fullmatch(value) or not low <= int(value) <= high:
            return CELEvalError(f"cannot convert {str(value)!r} to int")
        return celtypes.IntType(int(value))
    return celtypes.IntType(value)


_CEL_FUNCTIONS: Final[dict[str, CELFunction]] = {"find": _cel_find, "split": _cel_split, "int": _cel_int}
# Macros are expanded by cel-python's evaluator itself, never looked up as functions.
_CEL_MACROS: Final = frozenset({"has", "all", "exists", "exists_one", "filter", "map", "dyn"})
_CEL_KNOWN: Final = _CEL_MACROS | set(base_functions) | set(_CEL_FUNCTIONS)


@dataclass(frozen=True, slots=True)
class CELRule:
    """One `x-kubernetes-validations` entry, compiled once when the CRDs are loaded."""

    crd: str
    path: str
    rule: str
    message: str
    program: celpy.Runner
    #: Reads `oldSelf`, so the API server evaluates it only on update; skipped when validating a create.
    transition: bool
    #: The fields of `self` the rule reads, when it reads `self` only as `self.<field>`. The object is projected onto
    #: them before evaluation, so manifests that differ elsewhere share one memoised result.
    fields: frozenset[str] | None
    #: (variable, body) when the rule is `self.all(variable, body)` and the body never mentions `self`: the rule is
    #: then evaluated element by element, so a list differing in one item costs one evaluation, not the whole list.
    each: tuple[str, celpy.Runner] | None


_Tree = celpy.Expression[Any]


def _unwrap(node: _Tree) -> _Tree:
    """Skip the single-child levels (expr, conditionalor, ..., member, primary) that cel-python's grammar adds."""
    while len(node.children) == 1 and isinstance(node.children[0], celpy.Expression):
        node = node.children[0]
    return node


def _is_ident(node: Any, name: str) -> bool:
    if not isinstance(node, celpy.Expression):
        return False
    node = _unwrap(node)
    return node.data == "ident" and str(node.children[0]) == name


def _mentions(ast: _Tree, name: str) -> int:
    return sum(1 for node in ast.iter_subtrees() if node.data == "ident" and str(node.children[0]) == name)


def _called_functions(ast: _Tree) -> set[str]:
    names: set[str] = set()
    for node in ast.iter_subtrees():
        if node.data == "member_dot_arg":  # receiver.method(args)
            names.add(str(node.children[1]))
        elif node.data == "ident_arg":  # function(args)
            names.add(str(node.children[0]))
    return names


def _self_fields(ast: _Tree) -> frozenset[str] | None:
    selected = [
        node for node in ast.iter_subtrees() if node.data == "member_dot" and _is_ident(node.children[0], "self")
    ]
    if not selected or len(selected) != _mentions(ast, "self"):
        return None  # `self` is also used whole (size(self), self.all(...), self[k]): no projection.
    return frozenset(str(node.children[1]) for node in selected)


def _all_body(ast: _Tree) -> tuple[str, _Tree] | None:
    call = _unwrap(ast)
    if call.data != "member_dot_arg" or len(call.children) != 3 or str(call.children[1]) != "all":
        return None
    receiver, _, arguments = call.children
    if not _is_ident(receiver, "self") or len(arguments.children) != 2:
        return None
    variable, body = arguments.children
    name = str(_unwrap(variable).children[0])
    if not _is_ident(variable, name) or name == "self" or _mentions(body, "self"):
        return None
    return name, body


def _compile_rule(environment: celpy.Environment, crd: str, path: str, entry: Mapping[str, Any]) -> CELRule:
    """Parse a rule and refuse functions that neither cel-python nor this module provides.

    cel-python resolves function names only while evaluating; checking them here turns a rule that needs a missing
    Kubernetes extension into a load-time failure instead of a spurious rejection of some manifest.
    """
    text = entry["rule"]
    try:
        ast = environment.compile(text)
    except CELParseError as exc:
        raise ValueError(f"{crd} {path}: CEL rule does not compile: {text!r}: {exc}") from exc
    unknown = _called_functions(ast) - _CEL_KNOWN
    if unknown:
        raise ValueError(f"{crd} {path}: CEL rule {text!r} calls functions this validator lacks: {sorted(unknown)}")
    body = _all_body(ast)
    return CELRule(
        crd=crd,
        path=path or "<root>",
        rule=text,
        # Kubernetes' ruleMessageOrDefault.
        message=entry.get("message", "").strip() or f"failed rule: {text.strip()}",
        program=environment.program(ast, functions=_CEL_FUNCTIONS),
        transition=_mentions(ast, "oldSelf") > 0,
        fields=_self_fields(ast),
        each=(body[0], environment.program(body[1], functions=_CEL_FUNCTIONS)) if body else None,
    )


def _describe(error: Exception) -> str:
    """cel-python errors carry (message, exception class, exception args); keep the two human-readable parts."""
    message, *rest = error.args or (type(error).__name__,)
    cause = rest[1] if len(rest) > 1 else None
    if isinstance(cause, tuple) and cause:
        return f"{message}: {cause[0]}"
    return str(message)


# --- schema -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Schema:
    """One node of a structural schema, with everything validation reads looked up once."""

    type: str | None
    nullable: bool
    int_or_string: bool
    allow_unknown: bool
    enum: tuple[Any, ...] | None
    pattern: str | None
    format: str | None
    min_length: int | None
    max_length: int | None
    min_items: int | None
    max_items: int | None
    min_properties: int | None
    max_properties: int | None
    minimum: float | None
    maximum: float | None
    exclusive_minimum: bool
    exclusive_maximum: bool
    required: tuple[str, ...]
    properties: dict[str, _Schema]
    additional: _Schema | None
    items: _Schema | None
    any_of: tuple[_Schema, ...]
    all_of: tuple[_Schema, ...]
    one_of: tuple[_Schema, ...]
    not_: _Schema | None
    list_type: str | None
    list_map_keys: tuple[str, ...]
    default: Any
    rules: tuple[CELRule, ...]

    @property
    def is_object(self) -> bool:
        return self.type == "object" or bool(self.properties) or self.additional is not None


def _build(
    raw: Mapping[str, Any], path: str, compile_rule: Callable[[str, Mapping[str, Any]], CELRule], sink: list[CELRule]
) -> _Schema:
    def child(sub: Mapping[str, Any], sub_path: str) -> _Schema:
        return _build(sub, sub_path, compile_rule, sink)

    rules = tuple(compile_rule(path, entry) for entry in raw.get("x-kubernetes-validations", ()))
    sink.extend(rules)
    additional = raw.get("additionalProperties")
    return _Schema(
        type=raw.get("type"),
        nullable=bool(raw.get("nullable", False)),
        int_or_string=bool(raw.get("x-kubernetes-int-or-string", False)),
        # Kubernetes keeps only declared fields of an object (properties or not) unless it preserves unknown ones.
        allow_unknown=bool(raw.get("x-kubernetes-preserve-unknown-fields", False)) or additional is True,
        enum=tuple(raw["enum"]) if "enum" in raw else None,
        pattern=raw.get("pattern"),
        format=raw.get("format"),
        min_length=raw.get("minLength"),
        max_length=raw.get("maxLength"),
        min_items=raw.get("minItems"),
        max_items=raw.get("maxItems"),
        min_properties=raw.get("minProperties"),
        max_properties=raw.get("maxProperties"),
        minimum=raw.get("minimum"),
        maximum=raw.get("maximum"),
        exclusive_minimum=bool(raw.get("exclusiveMinimum", False)),
        exclusive_maximum=bool(raw.get("exclusiveMaximum", False)),
        required=tuple(raw.get("required", ())),
        properties={name: child(sub, _join(path, name)) for name, sub in raw.get("properties", {}).items()},
        additional=child(additional, f"{path}[*]") if isinstance(additional, Mapping) else None,
        items=child(raw["items"], f"{path}[*]") if "items" in raw else None,
        any_of=tuple(child(sub, path) for sub in raw.get("anyOf", ())),
        all_of=tuple(child(sub, path) for sub in raw.get("allOf", ())),
        one_of=tuple(child(sub, path) for sub in raw.get("oneOf", ())),
        not_=child(raw["not"], path) if "not" in raw else None,
        list_type=raw.get("x-kubernetes-list-type"),
        list_map_keys=tuple(raw.get("x-kubernetes-list-map-keys", ())),
        default=raw.get("default", _NO_DEFAULT),
        rules=rules,
    )


@functools.lru_cache(maxsize=1 << 16)
def _pattern_matches(pattern: str, text: str) -> bool:
    """OpenAPI `pattern`: an unanchored RE2 search as in Go; memoised because keys and values repeat a lot.

    RE2 rather than `re`: Python's `$` also matches before a trailing newline, and its `\\d` matches any Unicode digit.
    """
    return re2.search(pattern, text) is not None


def _type_matches(type_: str, value: Any) -> bool:
    if type_ == "object":
        return isinstance(value, dict)
    if type_ == "array":
        return isinstance(value, list)
    if type_ == "string":
        return isinstance(value, str)
    if type_ == "boolean":
        return isinstance(value, bool)
    if type_ == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_ == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return False


def _json_type(value: Any) -> str:
    for name in ("boolean", "integer", "number", "string", "array", "object"):
        if _type_matches(name, value):
            return name
    return "null" if value is None else type(value).__name__


def _show(value: Any) -> str:
    text = json.dumps(value) if value is None or isinstance(value, str | int | float) else _json_type(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _is_date_time(value: str) -> bool:
    if not _RFC3339.fullmatch(value):
        return False
    try:
        datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _plain(value: Any, path: str, errors: list[str]) -> Any:
    """A deep copy made of JSON types only; anything else could not reach the API server as it is."""
    if isinstance(value, Mapping):
        copied: dict[str, Any] = {}
        for key, item in value.items():
            if isinstance(key, str):
                copied[key] = _plain(item, _join(path, key), errors)
            else:
                errors.append(f"{path or '<root>'}: map key {key!r} is a {type(key).__name__}, not a string")
        return copied
    if isinstance(value, list | tuple):
        return [_plain(item, f"{path}[{index}]", errors) for index, item in enumerate(value)]
    if value is None or type(value) in (str, int, float, bool):
        return value
    errors.append(f"{path}: {type(value).__name__} {value!r} is not a JSON value; render plain str/int/float/bool")
    return None


def _string_map_errors(value: Any, path: str, *, label_values: bool) -> Iterator[str]:
    """Label and annotation maps: qualified-name keys, string values, and label-value syntax for labels."""
    if value is None:
        return
    if not isinstance(value, dict):
        yield f"{path}: Invalid value: must be a map of strings, got {_json_type(value)}"
        return
    for key, item in value.items():
        prefix, slash, name = key.rpartition("/")
        if (
            not _QUALIFIED_NAME.fullmatch(name)
            or len(name) > 63
            or (slash and (len(prefix) > 253 or not _DNS1123_SUBDOMAIN.fullmatch(prefix)))
        ):
            yield f"{path}[{key}]: Invalid value: {key!r}: must be a qualified name ([DNS subdomain/]name of <= 63)"
        if not isinstance(item, str):
            yield f"{path}[{key}]: Invalid value: must be a string, got {_json_type(item)}"
        elif label_values and (len(item) > 63 or not _LABEL_VALUE.fullmatch(item)):
            yield f"{path}[{key}]: Invalid value: {item!r}: must be a valid label value of <= 63 characters"


@dataclass(slots=True)
class _Findings:
    """What one walk over a manifest collects."""

    errors: list[str] = field(default_factory=list)
    #: (rule, value, path) to evaluate after the walk, when every default is in place.
    rules: list[tuple[CELRule, Any, str]] = field(default_factory=list)
    #: A wrong type, unsupported enum value, missing required field, or too long/many: the API server then runs no
    #: CEL at all (hasBlockingErr in apiextensions-apiserver), as the rules assume the schema's shape.
    blocking: bool = False

    def block(self, error: str) -> None:
        self.errors.append(error)
        self.blocking = True


@dataclass(frozen=True, slots=True)
class _Version:
    crd: str
    group: str
    kind: str
    schema: _Schema


class CRDValidator:
    """Checks manifests against every CRD in a `crds/` folder (the Karpenter v1.14 reference one by default).

    `fast=False` evaluates every CEL rule from scratch on the whole value, without the memo and the per-field and
    per-element shortcuts: far slower, and kept as the reference those shortcuts are tested against.
    """

    def __init__(self, crd_dir: Path | None = None, *, fast: bool = True) -> None:
        self.crd_dir = crd_dir or reference_dir() / "crds"
        self.fast = fast
        files = sorted(self.crd_dir.glob("*.yaml"))
        if not files:
            raise FileNotFoundError(
                f"no CRDs in {self.crd_dir}: check the shared reference folder out beside this repository, "
                f"or point ${REFERENCE_DIR_ENV} at a copy of karpenter-v1.14"
            )
        self._environment = celpy.Environment()
        #: Every rule of every served version, transition rules included (they are compiled too, then skipped).
        self.rules: list[CELRule] = []
        self._versions: dict[tuple[str, str], _Version] = {}
        # Results keyed by (rule text, canonical JSON of the value). A creation rule is a pure function of `self`,
        # and cel-python's tree-walking interpreter takes 0.2-3 ms per evaluation, so a value seen before (the same
        # requirement in every NodePool) is not evaluated again. None: holds; "": false; else the CEL error.
        self._outcomes: dict[tuple[str, str], str | None] = {}
        for file in files:
            for document in yaml.safe_load_all(file.read_text()):
                if document and document.get("kind") == "CustomResourceDefinition":
                    self._load(document)

    def _load(self, crd: Mapping[str, Any]) -> None:
        name, spec = crd["metadata"]["name"], crd["spec"]
        group, kind = spec["group"], spec["names"]["kind"]

        def compile_rule(path: str, entry: Mapping[str, Any]) -> CELRule:
            return _compile_rule(self._environment, name, path, entry)

        for version in spec["versions"]:
            if version.get("served", True):
                schema = _build(version["schema"]["openAPIV3Schema"], "", compile_rule, self.rules)
                self._versions[(f"{group}/{version['name']}", kind)] = _Version(name, group, kind, schema)

    @property
    def kinds(self) -> list[tuple[str, str]]:
        """(apiVersion, kind) pairs this validator knows, e.g. ('karpenter.sh/v1', 'NodePool')."""
        return sorted(self._versions)

    @property
    def skipped_rules(self) -> list[CELRule]:
        """Transition rules, which never run on create."""
        return [rule for rule in self.rules if rule.transition]

    def covers(self, manifest: Mapping[str, Any]) -> bool:
        """Whether a CRD describes this manifest, so callers can skip Namespaces, ConfigMaps and the like."""
        return (manifest.get("apiVersion"), manifest.get("kind")) in self._versions

    def errors(self, manifest: Mapping[str, Any]) -> list[str]:
        """Every reason the API server would refuse to create this manifest, as `path: message`; empty if valid."""
        if not isinstance(manifest, Mapping):
            return [f"<root>: manifest is a {type(manifest).__name__}, not a mapping"]
        api_version, kind = str(manifest.get("apiVersion")), str(manifest.get("kind"))
        version = self._versions.get((api_version, kind))
        if version is None:
            known = ", ".join(f"{api} {known_kind}" for api, known_kind in self.kinds)
            return [f"apiVersion/kind: no CRD in {self.crd_dir} serves {api_version} {kind} (known: {known})"]
        found = _Findings()
        obj = _plain(manifest, "", found.errors)  # a private copy: defaults are written into it
        found.errors.extend(_metadata_errors(version, obj.get("metadata")))
        self._walk(version.schema, obj, "", found, root=True)
        if found.blocking:
            if found.rules:
                found.errors.append(
                    "<root>: some validation rules were not checked because the object was invalid; "
                    "correct the existing errors to complete validation"
                )
            return found.errors
        for rule, value, path in found.rules:
            failure = self._evaluate(rule, value)
            if failure is not None:
                found.errors.append(f"{path or '<root>'}: {failure}")
        return found.errors

    def check(self, manifest: Mapping[str, Any]) -> None:
        """Raise AssertionError listing every error, so a failing test shows all of them at once."""
        errors = self.errors(manifest)
        if errors:
            metadata = manifest.get("metadata")
            name = metadata.get("name") if isinstance(metadata, Mapping) else None
            lines = "\n  ".join(errors)
            raise AssertionError(f"{manifest.get('kind')} {name!r} is rejected by the Karpenter CRDs:\n  {lines}")

    # --- schema walk --------------------------------------------------------------------------------------------------

    def _walk(self, node: _Schema, value: Any, path: str, found: _Findings, *, root: bool = False) -> None:
        """Default `value` in place (it is a private copy), check it, and queue its CEL rules; children first."""
        if not _check_value(node, value, path, found):
            return
        if isinstance(value, dict) and node.is_object:
            self._walk_object(node, value, path, found, root=root)
        elif isinstance(value, list) and node.items is not None:
            for index, item in enumerate(value):
                self._walk(node.items, item, f"{path}[{index}]", found)
        found.rules.extend((rule, value, path) for rule in node.rules if not rule.transition)

    def _walk_object(self, node: _Schema, value: dict[str, Any], path: str, found: _Findings, *, root: bool) -> None:
        for name, prop in node.properties.items():
            if name not in value and prop.default is not _NO_DEFAULT:
                value[name] = copy.deepcopy(prop.default)
        for name in node.required:
            if name not in value:
                found.block(f"{_join(path, name)}: Required value")
        for name, item in value.items():
            if root and name == "metadata":
                continue  # ObjectMeta: checked by _metadata_errors, the CRD only says `type: object`.
            sub = node.properties.get(name)
            if sub is not None:
                self._walk(sub, item, _join(path, name), found)
            elif node.additional is not None:
                self._walk(node.additional, item, f"{path}[{name}]", found)
            elif not node.allow_unknown:
                found.errors.append(f"{path or '<root>'}: unknown field {name!r}")

    # --- CEL ----------------------------------------------------------------------------------------------------------

    def _evaluate(self, rule: CELRule, value: Any) -> str | None:
        """None when the rule holds, else the message the API server would give."""
        if not self.fast:
            outcome = _run(rule.program, "self", value)
        elif rule.each is not None and isinstance(value, list | dict):
            # CEL's all(): false if any element is false, whatever errors others raise; else the first error.
            variable, body = rule.each
            outcomes = [self._memoised(f"{rule.rule}\0each", body, variable, element) for element in value]
            outcome = "" if "" in outcomes else next((each for each in outcomes if each), None)
        elif rule.fields is not None and isinstance(value, dict):
            projected = {name: value[name] for name in rule.fields if name in value}
            outcome = self._memoised(rule.rule, rule.program, "self", projected)
        else:
            outcome = self._memoised(rule.rule, rule.program, "self", value)
        if outcome is None:
            return None
        # The API server reports an evaluation error (e.g. "no such key", a bad int()) followed by the rule's message.
        return f"{outcome} evaluating rule: {rule.message}" if outcome else rule.message

    def _memoised(self, key: str, program: celpy.Runner, variable: str, value: Any) -> str | None:
        cache_key = (key, _canonical(value))
        if cache_key not in self._outcomes:
            self._outcomes[cache_key] = _run(program, variable, value)
        return self._outcomes[cache_key]


def _run(program: celpy.Runner, variable: str, value: Any) -> str | None:
    """None when the program yields true, "" when false, else the evaluation error."""
    try:
        result = program.evaluate({variable: json_to_cel(value)})
    except (CELEvalError, CELUnsupportedError) as exc:
        return _describe(exc)
    if not isinstance(result, celtypes.BoolType):
        return f"rule returned {type(result).__name__}, not bool"
    return None if result else ""


# --- value checks -----------------------------------------------------------------------------------------------------


def _check_value(node: _Schema, value: Any, path: str, found: _Findings) -> bool:
    """The node's type and value constraints; False when the type is wrong, so nothing below it is checked."""
    where = path or "<root>"
    if value is None:
        if not node.nullable:
            found.block(f"{where}: Invalid value: null: must be of type {node.type or 'integer or string'}")
        return False
    if node.int_or_string:
        if not (_type_matches("integer", value) or _type_matches("string", value)):
            found.block(f"{where}: Invalid value: {_show(value)}: must be an integer or a string")
            return False
    elif node.type and not _type_matches(node.type, value):
        found.block(f"{where}: Invalid value: {_show(value)}: must be of type {node.type}")
        return False
    if node.enum is not None and not any(value == opt and type(value) is type(opt) for opt in node.enum):
        options = ", ".join(json.dumps(option) for option in node.enum)
        found.block(f"{where}: Unsupported value: {_show(value)}: supported values: {options}")
    if isinstance(value, str):
        _check_string(node, value, where, found)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        _check_number(node, value, where, found)
    elif isinstance(value, list):
        _check_array(node, value, where, found)
    elif isinstance(value, dict):
        if node.max_properties is not None and len(value) > node.max_properties:
            found.block(f"{where}: Too many: {len(value)}: must have at most {node.max_properties} items")
        if node.min_properties is not None and len(value) < node.min_properties:
            found.errors.append(f"{where}: Too few: {len(value)}: must have at least {node.min_properties} items")
    _check_junctors(node, value, where, found)
    return True


def _check_string(node: _Schema, value: str, where: str, found: _Findings) -> None:
    if node.max_length is not None and len(value) > node.max_length:
        found.block(f"{where}: Too long: may not be more than {node.max_length} characters")
    if node.min_length is not None and len(value) < node.min_length:
        found.errors.append(f"{where}: Invalid value: {_show(value)}: should be at least {node.min_length} chars long")
    if node.pattern is not None and not _pattern_matches(node.pattern, value):
        found.errors.append(f"{where}: Invalid value: {_show(value)}: should match '{node.pattern}'")
    if node.format == "date-time" and not _is_date_time(value):
        found.errors.append(f"{where}: Invalid value: {_show(value)}: must be an RFC 3339 date-time")


def _check_number(node: _Schema, value: float, where: str, found: _Findings) -> None:
    if node.minimum is not None and (value < node.minimum or (node.exclusive_minimum and value == node.minimum)):
        relation = "greater than" if node.exclusive_minimum else "greater than or equal to"
        found.errors.append(f"{where}: Invalid value: {value}: should be {relation} {node.minimum}")
    if node.maximum is not None and (value > node.maximum or (node.exclusive_maximum and value == node.maximum)):
        relation = "less than" if node.exclusive_maximum else "less than or equal to"
        found.errors.append(f"{where}: Invalid value: {value}: should be {relation} {node.maximum}")
    low, high = _INT_RANGES["int64"]
    if isinstance(value, int) and not low <= value <= high:
        # The API server cannot even decode an integer past int64: nothing else about the object is checked.
        found.block(f"{where}: Invalid value: {value}: out of range for int64")
        return
    bounds = _INT_RANGES.get(node.format or "")
    if bounds and isinstance(value, int) and not bounds[0] <= value <= bounds[1]:
        found.errors.append(f"{where}: Invalid value: {value}: out of range for format {node.format}")


def _check_array(node: _Schema, value: list[Any], where: str, found: _Findings) -> None:
    if node.max_items is not None and len(value) > node.max_items:
        found.block(f"{where}: Too many: {len(value)}: must have at most {node.max_items} items")
    if node.min_items is not None and len(value) < node.min_items:
        found.errors.append(f"{where}: Invalid value: {len(value)}: should have at least {node.min_items} items")
    if node.list_type == "set":
        keys = [_canonical(item) for item in value]
    elif node.list_type == "map" and node.list_map_keys:
        keys = [
            _canonical([item.get(key) for key in node.list_map_keys] if isinstance(item, dict) else item)
            for item in value
        ]
    else:
        return
    seen: set[str] = set()
    for index, key in enumerate(keys):
        if key in seen:
            found.errors.append(f"{where}[{index}]: Duplicate value: {key}")
        seen.add(key)


def _check_junctors(node: _Schema, value: Any, where: str, found: _Findings) -> None:
    """anyOf/allOf/oneOf/not hold value validations only: structural schemas forbid types and defaults there."""

    def failures(branch: _Schema) -> list[str]:
        scratch = _Findings()
        _check_value(branch, value, where, scratch)
        if isinstance(value, dict):
            for name, sub in branch.properties.items():
                if name in value:
                    _check_value(sub, value[name], _join(where, name), scratch)
        return scratch.errors

    if node.any_of:
        results = [failures(branch) for branch in node.any_of]
        if all(results):
            detail = "; ".join(error.split(": ", 1)[1] for result in results for error in result)
            found.errors.append(f"{where}: Invalid value: {_show(value)}: must match one of anyOf ({detail})")
    for branch in node.all_of:
        found.errors.extend(failures(branch))
    if node.one_of and sum(not failures(branch) for branch in node.one_of) != 1:
        found.errors.append(f"{where}: Invalid value: {_show(value)}: must match exactly one of oneOf")
    if node.not_ is not None and not failures(node.not_):
        found.errors.append(f"{where}: Invalid value: {_show(value)}: must not match the 'not' schema")


# --- ObjectMeta -------------------------------------------------------------------------------------------------------


def _metadata_errors(version: _Version, metadata: Any) -> list[str]:
    if not isinstance(metadata, dict):
        return [f"metadata: Required value: must be an object with a name, got {_json_type(metadata)}"]
    errors = [f"metadata: unknown field {name!r}" for name in sorted(set(metadata) - _OBJECT_META_FIELDS)]
    name = metadata.get("name")
    if not isinstance(name, str) or not name:
        errors.append("metadata.name: Required value: must be a non-empty string")
    else:
        if len(name) > 253 or not _DNS1123_SUBDOMAIN.fullmatch(name):
            errors.append(
                f"metadata.name: Invalid value: {name!r}: must be a lowercase RFC 1123 subdomain (lower case "
                "alphanumerics, '-' or '.', starting and ending with an alphanumeric, at most 253 characters)"
            )
        label = _NAME_LABELS.get((version.group, version.kind))
        if label and (len(name) > 63 or not _LABEL_VALUE.fullmatch(name)):
            errors.append(
                f"metadata.name: Invalid value: {name!r} ({len(name)} characters): Karpenter copies the "
                f"{version.kind} name into the node label {label}, so it must be a valid label value of at most "
                "63 characters"
            )
    errors.extend(_string_map_errors(metadata.get("labels"), "metadata.labels", label_values=True))
    errors.extend(_string_map_errors(metadata.get("annotations"), "metadata.annotations", label_values=False))
    return errors


@functools.cache
def crd_validator() -> CRDValidator:
    """The validator for the reference CRDs, loaded and compiled once per test process."""
    return CRDValidator()
