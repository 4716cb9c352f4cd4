"""Where a resolved group's values came from: which of its settings it inherited from the defaults.

An error about a value the group never wrote (a ``taints`` list, an ``instances.exclude_families`` the defaults hold)
must say so, or the user looks for it in the wrong place. Resolve records the inherited settings as a set of paths,
once per group; a finding's field is looked up in it only when there is a finding, so the cost on a clean fleet is
one set per group.

Paths are the field names findings use: a setting (``taints``), a key of a model merged key by key
(``instances.categories``, ``kubelet.max_pods``) or a key of a mapping merged key by key (``labels['team']``).
"""

from __future__ import annotations

from typing import Any

from karpenter_infra.spec.settings import NodeGroupSettings

#: Models the layers merge key by key: a group inherits each key it leaves unset.
_KEYED = frozenset({"instances", "kubelet", "auto_mode"})
#: Mappings the layers merge key by key.
_MAPPINGS = frozenset({"labels", "annotations", "node_tags", "limits", "user_data_values"})
#: Defaults-only settings that are no group's (names, namespaces, images): not "inherited" by a group.
_SETTINGS = frozenset(NodeGroupSettings.model_fields)

DEFAULTS = "defaults"

#: The last defaults object seen and its set settings: a fleet resolves every group against one defaults object.
_LAST: list[tuple[NodeGroupSettings, tuple[tuple[str, Any], ...]]] = []


def _set_in(defaults: NodeGroupSettings) -> tuple[tuple[str, Any], ...]:
    """The defaults' settings that are set, with their values (computed once per defaults object)."""
    if _LAST and _LAST[0][0] is defaults:
        return _LAST[0][1]
    found = tuple(
        (name, getattr(defaults, name))
        for name in sorted(defaults.model_fields_set & _SETTINGS)
        if getattr(defaults, name) is not None
    )
    _LAST[:] = [(defaults, found)]
    return found


def inherited_paths(group: NodeGroupSettings, defaults: NodeGroupSettings) -> frozenset[str]:
    """The paths of the settings ``group`` takes from ``defaults`` (not those it sets, nor the library's)."""
    paths: list[str] = []
    for name, value in _set_in(defaults):
        own = getattr(group, name)
        if own is None:
            paths.append(name)
        elif name in _KEYED:
            mine = own.model_fields_set
            paths += (f"{name}.{key}" for key in value.model_fields_set - mine if getattr(value, key) is not None)
        elif name in _MAPPINGS:
            paths += (f"{name}[{key!r}]" for key in value.keys() - own.keys())
    return frozenset(paths)


def inherits(field: str, group: NodeGroupSettings, defaults: NodeGroupSettings) -> bool:
    """Whether ``field`` names a value ``group`` took from ``defaults``: ``field in inherited_paths(...)``, or inside
    one, looking at the one setting the field names (a finding costs a few attribute reads, not every setting)."""
    cut = min((i for i in (field.find("."), field.find("[")) if i >= 0), default=len(field))
    name = field[:cut]
    if name not in _SETTINGS or getattr(defaults, name) is None:
        return False
    own = getattr(group, name)
    if own is None:
        return True
    rest = field[cut + 1 :] if cut < len(field) and field[cut] == "." else ""
    if name in _KEYED and rest:
        key = rest.split(".", 1)[0].split("[", 1)[0]
        value = getattr(defaults, name)
        return key not in own.model_fields_set and key in value.model_fields_set and getattr(value, key) is not None
    if name in _MAPPINGS:
        return any(field.startswith(f"{name}[{key!r}]") for key in getattr(defaults, name).keys() - own.keys())
    return False


def is_inherited(field: str, inherited: frozenset[str]) -> bool:
    """Whether ``field`` (``taints[0].effect``, ``instances.cores``) names a value inside an inherited path."""
    if not inherited:
        return False
    if field in inherited:
        return True
    return any(char in ".[" and field[:index] in inherited for index, char in enumerate(field))


def with_origin(field: str, origin: str) -> str:
    """The field as an error line shows it: ``instances.cores (from defaults)``."""
    return f"{field} (from {origin})" if origin else field
