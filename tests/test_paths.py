"""Path arguments are checked one way (``paths``), and ``diff --base`` never reaches git as an option."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from karpenter_infra.errors import SpecError
from karpenter_infra.paths import output_dir, output_file, write_text
from karpenter_infra.revision import commit_of


def test_output_file(tmp_path: Path) -> None:
    assert output_file(tmp_path / "x.json", "c", "--out") == tmp_path / "x.json"
    with pytest.raises(SpecError, match=rf"^c: --out: {tmp_path} is a directory; give a file name$"):
        output_file(tmp_path, "c", "--out")
    with pytest.raises(SpecError, match=r"^c: --out: .*/missing does not exist; create the directory first$"):
        output_file(tmp_path / "missing" / "x.json", "c", "--out")
    (tmp_path / "file").write_text("")
    with pytest.raises(SpecError, match=r"^c: --out: .*/file is not a directory$"):
        output_file(tmp_path / "file" / "x.json", "c", "--out")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(SpecError, match=r"permission denied"):
        output_file(locked / "x", "c", "--out")
    with pytest.raises(SpecError, match=r"permission denied"):
        output_dir(locked / "sub", "c", "--out")


def test_output_dir(tmp_path: Path) -> None:
    assert output_dir(tmp_path / "new" / "deeper", "c", "-o") == tmp_path / "new" / "deeper"
    (tmp_path / "file").write_text("")
    with pytest.raises(SpecError, match=r"^c: -o: .*/file is a file; give a directory \(it is created if missing\)$"):
        output_dir(tmp_path / "file", "c", "-o")
    with pytest.raises(SpecError, match=r"^c: -o: .*/file is a file, so .*/file/sub cannot be created$"):
        output_dir(tmp_path / "file" / "sub", "c", "-o")


def test_write_text_failure_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"^c: --out: cannot write .*: Is a directory$"):
        write_text(tmp_path, "x", "c", "--out")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t"}
    env["GIT_COMMITTER_EMAIL"] = "t@t"
    subprocess.run(["git", "-C", str(tmp_path), "commit", "-q", "--allow-empty", "-m", "x"], check=True, env=env)
    return tmp_path


@pytest.mark.parametrize("revision", ["--output=victim", "-o", "-", "--", ""])
def test_base_that_looks_like_an_option_is_refused(repo: Path, revision: str) -> None:
    victim = repo / "victim"
    victim.write_text("keep\n")
    with pytest.raises(SpecError) as caught:
        commit_of(repo, revision)
    assert str(caught.value) == f"diff: --base: {revision!r} is not a revision (a branch, tag or commit id)"
    assert victim.read_text() == "keep\n"


def test_base_resolves_to_a_commit(repo: Path) -> None:
    assert len(commit_of(repo, "HEAD")) == 40
    with pytest.raises(SpecError, match=r"^diff: --base: 'HEAD~3' names no commit in "):
        commit_of(repo, "HEAD~3")
