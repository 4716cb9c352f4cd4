"""The shipped catalog is exactly what the generator makes of the Karpenter v1.14 reference files."""

from __future__ import annotations

import json

from karpenter_infra.catalog import generate
from karpenter_infra.catalog.data_format import dump, from_document
from karpenter_infra.catalog.model import SHIPPED, shipped_catalog
from tests.catalog.support import REFERENCE


def test_shipped_data_is_what_the_generator_makes_of_the_reference() -> None:
    assert SHIPPED.read_text() == dump(generate.build(REFERENCE)), "run `make catalog` and commit the result"


def test_every_type_label_and_allocatable_amount_of_the_reference_is_in_the_shipped_data() -> None:
    text = (REFERENCE / "instance-types.md").read_text()
    shipped = {r.name: r for r in from_document(json.loads(SHIPPED.read_text())).types}
    names = [line.split("`")[1] for line in text.splitlines() if line.startswith("### `")]
    assert sorted(names) == sorted(shipped) and len(names) == 1363
    # One type read by hand from the reference, so that a generator bug cannot hide behind its own test.
    a1 = shipped["a1.medium"]
    assert a1.resources == {
        "cpu": 940,
        "ephemeral-storage": 17,
        "memory": 1392,
        "pods": 8,
        "vpc.amazonaws.com/pod-eni": 10,
    }
    assert a1.labels["kubernetes.io/arch"] == "arm64" and a1.labels["karpenter.k8s.aws/instance-generation"] == "1"
    assert a1.price == 0.0255
    gpu = shipped["g5.xlarge"]
    assert gpu.resources["nvidia.com/gpu"] == 1 and gpu.labels["karpenter.k8s.aws/instance-gpu-name"] == "a10g"
    for record in shipped.values():
        assert f"|node.kubernetes.io/instance-type|{record.name}|" in text
        for key, value in record.labels.items():
            assert f"|{key}|{value}|" in text


def test_prices_are_the_reference_us_east_1_prices() -> None:
    prices = generate.parse_prices((REFERENCE / "pricing_aws.go.txt").read_text())["us-east-1"]
    c = shipped_catalog()
    assert {n: p for n, p in zip(c.names, c.prices, strict=True) if p is not None} == {
        n: p for n, p in prices.items() if n in c.ids
    }
    assert c.prices[c.ids["m7i.xlarge"]] == prices["m7i.xlarge"] > 0


def test_the_generator_is_deterministic_and_the_file_small() -> None:
    assert dump(generate.build(REFERENCE)) == dump(generate.build(REFERENCE))
    assert len(SHIPPED.read_bytes()) < 300_000


def test_make_catalog_reads_the_reference_beside_the_checkout() -> None:
    """``make catalog`` looked one directory too high and failed in the documented layout."""
    assert generate.REFERENCE == REFERENCE
    assert (generate.REFERENCE / "instance-types.md").is_file()
