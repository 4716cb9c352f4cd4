"""``render -o`` owns the files it wrote (listed in ``.karpenter-infra``) and nothing else."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from karpenter_infra.errors import SpecError
from karpenter_infra.render.files import OWNED, write_tree


def manifest(kind: str, name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": kind, "metadata": {"name": name}}


POOLS = [manifest("NodePool", "a"), manifest("NodePool", "b")]


def test_first_run_records_what_it_wrote(tmp_path: Path) -> None:
    write_tree(POOLS, tmp_path)
    listed = (tmp_path / OWNED).read_text().splitlines()
    assert listed[0].startswith("# ")
    assert listed[1:] == ["kustomization.yaml", "nodepool-a.yaml", "nodepool-b.yaml"]


def test_only_files_it_wrote_are_removed(tmp_path: Path) -> None:
    write_tree(POOLS, tmp_path)
    (tmp_path / "notes.yaml").write_text("mine\n")
    write_tree(POOLS[:1], tmp_path)
    assert not (tmp_path / "nodepool-b.yaml").exists()
    assert (tmp_path / "notes.yaml").read_text() == "mine\n"
    assert "nodepool-b.yaml" not in (tmp_path / OWNED).read_text()


def test_a_users_kustomization_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources: abc\n")
    for name in "abc":
        (tmp_path / name).write_text(name)
    with pytest.raises(SpecError) as caught:
        write_tree(POOLS, tmp_path)
    assert str(caught.value) == (
        f"render: --out: {tmp_path / 'kustomization.yaml'} is a kustomization karpenter-infra did not write (it is "
        f"not listed in {OWNED}); move it away or render into another directory"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "c", "kustomization.yaml"]
    assert (tmp_path / "kustomization.yaml").read_text() == "resources: abc\n"


def test_a_users_file_with_our_name_is_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "nodepool-a.yaml").write_text("hand written\n")
    with pytest.raises(SpecError, match=r"nodepool-a.yaml is a file karpenter-infra did not write"):
        write_tree(POOLS, tmp_path)
    assert (tmp_path / "nodepool-a.yaml").read_text() == "hand written\n"
    assert not (tmp_path / "nodepool-b.yaml").exists()  # refused before anything is written


def test_the_list_cannot_name_files_outside_the_directory(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(POOLS, out)
    (tmp_path / "precious.yaml").write_text("keep\n")
    with (out / OWNED).open("a") as handle:
        handle.write("../precious.yaml\n/etc/passwd\nkustomization.yaml/../x.yaml\n.karpenter-infra\n")
    write_tree(POOLS[:1], out)
    assert (tmp_path / "precious.yaml").read_text() == "keep\n"
    assert (out / OWNED).exists()


def test_symlinks_are_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret\n")
    out = tmp_path / "out"
    write_tree(POOLS, out)
    (out / "nodepool-a.yaml").unlink()
    os.symlink(outside, out / "nodepool-a.yaml")
    with pytest.raises(SpecError, match=r"nodepool-a.yaml is a symbolic link; render -o never writes through one$"):
        write_tree(POOLS, out)
    assert outside.read_text() == "secret\n"
    (out / "nodepool-a.yaml").unlink()
    (out / OWNED).unlink()
    os.symlink(outside, out / OWNED)
    with pytest.raises(SpecError, match=r"\.karpenter-infra is a symbolic link; remove it$"):
        write_tree(POOLS, out)
    assert outside.read_text() == "secret\n"


def test_a_stale_entry_that_became_a_symlink_is_not_removed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep\n")
    out = tmp_path / "out"
    write_tree(POOLS, out)
    (out / "nodepool-b.yaml").unlink()
    os.symlink(outside, out / "nodepool-b.yaml")
    write_tree(POOLS[:1], out)
    assert outside.read_text() == "keep\n"
