"""Pin a pydantic error raised while a user's module runs to the node group and field they typed.

``NodeGroup(...)`` names its group when it fails, but a nested model fails first, on its own, before the group
exists: ``NodeGroup(name="web", capacity_spread=CapacitySpread(start=5, end=1))`` raises inside
``CapacitySpread``. The user's source still says where it sits, so the innermost traceback frame in user code is
matched (by its exact source position) to the call in the module's syntax tree, and the enclosing keywords and list
items give the field path (``taints[0].effect``) and the enclosing ``NodeGroup(name=...)`` the group. A model built
elsewhere (``SPREAD = CapacitySpread(...)`` at the top of the module) has no group: the error names the file line and
the model instead. Either way it is one line per problem, never a traceback.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import os
import sysconfig
import traceback
from pathlib import Path
from types import TracebackType

import pydantic

from karpenter_infra.errors import SpecError, issues_from, nodegroup_owner


#: Frames in these packages (and the standard library: asyncio, importlib) are the machinery, not the user's code.
def _package_dir(name: str) -> str | None:
    spec = importlib.util.find_spec(name)  # finds without importing: no Pulumi import in the pure layer
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    return str(Path(locations[0]).resolve()) if locations else None


_LIBRARY_DIRS = tuple(
    found + os.sep
    for found in (
        *(_package_dir(name) for name in ("karpenter_infra", "pydantic", "pulumi", "typer")),
        str(Path(sysconfig.get_paths()["stdlib"]).resolve()),
    )
    if found is not None
)
_OWNERS = {"NodeGroup": "nodegroup", "NodeGroupDefaults": "defaults"}


def _user_frame(tb: TracebackType | None) -> traceback.FrameSummary | None:
    frames = [
        frame
        for frame in traceback.extract_tb(tb)
        if frame.filename.endswith(".py") and not str(Path(frame.filename).resolve()).startswith(_LIBRARY_DIRS)
    ]
    return frames[-1] if frames else None


@functools.lru_cache(maxsize=32)
def _tree(path: str, mtime: float) -> ast.Module | None:
    try:
        return ast.parse(Path(path).read_text(), filename=path)
    except (OSError, SyntaxError, ValueError):
        return None


def _call_at(tree: ast.Module, frame: traceback.FrameSummary) -> tuple[ast.Call, dict[ast.AST, ast.AST]] | None:
    parents: dict[ast.AST, ast.AST] = {}
    found: ast.Call | None = None
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
        if (
            isinstance(node, ast.Call)
            and (node.lineno, node.col_offset) == (frame.lineno, frame.colno)
            and (node.end_lineno, node.end_col_offset) == (frame.end_lineno, frame.end_colno)
        ):
            found = node
    return (found, parents) if found is not None else None


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _where(call: ast.Call, parents: dict[ast.AST, ast.AST]) -> tuple[str | None, str]:
    """The owner (``nodegroup 'web'``, ``defaults``) of the call, and the field path from it down to the call."""
    path: list[str] = []
    node: ast.AST = call
    while node in parents:
        parent = parents[node]
        if isinstance(parent, ast.keyword) and parent.arg is not None:
            path.insert(0, parent.arg)
        elif isinstance(parent, ast.List | ast.Tuple) and isinstance(node, ast.expr):
            path.insert(0, f"[{parent.elts.index(node)}]")
        elif isinstance(parent, ast.Call) and _name(parent) in _OWNERS and node is not parent.func:
            owner = _OWNERS[_name(parent) or ""]
            if owner == "defaults":
                return "defaults", _join(path)
            for keyword in parent.keywords:
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    return nodegroup_owner(keyword.value.value), _join(path)
            return nodegroup_owner("<unnamed>"), _join(path)
        node = parent
    return None, ""


def _join(parts: list[str]) -> str:
    text = ""
    for part in parts:
        text += part if part.startswith("[") or not text else f".{part}"
    return text


def _field(prefix: str, loc: str) -> str:
    if loc == "(root)":
        return prefix or loc
    if not prefix:
        return loc
    return f"{prefix}{loc}" if loc.startswith("[") else f"{prefix}.{loc}"


def located(exc: pydantic.ValidationError, where: str) -> SpecError:
    """``exc`` as a ``SpecError`` naming the group and field if the source shows them, else the file line and model.

    ``where`` names what was running (``module 'stacks.nodegroups.dev'``), for when no user frame is found.
    """
    frame = _user_frame(exc.__traceback__)
    issues = issues_from(exc)
    if frame is None or frame.lineno is None:
        return SpecError(f"{where}: {exc.title}", issues)
    site = f"{Path(frame.filename).name}:{frame.lineno}"
    path = Path(frame.filename)
    tree = _tree(str(path), path.stat().st_mtime) if path.is_file() else None
    match = _call_at(tree, frame) if tree is not None and frame.colno is not None else None
    if match is not None:
        owner, prefix = _where(*match)
        if owner is not None:
            return SpecError(f"{owner} ({site})", [(_field(prefix, loc), problem) for loc, problem in issues])
    return SpecError(f"{exc.title} ({site})", issues)
