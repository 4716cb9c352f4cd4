"""Zone names: one region's, the stack's where it says; zone IDs and region names are refused with a hint."""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra import Fleet, NodeGroup, NodeGroupDefaults, SpecError
from karpenter_infra.checks import check
from karpenter_infra.rules.zones import region_of
from karpenter_infra.spec.platform import PlatformSpec
from tests.rules.support import accepted, refused, refused_group


@pytest.mark.parametrize(
    ("zone", "region"),
    [
        ("eu-west-1a", "eu-west-1"),
        ("us-gov-west-1b", "us-gov-west-1"),
        ("cn-north-1a", "cn-north-1"),
        ("us-west-2-lax-1a", "us-west-2"),
        ("euw1-az1", None),
        ("eu-west-1", None),
    ],
)
def test_region_of(zone: str, region: str | None) -> None:
    assert region_of(zone) == region


@pytest.mark.parametrize(
    ("settings", "field", "words"),
    [
        ({"availability_zones": ["euw1-az1"]}, "availability_zones", "is a zone ID"),
        ({"availability_zones": ["eu-west-1"]}, "availability_zones", "is a region; name its zones (eu-west-1a"),
        ({"availability_zones": [""]}, "availability_zones", "empty zone name"),
        ({"availability_zones": ["eu-west-1a", "us-east-1a"]}, "availability_zones", "span regions"),
    ],
)
def test_refused(settings: dict[str, Any], field: str, words: str) -> None:
    refused_group(field, words, **settings)


def test_zones_of_the_defaults_are_checked_as_the_defaults() -> None:
    message = refused("availability_zones", "zone ID", {"name": "web"}, defaults={"availability_zones": ["use1-az4"]})
    assert message.startswith("defaults: ")


def test_accepted() -> None:
    accepted(availability_zones=["eu-west-1a", "eu-west-1b", "eu-west-1c"])


def platform(region: str) -> PlatformSpec:
    return PlatformSpec.model_validate(
        {
            "nodegroups": "x",
            "region": region,
            "cluster": {"name": "c", "vpc_id": "vpc-0a", "private_subnet_ids": ["subnet-0a", "subnet-0b"]},
        }
    )


def fleet(zones: list[str]) -> Fleet:
    return Fleet(
        NodeGroupDefaults(cluster_name="c", catalog_warnings_off=["price-spread"]),
        [NodeGroup(name="web", availability_zones=zones)],
        node_role="KarpenterNodeRole-c",
    )


def test_zones_are_in_the_stacks_region() -> None:
    assert check(platform("eu-west-1"), fleet(["eu-west-1a"])) == []
    with pytest.raises(SpecError, match=r"^nodegroup 'web': availability_zones: .*stack's region is us-east-1"):
        check(platform("us-east-1"), fleet(["eu-west-1a"]))
