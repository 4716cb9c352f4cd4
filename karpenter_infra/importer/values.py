"""Values files of the ``karpenter_nodes`` chart read the way Helm reads them.

Helm parses values with go-yaml v2 (YAML 1.1), merges ``-f`` files in order and then coalesces them over the chart's
own ``values.yaml``. PyYAML is also YAML 1.1 but disagrees in the corners that matter here (``y``/``n`` booleans,
``1:30`` sexagesimal numbers, dates, ``1e3`` floats), so this module carries its own resolver rather than trusting
``yaml.safe_load``; its bounds (size, depth, aliases) are ``yamlio``'s. The chart's defaults are restated as our own
data so the importer never needs the chart itself.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from karpenter_infra.errors import SpecError
from karpenter_infra.yamlio import BoundedLoader, load_yaml_with_loader, read_bounded

CHART = "karpenter_nodes"
CHART_VERSION = "1.1.5"

#: The chart's 1.1.5 defaults, key for key, as a Python mapping (keys it only documents in comments are absent).
CHART_DEFAULTS: dict[str, Any] = {
    "ApiVersion": "v1",
    "clusterName": "eks-cluster",
    "amiFamily": "AL2",
    "IamRole": "eks_nodes_role",
    "subnetSelectorTerms": [],
    "securityGroupSelectorTerms": [],
    "nodeGroupLabelName": "nodegroup",
    "nodeTags": {"team": "devops", "component": "eks-karpenter-nodes"},
    "availabilityZones": [],
    "metaDataHttpEndpoint": "enabled",
    "metaDataHttpProtocolIPv6": "disabled",
    "metaDataHttpPutResponseHopLimit": 2,
    "metaDataHttpTokens": "required",
    "blockDeviceMappings": [
        {
            "deviceName": "/dev/xvda",
            "ebs": {
                "volumeSize": "100Gi",
                "volumeType": "gp3",
                "encrypted": False,
                "deleteOnTermination": True,
                "iops": 3000,
                "throughput": 125,
            },
        }
    ],
    "detailedMonitoring": False,
    "associatePublicIPAddress": False,
    "expireAfter": "720h",
    "consolidationPolicy": "WhenEmptyOrUnderutilized",
    "consolidateAfter": "5m",
    "instances": {
        "minGeneration": 5,
        "architecture": "amd64",
        "categories": ["m", "r", "c"],
        "cores": ["4", "8", "16"],
        "capacityType": ["spot", "on-demand"],
        "operatingSystems": ["linux"],
    },
    "autoTaint": "false",
    "kubeletSystemReservedCpu": "250m",
    "kubeletSystemReservedMemory": "200Mi",
    "kubeletSystemReservedEphemeralStorage": "2Gi",
    "kubeletKubeReservedCpu": "250m",
    "kubeletKubeReservedMemory": "1Gi",
    "kubeletKubeReservedEphemeralStorage": "4Gi",
    "kubeletEvictionHardMemoryAvailable": "768Mi",
    "kubeletEvictionHardNodefsAvailable": "8%",
    "kubeletEvictionHardNodefsInodesFree": "8%",
    "kubeletEvictionSoftMemoryAvailable": "1280Mi",
    "kubeletEvictionSoftNodefsAvailable": "10%",
    "kubeletEvictionSoftNodefsInodesFree": "15%",
    "kubeletEvictionSoftImagefsAvailable": "10%",
    "kubeletEvictionSoftImagefsInodesFree": "10%",
    "kubeletEvictionSoftPidAvailable": "10%",
    "kubeletEvictionSoftGracePeriodImagefsAvailable": "10m0s",
    "kubeletEvictionSoftGracePeriodImagefsInodesFree": "10m0s",
    "kubeletEvictionSoftGracePeriodMemoryAvailable": "5m0s",
    "kubeletEvictionSoftGracePeriodNodefsAvailable": "10m0s",
    "kubeletEvictionSoftGracePeriodNodefsInodesFree": "10m0s",
    "kubeletEvictionSoftGracePeriodPidAvailable": "2m0s",
    "weight": 1,
    "headRoom": True,
    "nodeGroups": {},
    "cilium": False,
    "ciliumEffect": "NoExecute",
}

# go-yaml v2's plain-scalar resolution, which Helm inherits.
_BOOL_TOKENS = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"), False),
}
_YAML12_BOOLS = {"true", "True", "TRUE", "false", "False", "FALSE"}
_NULL_TOKENS = {"~", "null", "Null", "NULL", ""}
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_SPECIAL_FLOATS = {
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
}
_NUMBER_START = list("-+0123456789.")


def _go_int(text: str) -> int | None:
    """``strconv.ParseInt(s, 0, 64)`` after go-yaml drops underscores: 0x, 0o, 0b and leading-0 octal."""
    plain = text.replace("_", "")
    sign = -1 if plain.startswith("-") else 1
    digits = plain.lstrip("+-")
    if plain[:1] in "+-" and len(plain) - len(digits) > 1:
        return None
    bases = {"0x": 16, "0X": 16, "0o": 8, "0O": 8, "0b": 2, "0B": 2}
    try:
        if digits[:2] in bases:
            return sign * int(digits[2:], bases[digits[:2]])
        if len(digits) > 1 and digits.startswith("0"):
            return sign * int(digits[1:], 8)
        if digits.isdigit():
            return sign * int(digits)
    except ValueError:
        return None
    return None


@dataclass(frozen=True)
class YamlPitfall:
    """An unquoted token that Helm reads as a boolean although YAML 1.2 (and most people) read it as text."""

    file: str
    line: int
    token: str
    value: bool

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}: unquoted `{self.token}` is the boolean {str(self.value).lower()} for Helm "
            f"(YAML 1.1); quote it if you meant the string"
        )


class _HelmLoader(BoundedLoader):
    """The bounded safe loader with go-yaml v2's implicit types instead of PyYAML's."""

    yaml_implicit_resolvers: dict[Any, Any] = {}
    pitfalls: list[tuple[int, str, bool]]

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.pitfalls = []


def _construct_bool(loader: Any, node: yaml.ScalarNode) -> bool:
    token = str(node.value)
    value = _BOOL_TOKENS[token]
    if token not in _YAML12_BOOLS:
        loader.pitfalls.append((node.start_mark.line + 1, token, value))
    return value


def _construct_number(loader: Any, node: yaml.ScalarNode) -> int | float | str:
    text = str(node.value)
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    as_int = _go_int(text)
    if as_int is not None:
        return as_int
    if _FLOAT.match(text.replace("_", "")):
        return float(text.replace("_", ""))
    return text


def _construct_null(loader: Any, node: yaml.ScalarNode) -> None:
    return None


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> dict[str, Any]:
    """Keys become strings the way sigs.k8s.io/yaml makes them: ``y:`` is the key ``"true"``."""
    loader.flatten_mapping(node)
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[key if isinstance(key, str) else go_print(key)] = loader.construct_object(value_node, deep=True)
    return mapping


_HelmLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile("^(?:" + "|".join(_BOOL_TOKENS) + ")$"), None)
_HelmLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_HelmLoader.add_implicit_resolver(
    "tag:k8s-infra:number",
    re.compile(
        r"^(?:[-+]?[0-9][0-9_xXoObBa-fA-F]*|[-+]?\.?[0-9][0-9_.]*(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    _NUMBER_START,
)
_HelmLoader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])
_HelmLoader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
_HelmLoader.add_constructor("tag:yaml.org,2002:null", _construct_null)
_HelmLoader.add_constructor("tag:k8s-infra:number", _construct_number)
_HelmLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def parse_values(text: str | bytes, source: str = "<values>") -> tuple[dict[str, Any], list[YamlPitfall]]:
    data, loader = load_yaml_with_loader(text, source=source, loader=_HelmLoader, owner=f"values file {source}")
    assert isinstance(loader, _HelmLoader)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SpecError.one(f"values file {source}", "(root)", f"must be a mapping, got {type(data).__name__}")
    pitfalls = [YamlPitfall(source, line, token, value) for line, token, value in loader.pitfalls]
    return data, pitfalls


def merge_files(layers: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``helm -f a -f b``: later files win, maps merge, lists and scalars (and nulls) replace."""
    merged: dict[str, Any] = {}
    for layer in layers:
        merged = _merge_maps(merged, layer)
    return merged


def _merge_maps(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge_maps(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def coalesce(user: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """User values over chart defaults. A user ``null`` deletes a key only where the chart has a default for it."""
    out = copy.deepcopy(user)
    for key, default in defaults.items():
        if key not in out:
            out[key] = copy.deepcopy(default)
        elif out[key] is None:
            del out[key]
        elif isinstance(out[key], dict) and isinstance(default, dict):
            out[key] = coalesce(out[key], default)
    return out


@dataclass(frozen=True)
class LoadedValues:
    """The final values the chart's templates would see, plus what only the user's files say."""

    values: dict[str, Any]
    user: dict[str, Any]
    files: list[str] = field(default_factory=list)
    pitfalls: list[YamlPitfall] = field(default_factory=list)
    #: Groups a later file set to null, with that file: Helm deletes them.
    removed_groups: list[tuple[str, str]] = field(default_factory=list)
    #: Each file's own values, in ``files`` order: where a shared value came from (``importer.origins``).
    layers: list[dict[str, Any]] = field(default_factory=list)


def load_values(files: Sequence[Path]) -> LoadedValues:
    layers: list[dict[str, Any]] = []
    pitfalls: list[YamlPitfall] = []
    for path in files:
        data, found = parse_values(read_bounded(path, owner=f"values file {path}"), str(path))
        layers.append(data)
        pitfalls.extend(found)
    user = merge_files(layers)
    removed = _drop_nulled_groups(user, layers, [str(p) for p in files])
    return LoadedValues(coalesce(user, CHART_DEFAULTS), user, [str(p) for p in files], pitfalls, removed, layers)


def _drop_nulled_groups(
    user: dict[str, Any], layers: Sequence[dict[str, Any]], names: Sequence[str]
) -> list[tuple[str, str]]:
    """``nodeGroups: {b: null}`` in a later file removes group ``b``: a null deletes the key when Helm coalesces
    values (helm.sh/docs/chart_template_guide/values_files, "Deleting a default key"; helm/helm#12162 made it hold
    for keys the chart's own values do not have, as a node group's name never is)."""
    groups = user.get("nodeGroups")
    if not isinstance(groups, dict):
        return []
    removed = []
    for name in sorted(k for k, v in groups.items() if v is None):
        source = next(
            (
                file
                for layer, file in reversed(list(zip(layers, names, strict=True)))
                if isinstance(layer.get("nodeGroups"), dict) and name in layer["nodeGroups"]
            ),
            "",
        )
        removed.append((name, source))
        del groups[name]
    return removed


def is_empty(value: Any) -> bool:
    """Go template emptiness, which sprig's ``default`` and ``if`` test: nil, false, 0, "" and empty collections."""
    if value is None or value is False:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value == 0
    if isinstance(value, str | list | dict):
        return len(value) == 0
    return False


def go_format_float(number: float) -> str:
    """``fmt.Sprint(float64)``: shortest digits, exponent form from 1e+06 up and below 1e-04."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "+Inf" if number > 0 else "-Inf"
    if number == 0:
        return "-0" if math.copysign(1.0, number) < 0 else "0"
    sign, digits, exponent = Decimal(repr(float(number))).normalize().as_tuple()
    assert isinstance(exponent, int)
    text = "".join(map(str, digits))
    point = len(text) + exponent  # position of the decimal point relative to the digits
    exp10 = point - 1
    prefix = "-" if sign else ""
    if exp10 < -4 or exp10 >= 6:
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{prefix}{mantissa}e{'-' if exp10 < 0 else '+'}{abs(exp10):02d}"
    if point <= 0:
        return f"{prefix}0.{'0' * -point}{text}"
    if point >= len(text):
        return prefix + text + "0" * (point - len(text))
    return f"{prefix}{text[:point]}.{text[point:]}"


def go_print(value: Any) -> str:
    """What ``{{ value }}`` prints in a Helm template, where every number is a float64 and nil prints nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return go_format_float(float(value))
    if isinstance(value, list):
        return "[" + " ".join(go_print(v) for v in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_print(v)}" for k, v in sorted(value.items())) + "]"
    return str(value)


def reparsed(text: str) -> Any:
    """The type a consumer of the chart's output gives ``text`` printed unquoted (``"true"`` -> ``True``)."""
    if "\n" in text or text != text.strip():
        return text
    try:
        data, _ = parse_values(f"v: {text}\n")
    except SpecError:
        return text
    return data.get("v", text)
