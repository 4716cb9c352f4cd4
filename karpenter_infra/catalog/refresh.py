"""``catalog refresh``: the catalog of one region from EC2 ``DescribeInstanceTypes`` and the Pricing API.

Labels and allocatable resources are computed the way Karpenter v1.14 computes them for AL2023 nodes without
``blockDeviceMappings`` (pkg/providers/instancetype/types.go: ``computeRequirements``, ``computeCapacity``,
``kubeReservedResources``, ``evictionThreshold``, ``ENILimitedPods``), so a refreshed file reads like the shipped one.
boto3 is imported by the caller (``karpenter-infra[refresh]``); this module only sees clients.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import Any

from karpenter_infra.catalog.data_format import INSTANCE_TYPE_LABEL, CatalogData, TypeRecord
from karpenter_infra.catalog.model import Catalog

_SCHEME = re.compile(r"(^[a-z]+)(\-[0-9]+tb)?([0-9]+).*\.")
_ARCHITECTURES = {"x86_64": "amd64", "arm64": "arm64"}
#: AL2023's root volume (20 GiB) less kube-reserved (1 GiB) and the 10% nodefs eviction threshold (2 GiB).
EPHEMERAL_STORAGE_GIB = 17
EVICTION_MEMORY_MIB = 100
VM_MEMORY_OVERHEAD = 0.075
#: kube-reserved CPU: a share of each range of millicores (Karpenter, after Bottlerocket's formula).
_CPU_RESERVED = ((0, 1000, 0.06), (1000, 2000, 0.01), (2000, 4000, 0.005), (4000, 1 << 31, 0.0025))
#: Labels Karpenter takes from static tables of its own rather than the API: kept from the shipped catalog.
_STATIC_LABELS = ("karpenter.k8s.aws/instance-network-bandwidth",)
_STATIC_RESOURCES = ("vpc.amazonaws.com/pod-eni",)


def _kabob(text: str) -> str:
    return text.replace(" ", "-").lower()


def describe_instance_types(ec2: Any) -> list[dict[str, Any]]:
    """Every type of the client's region, all pages (100 per page, the API's maximum)."""
    found: list[dict[str, Any]] = []
    for page in ec2.get_paginator("describe_instance_types").paginate(PaginationConfig={"PageSize": 100}):
        found.extend(page["InstanceTypes"])
    return found


def eni_limited_pods(info: dict[str, Any]) -> int:
    network = info["NetworkInfo"]
    card = network["NetworkCards"][network.get("DefaultNetworkCardIndex", 0)]
    enis = int(card["MaximumNetworkInterfaces"])
    return enis * (int(network["Ipv4AddressesPerInterface"]) - 1) + 2 if enis else 0


def _kube_reserved_cpu(millis: int) -> int:
    reserved = 0
    for start, end, share in _CPU_RESERVED:
        if millis >= start:
            reserved += int((min(millis, end) - start) * share)
    return reserved


def record(info: dict[str, Any], shipped: Catalog | None = None) -> TypeRecord | None:
    """One ``InstanceTypeInfo`` as a catalog record; ``None`` for a type Karpenter cannot run (no amd64/arm64)."""
    name = info["InstanceType"]
    processor = info.get("ProcessorInfo", {})
    arch = next((_ARCHITECTURES[a] for a in processor.get("SupportedArchitectures", []) if a in _ARCHITECTURES), None)
    if arch is None or "NetworkInfo" not in info:
        return None
    family, _, size = name.partition(".")
    vcpus = int(info["VCpuInfo"]["DefaultVCpus"])
    memory = int(info["MemoryInfo"]["SizeInMiB"])
    labels = {
        INSTANCE_TYPE_LABEL: name,
        "kubernetes.io/arch": arch,
        "kubernetes.io/os": "linux",
        "karpenter.k8s.aws/instance-family": family,
        "karpenter.k8s.aws/instance-size": size,
        "karpenter.k8s.aws/instance-cpu": str(vcpus),
        "karpenter.k8s.aws/instance-memory": str(memory),
        "karpenter.k8s.aws/instance-hypervisor": info.get("Hypervisor", ""),
        "karpenter.k8s.aws/instance-capability-flex": str("-flex" in family).lower(),
        "karpenter.k8s.aws/instance-encryption-in-transit-supported": str(
            bool(info["NetworkInfo"].get("EncryptionInTransitSupported", False))
        ).lower(),
    }
    scheme = _SCHEME.match(name)
    if scheme:
        labels["karpenter.k8s.aws/instance-category"] = scheme.group(1)
        labels["karpenter.k8s.aws/instance-generation"] = scheme.group(3)
    if "Manufacturer" in processor:
        labels["karpenter.k8s.aws/instance-cpu-manufacturer"] = _kabob(processor["Manufacturer"])
    if processor:  # Karpenter writes 0 when the API gives no clock speed
        mhz = round(float(processor.get("SustainedClockSpeedInGhz", 0)) * 1000)
        labels["karpenter.k8s.aws/instance-cpu-sustained-clock-speed-mhz"] = str(mhz)
    ebs = info.get("EbsInfo", {})
    if ebs.get("EbsOptimizedSupport") == "default" and "EbsOptimizedInfo" in ebs:
        labels["karpenter.k8s.aws/instance-ebs-bandwidth"] = str(ebs["EbsOptimizedInfo"]["MaximumBandwidthInMbps"])
    storage = info.get("InstanceStorageInfo")
    if storage and storage.get("NvmeSupport") != "unsupported" and "TotalSizeInGB" in storage:
        labels["karpenter.k8s.aws/instance-local-nvme"] = str(storage["TotalSizeInGB"])
    gpus = info.get("GpuInfo", {}).get("Gpus", [])
    if len(gpus) == 1:
        labels["karpenter.k8s.aws/instance-gpu-name"] = _kabob(gpus[0]["Name"])
        labels["karpenter.k8s.aws/instance-gpu-manufacturer"] = _kabob(gpus[0]["Manufacturer"])
        labels["karpenter.k8s.aws/instance-gpu-count"] = str(gpus[0]["Count"])
        labels["karpenter.k8s.aws/instance-gpu-memory"] = str(gpus[0]["MemoryInfo"]["SizeInMiB"])
    neuron = info.get("NeuronInfo", {}).get("NeuronDevices", [])
    accelerators = info.get("InferenceAcceleratorInfo", {}).get("Accelerators", [])
    if len(neuron) == 1:
        labels["karpenter.k8s.aws/instance-accelerator-name"] = _kabob(neuron[0]["Name"])
        labels["karpenter.k8s.aws/instance-accelerator-manufacturer"] = "aws"
        labels["karpenter.k8s.aws/instance-accelerator-count"] = str(neuron[0]["Count"])
    elif len(accelerators) == 1 and not neuron:
        labels["karpenter.k8s.aws/instance-accelerator-name"] = _kabob(accelerators[0]["Name"])
        labels["karpenter.k8s.aws/instance-accelerator-manufacturer"] = _kabob(accelerators[0]["Manufacturer"])
        labels["karpenter.k8s.aws/instance-accelerator-count"] = str(accelerators[0]["Count"])
    pods = eni_limited_pods(info)
    capacity_mib = memory - (64 if arch == "arm64" else 0)
    capacity_mib -= math.ceil(capacity_mib * VM_MEMORY_OVERHEAD)
    resources = {
        "cpu": vcpus * 1000 - _kube_reserved_cpu(vcpus * 1000),
        "memory": capacity_mib - (11 * pods + 255) - EVICTION_MEMORY_MIB,
        "ephemeral-storage": EPHEMERAL_STORAGE_GIB,
        "pods": pods,
    }
    extended = {
        "nvidia.com/gpu": sum(int(g["Count"]) for g in gpus if g.get("Manufacturer") == "NVIDIA"),
        "amd.com/gpu": sum(int(g["Count"]) for g in gpus if g.get("Manufacturer") == "AMD"),
        "habana.ai/gaudi": sum(int(g["Count"]) for g in gpus if g.get("Manufacturer") == "Habana"),
        "aws.amazon.com/neuron": sum(int(d["Count"]) for d in neuron),
        "aws.amazon.com/neuroncore": int(neuron[0]["Count"]) * int(neuron[0]["CoreInfo"]["Count"]) if neuron else 0,
        "vpc.amazonaws.com/efa": int(info["NetworkInfo"].get("EfaInfo", {}).get("MaximumEfaInterfaces", 0)),
    }
    resources.update({k: v for k, v in extended.items() if v})
    if shipped is not None and name in shipped.ids:
        i = shipped.ids[name]
        for key in _STATIC_LABELS:
            value = next((v for v, bits in shipped.labels.get(key, {}).items() if bits >> i & 1), None)
            if value is not None:
                labels[key] = value
        for key in _STATIC_RESOURCES:
            if shipped.resources.get(key, [0] * len(shipped))[i]:
                resources[key] = shipped.resources[key][i]
    return TypeRecord(
        name=name,
        labels=labels,
        resources=resources,
        previous_generation=not info.get("CurrentGeneration", True),
    )


#: The two queries Karpenter makes (pkg/providers/pricing/pricing.go, ``UpdateOnDemandPricing``): shared tenancy
#: compute instances, and dedicated bare metal, each Linux, no pre-installed software, used capacity, on demand.
PRICE_QUERIES = (("Shared", "Compute Instance"), ("Dedicated", "Compute Instance (bare metal)"))


def price_filters(region: str, tenancy: str, family: str) -> list[dict[str, str]]:
    fields = {
        "regionCode": region,
        "serviceCode": "AmazonEC2",
        "preInstalledSw": "NA",
        "operatingSystem": "Linux",
        "capacitystatus": "Used",
        "marketoption": "OnDemand",
        "tenancy": tenancy,
        "productFamily": family,
    }
    return [{"Type": "TERM_MATCH", "Field": field, "Value": value} for field, value in fields.items()]


def on_demand_prices(pricing: Any, region: str) -> dict[str, float]:
    """USD (CNY in China) per hour by instance type, from ``GetProducts`` price list documents."""
    currency = "CNY" if region.startswith("cn-") else "USD"
    prices: dict[str, float] = {}
    for tenancy, family in PRICE_QUERIES:
        paginator = pricing.get_paginator("get_products")
        pages = paginator.paginate(
            ServiceCode="AmazonEC2",
            Filters=price_filters(region, tenancy, family),
            FormatVersion="aws_v1",
            PaginationConfig={"PageSize": 100},
        )
        for page in pages:
            prices.update(_page_prices(page["PriceList"], currency))
    return prices


def _page_prices(documents: Iterable[str], currency: str) -> dict[str, float]:
    found = {}
    for text in documents:
        item = json.loads(text)
        name = item.get("product", {}).get("attributes", {}).get("instanceType")
        if not name:
            continue
        for term in item.get("terms", {}).get("OnDemand", {}).values():
            for dimension in term.get("priceDimensions", {}).values():
                try:
                    price = float(dimension.get("pricePerUnit", {}).get(currency, ""))
                except ValueError:
                    continue
                if price:
                    found[name] = price
    return found


#: What an AWS region name looks like (``eu-west-1``, ``us-gov-west-1``, ``cn-north-1``, ``us-isob-east-1``).
REGION = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$")

# What a malformed API answer raises when read: a missing key, a wrong type, a number that is not one.
_UNREADABLE = (KeyError, TypeError, ValueError, AttributeError, IndexError)


class RefreshError(Exception):
    """The region or the APIs' answer cannot make a catalog; one line saying why."""


def check_region(region: str) -> None:
    if not REGION.match(region):
        raise RefreshError(f"{region!r} is not an AWS region name like eu-west-1")


def _records(ec2: Any, shipped: Catalog, region: str) -> list[TypeRecord]:
    try:
        infos = describe_instance_types(ec2)
    except _UNREADABLE as exc:
        raise RefreshError(f"DescribeInstanceTypes in {region} gave an answer we cannot read ({exc!r})") from None
    records = []
    for info in infos:
        try:
            found = record(info, shipped)
        except _UNREADABLE as exc:
            name = info.get("InstanceType", "?") if isinstance(info, dict) else "?"
            raise RefreshError(f"DescribeInstanceTypes in {region}: {name!r} cannot be read ({exc!r})") from None
        if found is not None:
            records.append(found)
    if not records:
        raise RefreshError(f"DescribeInstanceTypes in {region} listed no instance type we can use; nothing written")
    return records


def refresh(
    region: str, ec2: Any, pricing: Any, shipped: Catalog, *, price_error: tuple[type[BaseException], ...] = ()
) -> tuple[CatalogData, list[str]]:
    """The region's catalog, and notes for the user (what was kept from the shipped catalog, and why).

    Raises ``RefreshError`` for a malformed region name, an answer it cannot read, or no instance types at all:
    a catalog of zero types would refuse every node group.
    """
    check_region(region)
    records = _records(ec2, shipped, region)
    notes = []
    fallback: tuple[type[BaseException], ...] = (*price_error, RefreshError)
    try:
        try:
            prices = on_demand_prices(pricing, region)
        except _UNREADABLE as exc:
            raise RefreshError(f"Pricing GetProducts gave an answer we cannot read ({exc!r})") from None
        source = f"EC2 DescribeInstanceTypes and Pricing GetProducts, {region}"
    except fallback as exc:
        prices = {name: p for name, p in zip(shipped.names, shipped.prices, strict=True) if p is not None}
        kept = sum(1 for r in records if r.name in prices)
        reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        notes.append(
            f"prices: could not fetch on-demand prices ({reason}); kept the shipped {shipped.region} prices for "
            f"{kept} of {len(records)} types"
        )
        source = f"EC2 DescribeInstanceTypes, {region}; prices from the shipped {shipped.region} catalog"
    for r in records:
        r.price = prices.get(r.name)
    return CatalogData(region=region, source=source, types=sorted(records, key=lambda r: r.name)), notes
