"""The flattened field table of a node group (defaults, group, both), generated from the models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from karpenter_infra.spec.instances import Instances
from karpenter_infra.spec.launch import CapacityReservationSelectorTerm, NetworkInterface
from karpenter_infra.spec.nodeclass import BlockDevice
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults, NodeGroupSettings
from karpenter_infra.spec.resolve import LIBRARY_DEFAULTS, LIBRARY_INSTANCES


def _default(model: BaseModel | None, field: str) -> str:
    value: Any = getattr(model, field, None) if model is not None else None
    if value is None:
        return ""
    if isinstance(value, BaseModel):
        dumped = value.model_dump(exclude_none=True, mode="json")
        return f"`{dumped}`" if len(str(dumped)) < 60 else "see model"
    if isinstance(value, list) and value and isinstance(value[0], BaseModel):
        return f"`{[v.model_dump(exclude_none=True, mode='json') for v in value]}`"
    return f"`{value if not hasattr(value, 'value') else value.value}`"


def _rows(model: type[BaseModel], defaults: BaseModel | None, prefix: str = "", where: str = "") -> list[str]:
    rows = []
    for name, info in model.model_fields.items():
        description = (info.description or "").replace("|", "\\|")
        rows.append(f"| `{prefix}{name}` | {where} | {_default(defaults, name)} | {description} |")
    return rows


#: List fields whose items are models a user fills in field by field: their fields get rows of their own.
NESTED: dict[str, type[BaseModel]] = {
    "block_device_mappings": BlockDevice,
    "capacity_reservation_selector_terms": CapacityReservationSelectorTerm,
    "network_interfaces": NetworkInterface,
}


def _item_rows(model: type[BaseModel], prefix: str) -> list[str]:
    rows = []
    for name, info in model.model_fields.items():
        default = info.get_default(call_default_factory=True) if not info.is_required() else None
        shown = "" if default is None else f"`{default.value if hasattr(default, 'value') else default}`"
        description = (info.description or "").replace("|", "\\|")
        rows.append(f"| `{prefix}{name}` | both | {shown} | {description} |")
    return rows


def fields_table() -> str:
    header = ["| field | where | library default | what it does |", "|---|---|---|---|"]
    group_only = [n for n in NodeGroup.model_fields if n not in NodeGroupSettings.model_fields]
    defaults_only = [n for n in NodeGroupDefaults.model_fields if n not in NodeGroupSettings.model_fields]
    rows: list[str] = []
    for name in defaults_only:
        info = NodeGroupDefaults.model_fields[name]
        value = None if info.is_required() else info.get_default(call_default_factory=True)
        default = (
            ""
            if info.is_required()
            else f"`{type(value).__name__}()`"
            if isinstance(value, BaseModel)
            else f"`{value}`"
        )
        rows.append(f"| `{name}` | defaults | {default} | {info.description} |")
    for name in group_only:
        rows.append(f"| `{name}` | group | | {NodeGroup.model_fields[name].description} |")
    for name, info in NodeGroupSettings.model_fields.items():
        if name == "instances":
            rows.append(f"| `instances` | both | | {info.description} |")
            rows.extend(_rows(Instances, LIBRARY_INSTANCES, prefix="instances.", where="both"))
        else:
            description = (info.description or "").replace("|", "\\|")
            rows.append(f"| `{name}` | both | {_default(LIBRARY_DEFAULTS, name)} | {description} |")
            if name in NESTED:
                rows.extend(_item_rows(NESTED[name], prefix=f"{name}[]."))
    return "\n".join(header + rows) + "\n"
