"""Every path a command takes, checked the same way before anything is read or written: one line, never a traceback.

A file where a directory is expected (or the other way round), a missing parent, a path we may not write: each is a
``SpecError`` naming the command and the option.
"""

from __future__ import annotations

import os
from pathlib import Path

from karpenter_infra.errors import SpecError


def _nearest_existing(path: Path) -> Path:
    current = path
    while not current.exists() and current != current.parent:
        current = current.parent
    return current


def output_file(path: Path, command: str, option: str) -> Path:
    """A file we are about to (over)write: not a directory, in an existing directory we may write to."""
    if path.is_dir():
        raise SpecError.one(command, option, f"{path} is a directory; give a file name")
    parent = path.parent
    if not parent.exists():
        raise SpecError.one(command, option, f"{parent} does not exist; create the directory first")
    if not parent.is_dir():
        raise SpecError.one(command, option, f"{parent} is not a directory")
    if path.exists() and not os.access(path, os.W_OK):
        raise SpecError.one(command, option, f"{path} is not writable")
    if not path.exists() and not os.access(parent, os.W_OK | os.X_OK):
        raise SpecError.one(command, option, f"cannot create files in {parent} (permission denied)")
    return path


def output_dir(path: Path, command: str, option: str) -> Path:
    """A directory we write files into; created (with its parents) if missing."""
    if path.exists() and not path.is_dir():
        raise SpecError.one(command, option, f"{path} is a file; give a directory (it is created if missing)")
    existing = _nearest_existing(path)
    if not existing.is_dir():
        raise SpecError.one(command, option, f"{existing} is a file, so {path} cannot be created")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise SpecError.one(command, option, f"cannot write in {existing} (permission denied)")
    return path


def write_text(path: Path, text: str, command: str, option: str) -> None:
    try:
        path.write_text(text)
    except OSError as exc:
        raise SpecError.one(command, option, f"cannot write {path}: {exc.strerror or exc}") from None


def make_dir(path: Path, command: str, option: str) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SpecError.one(command, option, f"cannot create {path}: {exc.strerror or exc}") from None
