"""Values files read as Helm reads them: YAML 1.1 through go-yaml, files merged in order, chart defaults below."""

from __future__ import annotations

from pathlib import Path

import pytest

from karpenter_infra.errors import SpecError
from karpenter_infra.importer.values import (
    CHART_DEFAULTS,
    coalesce,
    go_format_float,
    go_print,
    load_values,
    merge_files,
    parse_values,
    reparsed,
)

from .support import write


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("y", True),
        ("Y", True),
        ("yes", True),
        ("On", True),
        ("n", False),
        ("NO", False),
        ("off", False),
        ("true", True),
        ("'yes'", "yes"),
        ("~", None),
        ("", None),
        ("10", 10),
        ("0x1F", 31),
        ("0755", 493),  # go-yaml reads a leading 0 as octal
        ("1_000", 1000),
        ("1e3", 1000.0),  # a float for go-yaml, a string for PyYAML
        ("09", 9.0),
        ("1:30", "1:30"),  # PyYAML's sexagesimal 90; go-yaml keeps the text
        ("2024-01-01", "2024-01-01"),  # PyYAML's date; go-yaml keeps the text
        ("4Gi", "4Gi"),
        ("1.2.3", "1.2.3"),
    ],
)
def test_scalars_resolve_like_go_yaml_v2(token: str, value: object) -> None:
    data, _ = parse_values(f"key: {token}\n")
    assert data["key"] == value
    assert type(data["key"]) is type(value)


def test_yaml_1_1_booleans_in_keys_become_the_strings_helm_makes_of_them() -> None:
    data, pitfalls = parse_values("nodeTags:\n  y: 1\n  n: 2\n  3: three\n")
    assert data["nodeTags"] == {"true": 1, "false": 2, "3": "three"}
    assert [(p.line, p.token) for p in pitfalls] == [(2, "y"), (3, "n")]


def test_pitfalls_name_file_and_line_of_unquoted_yaml_1_1_booleans(tmp_path: Path) -> None:
    path = write(tmp_path, "common.yaml", "registryCache: yes\nother: true\n")
    loaded = load_values([path])
    assert loaded.values["registryCache"] is True
    assert [str(p) for p in loaded.pitfalls] == [
        f"{path}:1: unquoted `yes` is the boolean true for Helm (YAML 1.1); quote it if you meant the string"
    ]


def test_later_files_win_maps_merge_deeply_lists_replace() -> None:
    merged = merge_files(
        [
            {
                "instances": {"categories": ["c"], "cores": ["4"]},
                "nodeGroups": {"a": {"weight": 2, "labels": {"x": "1"}}},
            },
            {"instances": {"cores": ["8"]}, "nodeGroups": {"a": {"labels": {"y": "2"}}, "b": {"instances": {}}}},
            {"instances": {"categories": ["m", "r"]}},
        ]
    )
    assert merged == {
        "instances": {"categories": ["m", "r"], "cores": ["8"]},
        "nodeGroups": {"a": {"weight": 2, "labels": {"x": "1", "y": "2"}}, "b": {"instances": {}}},
    }


def test_a_later_null_replaces_an_earlier_value_between_user_files() -> None:
    assert merge_files([{"weight": 3}, {"weight": None}]) == {"weight": None}


def test_null_deletes_only_keys_the_chart_has_defaults_for() -> None:
    values = coalesce(
        {"IamRole": None, "nodeTags": None, "IamInstanceProfile": None, "nodeGroups": {"a": {"IamRole": None}}},
        CHART_DEFAULTS,
    )
    assert "IamRole" not in values
    assert "nodeTags" not in values
    assert "IamInstanceProfile" in values and values["IamInstanceProfile"] is None  # no default: the null stays
    assert values["nodeGroups"]["a"] == {"IamRole": None}


def test_user_maps_merge_over_the_chart_defaults_key_by_key() -> None:
    values = coalesce({"instances": {"categories": ["c"]}, "nodeTags": {}}, CHART_DEFAULTS)
    assert values["instances"]["categories"] == ["c"]
    assert values["instances"]["cores"] == ["4", "8", "16"]
    assert values["nodeTags"] == CHART_DEFAULTS["nodeTags"]  # `{}` cannot clear a map in Helm; `null` does


def test_three_files_in_helm_order(tmp_path: Path) -> None:
    files = [
        write(tmp_path, "common.yaml", "clusterName: eks-dev\ninstances:\n  capacityType: [spot]\n"),
        write(tmp_path, "nodegroups.yaml", "nodeGroups:\n  a:\n    instances: {}\n"),
        write(tmp_path, "userdata.yaml", "clusterName: eks-prod\n"),
    ]
    loaded = load_values(files)
    assert loaded.values["clusterName"] == "eks-prod"
    assert loaded.values["instances"]["capacityType"] == ["spot"]
    assert loaded.values["instances"]["operatingSystems"] == ["linux"]
    assert loaded.user["nodeGroups"] == {"a": {"instances": {}}}


def test_a_file_that_is_not_a_mapping_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="must be a mapping"):
        load_values([write(tmp_path, "bad.yaml", "- a\n- b\n")])


@pytest.mark.parametrize(
    ("number", "printed"),
    [(10, "10"), (2.5, "2.5"), (100000, "100000"), (1000000, "1e+06"), (123456789, "1.23456789e+08"), (1e-05, "1e-05")],
)
def test_numbers_print_as_go_float64s(number: float, printed: str) -> None:
    assert go_format_float(float(number)) == printed
    assert go_print(number) == printed


def test_printed_values_are_retyped_by_yaml_1_1() -> None:
    assert reparsed("true") is True
    assert reparsed("on") is True
    assert reparsed("123") == 123
    assert reparsed("") is None
    assert reparsed("gpu") == "gpu"
