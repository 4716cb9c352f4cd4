"""The catalog file: one JSON document per region, columnar so that it loads straight into an index.

``labels`` maps each well-known label key to ``{value: [type ids]}``; ``resources`` holds one list per allocatable
resource with a number per type (cpu in millicores, memory in MiB, ephemeral-storage in GiB, the rest as counts);
``prices`` the on-demand USD per hour (``null`` where unknown). Type ids are positions in the sorted ``types`` list.
The instance-type label is not stored: it is the type's name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

FORMAT = 1
INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type"


@dataclass
class TypeRecord:
    """One instance type as the generator and ``refresh`` collect it, before it is laid out in columns."""

    name: str
    labels: dict[str, str]
    resources: dict[str, int]
    price: float | None = None
    previous_generation: bool = False


@dataclass
class CatalogData:
    region: str
    source: str
    types: list[TypeRecord] = field(default_factory=list)


def to_document(data: CatalogData) -> dict[str, Any]:
    records = sorted(data.types, key=lambda r: r.name)
    labels: dict[str, dict[str, list[int]]] = {}
    resources: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        for key, value in record.labels.items():
            if key != INSTANCE_TYPE_LABEL:
                labels.setdefault(key, {}).setdefault(value, []).append(index)
        for name in record.resources:
            resources.setdefault(name, [0] * len(records))
    for index, record in enumerate(records):
        for name, amount in record.resources.items():
            resources[name][index] = amount
    return {
        "format": FORMAT,
        "region": data.region,
        "source": data.source,
        "types": [r.name for r in records],
        "labels": labels,
        "resources": resources,
        "prices": [r.price for r in records],
        "previous_generation": [i for i, r in enumerate(records) if r.previous_generation],
    }


def dump(data: CatalogData) -> str:
    """Byte-identical for the same facts: sorted keys, no whitespace, one trailing newline."""
    return json.dumps(to_document(data), sort_keys=True, separators=(",", ":")) + "\n"


def from_document(document: dict[str, Any]) -> CatalogData:
    """The records back out of the columns (for ``refresh``, which keeps prices, and for tests)."""
    if document.get("format") != FORMAT:
        raise ValueError(f"catalog format {document.get('format')!r} is not {FORMAT}")
    names: list[str] = document["types"]
    records = [TypeRecord(name=n, labels={INSTANCE_TYPE_LABEL: n}, resources={}) for n in names]
    for key, values in document["labels"].items():
        for value, ids in values.items():
            for index in ids:
                records[index].labels[key] = value
    for name, amounts in document["resources"].items():
        for index, amount in enumerate(amounts):
            if amount:
                records[index].resources[name] = amount
    for index, price in enumerate(document["prices"]):
        records[index].price = price
    for index in document["previous_generation"]:
        records[index].previous_generation = True
    return CatalogData(region=document["region"], source=document["source"], types=records)
