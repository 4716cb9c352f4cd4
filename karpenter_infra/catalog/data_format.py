"""The catalog file: one JSON document per region, columnar so that it loads straight into an index.

``labels`` maps each well-known label key to ``{value: [type ids]}``; ``resources`` holds one list per allocatable
resource with a number per type (cpu in millicores, memory in MiB, ephemeral-storage in GiB, the rest as counts);
``prices`` the on-demand USD per hour (``null`` where unknown). Type ids are positions in the sorted ``types`` list.
The instance-type label is not stored: it is the type's name.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from karpenter_infra.scheduling import labels as wk

FORMAT = 1
INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type"
ARCH_KEY = wk.ARCH
#: Labels whose values the index reads as whole numbers (vCPUs, MiB of memory).
NUMERIC_LABELS = (wk.INSTANCE_CPU, wk.INSTANCE_MEMORY)


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


def check_document(document: Any) -> None:
    """Raise ``ValueError`` with one line naming the first thing wrong with a catalog document's structure."""
    if not isinstance(document, dict):
        raise ValueError(f"the document must be a JSON object, got {type(document).__name__}")
    if document.get("format") != FORMAT:
        raise ValueError(f"catalog format {document.get('format')!r} is not {FORMAT}")
    for key in ("region", "source"):
        if not isinstance(document.get(key), str):
            raise ValueError(f"{key!r} must be a string")
    names = document.get("types")
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise ValueError("'types' must be a list of instance type names")
    if not names:
        raise ValueError("'types' is empty: a catalog lists at least one instance type")
    if len(set(names)) != len(names):
        raise ValueError("'types' names an instance type twice")
    count = len(names)

    def ids(value: Any, where: str) -> None:
        if not isinstance(value, list) or not all(type(i) is int and 0 <= i < count for i in value):
            raise ValueError(f"{where} must be a list of type positions (0 to {count - 1})")

    labels = document.get("labels")
    if not isinstance(labels, dict):
        raise ValueError("'labels' must be an object of label key -> {value: [type positions]}")
    for key, values in labels.items():
        if not isinstance(values, dict):
            raise ValueError(f"labels[{key!r}] must be an object of value -> [type positions]")
        for value, members in values.items():
            ids(members, f"labels[{key!r}][{value!r}]")
    if ARCH_KEY not in labels:
        raise ValueError(f"labels has no {ARCH_KEY!r}")
    for key in NUMERIC_LABELS:
        for value in labels.get(key, {}):
            if not value.isdigit():
                raise ValueError(f"labels[{key!r}] has the value {value!r}, not a whole number")
    resources = document.get("resources")
    if not isinstance(resources, dict):
        raise ValueError("'resources' must be an object of resource name -> [amount per type]")
    for name, amounts in resources.items():
        if not isinstance(amounts, list) or len(amounts) != count:
            raise ValueError(f"resources[{name!r}] must list one amount per type ({count})")
        if not all(type(a) is int and a >= 0 for a in amounts):
            raise ValueError(f"resources[{name!r}] must hold whole numbers of at least 0")
    prices = document.get("prices")
    if not isinstance(prices, list) or len(prices) != count:
        raise ValueError(f"'prices' must list one price (or null) per type ({count})")
    for price in prices:
        if price is not None and not (type(price) in (int, float) and math.isfinite(price) and price >= 0):
            raise ValueError(f"'prices' holds {price!r}, not a price in USD per hour (or null)")
    ids(document.get("previous_generation"), "'previous_generation'")


def parse(data: bytes) -> dict[str, Any]:
    """A catalog file's bytes as a checked document; ``ValueError`` with one line otherwise."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    try:
        document = json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply to be a catalog") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    check_document(document)
    return document  # type: ignore[no-any-return]


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
