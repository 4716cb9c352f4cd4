"""Build the shipped catalog from Karpenter's generated reference files: ``make catalog``.

Input: ``instance-types.md`` (Karpenter's docs generator, ``hack/docs/instancetypes_gen``: every instance type with
the well-known labels Karpenter puts on its nodes and the allocatable resources after overhead, for AL2023) and
``pricing_aws.go.txt`` (Karpenter's built-in on-demand prices, ``pkg/providers/pricing/zz_generated.pricing_aws.go``).
Output: ``karpenter_infra/catalog/data/<region>.json`` in the format ``karpenter_infra.catalog.data_format`` reads.
Only facts derived from the files are written, never their text.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from karpenter_infra.catalog.data_format import CatalogData, TypeRecord, dump
from karpenter_infra.scheduling.quantity import quantity_or_none

# The checkout sits beside ../shared (CI and every worktree): repository root = parents[2].
REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "karpenter-v1.14"
DATA_DIR = Path(__file__).resolve().parent / "data"
REGION = "us-east-1"
SOURCE = "Karpenter v1.14 instance-types.md (AL2023) and zz_generated.pricing_aws.go (us-east-1)"

#: Families AWS lists as previous generation (EC2 "Previous generation instances",
#: docs.aws.amazon.com/ec2/latest/instancetypes/pg.html). The reference labels carry no such flag; ``refresh`` takes
#: ``CurrentGeneration`` from DescribeInstanceTypes instead.
PREVIOUS_GENERATION_FAMILIES = frozenset(
    {"a1", "c1", "c3", "c4", "d2", "g3", "g3s", "i2", "m1", "m2", "m3", "m4", "p2", "p3", "r3", "r4", "t1"}
)

_TYPE_HEADING = re.compile(r"^### `([^`]+)`$")
_ROW = re.compile(r"^ \|([^|]+)\|([^|]*)\|$")
_PRICE = re.compile(r'"([a-z0-9][a-z0-9.-]*)": ([0-9.]+)')
_REGION_BLOCK = re.compile(r'^\t"([a-z0-9-]+)": \{$')


#: The catalog's unit per resource, in base units: millicores, MiB, GiB; counts for the rest.
_UNITS = {"cpu": 1e-3, "memory": 2.0**20, "ephemeral-storage": 2.0**30}


def parse_quantity(resource: str, text: str) -> int:
    amount = quantity_or_none(text)
    if amount is None:
        raise ValueError(f"{resource}: {text!r} is not a quantity")
    return round(amount / _UNITS.get(resource, 1.0))


def parse_instance_types(text: str) -> dict[str, TypeRecord]:
    """Every ``### `name``` section: its Labels table and its Resources table."""
    records: dict[str, TypeRecord] = {}
    current: TypeRecord | None = None
    table = ""
    for line in text.splitlines():
        heading = _TYPE_HEADING.match(line)
        if heading:
            current = TypeRecord(name=heading.group(1), labels={}, resources={})
            records[current.name] = current
            continue
        if line.startswith("#### "):
            table = line.removeprefix("#### ").strip()
            continue
        row = _ROW.match(line)
        if current is None or row is None or row.group(1).strip() in {"--", "Label", "Resource"}:
            continue
        key, value = row.group(1).strip(), row.group(2).strip()
        if table == "Labels":
            current.labels[key] = value
        elif table == "Resources":
            current.resources[key] = parse_quantity(key, value)
    return records


def parse_prices(text: str) -> dict[str, dict[str, float]]:
    """``{region: {type: USD per hour}}`` from the Go map literal."""
    prices: dict[str, dict[str, float]] = {}
    region: dict[str, float] | None = None
    for line in text.splitlines():
        block = _REGION_BLOCK.match(line)
        if block:
            region = prices.setdefault(block.group(1), {})
            continue
        if region is not None:
            for name, price in _PRICE.findall(line):
                region[name] = float(price)
    return prices


def build(reference: Path = REFERENCE, region: str = REGION) -> CatalogData:
    records = parse_instance_types((reference / "instance-types.md").read_text())
    prices = parse_prices((reference / "pricing_aws.go.txt").read_text()).get(region, {})
    for record in records.values():
        record.price = prices.get(record.name)
        record.previous_generation = record.labels.get("karpenter.k8s.aws/instance-family") in (
            PREVIOUS_GENERATION_FAMILIES
        )
    return CatalogData(region=region, source=SOURCE, types=sorted(records.values(), key=lambda r: r.name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=REFERENCE, help="The karpenter-v1.14 reference folder.")
    parser.add_argument("-o", "--out", type=Path, default=DATA_DIR / f"{REGION}.json")
    args = parser.parse_args(argv)
    data = build(args.reference)
    args.out.write_text(dump(data))
    print(f"wrote {len(data.types)} instance types to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
