"""The generated module: valid, lint-clean Python that builds the same fleet, with defaults hoisted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from karpenter_infra import Fleet, NodeGroup, NodeGroupDefaults
from karpenter_infra.importer.codegen import module_text

from .support import BASE, deep_merge, explicit_fleet, run, write
from .test_chart_parity import COMMON, NODEGROUPS, USERDATA

RUFF = Path(sys.executable).parent / "ruff"
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def execute(module: str) -> tuple[NodeGroupDefaults, list[NodeGroup]]:
    namespace: dict[str, Any] = {}
    exec(compile(module, "imported.py", "exec"), namespace)
    return namespace["DEFAULTS"], namespace["NODEGROUPS"]


@pytest.fixture
def realistic(tmp_path: Path) -> list[Path]:
    return [
        write(tmp_path, "common.yaml", COMMON),
        write(tmp_path, "nodegroups.yaml", NODEGROUPS),
        write(tmp_path, "userdata.yaml", USERDATA),
    ]


def test_the_module_builds_the_fleet_that_render_prints(realistic: list[Path]) -> None:
    from karpenter_infra.importer.command import import_helm_values

    module = import_helm_values(realistic).output
    defaults, nodegroups = execute(module)
    rendered = import_helm_values(realistic, render=True)
    assert Fleet(defaults, nodegroups).manifests() == rendered.manifests
    assert defaults == rendered.defaults
    assert nodegroups == rendered.nodegroups


@pytest.mark.skipif(not RUFF.exists(), reason="ruff is a dev dependency")
def test_the_module_is_ruff_clean(realistic: list[Path], tmp_path: Path) -> None:
    from karpenter_infra.importer.command import import_helm_values

    path = tmp_path / "imported.py"
    path.write_text(import_helm_values(realistic).output)
    for command in (["check"], ["format", "--check"]):
        done = subprocess.run(
            [str(RUFF), *command, "--config", str(PYPROJECT), str(path)], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_defaults_hold_what_groups_share_and_groups_only_their_overrides(realistic: list[Path]) -> None:
    from karpenter_infra.importer.command import import_helm_values

    result = import_helm_values(realistic)
    assert result.defaults.consolidate_after == "5m"
    assert result.defaults.instances is not None and result.defaults.instances.capacity_types == ["spot"]
    groups = {g.name: g for g in result.nodegroups}
    assert groups["nodes-canary"].model_dump(exclude_none=True) == {
        "name": "nodes-canary",
        "capacity_spread": {"start": 1, "end": 4},
    }
    assert groups["nodes-jobs"].instances is not None
    assert groups["nodes-jobs"].instances.model_dump(exclude_none=True) == {
        "cores": [8, 16],
        "capacity_types": ["on-demand"],
    }
    module = result.output
    assert module.count("user_data_template=USER_DATA") == 1  # one template, held by the defaults
    assert 'NodeGroup(name="nodes-canary", capacity_spread=CapacitySpread(start=1, end=4)),' in module


def test_hoisting_loses_nothing(realistic: list[Path]) -> None:
    """The fleet of fully spelled-out groups (every setting on every group) equals the hoisted one."""
    from karpenter_infra.importer.command import import_helm_values

    assert explicit_fleet(realistic).manifests() == import_helm_values(realistic, render=True).manifests


def test_a_minority_value_is_an_override_of_the_majoritys_default(tmp_path: Path) -> None:
    groups = {name: {"instances": {}, "weight": 3} for name in ("a", "b", "c")}
    groups["d"] = {"instances": {}, "weight": 9}
    result = run(tmp_path, {**BASE, "nodeGroups": groups}, render=False)
    assert result.defaults.weight == 3
    assert [(g.name, g.weight) for g in result.nodegroups] == [("a", None), ("b", None), ("c", None), ("d", 9)]


def test_maps_only_hoist_keys_every_group_has(tmp_path: Path) -> None:
    groups = {
        "a": {"instances": {}, "nodeTags": {"team": "x", "cost": "1"}},
        "b": {"instances": {}, "nodeTags": {"team": "x"}},
    }
    result = run(tmp_path, {**BASE, "nodeGroups": groups}, render=False)
    assert result.defaults.node_tags == {"team": "x"}
    assert [g.node_tags for g in result.nodegroups] == [{"cost": "1"}, None]


def test_a_group_whose_family_differs_from_explicit_default_terms_keeps_them(tmp_path: Path) -> None:
    values = deep_merge(
        BASE,
        {
            "amiSelectorTerms": [{"tags": {"team": "images"}}],
            "nodeGroups": {
                "a": {"instances": {}},
                "b": {"instances": {}},
                "c": {"instances": {}, "amiFamily": "AL2023"},
            },
        },
    )
    result = run(tmp_path, values)
    terms = {
        m["metadata"]["name"]: m["spec"]["amiSelectorTerms"] for m in result.manifests if m["kind"] == "EC2NodeClass"
    }
    assert terms["c-amd64"] == [{"tags": {"team": "images"}}]  # the chart: group | default global terms


def test_an_empty_fleet_is_still_a_module() -> None:
    module = module_text(NodeGroupDefaults(cluster_name="c"), [])
    defaults, nodegroups = execute(module)
    assert defaults.cluster_name == "c"
    assert nodegroups == []


def test_awkward_strings_stay_valid_python() -> None:
    text = 'a """ b\\\n'
    module = module_text(NodeGroupDefaults(cluster_name="c", user_data=text), [])
    defaults, _ = execute(module)
    assert defaults.user_data == text


def test_generated_long_lines_carry_the_noqa_lint_needs() -> None:
    long_line = "echo " + "x" * 130 + "\n"
    module = module_text(NodeGroupDefaults(cluster_name="c", user_data="a\n" + long_line), [])
    assert '"""  # noqa: E501' in module
