"""``catalog refresh`` and the catalog loader refuse what cannot make a catalog, with one line each."""

from __future__ import annotations

import json
from typing import Any

import pytest

from karpenter_infra.catalog.data_format import check_document, parse
from karpenter_infra.catalog.model import SHIPPED, shipped_catalog
from karpenter_infra.catalog.refresh import RefreshError, refresh


class Pages:
    def __init__(self, pages: list[Any]) -> None:
        self.pages = pages

    def paginate(self, **_: Any) -> list[Any]:
        return self.pages


class Client:
    def __init__(self, pages: list[Any]) -> None:
        self.pages = pages

    def get_paginator(self, name: str) -> Pages:
        return Pages(self.pages)


@pytest.mark.parametrize("region", ["eu west 1", "", "EU-WEST-1", "eu-west-1; rm -rf /", "--region"])
def test_a_region_that_is_not_one(region: str) -> None:
    with pytest.raises(RefreshError, match=r"is not an AWS region name like eu-west-1$"):
        refresh(region, Client([]), Client([]), shipped_catalog())


def test_zero_types_is_refused() -> None:
    with pytest.raises(RefreshError) as caught:
        refresh("eu-west-1", Client([{"InstanceTypes": []}]), Client([]), shipped_catalog())
    assert str(caught.value) == "DescribeInstanceTypes in eu-west-1 listed no instance type we can use; nothing written"


@pytest.mark.parametrize(
    "pages",
    [
        [{"Nope": []}],
        ["garbage"],
        [{"InstanceTypes": [{"InstanceType": "m5.large", "VCpuInfo": "eight"}]}],
        [{"InstanceTypes": ["m5.large"]}],
    ],
)
def test_an_unreadable_answer_is_one_line(pages: list[Any]) -> None:
    with pytest.raises(RefreshError) as caught:
        refresh("eu-west-1", Client(pages), Client([]), shipped_catalog())
    assert "\n" not in str(caught.value) and str(caught.value).startswith("DescribeInstanceTypes in eu-west-1")


def test_the_shipped_catalog_passes_the_check() -> None:
    check_document(json.loads(SHIPPED.read_text()))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"types": []}, "'types' is empty: a catalog lists at least one instance type"),
        ({"types": "m5.large"}, "'types' must be a list of instance type names"),
        ({"prices": []}, "'prices' must list one price (or null) per type"),
        ({"labels": {"kubernetes.io/arch": {"amd64": [99999]}}}, "must be a list of type positions"),
        ({"resources": {"cpu": [-1]}}, "resources['cpu'] must list one amount per type"),
        ({"format": 2}, "catalog format 2 is not 1"),
    ],
)
def test_structure_problems(change: dict[str, Any], problem: str) -> None:
    document = {**json.loads(SHIPPED.read_text()), **change}
    with pytest.raises(ValueError) as caught:
        check_document(document)
    assert problem in str(caught.value) and "\n" not in str(caught.value)


def test_parse_refuses_what_is_not_json() -> None:
    with pytest.raises(ValueError, match=r"^nested too deeply to be a catalog$"):
        parse(b"[" * 100000)
    with pytest.raises(ValueError, match=r"^not UTF-8 \(byte 0xe9 at offset 1\)$"):
        parse(b'"\xe9"')
    with pytest.raises(ValueError, match=r"^not JSON: "):
        parse(b"{")
    with pytest.raises(ValueError, match=r"^the document must be a JSON object, got list$"):
        parse(b"[]")
