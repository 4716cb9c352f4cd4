"""Requirement evaluation: Kubernetes node-selector semantics over the catalog, checked against a plain filter."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from karpenter_infra import Instances, NodeGroup, NodeGroupDefaults, Requirement
from karpenter_infra.catalog.data_format import TypeRecord, from_document
from karpenter_infra.catalog.evaluate import admitted_types
from karpenter_infra.catalog.model import SHIPPED
from karpenter_infra.errors import SpecError
from karpenter_infra.render.nodepool import node_pool
from karpenter_infra.spec.resolve import resolve
from tests.catalog.support import catalog, fleet

RECORDS = from_document(json.loads(SHIPPED.read_text())).types
GPU_COUNT = "karpenter.k8s.aws/instance-gpu-count"


def pool(*requirements: dict[str, Any]) -> dict[str, Any]:
    return {"spec": {"template": {"spec": {"requirements": list(requirements)}}}}


def term(key: str, operator: str, *values: str) -> dict[str, Any]:
    return {"key": key, "operator": operator, **({"values": list(values)} if values else {})}


def test_not_in_and_does_not_exist_admit_types_without_the_label() -> None:
    without_gpu = {r.name for r in RECORDS if GPU_COUNT not in r.labels}
    assert admitted_types(pool(term(GPU_COUNT, "DoesNotExist")), catalog()) == without_gpu
    not_one = admitted_types(pool(term(GPU_COUNT, "NotIn", "1")), catalog())
    assert without_gpu < not_one and "g5.xlarge" not in not_one and "g5.12xlarge" in not_one


def test_gt_and_lt_need_the_label_and_an_integer() -> None:
    more = admitted_types(pool(term(GPU_COUNT, "Gt", "4")), catalog())
    assert more == {r.name for r in RECORDS if int(r.labels.get(GPU_COUNT, "0")) > 4}
    assert "m7i.large" not in admitted_types(pool(term(GPU_COUNT, "Lt", "4")), catalog())
    assert admitted_types(pool(term(GPU_COUNT, "Gt", "four")), catalog()) == frozenset()


def test_keys_the_catalog_does_not_carry_do_not_narrow() -> None:
    everything = admitted_types(pool(), catalog())
    assert len(everything) == 1363
    for key in ("karpenter.sh/capacity-type", "topology.kubernetes.io/zone", "example.com/team"):
        for op in ("In", "NotIn", "DoesNotExist", "Exists"):
            assert admitted_types(pool(term(key, op, "x")), catalog()) == everything


def test_every_type_is_linux_and_only_amd64_types_are_windows() -> None:
    windows = admitted_types(pool(term("kubernetes.io/os", "In", "windows")), catalog())
    assert windows == {r.name for r in RECORDS if r.labels["kubernetes.io/arch"] == "amd64"}
    assert len(admitted_types(pool(term("kubernetes.io/os", "In", "linux")), catalog())) == 1363
    arm = term("kubernetes.io/arch", "In", "arm64")
    assert admitted_types(pool(arm, term("kubernetes.io/os", "NotIn", "linux")), catalog()) == frozenset()


# --- the property: the bitset evaluation equals a straightforward filter over the records


def _values(record: TypeRecord, key: str) -> set[str] | None:
    """The record's values for a key (the OS label has two for amd64 types); ``None`` when the label is absent."""
    if key == "kubernetes.io/os":
        return {"linux", "windows"} if record.labels["kubernetes.io/arch"] == "amd64" else {"linux"}
    return {record.labels[key]} if key in record.labels else None


KNOWN_KEYS = {key for r in RECORDS for key in r.labels}


def _matches(record: TypeRecord, requirement: dict[str, Any]) -> bool:
    key, op, values = requirement["key"], requirement["operator"], requirement.get("values", [])
    if key not in KNOWN_KEYS:
        return True
    have = _values(record, key)
    if op == "In":
        return have is not None and bool(have & set(values))
    if op == "NotIn":
        return have is None or not have & set(values)
    if op == "Exists":
        return have is not None
    if op == "DoesNotExist":
        return have is None
    if have is None or not values[0].lstrip("-").isdigit():
        return False
    (value,) = have
    if not value.lstrip("-").isdigit():
        return False
    return {"Gt": int(value) > int(values[0]), "Lt": int(value) < int(values[0])}[op]


def reference_filter(requirements: list[dict[str, Any]]) -> set[str]:
    return {r.name for r in RECORDS if all(_matches(r, q) for q in requirements)}


instances = st.builds(
    Instances,
    categories=st.one_of(st.none(), st.lists(st.sampled_from(["c", "m", "r", "t", "g", "x", "i"]), unique=True)),
    min_generation=st.one_of(st.none(), st.integers(1, 9)),
    cores=st.one_of(st.none(), st.lists(st.sampled_from([1, 2, 4, 8, 16, 48, 96]), unique=True, max_size=3)),
    architecture=st.one_of(st.none(), st.sampled_from(["amd64", "arm64", "multiarch"])),
    operating_systems=st.one_of(st.none(), st.lists(st.sampled_from(["linux", "windows"]), unique=True, min_size=1)),
    cpu_manufacturers=st.one_of(st.none(), st.lists(st.sampled_from(["intel", "amd", "aws"]), unique=True)),
    instance_types=st.one_of(
        st.none(), st.lists(st.sampled_from(["m5.large", "c7g.xlarge", "g5.2xlarge", "t3.micro"]), unique=True)
    ),
    exclude_families=st.one_of(st.none(), st.lists(st.sampled_from(["t3", "c7g", "m5", "r7i"]), unique=True)),
    exclude_sizes=st.one_of(st.none(), st.lists(st.sampled_from(["metal", "large", "48xlarge"]), unique=True)),
)
RAW_KEYS = st.sampled_from(
    [
        GPU_COUNT,
        "karpenter.k8s.aws/instance-local-nvme",
        "karpenter.k8s.aws/instance-memory",
        "karpenter.k8s.aws/instance-hypervisor",
        "example.com/disk",
    ]
)
RAW_VALUES = st.sampled_from(["1", "4", "2048", "16384", "nitro", "xen"])


def _may_match(term: Requirement) -> bool:
    """The spec refuses an In on the hypervisor key that names none of its values (it can never launch)."""
    return not (
        term.key == "karpenter.k8s.aws/instance-hypervisor"
        and term.operator == "In"
        and not {"nitro", "xen"} & set(term.values)
    )


raw = st.one_of(
    st.builds(Requirement, key=RAW_KEYS, operator=st.sampled_from(["Exists", "DoesNotExist"])),
    st.builds(
        Requirement,
        key=RAW_KEYS,
        operator=st.sampled_from(["Gt", "Lt"]),
        values=st.lists(RAW_VALUES, min_size=1, max_size=1),
    ),
    st.builds(
        Requirement,
        key=RAW_KEYS,
        operator=st.sampled_from(["In", "NotIn"]),
        values=st.lists(RAW_VALUES, min_size=1, max_size=2, unique=True),
    ).filter(_may_match),
)
groups = st.builds(
    NodeGroup,
    name=st.sampled_from(["a", "b", "c"]),
    instances=instances,
    additional_requirements=st.one_of(st.none(), st.lists(raw, max_size=2)),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(groups, min_size=1, max_size=3, unique_by=lambda g: g.name))
def test_admitted_set_equals_a_plain_filter_for_generated_fleets(nodegroups: list[NodeGroup]) -> None:
    defaults = NodeGroupDefaults(cluster_name="c")
    try:
        resolved = resolve(defaults, nodegroups, "R")
    except SpecError:
        return
    for group in resolved:
        rendered = node_pool(group)
        requirements = rendered["spec"]["template"]["spec"]["requirements"]
        expected = reference_filter(requirements)
        assert admitted_types(rendered, catalog()) == expected
        try:
            built = fleet(*[g for g in nodegroups if g.name == group.name])
        except SpecError:
            continue
        # A fleet that builds admits something, and its report holds the same set.
        assert expected
        assert set(catalog().names_of(built.catalog_report.pools[group.name].bits)) == expected
