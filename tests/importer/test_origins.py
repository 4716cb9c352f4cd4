"""A problem in a value a group took from a shared values file names that file, not only the group."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from karpenter_infra import SpecError
from karpenter_infra.importer.command import import_helm_values

from .support import BASE, cli, warnings_of, write

COMMON = {key: value for key, value in BASE.items() if key != "nodeGroups"}
GROUPS: dict[str, Any] = {"nodeGroups": {"web": {"instances": {}}, "jobs": {"instances": {}}, "own": {"instances": {}}}}


def _files(tmp_path: Path, common: dict[str, Any], groups: dict[str, Any] = GROUPS) -> list[str]:
    return [str(write(tmp_path, "common.yaml", {**COMMON, **common})), str(write(tmp_path, "nodegroups.yaml", groups))]


def test_a_bad_shared_value_names_the_file_that_set_it(tmp_path: Path) -> None:
    own = {"nodeGroups": {**GROUPS["nodeGroups"], "own": {"instances": {}, "amiFamily": "Bottlerocket"}}}
    result = cli("-f", *_files(tmp_path, {"amiFamily": "al2023"}, own)[:1], "-f", str(tmp_path / "nodegroups.yaml"))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: nodegroup '{name}': amiFamily (from common.yaml): 'al2023' is not an AMI family Karpenter accepts; "
        "did you mean 'AL2023'?"
        for name in ("jobs", "web")
    ]


def test_a_hoisted_value_the_fleet_refuses_names_the_file_not_the_defaults(tmp_path: Path) -> None:
    """The three groups share the zones, so the import moves them into the defaults; the file still set them."""
    files = _files(tmp_path, {"availabilityZones": ["eu-west-1a"], "labels": None})
    groups = {
        "nodeGroups": {name: {"instances": {}, "labels": {"kubernetes.io/arch": "arm64"}} for name in ("web", "jobs")}
    }
    write(tmp_path, "nodegroups.yaml", groups)
    with pytest.raises(SpecError) as caught:
        import_helm_values([Path(f) for f in files])
    # the label is each group's own key (hoisted because both had it): no file named, no "defaults" either
    assert [line.split(": ")[:2] for line in str(caught.value).splitlines()] == [
        ["nodegroup 'jobs'", "labels['kubernetes.io/arch']"],
        ["nodegroup 'web'", "labels['kubernetes.io/arch']"],
    ]


def test_a_shared_exclusion_warning_names_the_file(tmp_path: Path) -> None:
    """An unknown family in a shared excludeFamilies changes nothing in Karpenter: a warning, naming common.yaml."""
    result = import_helm_values([Path(f) for f in _files(tmp_path, {"excludeFamilies": ["zz9"]})])
    found = [w for w in warnings_of(result) if "'zz9'" in w]
    assert found and all(
        w.startswith(f"nodegroup '{n}': instances.exclude_families (from common.yaml): 'zz9' is no instance-family")
        for w, n in zip(found, ("jobs", "own", "web"), strict=True)
    ), found
