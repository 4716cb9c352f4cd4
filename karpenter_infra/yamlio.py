"""The one way user data in YAML is read: bounded, strict UTF-8, safe types only, one-line errors naming the file.

Stack files, values files, workload files and anything else a user hands us go through here. The loader builds
plain data only (dicts, lists, strings, numbers, booleans, None, and YAML's safe dates and binaries); it never
constructs a Python object from a tag. It refuses what would hang or exhaust a process later:

- more than ``MAX_BYTES`` of input;
- nesting deeper than ``MAX_DEPTH`` levels, counted after aliases are followed (``RecursionError`` elsewhere);
- aliases that expand the document by more than ``MAX_ALIAS_EXPANSION`` nodes, or that refer to themselves
  ("excessive aliasing", as Helm's go-yaml refuses a billion-laughs document);
- bytes that are not UTF-8.

A key repeated in one mapping is not an error: Helm and Pulumi keep the last one, and so do we, but each repeat is
reported as a ``YamlWarning`` naming the file and line, so the CLI can print it.

Parsing is libyaml's (fast, C) and composition is PyYAML's Python composer, so the bounds are checked on the node
graph before anything is constructed.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from karpenter_infra.errors import SpecError

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 100
MAX_ALIAS_EXPANSION = 100_000

_MERGE_TAG = "tag:yaml.org,2002:merge"


class YamlWarning(UserWarning):
    """Something a YAML file says that we accept but the user probably did not mean (a repeated key)."""


class _Refused(Exception):
    def __init__(self, line: int | None, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


class BoundedLoader(Composer, CParser, SafeConstructor, Resolver):
    """libyaml's parser, PyYAML's composer with a depth bound and duplicate-key notes, the safe constructor.

    Subclass it (and replace its resolvers and constructors) to read YAML another way, as the Helm importer does;
    the bounds stay.
    """

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.depth = 0
        self.duplicates: list[tuple[int, str]] = []
        self.constructing: int | None = None

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        self.constructing = _line(node.start_mark)  # scalars construct at once: a ValueError names their line
        return super().construct_object(node, deep)

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                event = self.peek_event()
                raise _Refused(_line(getattr(event, "start_mark", None)), f"nested deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def compose_mapping_node(self, anchor: Any) -> Any:
        node = super().compose_mapping_node(anchor)
        seen: set[tuple[str, str]] = set()
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE_TAG:
                continue
            if (key.tag, key.value) in seen:
                self.duplicates.append((_line(key.start_mark) or 0, str(key.value)))
            seen.add((key.tag, key.value))
        return node


def _line(mark: Any) -> int | None:
    return int(mark.line) + 1 if mark is not None else None


def _check_graph(root: yaml.Node) -> None:
    """Refuse self-referring aliases, alias expansion beyond the bound, and depth beyond the bound after expansion.

    Walks the node graph once (shared nodes are memoized), without recursion: a node's expanded size is itself plus
    its children's expanded sizes, whichever alias reached them.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        children = _children(node)
        if children_done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            if depth[key] > MAX_DEPTH:
                raise _Refused(_line(node.start_mark), f"nested deeper than {MAX_DEPTH} levels, aliases followed")
            continue
        if key in size:
            continue
        if key in on_path:
            raise _Refused(_line(node.start_mark), "excessive aliasing: an alias refers to its own node")
        on_path.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in on_path:
                raise _Refused(_line(child.start_mark), "excessive aliasing: an alias refers to its own node")
            if id(child) not in size:
                stack.append((child, False))
    written = len(size)
    if size[id(root)] - written > MAX_ALIAS_EXPANSION:
        raise _Refused(
            None,
            f"excessive aliasing: aliases expand the document by {size[id(root)] - written} nodes "
            f"(at most {MAX_ALIAS_EXPANSION})",
        )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _decode(data: str | bytes, source: str) -> str:
    if isinstance(data, str):
        if len(data) > MAX_BYTES:
            raise _Refused(None, f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
        return data
    if len(data) > MAX_BYTES:
        raise _Refused(None, f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _Refused(line, f"not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8") from None


def _documents(
    data: str | bytes, source: str, loader: type[BoundedLoader], owner: str | None, single: bool
) -> tuple[list[Any], BoundedLoader]:
    loader_instance: BoundedLoader | None = None
    try:
        text = _decode(data, source)
        loader_instance = loader(text)
        try:
            nodes: list[yaml.Node | None] = []
            if single:
                nodes.append(loader_instance.get_single_node())
            else:
                while loader_instance.check_node():
                    nodes.append(loader_instance.get_node())
            documents: list[Any] = []
            for node in nodes:
                if node is None:
                    documents.append(None)
                    continue
                _check_graph(node)
                documents.append(loader_instance.construct_document(node))
            duplicates = list(loader_instance.duplicates)
        finally:
            loader_instance.dispose()
    except _Refused as exc:
        raise _error(source, owner, exc.line, exc.problem) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "not valid YAML"
        raise _error(source, owner, _line(mark), f"not valid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise _error(source, owner, None, f"not valid YAML: {_first_line(str(exc))}") from None
    except (ValueError, TypeError, OverflowError) as exc:  # int('9' * 5000), a date like 2024-13-45
        line = loader_instance.constructing if loader_instance is not None else None
        message = _first_line(str(exc))
        if "integer string conversion" in message:
            message = "an integer with more than 4300 digits"
        raise _error(source, owner, line, f"cannot read a value: {message[:120]}") from None
    for line, key in sorted(duplicates):
        warnings.warn(
            YamlWarning(f"{source}: line {line}: key {key!r} repeated in one mapping; the last one wins"),
            stacklevel=4,
        )
    return documents, loader_instance


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown problem"


def _error(source: str, owner: str | None, line: int | None, problem: str) -> SpecError:
    field = f"line {line}" if line is not None else "(file)"
    return SpecError.one(owner or source, field, problem)


def load_yaml(
    data: str | bytes, *, source: str, loader: type[BoundedLoader] = BoundedLoader, owner: str | None = None
) -> Any:
    """The one document in ``data`` (None when empty); more than one document is an error."""
    return _documents(data, source, loader, owner, single=True)[0][0]


def load_yaml_with_loader(
    data: str | bytes, *, source: str, loader: type[BoundedLoader], owner: str | None = None
) -> tuple[Any, BoundedLoader]:
    """``load_yaml`` that also hands back the loader, for loaders that note things while they construct."""
    documents, used = _documents(data, source, loader, owner, single=True)
    return documents[0], used


def load_yaml_documents(
    data: str | bytes, *, source: str, loader: type[BoundedLoader] = BoundedLoader, owner: str | None = None
) -> list[Any]:
    """Every document in ``data``, empty ones as None (callers usually drop them)."""
    return _documents(data, source, loader, owner, single=False)[0]


def read_bounded(path: Path, owner: str | None = None) -> bytes:
    """The bytes of ``path``, refusing a missing file, a directory or one over ``MAX_BYTES`` with one line."""
    source = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise _error(source, owner, None, "no such file") from None
    except IsADirectoryError:
        raise _error(source, owner, None, "is a directory, not a file") from None
    except PermissionError:
        raise _error(source, owner, None, "not readable (permission denied)") from None
    except OSError as exc:
        raise _error(source, owner, None, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise _error(source, owner, None, f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
    return data


def load_yaml_file(path: Path | str, *, loader: type[BoundedLoader] = BoundedLoader, owner: str | None = None) -> Any:
    path = Path(path)
    return load_yaml(read_bounded(path, owner), source=str(path), loader=loader, owner=owner)


def load_yaml_file_documents(
    path: Path | str, *, loader: type[BoundedLoader] = BoundedLoader, owner: str | None = None
) -> list[Any]:
    path = Path(path)
    return load_yaml_documents(read_bounded(path, owner), source=str(path), loader=loader, owner=owner)
