"""Availability-zone names: ``topology.kubernetes.io/zone`` values are zone names (``eu-west-1a``), one region's.

Zone IDs (``euw1-az1``) are a different label (``topology.k8s.aws/zone-id``) and region names are no zone at all:
both pass the label-value check and then match no offering, so Karpenter launches nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

# <partition-ish area>-<direction>-<n><letter>, with the Local Zone and Wavelength forms (us-west-2-lax-1a).
_ZONE = re.compile(r"([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-[0-9]+)(?:-[a-z]{3}-[0-9]+|-wl1-[a-z0-9-]+)?[a-z]", re.ASCII)
_REGION = re.compile(r"[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-[0-9]+", re.ASCII)
_ZONE_ID = re.compile(r"[a-z]{3,5}[0-9]+-(?:[a-z]{3}[0-9]+-)?az[0-9]+", re.ASCII)


@cache
def region_of(zone: str) -> str | None:
    match = _ZONE.fullmatch(zone)
    return match.group(1) if match else None


@cache
def zone_problem(zone: str) -> str | None:
    if not zone:
        return "an empty zone name matches no zone"
    if region_of(zone) is not None:
        return None
    if _ZONE_ID.fullmatch(zone):
        return f"{zone!r} is a zone ID; give the zone name (like eu-west-1a), or require topology.k8s.aws/zone-id"
    if _REGION.fullmatch(zone):
        return f"{zone!r} is a region; name its zones ({zone}a, {zone}b, ...)"
    return f"{zone!r} is not a zone name like eu-west-1a"


@cache
def zone_id_problem(zone_id: str) -> str | None:
    """``topology.k8s.aws/zone-id`` values are zone IDs (EC2 DescribeAvailabilityZones ``ZoneId``: ``euw1-az1``)."""
    if _ZONE_ID.fullmatch(zone_id):
        return None
    if region_of(zone_id) is not None:
        return f"{zone_id!r} is a zone name; give its zone ID (like euw1-az1), or require topology.kubernetes.io/zone"
    return f"{zone_id!r} is not a zone ID like euw1-az1"


@cache
def zones_problem(zones: Sequence[str], region: str | None = None) -> str | None:
    """Every zone valid, all in one region, and that region ``region`` when one is given (pass a tuple: cached)."""
    for zone in zones:
        problem = zone_problem(zone)
        if problem:
            return problem
    regions = sorted({r for z in zones if (r := region_of(z)) is not None})
    if len(regions) > 1:
        return f"zones span regions {regions}; a cluster lives in one region"
    if region is not None and regions and regions[0] != region:
        return f"zones are in {regions[0]}, but the stack's region is {region}"
    return None
