"""Values files written by the tests, and the importer run on them the way the command runs it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from karpenter_infra import Fleet, NodeGroup, NodeGroupDefaults
from karpenter_infra.cli.importer import import_helm_values_command
from karpenter_infra.importer.command import ImportResult, import_helm_values
from karpenter_infra.importer.hoist import settings_kwargs
from karpenter_infra.importer.mapping import ChartMapping
from karpenter_infra.importer.values import load_values

#: A minimal values set the chart renders cleanly and Karpenter v1.14 accepts: one group, everything else default.
BASE: dict[str, Any] = {
    "clusterName": "c1",
    "subnetSelectorTerms": [{"tags": {"Name": "subnet-a"}}],
    "securityGroupSelectorTerms": [{"tags": {"Name": "nodes"}}],
    "availabilityZones": ["eu-west-1a"],
    "nodeGroups": {"ng": {"instances": {}}},
}


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def write(tmp_path: Path, name: str, values: dict[str, Any] | str) -> Path:
    path = tmp_path / name
    path.write_text(values if isinstance(values, str) else yaml.safe_dump(values, sort_keys=False))
    return path


def run(tmp_path: Path, *layers: dict[str, Any] | str, render: bool = True) -> ImportResult:
    files = [write(tmp_path, f"values-{i}.yaml", layer) for i, layer in enumerate(layers)]
    return import_helm_values(files, render=render)


def with_base(tmp_path: Path, values: dict[str, Any], render: bool = True) -> ImportResult:
    return run(tmp_path, deep_merge(BASE, values), render=render)


def one(result: ImportResult, kind: str, name: str) -> dict[str, Any]:
    found = [m for m in result.manifests if m["kind"] == kind and m["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind} {name} not in {[(m['kind'], m['metadata']['name']) for m in result.manifests]}"
    return found[0]


def requirement(pool: dict[str, Any], key: str) -> dict[str, Any] | None:
    terms = [r for r in pool["spec"]["template"]["spec"]["requirements"] if r["key"] == key]
    return terms[0] if terms else None


def warnings_of(result: ImportResult) -> list[str]:
    return [str(w) for w in result.warnings]


def cli(*args: str) -> Any:
    """The command as it will be registered on the ``karpenter-infra`` app."""
    import typer

    app = typer.Typer()
    app.command("import-helm-values")(import_helm_values_command)
    app.command("noop")(lambda: None)  # a second command keeps typer from collapsing the app into one command
    return CliRunner().invoke(app, ["import-helm-values", *args])


def explicit_fleet(files: list[Path]) -> Fleet:
    """The fleet with every setting spelled out on every group and nothing hoisted: what hoisting must preserve."""
    mapper = ChartMapping(load_values(files), None)
    globals_, groups = mapper.run()
    explicit = []
    for group in groups:
        settings = dict(group.pool)
        if group.nodeclass is not None:
            settings.update(group.nodeclass)
        explicit.append(
            NodeGroup(
                name=group.name,
                group_label=group.group_label,
                capacity_spread=group.capacity_spread,
                node_class=group.node_class,
                existing_node_class=group.existing_node_class,
                headroom=group.headroom,
                **settings_kwargs(settings),
            )
        )
    return Fleet(NodeGroupDefaults(**globals_), explicit)


def harmless(path: str, before: Any, after: Any) -> bool:
    """A difference that changes nothing Karpenter hashes or the API keeps immutable, and no behaviour either."""
    if path.startswith("metadata.labels."):
        return True  # the labels we put on the objects themselves, to find them
    if path.endswith("].values") and isinstance(before, list) and isinstance(after, list):
        return sorted(before) == sorted(after)  # requirement values are a set to Karpenter
    return False
