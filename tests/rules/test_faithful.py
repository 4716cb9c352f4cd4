"""Faithful to Karpenter v1.14.1 in both directions: refuse what it refuses, accept what it accepts (issue 21)."""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra import SpecError
from tests.rules.support import accepted, build, refused_group


def term(key: str, operator: str = "Exists", values: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {"key": key, "operator": operator, "values": values or [], **extra}


@pytest.mark.parametrize(
    "labels",
    [
        {"node-role.kubernetes.io/worker": ""},
        {"app.kubernetes.io/part-of": "shop"},
        {"k8s.io/team": "a"},
        {"example.kubernetes.io/x": "y"},
    ],
)
def test_kubernetes_domain_labels_are_accepted_as_karpenter_syncs_them(labels: dict[str, str]) -> None:
    """Registration copies NodeClaim labels onto the Node (core registration.go syncNode)."""
    [pool] = [m for m in accepted(labels=labels).manifests() if m["kind"] == "NodePool"]
    assert labels.items() <= pool["spec"]["template"]["metadata"]["labels"].items()


def test_an_empty_cpu_options_is_accepted() -> None:
    [nodeclass] = [m for m in accepted(cpu_options={}).manifests() if m["kind"] == "EC2NodeClass"]
    assert nodeclass["spec"]["cpuOptions"] == {}


def test_windows_not_in_on_a_linux_pool_is_accepted() -> None:
    accepted(additional_requirements=[term("kubernetes.io/os", "NotIn", ["windows"])])


@pytest.mark.parametrize(
    ("requirement", "field", "words"),
    [
        (term("example.com/" + "x" * 64), "additional_requirements[0].key", "more than 63"),
        (term("a" * 254 + "/x"), "additional_requirements[0].key", "longer than 253"),
        (term("karpenter.k8s.aws/ec2nodeclass"), "additional_requirements[0].key", "a domain Karpenter reserves"),
        (term("karpenter.sh/custom"), "additional_requirements[0].key", "a domain Karpenter reserves"),
        (
            term("karpenter.k8s.aws/instance-tenancy", "In", ["xdedicated"]),
            "additional_requirements[0].values",
            "names none of its values ('dedicated', 'default')",
        ),
        (
            term("karpenter.sh/capacity-type", "In", ["on-demand", "xspot"], min_values=2),
            "additional_requirements[0].min_values",
            "only 1 of ['on-demand', 'xspot'] are valid",
        ),
    ],
)
def test_requirements_karpenter_refuses_at_runtime(requirement: dict[str, Any], field: str, words: str) -> None:
    """core pkg/apis/v1/nodeclaim_validation.go ValidateRequirement and validateWellKnownValues."""
    refused_group(field, words, additional_requirements=[requirement])


def test_tenancy_values_karpenter_knows_are_accepted() -> None:
    accepted(additional_requirements=[term("karpenter.k8s.aws/instance-tenancy", "In", ["default"])])


def test_the_ec2nodeclass_key_is_refused_as_a_label_too() -> None:
    refused_group(
        "labels['karpenter.k8s.aws/ec2nodeclass']", "set by Karpenter", labels={"karpenter.k8s.aws/ec2nodeclass": "x"}
    )


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"instances": {"operating_systems": ["windows"]}}, "ami_family AL2023 runs only linux"),
        ({"ami_family": "Windows2022", "instances": {"operating_systems": ["linux"]}}, "runs only windows"),
    ],
)
def test_os_and_ami_family_must_agree(settings: dict[str, Any], words: str) -> None:
    refused_group("instances.operating_systems", words, **settings)


def test_a_windows_ami_family_makes_the_library_os_default_windows() -> None:
    [pool] = [m for m in accepted(ami_family="Windows2022").manifests() if m["kind"] == "NodePool"]
    [os_term] = [t for t in pool["spec"]["template"]["spec"]["requirements"] if t["key"] == "kubernetes.io/os"]
    assert os_term["values"] == ["windows"]


def test_a_linux_group_reusing_a_windows_node_class_is_refused() -> None:
    with pytest.raises(Exception, match=r"nodegroup 'b': instances.operating_systems: .*node class of group 'a'"):
        build(
            {"name": "a", "ami_family": "Windows2022"},
            {"name": "b", "node_class": "a", "instances": {"operating_systems": ["linux"]}},
        )


@pytest.mark.parametrize("key", ["karpenter.sh/capacity-type", "karpenter.k8s.aws/instance-tenancy", "example.com/x"])
def test_an_in_without_values_is_one_located_refusal_not_a_crash(key: str) -> None:
    """Found by `make conformance`'s corpus: an ``In`` with no values on a key with well-known values raised an
    IndexError in the well-known-values check instead of the CRD's refusal ("must have a value defined")."""
    with pytest.raises(SpecError, match=r"^nodegroup 'g': ") as raised:
        build({"name": "g", "additional_requirements": [term(key, "In")]}).manifests()
    assert "additional_requirements[0]" in str(raised.value) or "requirements[" in str(raised.value)


@pytest.mark.parametrize("alias", ["al2023@v20251016@x", "al2@@"])
def test_an_alias_with_a_second_at_is_refused_as_the_controller_exits_on_it(alias: str) -> None:
    """The CRD admits it; provider pkg/apis/v1/ec2nodeclass.go amiFamilyFromAlias calls log.Fatalf (found by
    `make conformance`, whose Go oracle died on 'al2@@')."""
    refused_group(
        "ami_selector_terms[0].alias", "more than one '@'", ami_selector_terms=[{"alias": alias}], ami_family=None
    )


def test_an_alias_with_one_at_is_accepted() -> None:
    accepted(ami_selector_terms=[{"alias": "al2023@v20251016"}])
