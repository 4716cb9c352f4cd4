"""Errors that teach: located one-liners, patterns in words, one "did you mean", one console, `error:` per line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from karpenter_infra import CapacityType, Fleet, Instances, NodeGroup, NodeGroupDefaults, SpecError
from karpenter_infra.cli import app
from karpenter_infra.spec.base import Spec
from karpenter_infra.spec.words import PATTERN_WORDS

runner = CliRunner()
DEFAULTS = NodeGroupDefaults(cluster_name="c")


def _patterns(schema: Any) -> set[str]:
    if isinstance(schema, dict):
        found = {schema["pattern"]} if isinstance(schema.get("pattern"), str) else set()
        return found.union(*(_patterns(v) for v in schema.values()))
    if isinstance(schema, list):
        return set().union(*(_patterns(v) for v in schema))
    return set()


def _models() -> list[type[Spec]]:
    import karpenter_infra.spec.platform  # noqa: F401 (every model is a subclass once imported)

    todo, seen = [Spec], []
    while todo:
        model = todo.pop()
        seen.append(model)
        todo.extend(model.__subclasses__())
    return seen[1:]


def test_every_pattern_of_every_model_is_said_in_words() -> None:
    patterns = set().union(*(_patterns(m.model_json_schema()) for m in _models()))
    assert patterns and patterns <= set(PATTERN_WORDS), sorted(patterns - set(PATTERN_WORDS))


def test_a_pattern_error_says_what_the_value_must_look_like() -> None:
    with pytest.raises(SpecError) as caught:
        NodeGroup(name="Web_1")
    assert str(caught.value) == (
        "nodegroup 'Web_1': name: must be lower-case letters, digits and '-', starting and ending with a letter or "
        "digit, got 'Web_1'"
    )


def test_a_misspelt_group_field_gets_a_suggestion() -> None:
    with pytest.raises(SpecError, match=r"node_clas: Extra inputs are not permitted \(did you mean 'node_class'\?\)"):
        NodeGroup(name="web", node_clas="x")  # type: ignore[call-arg]


def test_a_misspelt_group_reference_gets_a_suggestion() -> None:
    groups = [NodeGroup(name="web"), NodeGroup(name="batch", node_class="wbe")]
    with pytest.raises(SpecError, match=r"no node group named 'wbe' \(did you mean 'web'\?\)$"):
        Fleet(DEFAULTS, groups, node_role="r")


def test_a_number_outside_the_catalog_is_not_matched_to_numbers_that_share_a_digit() -> None:
    with pytest.raises(SpecError) as caught:
        Fleet(DEFAULTS, [NodeGroup(name="web", instances=Instances(cores=[3]))], node_role="r")
    assert "'3' is no instance-cpu" in str(caught.value) and "did you mean" not in str(caught.value)


def _module(tmp_path: Path, name: str, body: str) -> Path:
    (tmp_path / f"{name}.py").write_text(
        "from karpenter_infra import Instances, NodeGroup, NodeGroupDefaults\n\n\ndef main() -> None:\n" + body
    )
    return tmp_path


def _error(result: Any) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "pydantic" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return str(lines[0])


def test_a_misspelt_enum_in_a_nested_model_is_located_and_suggested(tmp_path: Path) -> None:
    body = "    NodeGroup(name='web', instances=Instances(capacity_types=['spto']))\n"
    project = _module(tmp_path, "enum_program", body)
    line = _error(runner.invoke(app, ["plan", "--program", "enum_program:main", "--project-dir", str(project)]))
    assert line.endswith(
        "instances.capacity_types[0]: must be 'spot', 'on-demand' or 'reserved', got 'spto' (did you mean 'spot'?)"
    )
    assert line.startswith("error: nodegroup 'web' (enum_program.py:5)")
    assert CapacityType.SPOT.value == "spot"


def test_a_word_for_a_number_says_so(tmp_path: Path) -> None:
    body = "    NodeGroup(name='web', instances=Instances(min_generation='seven'))\n"
    project = _module(tmp_path, "seven_program", body)
    line = _error(runner.invoke(app, ["plan", "--program", "seven_program:main", "--project-dir", str(project)]))
    assert line.endswith("instances.min_generation: must be a whole number, got 'seven'")


def test_every_line_of_a_multi_problem_report_starts_with_error() -> None:
    from karpenter_infra.cli.common import fail

    problems = SpecError("nodegroup 'web'", [("weight", "must be at most 100"), ("limits.cpu", "[bold]x[/]")])
    result = runner.invoke(_one_command(lambda: fail(problems)), [])
    assert result.stderr.splitlines() == [
        "error: nodegroup 'web': weight: must be at most 100",
        "error: nodegroup 'web': limits.cpu: [bold]x[/]",
    ]


def _one_command(function: Any) -> Any:
    import typer

    single = typer.Typer()
    single.command()(function)
    return single


def test_the_refresh_install_hint_keeps_its_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich read ``[refresh]`` as markup and printed ``pip install 'karpenter-infra'``."""
    monkeypatch.setitem(sys.modules, "boto3", None)
    result = runner.invoke(app, ["catalog", "refresh", "--region", "eu-west-1"])
    assert result.exit_code == 2
    assert result.stderr == "error: catalog refresh needs boto3: pip install 'karpenter-infra[refresh]'\n"


def test_schedule_reports_a_bad_instant_through_the_one_error_path() -> None:
    root = Path(__file__).resolve().parents[2]
    result = runner.invoke(app, ["schedule", "--at", "tomorrow", "--project-dir", str(root)])
    assert _error(result) == "error: schedule: --at: 'tomorrow' is not an ISO 8601 instant"
