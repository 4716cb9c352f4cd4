"""Generated code cannot be injected: whatever a values file (or its name) says, the module compiles, imports and
builds the same models; no value reaches the code except through a literal that reads back as itself."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from karpenter_infra import NodeGroup, NodeGroupDefaults
from karpenter_infra.errors import SpecError
from karpenter_infra.importer.codegen import module_text
from karpenter_infra.importer.command import import_helm_values

from .support import BASE, deep_merge

HOSTILE = [
    '"""',
    "'''",
    '"""\nimport os\nos.system("echo pwned")\n"""',
    "\\",
    'ends with a quote"',
    "ends with a backslash\\",
    "\x00",
    "\r\n",
    "\x1b[2J\x07",
    "\u2028\u2029",
    "\ufeff",
    "\udcff",
    "{{ cluster_name }}",
    "# not a comment",
]

# Any text, surrogates included (a file name that is not UTF-8 decodes to them), and the strings above.
TEXT = st.one_of(st.text(st.characters(codec=None), max_size=40), st.sampled_from(HOSTILE))
SCALAR = st.one_of(
    TEXT,
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**5000, max_value=10**5000 + 10),  # more digits than int() and repr() take
    st.floats(allow_nan=True, allow_infinity=True),
)
VALUE = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3))


def canonical(value: Any) -> Any:
    """Equality that sees NaN as NaN and does not print huge integers."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, bool) or value is None or isinstance(value, str | float):
        return (type(value).__name__, value)
    if isinstance(value, int):
        return ("int", hex(value))
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    return value


def execute(module: str) -> tuple[NodeGroupDefaults, list[NodeGroup]]:
    module.encode()  # the file is written as UTF-8: no lone surrogate may reach it
    namespace: dict[str, Any] = {}
    exec(compile(module, "imported.py", "exec"), namespace)
    return namespace["DEFAULTS"], namespace["NODEGROUPS"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.dictionaries(TEXT, VALUE, max_size=4),
    user_data=TEXT,
    template=TEXT,
    files=st.lists(TEXT, max_size=3),
)
def test_any_value_and_file_name_gives_a_module_that_imports(
    values: dict[str, Any], user_data: str, template: str, files: list[str]
) -> None:
    defaults = NodeGroupDefaults(cluster_name="c", user_data_values=values)
    groups = [
        NodeGroup(name="verbatim", user_data=user_data + "\nsecond line"),
        NodeGroup(name="templated", user_data_template=template),
    ]
    built_defaults, built_groups = execute(module_text(defaults, groups, source_files=files, chart_version="1.1.5"))
    assert canonical(built_defaults.model_dump()) == canonical(defaults.model_dump())
    assert [canonical(g.model_dump()) for g in built_groups] == [canonical(g.model_dump()) for g in groups]


def test_the_docstring_names_files_as_data() -> None:
    module = module_text(NodeGroupDefaults(cluster_name="c"), [], source_files=['x"""\nimport os  # """.yaml'])
    defaults, groups = execute(module)
    assert defaults == NodeGroupDefaults(cluster_name="c") and groups == []
    assert "\nimport os" not in module


@pytest.mark.parametrize(
    "scalar",
    [
        "2001-12-14",
        "2001-12-14T21:59:43.10-05:00",
        ".inf",
        "-.inf",
        ".nan",
        "9" * 5000,
        '"a\\0b\\x1b[2J\\u2028"',
        "'''",
        '"\\"\\"\\"\\nimport os"',
    ],
)
def test_values_files_with_hostile_scalars(tmp_path: Path, scalar: str) -> None:
    values = deep_merge(BASE, {"nodeGroups": {"ng": {"userData": "echo {{ .Values.extra }}\n"}}})
    path = tmp_path / 'values"""\nimport os.yaml'
    import yaml

    path.write_text(yaml.safe_dump(values, sort_keys=False) + f"extra: {scalar}\nnodeTags:\n  owner: {scalar}\n")
    try:
        result = import_helm_values([path])
    except SpecError as exc:  # refused with one line is an acceptable outcome; a module that does not import is not
        assert "\n" not in str(exc)
        return
    defaults, groups = execute(result.output)
    assert canonical(defaults.model_dump()) == canonical(result.defaults.model_dump())
    assert [canonical(g.model_dump()) for g in groups] == [canonical(g.model_dump()) for g in result.nodegroups]
