"""User data: verbatim text stays as written; templates render in a sandbox and fail with the group and field."""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra import Fleet, NodeGroup, NodeGroupDefaults
from karpenter_infra.errors import SpecError

SHELL = """\
#!/bin/bash
NODES=(a b c)
echo "${#NODES[@]} nodes"
docker inspect --format '{{.Id}}' pause
{# not a comment #} {% not a tag %} {{ cluster_name }}
"""


def user_data(group: NodeGroup, **defaults: Any) -> str | None:
    fleet = Fleet(NodeGroupDefaults.model_validate({"cluster_name": "t", **defaults}), [group], node_role="R")
    [manifest] = [m for m in fleet.manifests() if m["kind"] == "EC2NodeClass"]
    value: str | None = manifest["spec"].get("userData")
    return value


def test_user_data_is_verbatim_shell_and_never_templated() -> None:
    assert user_data(NodeGroup(name="a", user_data=SHELL, user_data_values={"x": 1})) == SHELL


def test_template_renders_with_cluster_group_and_values() -> None:
    rendered = user_data(
        NodeGroup(name="a", user_data_template="{{ cluster_name }}/{{ group.group_label }}/{{ values.x }}\n"),
        user_data_values={"x": 3},
    )
    assert rendered == "t/a/3\n"


def test_no_user_data_renders_no_field() -> None:
    assert user_data(NodeGroup(name="a")) is None


def test_a_groups_verbatim_user_data_replaces_the_defaults_template_and_back() -> None:
    assert user_data(NodeGroup(name="a", user_data="raw {{ x }}"), user_data_template="{{ cluster_name }}") == (
        "raw {{ x }}"
    )
    assert user_data(NodeGroup(name="a", user_data_template="{{ cluster_name }}"), user_data="raw") == "t"


@pytest.mark.parametrize(
    "template",
    [
        "{{ cycler.__init__.__globals__.os.getcwd() }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ group.__class__.__init__.__globals__ }}",
    ],
)
def test_template_cannot_reach_python_internals(template: str) -> None:
    with pytest.raises(SpecError) as caught:
        user_data(NodeGroup(name="web", user_data_template=template))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("nodegroup 'web': user_data_template: ")


def test_sandbox_refusal_names_the_sandbox() -> None:
    with pytest.raises(SpecError, match=r"^nodegroup 'web': user_data_template: the template sandbox refused it"):
        user_data(NodeGroup(name="web", user_data_template="{{ cycler.__init__.__globals__.os.getcwd() }}"))


@pytest.mark.parametrize(
    ("shell", "problem"),
    [
        ('echo "${#NODES[@]}"\n', "Missing end of comment tag"),
        ("docker inspect --format '{{.Id}}' pause\n", "unexpected '.'"),
    ],
)
def test_shell_in_a_template_fails_with_group_and_field(shell: str, problem: str) -> None:
    # The reason user_data is verbatim: the same text passes as user_data above.
    with pytest.raises(SpecError, match=rf"^nodegroup 'web': user_data_template: template syntax error .*{problem}"):
        user_data(NodeGroup(name="web", user_data_template=shell))
    assert user_data(NodeGroup(name="web", user_data=shell)) == shell


def test_template_type_error_names_group_and_field() -> None:
    with pytest.raises(SpecError, match=r"^nodegroup 'web': user_data_template: template failed: TypeError"):
        user_data(NodeGroup(name="web", user_data_template="{{ values.n + 'x' }}", user_data_values={"n": 1}))


@pytest.mark.parametrize("owner", ["group", "defaults"])
def test_both_spellings_on_one_layer_are_an_error(owner: str) -> None:
    both = {"user_data": "a", "user_data_template": "b"}
    with pytest.raises(SpecError, match=r"user_data: set user_data or user_data_template, not both$") as caught:
        if owner == "group":
            NodeGroup(name="web", **both)
        else:
            NodeGroupDefaults(cluster_name="t", **both)
    assert str(caught.value).startswith("nodegroup 'web': " if owner == "group" else "defaults: ")
