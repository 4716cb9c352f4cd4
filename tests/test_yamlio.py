"""The one bounded YAML loader: limits, strict UTF-8, safe types, duplicate keys, one-line errors naming the file."""

from __future__ import annotations

import datetime
import warnings
from pathlib import Path

import pytest

from karpenter_infra.errors import SpecError
from karpenter_infra.yamlio import (
    MAX_BYTES,
    YamlWarning,
    load_yaml,
    load_yaml_documents,
    load_yaml_file,
    load_yaml_file_documents,
)


def billion_laughs(levels: int) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        name, previous = chr(97 + i), chr(96 + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    return "\n".join(lines) + "\n"


def refused(text: str | bytes) -> str:
    with pytest.raises(SpecError) as caught:
        load_yaml(text, source="values.yaml")
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_plain_data_with_aliases_and_dates() -> None:
    data = load_yaml("a: &x {b: 1}\nc: *x\nd: 2001-12-14\ne: [1, 2.5, true, null]\n", source="f.yaml")
    assert data == {"a": {"b": 1}, "c": {"b": 1}, "d": datetime.date(2001, 12, 14), "e": [1, 2.5, True, None]}


def test_empty_document_is_none() -> None:
    assert load_yaml("", source="f.yaml") is None
    assert load_yaml(b"# only a comment\n", source="f.yaml") is None


def test_billion_laughs_is_excessive_aliasing() -> None:
    assert refused(billion_laughs(9)) == (
        "values.yaml: (file): excessive aliasing: aliases expand the document by 490329036 nodes (at most 100000)"
    )


def test_a_few_aliases_are_fine() -> None:
    assert len(load_yaml(billion_laughs(3), source="f.yaml")["c"]) == 9


def test_self_referring_alias() -> None:
    assert refused("a: &a [*a]\n") == "values.yaml: line 1: excessive aliasing: an alias refers to its own node"


def test_merge_keys_are_counted_like_aliases() -> None:
    text = "base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n"
    assert load_yaml(text, source="f.yaml")["use"] == {"x": 1, "y": 2}


def test_deep_nesting() -> None:
    assert refused("[" * 5000 + "]" * 5000) == "values.yaml: line 1: nested deeper than 100 levels"
    assert load_yaml("[" * 99 + "]" * 99, source="f.yaml") is not None


def test_depth_counts_aliases_followed() -> None:
    text = "a: &a " + "[" * 90 + "]" * 90 + "\nb: " + "[" * 20 + "*a" + "]" * 20 + "\n"
    assert refused(text) == "values.yaml: line 2: nested deeper than 100 levels, aliases followed"


def test_latin1_bytes() -> None:
    assert refused("name: caf\xe9\n".encode("latin-1")) == (
        "values.yaml: line 1: not UTF-8 (byte 0xe9); save the file as UTF-8"
    )


def test_utf8_with_bom() -> None:
    assert load_yaml("\ufeffname: café\n".encode(), source="f.yaml") == {"name": "café"}


def test_size_limit() -> None:
    assert refused(b"#" * (MAX_BYTES + 1)) == "values.yaml: (file): larger than 8 MiB"


def test_python_tags_are_refused() -> None:
    message = refused("a: !!python/object/apply:os.system ['echo hi']\n")
    assert message.startswith("values.yaml: line 1: not valid YAML: could not determine a constructor for the tag")


def test_syntax_error_names_the_line() -> None:
    assert refused("a: 1\nb: [\n") == (
        "values.yaml: line 3: not valid YAML: while parsing a flow node did not find expected node content"
    )


def test_control_characters_are_refused() -> None:
    assert "control characters are not allowed" in refused("a: \x1b[2J\n")


def test_huge_integer_and_impossible_date() -> None:
    assert refused("a: 1\nb: " + "9" * 5000 + "\n") == (
        "values.yaml: line 2: cannot read a value: an integer with more than 4300 digits"
    )
    assert refused("a: 2024-13-45\n") == "values.yaml: line 1: cannot read a value: month must be in 1..12"


def test_duplicate_keys_warn_and_the_last_wins() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = load_yaml("a: 1\nb: 2\na: 3\n", source="stack.yaml")
    assert data == {"a": 3, "b": 2}
    message = "stack.yaml: line 3: key 'a' repeated in one mapping; the last one wins"
    assert [str(w.message) for w in caught] == [message]
    assert caught[0].category is YamlWarning


def test_owner_replaces_the_source() -> None:
    with pytest.raises(SpecError, match=r"^stack 'dev': line 2: not valid YAML"):
        load_yaml("a: [", source="Pulumi.dev.yaml", owner="stack 'dev'")


def test_documents() -> None:
    assert load_yaml_documents("a: 1\n---\n---\nb: 2\n", source="m.yaml") == [{"a": 1}, None, {"b": 2}]
    assert refused("a: 1\n---\nb: 2\n").endswith("expected a single document in the stream but found another document")


def test_files(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text("a: 1\n")
    (tmp_path / "two.yaml").write_text("a: 1\n---\nb: 2\n")
    assert load_yaml_file(tmp_path / "one.yaml") == {"a": 1}
    assert load_yaml_file_documents(str(tmp_path / "two.yaml")) == [{"a": 1}, {"b": 2}]
    with pytest.raises(SpecError, match=r": \(file\): no such file$"):
        load_yaml_file(tmp_path / "missing.yaml")
    with pytest.raises(SpecError, match=r": \(file\): is a directory, not a file$"):
        load_yaml_file(tmp_path)
