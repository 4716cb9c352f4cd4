"""The chart's template language, as the chart model needs it: Sprig's ``default``, printing, ``range``, and a group.

The chart overrides a value two ways: ``x | default y`` falls back on any empty value and prints ``y`` even when that
is ``0`` or ``false``; ``hasKey`` does not fall back. What a template prints unquoted is typed again by YAML (``true``
becomes a boolean). Nulls are dropped as the API server prunes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from karpenter_infra.importer.values import go_print, is_empty, reparsed

Manifest = dict[str, Any]


class ChartFailure(Exception):
    """The chart cannot render these values at all (a template error or output that is not YAML)."""


@dataclass(frozen=True)
class ChartObject:
    manifest: Manifest
    #: Why the API server refuses the object, or ``None`` when it is accepted (and so is live today).
    rejected: str | None = None

    @property
    def kind(self) -> str:
        return str(self.manifest["kind"])

    @property
    def name(self) -> str:
        return str(self.manifest["metadata"]["name"])


def or_default(value: Any, fallback: Any) -> Any:
    """Sprig's ``value | default fallback``."""
    return fallback if is_empty(value) else value


def printed(value: Any) -> Any:
    """``key: {{ value }}``: printed, then typed again by YAML."""
    return reparsed(go_print(value))


def pruned_manifest(manifest: Manifest) -> Manifest:
    out: Manifest = pruned(manifest)
    return out


def pruned(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: pruned(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [pruned(v) for v in value]
    return value


def as_map(value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ChartFailure(f"{what}: not a mapping")
    return value


def as_list(value: Any) -> list[Any]:
    """``range`` over a value: nothing for nil, the items of a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value[k] for k in sorted(value)]
    raise ChartFailure(f"cannot range over {value!r}")


class ChartGroup:
    def __init__(self, values: dict[str, Any], key: str, raw: Any) -> None:
        if not isinstance(raw, dict):
            raise ChartFailure(f"nodeGroups.{key}: not a mapping")
        self.values, self.key, self.raw = values, key, raw
        if not isinstance(raw.get("instances"), dict):
            raise ChartFailure(f"nodeGroups.{key}: hasKey on the missing `instances` fails")
        self.instances: dict[str, Any] = raw["instances"]
        self.top_instances = as_map(values.get("instances"), "instances")
        self.architecture = go_print(
            or_default(self.instances.get("architecture"), self.top_instances.get("architecture"))
        )
        self.name = f"{key}-{self.architecture}"
        self.label = or_default(raw.get("nodeGroupLabel"), key)

    def pick(self, key: str) -> Any:
        return or_default(self.raw.get(key), self.values.get(key))

    def instance(self, key: str) -> Any:
        return or_default(self.instances.get(key), self.top_instances.get(key))

    def layer(self, key: str) -> Any:
        """``hasKey $v key`` picks the group's value, else the top level's."""
        return self.raw[key] if key in self.raw else self.values.get(key)

    def has(self, key: str) -> bool:
        return key in self.raw or key in self.values
