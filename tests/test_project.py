"""Where a project's stacks are and where a stack deploys: one answer for every command and testing.run."""

from __future__ import annotations

from pathlib import Path

import pytest

from karpenter_infra.errors import SpecError
from karpenter_infra.project import deployment, find_stack_file, project_name, stack_names


def test_stack_files_next_to_pulumi_yaml_in_its_stack_config_dir_or_in_stacks(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: shop\nstackConfigDir: config\n")
    for where in ("config/Pulumi.a.yaml", "Pulumi.b.yaml", "stacks/Pulumi.c.yaml"):
        (tmp_path / where).parent.mkdir(exist_ok=True)
        (tmp_path / where).write_text("config: {}\n")
    assert stack_names(tmp_path) == ["a", "b", "c"]
    assert find_stack_file(tmp_path, "a") == tmp_path / "config" / "Pulumi.a.yaml"
    assert project_name(tmp_path) == "shop"
    with pytest.raises(SpecError, match=r"no Pulumi\.d\.yaml in .*; stacks here: a, b, c$"):
        find_stack_file(tmp_path, "d")


def test_a_project_without_pulumi_yaml_is_named_after_its_directory(tmp_path: Path) -> None:
    assert project_name(tmp_path) == tmp_path.name


P = "karpenter-infra:platform"


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({}, ("us-east-1", "aws", None)),
        ({"aws:region": "eu-west-1"}, ("eu-west-1", "aws", None)),
        ({"aws:region": "cn-north-1"}, ("cn-north-1", "aws-cn", None)),
        (
            {P: {"region": "us-gov-west-1", "account_id": "1"}},
            ("us-gov-west-1", "aws-us-gov", "1"),
        ),
        (
            {"aws:region": "eu-west-1", P: {"region": "eu-central-1"}},
            ("eu-central-1", "aws", None),
        ),
        ({P: {"partition": "aws-cn"}}, ("us-east-1", "aws-cn", None)),
    ],
)
def test_region_partition_and_account_are_worked_out_once(config: dict[str, object], expected: tuple[str, ...]) -> None:
    found = deployment(config)
    assert (found.region, found.partition, found.account_id) == expected
