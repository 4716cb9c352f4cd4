"""EBS volumes as EC2 validates them at launch: which volume types take IOPS and throughput, and in what range.

Source: Amazon EBS volume types and the EC2 ``CreateVolume`` / ``EbsBlockDevice`` API reference (gp3 3,000-80,000
IOPS and 125-2,000 MiB/s, at most 0.25 MiB/s per provisioned IOPS and 500 IOPS per GiB; io1 100-64,000 IOPS and
50 per GiB; io2 100-256,000 IOPS and 1,000 per GiB; iops required for io1 and io2; throughput gp3 only; gp2, st1,
sc1 and standard take neither). Karpenter passes these through to the launch template unchecked, so a bad one
fails every launch of the node class.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol

from karpenter_infra.scheduling.quantity import QuantityError, parse_quantity


class _Iops(NamedTuple):
    low: int
    high: int
    per_gib: int
    required: bool


IOPS = {
    "gp3": _Iops(3000, 80000, 500, False),
    "io1": _Iops(100, 64000, 50, True),
    "io2": _Iops(100, 256000, 1000, True),
}
GP3_THROUGHPUT = (125, 2000)
GP3_MIBPS_PER_IOPS = 0.25
GP3_BASELINE_IOPS = 3000
_GIB = 1024**3


class Volume(Protocol):
    @property
    def device_name(self) -> str: ...
    @property
    def volume_type(self) -> object: ...
    @property
    def volume_size(self) -> str | None: ...
    @property
    def iops(self) -> int | None: ...
    @property
    def throughput(self) -> int | None: ...
    @property
    def kms_key_id(self) -> str | None: ...
    @property
    def encrypted(self) -> bool | None: ...


def _gib(size: str | None) -> float | None:
    if size is None:
        return None
    try:
        value = parse_quantity(size)
    except QuantityError:
        return None
    return float(value) / _GIB


def volume_problems(volume: Volume) -> list[tuple[str, str]]:
    """(field, problem) pairs for one volume; the field is the model's own name."""
    kind = str(volume.volume_type)
    found: list[tuple[str, str]] = []
    rule = IOPS.get(kind)
    if volume.iops is not None and rule is None:
        found.append(("iops", f"{kind} volumes take no iops (only gp3, io1 and io2)"))
    if rule is not None:
        if volume.iops is None and rule.required:
            found.append(("iops", f"{kind} volumes need iops ({rule.low}-{rule.high})"))
        if volume.iops is not None:
            if not rule.low <= volume.iops <= rule.high:
                baseline = " (its free baseline)" if kind == "gp3" else ""
                found.append(("iops", f"{kind} takes {rule.low}{baseline} to {rule.high} iops, got {volume.iops}"))
            elif (size := _gib(volume.volume_size)) is not None and volume.iops > max(
                rule.per_gib * size, rule.low if kind != "gp3" else 3000
            ):
                found.append(
                    (
                        "iops",
                        f"{kind} allows {rule.per_gib} iops per GiB: {volume.iops} needs at least "
                        f"{-(-volume.iops // rule.per_gib)} GiB, volume_size is {volume.volume_size}",
                    )
                )
    if volume.throughput is not None:
        if kind != "gp3":
            found.append(("throughput", f"only gp3 volumes take throughput, not {kind}"))
        else:
            low, high = GP3_THROUGHPUT
            if not low <= volume.throughput <= high:
                found.append(("throughput", f"gp3 takes {low} to {high} MiB/s, got {volume.throughput}"))
            iops = volume.iops if volume.iops is not None else GP3_BASELINE_IOPS
            if volume.throughput > iops * GP3_MIBPS_PER_IOPS:
                found.append(
                    (
                        "throughput",
                        f"gp3 allows {GP3_MIBPS_PER_IOPS} MiB/s per iops: {volume.throughput} MiB/s "
                        f"needs at least {int(volume.throughput / GP3_MIBPS_PER_IOPS)} iops, got {iops}",
                    )
                )
    if volume.kms_key_id is not None and volume.encrypted is not True:
        found.append(("kms_key_id", "a KMS key needs encrypted=True: an unencrypted volume has no key"))
    return found


def device_name_problems(devices: Sequence[Volume]) -> list[tuple[int, str]]:
    seen: set[str] = set()
    found = []
    for index, device in enumerate(devices):
        if device.device_name in seen:
            found.append((index, f"device {device.device_name!r} is mapped twice"))
        seen.add(device.device_name)
    return found
