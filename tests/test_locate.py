"""Errors of nested models, pinned to the group and field by their position in the user's source."""

from __future__ import annotations

from pathlib import Path

import pytest

from karpenter_infra import SpecError
from karpenter_infra.stack import import_module

HEADER = "import karpenter_infra as ki\nfrom karpenter_infra import CapacitySpread, Instances, NodeGroup, Taint\n"


def error_of(tmp_path: Path, body: str) -> str:
    (tmp_path / "groups_under_test.py").write_text(HEADER + body)
    with pytest.raises(SpecError) as caught:
        import_module("groups_under_test", tmp_path, "nodegroups")
    return str(caught.value)


def test_a_qualified_call_deep_in_a_list_of_a_group(tmp_path: Path) -> None:
    body = (
        "GROUPS = [\n"
        "    NodeGroup(\n"
        "        name='api',\n"
        "        taints=[\n"
        "            ki.Taint(key='a', effect='Nope'),\n"
        "        ],\n"
        "    )\n"
        "]\n"
    )
    assert error_of(tmp_path, body).startswith("nodegroup 'api' (groups_under_test.py:7): taints[0].effect: must be")


def test_two_models_on_one_line_are_told_apart_by_column(tmp_path: Path) -> None:
    body = "G = NodeGroup(name='x', instances=Instances(cores=[4]), capacity_spread=CapacitySpread(start=3, end=2))\n"
    message = error_of(tmp_path, body)
    assert message.startswith("nodegroup 'x' (groups_under_test.py:3): capacity_spread: start (3) must not be")


def test_a_model_outside_any_group_names_its_line_and_model(tmp_path: Path) -> None:
    body = "\nLIMITS = {'web': Instances(cores=['x'])}\n"
    assert error_of(tmp_path, body).startswith("Instances (groups_under_test.py:4): cores[0]: must be a whole number")


def test_a_group_without_a_literal_name_is_still_named_as_a_group(tmp_path: Path) -> None:
    body = "NAME = 'web'\nG = NodeGroup(name=NAME, capacity_spread=CapacitySpread(start=3, end=2))\n"
    assert error_of(tmp_path, body).startswith("nodegroup '<unnamed>' (groups_under_test.py:4): capacity_spread:")
