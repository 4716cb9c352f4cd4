"""The mirror still says what the Karpenter v1.14 CRDs say.

The CRD files are read at test time, never copied into the repository. Each check fails on a one-character drift
in either direction: an enum member renamed here, a pattern tightened upstream, a label added to an allow-list, a
field or CEL rule added to the CRD without a counterpart in the models.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
import yaml

from karpenter_infra.karpenter import patterns
from karpenter_infra.karpenter.ec2nodeclass import EC2NodeClass, EC2NodeClassRule
from karpenter_infra.karpenter.nodepool import NodePool, NodePoolRule
from karpenter_infra.karpenter.patterns import (
    AmiAliasFamily,
    AmiFamily,
    ConsolidationPolicy,
    CrdModel,
    DisruptionReason,
    HttpTokens,
    InstanceMatchCriteria,
    InstanceStorePolicy,
    NetworkInterfaceType,
    Operator,
    TaintEffect,
    Toggle,
    VolumeType,
    go_regex,
)

Schema = dict[str, Any]

NODEPOOLS = "karpenter.sh_nodepools.yaml"
EC2NODECLASSES = "karpenter.k8s.aws_ec2nodeclasses.yaml"


def reference_dir() -> Path:
    override = os.environ.get("KARPENTER_REFERENCE_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "karpenter-v1.14"


@functools.cache
def crd_schema(file: str) -> Schema:
    crd = yaml.safe_load((reference_dir() / "crds" / file).read_text())
    (version,) = (v for v in crd["spec"]["versions"] if v["name"] == "v1")
    schema: Schema = version["schema"]["openAPIV3Schema"]
    return schema


def node(file: str, path: str) -> Schema:
    """``spec.template.spec.requirements[].key``: ``[]`` steps into items, ``{}`` into additionalProperties."""
    current = crd_schema(file)
    for part in path.split("."):
        name = part.removesuffix("[]").removesuffix("{}")
        current = current["properties"][name]
        for suffix in re.findall(r"\[\]|\{\}", part):
            current = current["items"] if suffix == "[]" else current["additionalProperties"]
    return current


def walk(schema: Schema, path: str = "") -> Iterator[tuple[str, Schema]]:
    yield path, schema
    for name, sub in schema.get("properties", {}).items():
        yield from walk(sub, f"{path}.{name}" if path else name)
    if "items" in schema:
        yield from walk(schema["items"], f"{path}[]")
    if isinstance(schema.get("additionalProperties"), dict):
        yield from walk(schema["additionalProperties"], f"{path}{{}}")


def spec_nodes(file: str) -> Iterator[tuple[str, Schema]]:
    return walk(crd_schema(file)["properties"]["spec"], "spec")


def rules(file: str) -> list[dict[str, str]]:
    return [rule for _, schema in spec_nodes(file) for rule in schema.get("x-kubernetes-validations", [])]


def rule_text(file: str, message: str) -> str:
    (text,) = {rule["rule"] for rule in rules(file) if rule["message"] == message}
    return text


# --- enums ----------------------------------------------------------------------------------------------------------

ENUMS: list[tuple[str, str, type[StrEnum]]] = [
    (NODEPOOLS, "spec.disruption.consolidationPolicy", ConsolidationPolicy),
    (NODEPOOLS, "spec.disruption.budgets[].reasons[]", DisruptionReason),
    (NODEPOOLS, "spec.template.spec.requirements[].operator", Operator),
    (NODEPOOLS, "spec.template.spec.taints[].effect", TaintEffect),
    (NODEPOOLS, "spec.template.spec.startupTaints[].effect", TaintEffect),
    (EC2NODECLASSES, "spec.amiFamily", AmiFamily),
    (EC2NODECLASSES, "spec.blockDeviceMappings[].ebs.volumeType", VolumeType),
    (EC2NODECLASSES, "spec.capacityReservationSelectorTerms[].instanceMatchCriteria", InstanceMatchCriteria),
    (EC2NODECLASSES, "spec.cpuOptions.nestedVirtualization", Toggle),
    (EC2NODECLASSES, "spec.instanceStorePolicy", InstanceStorePolicy),
    (EC2NODECLASSES, "spec.metadataOptions.httpEndpoint", Toggle),
    (EC2NODECLASSES, "spec.metadataOptions.httpProtocolIPv6", Toggle),
    (EC2NODECLASSES, "spec.metadataOptions.httpTokens", HttpTokens),
    (EC2NODECLASSES, "spec.networkInterfaces[].interfaceType", NetworkInterfaceType),
]


@pytest.mark.parametrize(("file", "path", "enum"), ENUMS, ids=[f"{path}" for _, path, _ in ENUMS])
def test_enum_equals_crd(file: str, path: str, enum: type[StrEnum]) -> None:
    assert [member.value for member in enum] == node(file, path)["enum"]


@pytest.mark.parametrize("file", [NODEPOOLS, EC2NODECLASSES])
def test_every_crd_enum_has_a_mirror(file: str) -> None:
    crd_enums = {path for path, schema in spec_nodes(file) if "enum" in schema}
    assert crd_enums == {path for f, path, _ in ENUMS if f == file}


def test_alias_families_equal_the_cel_rules() -> None:
    family_rule = rule_text(EC2NODECLASSES, EC2NodeClassRule.ALIAS_FAMILY)
    windows_rule = rule_text(EC2NODECLASSES, EC2NodeClassRule.ALIAS_WINDOWS_LATEST)
    assert re.findall(r"'([^']+)'", family_rule.split(" in ", 1)[1]) == [f.value for f in AmiAliasFamily]
    windows = re.findall(r"'([^']+)'", windows_rule.split(" in ", 1)[1].split("]", 1)[0])
    assert windows == [f.value for f in AmiAliasFamily if f.is_windows]
    assert f"== '{patterns.AMI_ALIAS_LATEST}'" in windows_rule
    assert f"self.matches('{patterns.AMI_ALIAS_PATTERN}')" in rule_text(EC2NODECLASSES, EC2NodeClassRule.ALIAS_FORMAT)


def test_alias_families_map_to_the_ami_families_the_cel_rules_pair_them_with() -> None:
    pairs = {}
    for rule in crd_schema(EC2NODECLASSES)["properties"]["spec"]["x-kubernetes-validations"]:
        alias = re.search(r"x\.alias\.find\('\^\[\^@\]\+'\) == '([^']+)'", rule["rule"])
        if alias:
            (ami_family,) = set(re.findall(r"self\.amiFamily == '([^']+)'", rule["rule"])) - {AmiFamily.CUSTOM.value}
            pairs[alias.group(1)] = ami_family
    assert pairs == {family.value: family.ami_family.value for family in AmiAliasFamily}


# --- patterns -------------------------------------------------------------------------------------------------------

PATTERNS: list[tuple[str, str, str]] = [
    (NODEPOOLS, "spec.disruption.budgets[].duration", patterns.BUDGET_DURATION_PATTERN),
    (NODEPOOLS, "spec.disruption.budgets[].nodes", patterns.BUDGET_NODES_PATTERN),
    (NODEPOOLS, "spec.disruption.budgets[].schedule", patterns.BUDGET_SCHEDULE_PATTERN),
    (NODEPOOLS, "spec.disruption.consolidateAfter", patterns.DURATION_OR_NEVER_PATTERN),
    (NODEPOOLS, "spec.limits{}", patterns.QUANTITY_PATTERN),
    (NODEPOOLS, "spec.template.metadata.labels{}", patterns.LABEL_VALUE_PATTERN),
    (NODEPOOLS, "spec.template.spec.expireAfter", patterns.DURATION_OR_NEVER_PATTERN),
    (NODEPOOLS, "spec.template.spec.nodeClassRef.group", patterns.NODE_CLASS_GROUP_PATTERN),
    (NODEPOOLS, "spec.template.spec.requirements[].key", patterns.REQUIREMENT_KEY_PATTERN),
    (NODEPOOLS, "spec.template.spec.requirements[].values", patterns.LABEL_VALUE_PATTERN),
    (NODEPOOLS, "spec.template.spec.startupTaints[].key", patterns.TAINT_KEY_PATTERN),
    (NODEPOOLS, "spec.template.spec.startupTaints[].value", patterns.TAINT_VALUE_PATTERN),
    (NODEPOOLS, "spec.template.spec.taints[].key", patterns.TAINT_KEY_PATTERN),
    (NODEPOOLS, "spec.template.spec.taints[].value", patterns.TAINT_VALUE_PATTERN),
    (NODEPOOLS, "spec.template.spec.terminationGracePeriod", patterns.DURATION_PATTERN),
    (EC2NODECLASSES, "spec.amiSelectorTerms[].id", patterns.AMI_ID_PATTERN),
    (EC2NODECLASSES, "spec.blockDeviceMappings[].ebs.volumeSize", patterns.VOLUME_SIZE_PATTERN),
    (EC2NODECLASSES, "spec.capacityReservationSelectorTerms[].id", patterns.CAPACITY_RESERVATION_ID_PATTERN),
    (EC2NODECLASSES, "spec.capacityReservationSelectorTerms[].ownerID", patterns.CAPACITY_RESERVATION_OWNER_ID_PATTERN),
    (EC2NODECLASSES, "spec.kubelet.evictionHard{}", patterns.EVICTION_THRESHOLD_PATTERN),
    (EC2NODECLASSES, "spec.kubelet.evictionSoft{}", patterns.EVICTION_THRESHOLD_PATTERN),
    (EC2NODECLASSES, "spec.kubelet.kubeReserved{}", patterns.QUANTITY_PATTERN),
    (EC2NODECLASSES, "spec.kubelet.systemReserved{}", patterns.QUANTITY_PATTERN),
    (EC2NODECLASSES, "spec.placementGroupSelector.id", patterns.PLACEMENT_GROUP_ID_PATTERN),
    (EC2NODECLASSES, "spec.securityGroupSelectorTerms[].id", patterns.SECURITY_GROUP_ID_PATTERN),
    (EC2NODECLASSES, "spec.subnetSelectorTerms[].id", patterns.SUBNET_ID_PATTERN),
]


@pytest.mark.parametrize(("file", "path", "pattern"), PATTERNS, ids=[path for _, path, _ in PATTERNS])
def test_pattern_equals_crd(file: str, path: str, pattern: str) -> None:
    assert node(file, path)["pattern"] == pattern


@pytest.mark.parametrize("file", [NODEPOOLS, EC2NODECLASSES])
def test_every_crd_pattern_has_a_mirror(file: str) -> None:
    crd_patterns = {path for path, schema in spec_nodes(file) if "pattern" in schema}
    assert crd_patterns == {path for f, path, _ in PATTERNS if f == file}


def test_requirement_values_pattern_still_sits_on_the_array() -> None:
    """Why ``Requirement.values`` items are unconstrained: the CRD's pattern is on the array, where it is inert.

    If Karpenter moves it onto the items this fails, and the structural test below will demand the constraint.
    """
    values = node(NODEPOOLS, "spec.template.spec.requirements[].values")
    assert values["type"] == "array"
    assert values["maxLength"] == patterns.LABEL_VALUE_MAX_LENGTH
    assert values["items"] == {"type": "string"}


# --- allow-lists in CEL rule text -----------------------------------------------------------------------------------


def _quoted(text: str) -> list[str]:
    return re.findall(r"""["']([^"']*)["']""", text)


@pytest.mark.parametrize(
    "path", ["spec.template.spec.requirements[].key", "spec.template.metadata.labels"], ids=["requirements", "labels"]
)
def test_restricted_label_allow_lists_equal_the_cel_rules(path: str) -> None:
    by_message = {rule["message"]: rule["rule"] for rule in node(NODEPOOLS, path)["x-kubernetes-validations"]}
    for message, allowed, domain in [
        (NodePoolRule.KARPENTER_SH_DOMAIN, patterns.KARPENTER_SH_ALLOWED_LABELS, patterns.KARPENTER_SH_DOMAIN),
        (
            NodePoolRule.KARPENTER_K8S_AWS_DOMAIN,
            patterns.KARPENTER_K8S_AWS_ALLOWED_LABELS,
            patterns.KARPENTER_K8S_AWS_DOMAIN,
        ),
    ]:
        text = by_message[message]
        listed, rest = text.split("[", 1)[1].split("]", 1)
        assert set(_quoted(listed)) == allowed  # as sets: the labels rule lists one key twice
        assert f'.find("^([^/]+)").endsWith("{domain}")' in rest
    assert _quoted(by_message[NodePoolRule.NODEPOOL_LABEL]) == [patterns.NODEPOOL_LABEL]
    assert _quoted(by_message[NodePoolRule.HOSTNAME_LABEL]) == [patterns.HOSTNAME_LABEL]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("evictionHard", EC2NodeClassRule.EVICTION_HARD_KEYS),
        ("evictionSoft", EC2NodeClassRule.EVICTION_SOFT_KEYS),
        ("evictionSoftGracePeriod", EC2NodeClassRule.EVICTION_SOFT_GRACE_PERIOD_KEYS),
    ],
)
def test_eviction_signals_equal_the_cel_rules(field: str, message: str) -> None:
    (rule,) = node(EC2NODECLASSES, f"spec.kubelet.{field}")["x-kubernetes-validations"]
    assert rule["message"] == message
    assert tuple(_quoted(rule["rule"].split(" in ", 1)[1])) == patterns.EVICTION_SIGNALS


@pytest.mark.parametrize("field", ["kubeReserved", "systemReserved"])
def test_reserved_resources_equal_the_cel_rules(field: str) -> None:
    keys_rule = node(EC2NODECLASSES, f"spec.kubelet.{field}")["x-kubernetes-validations"][0]["rule"]
    assert tuple(_quoted(keys_rule)) == patterns.RESERVED_RESOURCES


def test_restricted_tags_equal_the_cel_rules() -> None:
    texts = [rule["rule"] for rule in node(EC2NODECLASSES, "spec.tags")["x-kubernetes-validations"]]
    exact = [key for text in texts if "startsWith" not in text for key in _quoted(text) if key]
    prefixes = [key for text in texts if "startsWith" in text for key in _quoted(text)]
    assert tuple(exact) == patterns.RESTRICTED_TAG_KEYS
    assert prefixes == [patterns.RESTRICTED_TAG_PREFIX]


# --- CEL messages ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("file", "mirror"), [(NODEPOOLS, NodePoolRule), (EC2NODECLASSES, EC2NodeClassRule)])
def test_every_creation_rule_has_a_mirror(file: str, mirror: type[StrEnum]) -> None:
    """Transition rules (``oldSelf``) need the stored object and are the apiserver's alone."""
    creation = {rule["message"] for rule in rules(file) if "oldSelf" not in rule["rule"]}
    assert creation == {member.value for member in mirror}


# --- every field, every bound ---------------------------------------------------------------------------------------

_FORMAT_BOUNDS = {
    "int32": (patterns.INT32_MIN, patterns.INT32_MAX),
    "int64": (patterns.INT64_MIN, patterns.INT64_MAX),
}


def _resolve(ours: Schema, defs: Schema) -> Schema:
    if "$ref" in ours:
        return {**defs[ours["$ref"].rsplit("/", 1)[1]], **{k: v for k, v in ours.items() if k != "$ref"}}
    return ours


def _mismatches(crd: Schema, ours: Schema, path: str, defs: Schema) -> Iterator[str]:
    ours = _resolve(ours, defs)
    if crd.get("x-kubernetes-int-or-string"):
        expected = [{"type": "integer"}, {"type": "string", "pattern": go_regex(crd["pattern"])}]
        if ours.get("anyOf") != expected:
            yield f"{path}: int-or-string should be {expected}, is {ours.get('anyOf')}"
        return
    if crd.get("type") != ours.get("type"):
        yield f"{path}: type {ours.get('type')!r}, CRD says {crd.get('type')!r}"
        return
    if crd.get("enum") != ours.get("enum"):
        yield f"{path}: enum {ours.get('enum')}, CRD says {crd.get('enum')}"
    keywords = {
        "string": ("minLength", "maxLength"),
        "array": ("minItems", "maxItems"),
        "object": ("minProperties", "maxProperties"),
    }.get(crd["type"], ())
    for keyword in keywords:
        if crd.get(keyword) != ours.get(keyword):
            yield f"{path}: {keyword} {ours.get(keyword)}, CRD says {crd.get(keyword)}"
    if crd["type"] == "string":
        expected_pattern = go_regex(crd["pattern"]) if "pattern" in crd else None
        if crd.get("format") == "date-time":
            expected_pattern = go_regex(patterns.DATE_TIME_PATTERN)
        if ours.get("pattern") != expected_pattern:
            yield f"{path}: pattern {ours.get('pattern')!r}, CRD says {expected_pattern!r}"
    if crd["type"] == "integer":
        low, high = _FORMAT_BOUNDS.get(crd.get("format", ""), (None, None))
        for keyword, bound in (("minimum", low), ("maximum", high)):
            limit = crd.get(keyword, bound)
            if ours.get(keyword) != limit:
                yield f"{path}: {keyword} {ours.get(keyword)}, CRD (or its format) says {limit}"
    if "items" in crd:
        yield from _mismatches(crd["items"], ours.get("items", {}), f"{path}[]", defs)
    if isinstance(crd.get("additionalProperties"), dict):
        yield from _mismatches(crd["additionalProperties"], ours.get("additionalProperties", {}), f"{path}{{}}", defs)
    if "properties" in crd:
        if set(crd["properties"]) != set(ours.get("properties", {})):
            yield f"{path}: fields {sorted(ours.get('properties', {}))}, CRD has {sorted(crd['properties'])}"
        # The apiserver defaults before it validates, so a required field with a default may be left out.
        required = {name for name in crd.get("required", []) if "default" not in crd["properties"][name]}
        if required != set(ours.get("required", [])):
            yield f"{path}: required {sorted(ours.get('required', []))}, CRD requires {sorted(required)}"
        for name, sub in crd["properties"].items():
            if name in ours.get("properties", {}):
                yield from _mismatches(sub, ours["properties"][name], f"{path}.{name}", defs)


@pytest.mark.parametrize(("file", "model"), [(NODEPOOLS, NodePool), (EC2NODECLASSES, EC2NodeClass)])
def test_models_mirror_every_field_and_constraint(file: str, model: type[CrdModel]) -> None:
    ours = model.model_json_schema(by_alias=True)
    defs = ours["$defs"]
    assert set(ours["properties"]) == {"apiVersion", "kind", "metadata", "spec"}
    assert list(_mismatches(crd_schema(file)["properties"]["spec"], ours["properties"]["spec"], "spec", defs)) == []


@pytest.mark.parametrize("model", [NodePool, EC2NodeClass])
def test_no_constraint_falls_back_to_python(model: type[CrdModel]) -> None:
    """A constraint pydantic cannot push into pydantic-core becomes a Python validator, 10x slower per value."""

    def python_constraints(schema: Any) -> Iterator[str]:
        if isinstance(schema, dict):
            function = schema.get("function")
            if isinstance(function, dict):
                target = getattr(function["function"], "func", function["function"])
                if getattr(target, "__module__", "").startswith("pydantic"):
                    yield str(getattr(target, "__name__", target))
            for key, value in schema.items():
                if key not in ("cls", "config"):
                    yield from python_constraints(value)
        elif isinstance(schema, list):
            for value in schema:
                yield from python_constraints(value)

    assert list(python_constraints(model.__pydantic_core_schema__)) == []


# --- Go regex semantics ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "translated"),
    [
        (r"^\d{1,2}%$", r"^[0-9]{1,2}%$"),
        (r"(.+)\s(.+)", r"(.+)[\t\n\f\r ](.+)"),
        (r"[\d.]+", r"[0-9.]+"),
        (r"\D\S\W", r"[^0-9][^\t\n\f\r ][^0-9A-Za-z_]"),
        (r"a\.b\/c\\d", r"a\.b\/c\\d"),
    ],
)
def test_go_regex_spells_out_ascii_classes(pattern: str, translated: str) -> None:
    assert go_regex(pattern) == translated


def test_go_regex_refuses_what_it_cannot_translate() -> None:
    with pytest.raises(ValueError, match="negated class"):
        go_regex(r"[\D]")
