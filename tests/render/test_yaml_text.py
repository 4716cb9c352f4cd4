"""YAML text is the same whichever emitter PyYAML has: libyaml's (used when present) and the pure-Python one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from karpenter_infra.render import files
from karpenter_infra.stack import load_stack

PROJECT = Path(__file__).resolve().parents[2]

#: Strings each emitter quotes, folds or escapes by its own code: plain-looking values YAML would read as something
#: else, multi-line text (block style), long lines (folding at the width), control and non-ASCII characters.
AWKWARD = {
    "colon": "x: y",
    "block": "#!/bin/bash\necho hi\n",
    "block-indented": "line\n  indented\n",
    "block-no-final-newline": "a\nb",
    "leading-space": "  lead",
    "trailing-space": "trail ",
    "unicode": "é ünï ✓",
    "comment": "#c",
    "octal-looking": "0123",
    "boolean-looking": "yes",
    "null-looking": "~",
    "empty": "",
    "dash": "- x",
    "flow": "{a} [b]",
    "quotes": "'q' \"d\"",
    "crlf": "a\r\nb",
    "bell": "\x07bell",
    "separator": "a\u2028b",
    "long": "long words " * 30,
    "long-token": "a" * 300,
}


class _PurePython(yaml.SafeDumper):
    pass


_PurePython.add_representer(str, files._str)


def _pure(manifests: list[dict[str, Any]]) -> str:
    return yaml.dump_all(manifests, Dumper=_PurePython, sort_keys=False, width=120, explicit_start=True)


def _corpus() -> list[tuple[str, list[dict[str, Any]]]]:
    found = [(f"stack-{s}", load_stack(s, PROJECT).fleet().manifests()) for s in ("dev", "prod", "auto")]
    for golden in sorted((PROJECT / "tests" / "render" / "goldens").glob("*.yaml")):
        found.append((golden.name, list(yaml.safe_load_all(golden.read_text()))))
    found.append(("awkward", [{"kind": "ConfigMap", "data": AWKWARD}]))
    return found


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="PyYAML built without libyaml")
def test_libyaml_is_the_emitter_and_writes_what_the_pure_python_one_writes() -> None:
    assert issubclass(files._Dumper, yaml.CSafeDumper)
    for name, manifests in _corpus():
        assert files.to_yaml(manifests) == _pure(manifests), name
