"""The catalog indexed once: every label value as a bitset of type ids (a Python int), so a requirement costs a few
dictionary look-ups and integer ORs, never a scan of the 1,363 types.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from karpenter_infra.catalog.data_format import FORMAT, INSTANCE_TYPE_LABEL, parse
from karpenter_infra.scheduling import labels as wk
from karpenter_infra.scheduling.requirement import Requirement, RequirementError

ARCH_LABEL = wk.ARCH
OS_LABEL = wk.OS
FAMILY_LABEL = wk.INSTANCE_FAMILY
CPU_LABEL = wk.INSTANCE_CPU
MEMORY_LABEL = wk.INSTANCE_MEMORY
HYPERVISOR_LABEL = wk.INSTANCE_HYPERVISOR

#: Karpenter subtracts this share of memory for the hypervisor before anything else (its ``--vm-memory-overhead-
#: percent`` default), and Graviton types lose 64 MiB of CMA memory: pkg/providers/instancetype/types.go, ``memory``.
VM_MEMORY_OVERHEAD = 0.075
GRAVITON_CMA_MIB = 64

#: A region's catalog is about 200 KB; anything past this is not one.
MAX_CATALOG_BYTES = 32 * 1024 * 1024
SHIPPED = Path(__file__).resolve().parent / "data" / "us-east-1.json"


def members(bits: int) -> Iterator[int]:
    """The type ids in a bitset, lowest first."""
    while bits:
        low = bits & -bits
        yield low.bit_length() - 1
        bits ^= low


class Catalog:
    """Instance types of one region with their labels, allocatable resources and on-demand prices."""

    def __init__(self, document: dict[str, Any]) -> None:
        if document.get("format") != FORMAT:
            raise ValueError(f"catalog format {document.get('format')!r} is not {FORMAT}")
        self.region: str = document["region"]
        self.source: str = document["source"]
        self.names: tuple[str, ...] = tuple(document["types"])
        self.ids: dict[str, int] = {name: i for i, name in enumerate(self.names)}
        self.all: int = (1 << len(self.names)) - 1
        self.labels: dict[str, dict[str, int]] = {
            key: {value: _bits(ids) for value, ids in values.items()} for key, values in document["labels"].items()
        }
        self.labels[INSTANCE_TYPE_LABEL] = {name: 1 << i for i, name in enumerate(self.names)}
        # Karpenter offers every type as linux, and amd64 types as windows too when the node class's AMI family is a
        # Windows one (no Windows AMI runs on arm64): pkg/providers/instancetype/types.go, ``getOS``.
        self.labels[OS_LABEL] = {"linux": self.all, "windows": self.labels[ARCH_LABEL].get("amd64", 0)}
        self.present: dict[str, int] = {key: _union(values.values()) for key, values in self.labels.items()}
        self.resources: dict[str, list[int]] = document["resources"]
        self.prices: list[float | None] = document["prices"]
        self.previous_generation: int = _bits(document["previous_generation"])
        self.xen: int = self.labels.get(HYPERVISOR_LABEL, {}).get("xen", 0)
        self.vcpus: list[int] = [0] * len(self.names)
        self.memory_mib: list[int] = [0] * len(self.names)
        self.architectures: list[str] = [""] * len(self.names)
        for key, column in ((CPU_LABEL, self.vcpus), (MEMORY_LABEL, self.memory_mib)):
            for value, bits in self.labels.get(key, {}).items():
                for i in members(bits):
                    column[i] = int(value)
        for arch, bits in self.labels[ARCH_LABEL].items():
            for i in members(bits):
                self.architectures[i] = arch
        self.families: list[str] = [""] * len(self.names)
        for family, bits in self.labels.get(FAMILY_LABEL, {}).items():
            for i in members(bits):
                self.families[i] = family
        self._selections: dict[tuple[str, str, tuple[str, ...]], int] = {}
        #: Per admitted set, what the checks and ``explain`` derive from it (many pools admit the same set).
        self.memo: dict[tuple[object, ...], Any] = {}

    @classmethod
    def load(cls, path: Path) -> Catalog:
        """The catalog file at ``path``, its structure checked first (``ValueError``, one line, otherwise)."""
        with open(path, "rb") as handle:
            data = handle.read(MAX_CATALOG_BYTES + 1)
        if len(data) > MAX_CATALOG_BYTES:
            raise ValueError(f"larger than {MAX_CATALOG_BYTES // (1024 * 1024)} MiB")
        return cls(parse(data))

    def __len__(self) -> int:
        return len(self.names)

    def knows(self, key: str) -> bool:
        return key in self.labels

    def capacity_memory_mib(self, i: int) -> int:
        """Memory capacity as Karpenter counts it against ``limits``: the instance's memory less VM overhead."""
        mib = self.memory_mib[i] - (GRAVITON_CMA_MIB if self.architectures[i] == "arm64" else 0)
        return mib - math.ceil(mib * VM_MEMORY_OVERHEAD)

    def select(self, key: str, operator: str, values: Iterable[str]) -> int:
        """The types one requirement term admits, with Kubernetes node-selector semantics.

        ``NotIn`` and ``DoesNotExist`` admit types without the label; ``Gt``/``Lt`` (and Karpenter's ``Gte``/``Lte``)
        need the label and an integer value (k8s.io/apimachinery, ``labels.Requirement.Matches``). A key the catalog
        does not carry (capacity type, zone, a custom label) says nothing about instance types: it admits them all.
        """
        term = (key, operator, tuple(values))
        found = self._selections.get(term)
        if found is None:
            found = self._selections[term] = self._select(*term)
        return found

    def _select(self, key: str, operator: str, values: tuple[str, ...]) -> int:
        if wk.normalized(key) not in self.labels:
            return self.all
        try:
            requirement = Requirement.of(key, operator, values)
        except RequirementError as exc:
            # An operator this algebra does not know says nothing; a bound that is not an integer admits nothing.
            return self.all if "unknown operator" in str(exc) else 0
        return self.admit(requirement)

    def admit(self, requirement: Requirement) -> int:
        """The types whose labels satisfy ``requirement``, evaluated on the index: a type with the label is admitted
        when ``Requirement.has`` its value, a type without it when the requirement admits absence (``NotIn``,
        ``DoesNotExist``: ``Requirements.Intersects`` against the type's ``DoesNotExist``). A key the catalog does
        not carry (capacity type, zone, a custom label) says nothing about instance types: it admits them all.
        """
        index = self.labels.get(requirement.key)
        if index is None:
            return self.all
        absent = self.all & ~self.present[requirement.key] if requirement.admits_absent else 0
        if not requirement.complement and requirement.gte is None and requirement.lte is None:
            return absent | _union(index.get(v, 0) for v in requirement.values)
        return absent | _union(bits for value, bits in index.items() if requirement.has(value))

    def distinct(self, key: str, bits: int) -> list[str]:
        """The values of ``key`` among the types in ``bits`` (what ``minValues`` counts)."""
        return sorted(value for value, value_bits in self.labels.get(key, {}).items() if value_bits & bits)

    def names_of(self, bits: int) -> list[str]:
        return [self.names[i] for i in members(bits)]

    def bits_of(self, names: Iterable[str]) -> int:
        return _union(1 << self.ids[n] for n in names if n in self.ids)


def _bits(ids: Iterable[int]) -> int:
    bits = 0
    for i in ids:
        bits |= 1 << i
    return bits


def _union(parts: Iterable[int]) -> int:
    bits = 0
    for part in parts:
        bits |= part
    return bits


@cache
def shipped_catalog() -> Catalog:
    """The catalog in the package, loaded and indexed once per process."""
    return Catalog.load(SHIPPED)


@cache
def catalog_file(path: Path) -> Catalog:
    """A refreshed catalog a stack points at, loaded once per process and path."""
    return Catalog.load(path)
