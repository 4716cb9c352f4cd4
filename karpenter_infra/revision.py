"""Render a stack as it was at a git revision, with that revision's own library and nodegroup lists."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from karpenter_infra.errors import SpecError
from karpenter_infra.project import stack_names
from karpenter_infra.yamlio import load_yaml_documents


def _git(project_dir: Path, *args: str) -> bytes:
    result = subprocess.run(["git", "-C", str(project_dir), *args], capture_output=True, check=False)
    if result.returncode != 0:
        problem = result.stderr.decode(errors="replace").strip().splitlines()[:1]
        raise SpecError.one("diff", "--base", problem[0] if problem else f"git {args[0]} failed")
    return result.stdout


def commit_of(project_dir: Path, revision: str) -> str:
    """The commit id ``revision`` names. A value that starts with ``-`` would reach git as an option
    (``--base=--output=FILE`` truncates FILE): it is refused, and the revision goes to git after
    ``--end-of-options``, so git reads it as a revision whatever it says."""
    if not revision or revision.startswith("-"):
        raise SpecError.one("diff", "--base", f"{revision!r} is not a revision (a branch, tag or commit id)")
    found = subprocess.run(
        [
            "git",
            "-C",
            str(project_dir),
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            f"{revision}^{{commit}}",
        ],
        capture_output=True,
        check=False,
    )
    commit = found.stdout.decode(errors="replace").strip()
    if found.returncode != 0 or not commit:
        said = found.stderr.decode(errors="replace").strip().splitlines()[:1]
        raise SpecError.one("diff", "--base", said[0] if said else f"{revision!r} names no commit in {project_dir}")
    return commit


def render_at_revision(
    project_dir: Path, revision: str, stack: str, program: str | None = None
) -> list[dict[str, Any]]:
    """A fresh interpreter in a checkout of ``revision``: nothing of the working tree leaks into the base side.

    With ``program`` (a consumer's ``module:function``) the checkout's program renders, with the installed
    library when the checkout holds none of its own.
    """
    commit = commit_of(project_dir, revision)
    top = Path(_git(project_dir, "rev-parse", "--show-toplevel").decode().strip())
    relative = project_dir.resolve().relative_to(top)
    archive = _git(project_dir, "archive", "--format=tar", commit, "--")
    with tempfile.TemporaryDirectory(prefix="karpenter-infra-base-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        checkout = Path(tmp) / relative
        if stack not in stack_names(checkout):
            return []  # the stack did not exist yet: everything is new
        env = {**os.environ, "PYTHONPATH": str(Path(tmp))}
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "karpenter_infra.cli",
                "render",
                "--stack",
                stack,
                "--project-dir",
                str(checkout),
                *(["--program", program] if program else []),
            ],
            capture_output=True,
            env=env,
            cwd=checkout,
            check=False,
        )
        if result.returncode != 0:
            problem = result.stderr.decode().strip().splitlines()[-1:] or ["render failed"]
            raise SpecError.one("diff", "--base", f"stack {stack!r} does not render at {revision}: {problem[0]}")
        return [doc for doc in load_yaml_documents(result.stdout, source=f"render of {stack!r} at {revision}") if doc]
