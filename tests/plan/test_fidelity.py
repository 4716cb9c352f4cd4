"""The offline plan prints what reaches the API: the rendered manifests, integers as integers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import yaml
from typer.testing import CliRunner

from karpenter_infra.cli import app
from karpenter_infra.plan.fidelity import with_ints
from karpenter_infra.plan.mocks import run_program

PROJECT = Path(__file__).resolve().parents[2]
KINDS = {
    "kubernetes:karpenter.sh/v1:NodePool": "NodePool",
    "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass": "EC2NodeClass",
}


def floats(value: Any, path: str = "") -> list[str]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in floats(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in floats(item, f"{path}[{i}]")]
    return [path] if isinstance(value, float) else []


def test_plan_json_pools_and_classes_are_the_rendered_manifests_field_for_field() -> None:
    for stack in ("dev", "prod"):
        planned = CliRunner().invoke(app, ["plan", "-s", stack, "--json", "--project-dir", str(PROJECT)])
        rendered = CliRunner().invoke(app, ["render", "-s", stack, "--project-dir", str(PROJECT)])
        assert planned.exit_code == rendered.exit_code == 0, planned.output
        rows = json.loads(planned.stdout)
        from_plan = {
            (KINDS[row["type"]], row["inputs"]["metadata"]["name"]): row["inputs"]
            for row in rows
            if row["type"] in KINDS
        }
        from_render = {
            (m["kind"], m["metadata"]["name"]): m
            for m in yaml.safe_load_all(rendered.stdout)
            if m["kind"] in ("NodePool", "EC2NodeClass")
        }
        assert from_plan.keys() == from_render.keys()
        for identity, manifest in from_render.items():
            assert from_plan[identity] == manifest, identity  # == alone would take 50.0 for 50
            assert json.dumps(from_plan[identity], sort_keys=True) == json.dumps(manifest, sort_keys=True), identity


def test_no_input_of_the_dev_plan_is_a_float() -> None:
    # Nothing the program passes is a float: every number in the plan must come out as the int it went in as.
    result = CliRunner().invoke(app, ["plan", "-s", "dev", "--json", "--project-dir", str(PROJECT)])
    rows = json.loads(result.stdout)
    assert [f"{row['name']}{path}" for row in rows for path in floats(row["inputs"])] == []
    pool = next(row for row in rows if row["name"] == "nodepool-default-amd64" and row["type"].endswith("NodePool"))
    assert isinstance(pool["inputs"]["spec"]["weight"], int)


def test_a_float_the_program_passes_stays_a_float() -> None:
    def program() -> None:
        pulumi.CustomResource(
            "test:index:Thing", "thing", {"ratio": 2.0, "count": 2, "flag": True, "nested": [{"n": 3}]}
        )

    [thing] = run_program(program).find("test:index:Thing")
    assert thing.inputs == {"count": 2, "flag": True, "nested": [{"n": 3}], "ratio": 2.0}
    assert [type(thing.inputs[k]) for k in ("count", "flag", "ratio")] == [int, bool, float]
    assert type(thing.inputs["nested"][0]["n"]) is int


def test_ints_are_restored_only_where_they_were_passed() -> None:
    assert with_ints({"a": 1.0, "b": 1.0, "c": [2.0]}, {"a": 1, "b": 1.0, "c": [2]}) == {"a": 1, "b": 1.0, "c": [2]}
    assert type(with_ints({"b": 1.0}, {"b": 1.0})["b"]) is float
    assert with_ints({"t": 1.0}, {"t": True}) == {"t": 1.0}  # a bool is not an int here
    assert with_ints({"x": 1.0}, {}) == {"x": 1.0}
