"""``catalog refresh`` end to end against moto's EC2 server, and its price half against the Pricing service model."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import yaml
from botocore.stub import Stubber
from moto.server import ThreadedMotoServer
from typer.testing import CliRunner

from karpenter_infra.catalog.data_format import from_document
from karpenter_infra.catalog.model import Catalog
from karpenter_infra.catalog.refresh import PRICE_QUERIES, on_demand_prices, price_filters, refresh
from karpenter_infra.cli import app
from tests.catalog.support import PROJECT, catalog

runner = CliRunner()


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def refreshed(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """One ``catalog refresh --region eu-west-1`` against the local server: the file and what the command said.

    Every client the command makes talks to the local server; no real credentials or config are read.
    """
    tmp = tmp_path_factory.mktemp("refresh")
    with pytest.MonkeyPatch.context() as env:
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_ENDPOINT_URL": moto_endpoint,
            "AWS_CONFIG_FILE": str(tmp / "none"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "none"),
            "AWS_MAX_ATTEMPTS": "1",
        }.items():
            env.setenv(name, value)
        env.delenv("AWS_PROFILE", raising=False)
        out = tmp / "eu-west-1.json"
        result = runner.invoke(app, ["catalog", "refresh", "--region", "eu-west-1", "-o", str(out)])
        assert result.exit_code == 0, result.output
        yield out, result.stderr


def test_refresh_writes_the_region_catalog_and_keeps_shipped_prices_without_pricing(
    refreshed: tuple[Path, str],
) -> None:
    out, stderr = refreshed
    # moto serves no Pricing API: the command says so and keeps the shipped prices.
    assert "warning: prices: could not fetch on-demand prices" in stderr
    assert "kept the shipped us-east-1 prices for" in stderr
    document = json.loads(out.read_text())
    refreshed_catalog = Catalog(document)
    assert refreshed_catalog.region == "eu-west-1" and len(refreshed_catalog) > 1300
    shipped = catalog()
    records = {r.name: r for r in from_document(document).types}
    shipped_records = {r.name: r for r in from_document(json.loads(Path(shipped_path()).read_text())).types}
    # Computed the way Karpenter computes them: moto's EC2 data gives the reference's allocatable amounts.
    for name in ("m7i.xlarge", "c7g.2xlarge", "g5.xlarge", "a1.medium", "r6i.large"):
        assert records[name].resources == shipped_records[name].resources, name
        assert records[name].labels == shipped_records[name].labels, name
        assert records[name].price == shipped.prices[shipped.ids[name]]
    same = sum(records[n].resources == shipped_records[n].resources for n in records if n in shipped_records)
    assert same / len(set(records) & set(shipped_records)) > 0.95
    assert out.read_text() == out.read_text().strip() + "\n"


def test_a_stack_points_at_a_refreshed_catalog(refreshed: tuple[Path, str], tmp_path: Path) -> None:
    shutil.copytree(PROJECT / "stacks", tmp_path / "stacks", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "catalogs").mkdir()
    shutil.copy(refreshed[0], tmp_path / "catalogs" / "eu-west-1.json")
    stack_file = tmp_path / "stacks" / "Pulumi.prod.yaml"
    config = yaml.safe_load(stack_file.read_text())
    config["config"]["karpenter-infra:platform"]["catalog"] = "catalogs/eu-west-1.json"
    stack_file.write_text(yaml.safe_dump(config))
    explained = runner.invoke(app, ["explain", "-s", "prod", "--project-dir", str(tmp_path), "--json"])
    assert explained.exit_code == 0, explained.output
    assert json.loads(explained.stdout)["catalog"]["region"] == "eu-west-1"
    config["config"]["karpenter-infra:platform"]["catalog"] = "catalogs/missing.json"
    stack_file.write_text(yaml.safe_dump(config))
    missing = runner.invoke(app, ["explain", "-s", "prod", "--project-dir", str(tmp_path)])
    assert missing.exit_code == 2
    assert "error: stack 'prod' (karpenter-infra:platform): catalog:" in missing.stderr


def test_refresh_merges_fetched_prices_into_the_described_types(moto_endpoint: str) -> None:
    ec2 = boto3.client(
        "ec2",
        region_name="eu-west-1",
        endpoint_url=moto_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    pricing = boto3.client(
        "pricing", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    stubber = Stubber(pricing)
    for tenancy, family in PRICE_QUERIES:
        documents = [_price_document("m7i.xlarge", "0.2100000000")] if tenancy == "Shared" else []
        stubber.add_response(
            "get_products",
            {"FormatVersion": "aws_v1", "PriceList": documents},
            {
                "ServiceCode": "AmazonEC2",
                "Filters": price_filters("eu-west-1", tenancy, family),
                "FormatVersion": "aws_v1",
                "MaxResults": 100,
            },
        )
    with stubber:
        data, notes = refresh("eu-west-1", ec2, pricing, catalog())
    assert notes == []
    assert data.source == "EC2 DescribeInstanceTypes and Pricing GetProducts, eu-west-1"
    prices = {r.name: r.price for r in data.types}
    assert prices["m7i.xlarge"] == 0.21 and prices["c7i.xlarge"] is None


def shipped_path() -> str:
    from karpenter_infra.catalog.model import SHIPPED

    return str(SHIPPED)


def _price_document(instance_type: str, usd: str) -> str:
    """One entry of ``PriceList`` as the Pricing API documents it (a JSON string per product)."""
    return json.dumps(
        {
            "product": {
                "productFamily": "Compute Instance",
                "attributes": {"instanceType": instance_type, "regionCode": "eu-west-1", "operatingSystem": "Linux"},
                "sku": f"SKU{instance_type}",
            },
            "serviceCode": "AmazonEC2",
            "terms": {
                "OnDemand": {
                    f"SKU{instance_type}.JRTCKXETXF": {
                        "priceDimensions": {
                            f"SKU{instance_type}.JRTCKXETXF.6YS6EN2CT7": {
                                "unit": "Hrs",
                                "pricePerUnit": {"USD": usd},
                                "description": f"${usd} per On Demand Linux {instance_type} Instance Hour",
                            }
                        },
                        "sku": f"SKU{instance_type}",
                        "effectiveDate": "2026-11-01T00:00:00Z",
                    }
                }
            },
            "version": "20261101000000",
            "publicationDate": "2026-11-01T00:00:00Z",
        }
    )


def test_prices_come_from_get_products_in_the_documented_shape() -> None:
    client = boto3.client(
        "pricing", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    stubber = Stubber(client)
    shared = {
        "ServiceCode": "AmazonEC2",
        "Filters": price_filters("eu-west-1", "Shared", "Compute Instance"),
        "FormatVersion": "aws_v1",
        "MaxResults": 100,
    }
    stubber.add_response(
        "get_products",
        {"FormatVersion": "aws_v1", "PriceList": [_price_document("m7i.xlarge", "0.2100000000")], "NextToken": "n"},
        shared,
    )
    stubber.add_response(
        "get_products",
        {
            "FormatVersion": "aws_v1",
            "PriceList": [_price_document("c7g.large", "0.0810000000"), _price_document("t4g.nano", "0.0000000000")],
        },
        {**shared, "NextToken": "n"},
    )
    metal = {**shared, "Filters": price_filters("eu-west-1", "Dedicated", "Compute Instance (bare metal)")}
    stubber.add_response(
        "get_products", {"FormatVersion": "aws_v1", "PriceList": [_price_document("m7i.metal-24xl", "5.4")]}, metal
    )
    with stubber:
        prices = on_demand_prices(client, "eu-west-1")
    stubber.assert_no_pending_responses()
    # A zero price is no price (Karpenter skips it too).
    assert prices == {"m7i.xlarge": 0.21, "c7g.large": 0.081, "m7i.metal-24xl": 5.4}
