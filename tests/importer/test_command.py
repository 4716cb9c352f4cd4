"""``import-helm-values`` as a user runs it: module or manifests on stdout, one warning line per fix on stderr."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from .support import BASE, cli, deep_merge, write


def values_file(tmp_path: Path) -> Path:
    return write(tmp_path, "values.yaml", deep_merge(BASE, {"nodeGroups": {"ng": {"labels": {"gpu": "true"}}}}))


def test_prints_a_python_module_by_default(tmp_path: Path) -> None:
    result = cli("-f", str(values_file(tmp_path)))
    assert result.exit_code == 0, result.stderr
    tree = ast.parse(result.stdout)
    assigned = {t.id for node in tree.body if isinstance(node, ast.Assign | ast.AnnAssign) for t in _targets(node)}
    assert {"DEFAULTS", "NODEGROUPS"} <= assigned
    assert cli("--file", str(values_file(tmp_path)), "--python").stdout == result.stdout


def _targets(node: ast.Assign | ast.AnnAssign) -> list[ast.Name]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return [t for t in targets if isinstance(t, ast.Name)]


def test_render_prints_the_manifests(tmp_path: Path) -> None:
    result = cli("-f", str(values_file(tmp_path)), "--render")
    assert result.exit_code == 0, result.stderr
    kinds = sorted(d["kind"] for d in yaml.safe_load_all(result.stdout))
    assert kinds == ["EC2NodeClass", "NodePool", "PriorityClass"]  # the chart renders it with top-level headRoom


def test_each_fix_is_one_warning_line_naming_the_group(tmp_path: Path) -> None:
    result = cli("-f", str(values_file(tmp_path)))
    assert result.stderr.splitlines() == [
        "warning: nodegroup 'ng': labels.gpu: the chart writes value 'true' unquoted, so YAML makes it the boolean "
        "true, which Karpenter rejects; kept the string 'true'",
    ]


def test_files_apply_in_order(tmp_path: Path) -> None:
    first = write(tmp_path, "common.yaml", deep_merge(BASE, {"weight": 3}))
    second = write(tmp_path, "override.yaml", {"weight": 4})
    result = cli("-f", str(first), "-f", str(second), "--render")
    pool = next(d for d in yaml.safe_load_all(result.stdout) if d["kind"] == "NodePool")
    assert pool["spec"]["weight"] == 4


def test_python_and_render_together_is_a_usage_error(tmp_path: Path) -> None:
    result = cli("-f", str(values_file(tmp_path)), "--python", "--render")
    assert result.exit_code == 2
    assert "choose one of --python, --render" in result.stderr


def test_a_values_set_without_a_role_takes_the_node_role_option(tmp_path: Path) -> None:
    path = write(tmp_path, "values.yaml", deep_merge(BASE, {"IamRole": None}))
    assert cli("-f", str(path)).exit_code == 2
    result = cli("-f", str(path), "--node-role", "KarpenterNodeRole-c1", "--render")
    assert result.exit_code == 0, result.stderr
    nodeclass = next(d for d in yaml.safe_load_all(result.stdout) if d["kind"] == "EC2NodeClass")
    assert nodeclass["spec"]["role"] == "KarpenterNodeRole-c1"
