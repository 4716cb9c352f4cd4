"""The user-data template sandbox holds: plain data in, every escape route refused with the group named or harmless,
work, values and output bounded, and the same through the multi-language provider."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from pulumi.errors import InputPropertiesError

from karpenter_infra.errors import SpecError
from karpenter_infra.fleet import Fleet
from karpenter_infra.multilang import KarpenterInfraProvider
from karpenter_infra.render import sandbox
from karpenter_infra.render.sandbox import (
    MAX_OUTPUT,
    MAX_STEPS,
    MAX_VALUE,
    BoundedTemplate,
    compile_bounded,
    render_bounded,
    weight,
)
from karpenter_infra.render.userdata import _ENV, _group_fields, plain, template_context
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults

PREFIX = "nodegroup 'web': user_data_template: "


def render(template: str, **values: Any) -> str | None:
    group = NodeGroup(name="web", user_data_template=template, user_data_values=values or {"p": "x"})
    fleet = Fleet(NodeGroupDefaults(cluster_name="t"), [group], node_role="R")
    [manifest] = [m for m in fleet.manifests() if m["kind"] == "EC2NodeClass"]
    value: str | None = manifest["spec"].get("userData")
    return value


def refusal(template: str) -> str:
    with pytest.raises(SpecError) as caught:
        render(template)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(PREFIX)
    return message.removeprefix(PREFIX)


def _walk(value: Any) -> list[Any]:
    out = [value]
    if isinstance(value, dict):
        for k, v in value.items():
            out += [k, *_walk(v)]
    elif isinstance(value, list):
        for v in value:
            out += _walk(v)
    return out


def test_the_template_sees_plain_data_only() -> None:
    fleet = Fleet(NodeGroupDefaults(cluster_name="t"), [NodeGroup(name="web", user_data_template="x")], node_role="R")
    [group] = fleet.groups
    context = template_context(group)
    assert {type(v) for v in _walk(context)} <= {dict, list, str, int, float, bool, type(None)}
    assert context["group"]["name"] == "web"
    assert context["group"]["nodeclass"]["metadata_options"]["http_tokens"] == "required"


def test_keys_win_over_dict_methods() -> None:
    group = NodeGroup(
        name="web",
        user_data_template="{{ group.additional_requirements[0]['values'] }} {{ values.items }} "
        "{{ values.keys()|list }}",
        user_data_values={"items": "mine"},
        additional_requirements=[{"key": "example.com/tier", "operator": "In", "values": ["a"]}],
    )
    fleet = Fleet(NodeGroupDefaults(cluster_name="t"), [group], node_role="R")
    [manifest] = [m for m in fleet.manifests() if m["kind"] == "EC2NodeClass"]
    assert manifest["spec"]["userData"] == "['a'] mine ['items']"


def test_plain_refuses_what_is_not_data() -> None:
    with pytest.raises(TypeError, match="object is not plain data"):
        plain({"x": object()})


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        (
            "{{ group.nodeclass.metadata_options.parse_raw(values.p, proto='pickle', allow_pickle=True) }}",
            "template refers to something undefined: 'dict object' has no attribute 'parse_raw'",
        ),
        (
            "{{ group.nodeclass.metadata_options.parse_file('/etc/passwd') }}",
            "template refers to something undefined: 'dict object' has no attribute 'parse_file'",
        ),
        (
            "{{ group.nodeclass.metadata_options.model_validate_json('{}') }}",
            "template refers to something undefined: 'dict object' has no attribute 'model_validate_json'",
        ),
        (
            "{{ group.instances.model_dump() }}",
            "template refers to something undefined: 'dict object' has no attribute 'model_dump'",
        ),
        (
            "{{ group.__class__ }}",
            "the template sandbox refused it: access to attribute '__class__' of 'dict' object is unsafe.",
        ),
        (
            "{{ ''.__class__.__mro__[1].__subclasses__() }}",
            "the template sandbox refused it: access to attribute '__class__' of 'str' object is unsafe.",
        ),
        (
            "{{ cycler.__init__.__globals__.os.getcwd() }}",
            "the template sandbox refused it: access to attribute '__init__' of 'type' object is unsafe.",
        ),
        (
            "{{ '{0.__class__.__init__.__globals__}'.format(group) }}",
            "the template sandbox refused it: access to attribute '__init__' of 'StrictUndefined' object is unsafe.",
        ),
        (
            "{{ group|attr('__class__') }}",
            "the template sandbox refused it: access to attribute '__class__' of 'dict' object is unsafe.",
        ),
        (
            "{{ self._TemplateReference__context }}",
            "the template sandbox refused it: access to attribute '_TemplateReference__context' of "
            "'TemplateReference' object is unsafe.",
        ),
        (
            "{{ values.update({'p': 'y'}) }}",
            "the template sandbox refused it: access to attribute 'update' of 'dict' object is unsafe.",
        ),
        ("{{ lipsum() }}", "template refers to something undefined: 'lipsum' is undefined"),
        ("{{ [1, 2]|random }}", "template syntax error on line 1: No filter named 'random'."),
    ],
)
def test_escape_routes_are_refused(template: str, problem: str) -> None:
    assert refusal(template) == problem


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{{ 'x' * 4000000000 }}", f"'*' would make a value larger than {MAX_VALUE} characters or elements"),
        ("{{ ['x'] * 4000000000 }}", f"'*' would make a value larger than {MAX_VALUE} characters or elements"),
        ("{{ 10 ** 100000 }}", "'**' would make an integer of more than 64000 bits"),
        ("{{ 'x'.center(1000000000) }}", f"str.center would make a value larger than {MAX_VALUE} characters"),
        ("{{ 'x'|center(1000000000) }}", f"filter 'center': a number larger than {MAX_VALUE}"),
        (
            "{{ ('x' * 100000)|replace('x', 'x' * 100000) }}",
            f"filter 'replace' would make a value larger than {MAX_VALUE} characters",
        ),
        (
            "{{ ('x' * 100000).replace('x', 'x' * 100000) }}",
            f"str.replace would make a value larger than {MAX_VALUE} characters",
        ),
        ("{{ '%0999999999d' % 1 }}", "'%' formatting: a width or precision of a million or more"),
        ("{{ '%0999999999d'|format(1) }}", "filter 'format': a width or precision of a million or more"),
        ("{{ '{:>999999999}'.format(1) }}", "str.format: a width or precision of a million or more"),
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            f"the template did more than {MAX_STEPS} steps of work (a loop too large?)",
        ),
        (
            "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}",
            f"the template did more than {MAX_STEPS} steps of work (a loop too large?)",
        ),
        (
            "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
            "recursion too deep (a macro that calls itself without end?)",
        ),
        (
            "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
            f"the result of '~' would be larger than {MAX_VALUE} characters or elements",
        ),
        (
            "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set t %}{{ ns.s }}{{ ns.s }}{% endset %}"
            "{% set ns.s = t %}{% endfor %}",
            f"a block's output would be larger than {MAX_VALUE} characters",
        ),
        (
            "{% set a = ['x' * 1000] * 100 %}{% set b = [a, a, a, a, a, a, a, a, a, a] %}{{ b }}",
            f"an output value would be larger than {MAX_VALUE} characters or elements",
        ),
        (
            "{% for i in range(20000) %}{{ 'abcd' }}{% endfor %}",
            f"the output would be longer than {MAX_OUTPUT} characters",
        ),
    ],
)
def test_work_values_and_output_are_bounded(template: str, problem: str) -> None:
    assert refusal(template) == f"the template sandbox stopped it: {problem}"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ '%s'|format(group.name) }}", "web"),
        ("{{ '{}-{}'.format(cluster_name, group.name) }}", "t-web"),
        ("{{ group.architecture }} {{ group.instances.architecture }}", "amd64 amd64"),
        ("{{ values|tojson }}", '{"p": "x"}'),
        ("{{ group.labels|dictsort|length }} {{ [3, 1, 2]|sort|join(',') }}", "1 1,2,3"),
        ("{% for i in range(3) %}{{ loop.index }}{% endfor %} {{ 2 ** 10 }} {{ 'ab' * 2 }}", "123 1024 abab"),
        ("{{ group|map(attribute='__class__')|list|length > 0 }}", "True"),
        ("{{ 'x'|indent(4, first=True) }}", "    x"),
    ],
)
def test_ordinary_templates_render(template: str, expected: str) -> None:
    assert render(template) == expected


def test_weight_counts_shared_values_each_time() -> None:
    inner = ["x" * 10] * 10
    assert weight([inner, inner]) == 1 + 2 * (1 + 100)
    assert weight({"a": 1}) == 3


def test_the_tracer_is_restored() -> None:
    before = sys.gettrace()
    render("{{ group.name }}")
    assert sys.gettrace() is before
    with pytest.raises(SpecError):
        render("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
    assert sys.gettrace() is before


def test_the_multi_language_provider_refuses_the_same_way() -> None:
    inputs = {
        "kubeconfig": "{}",
        "nodeRole": "NodeRole",
        "nodegroupDefaults": {"clusterName": "c"},
        "nodegroups": [
            {
                "name": "web",
                "userDataTemplate": "{{ group.nodeclass.metadata_options.parse_raw(values.p, proto='pickle') }}",
                "userDataValues": {"p": "x"},
            }
        ],
    }
    with pytest.raises(InputPropertiesError) as caught:
        KarpenterInfraProvider().construct("f", "karpenter-infra:index:NodePoolSet", inputs)
    assert caught.value.message == (
        "nodegroup 'web': userDataTemplate: template refers to something undefined: "
        "'dict object' has no attribute 'parse_raw'"
    )


@pytest.mark.parametrize(
    ("template", "fields"),
    [
        ("{{ cluster_name }} {{ values.x }}", frozenset()),
        ("{{ group.name }} {{ group['labels'].team }} {{ group.nodeclass.name }}", {"name", "labels", "nodeclass"}),
        ("{% if group.architecture == 'arm64' %}{{ group.taints | length }}{% endif %}", {"architecture", "taints"}),
        ("{{ group | tojson }}", None),
        ("{{ group[key] }}", None),
        ("{% for k in group %}{{ k }}{% endfor %}", None),
        ("{% set g = group %}{{ g.name }}", None),
        ("{{ group.name }}{{ group }}", None),
    ],
)
def test_the_context_holds_the_group_fields_the_template_reads(template: str, fields: frozenset[str] | None) -> None:
    fleet = Fleet(NodeGroupDefaults(cluster_name="t"), [NodeGroup(name="web", user_data_template="x")], node_role="R")
    [group] = fleet.groups
    context = template_context(group, _group_fields(template))
    everything = set(template_context(group)["group"])
    assert set(context["group"]) == (everything if fields is None else fields)
    assert {type(v) for v in _walk(context)} <= {dict, list, str, int, float, bool, type(None)}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ group.name }}/{{ group.architecture }}/{{ group.nodeclass.name }}", "web/amd64/web-amd64"),
        ("{{ (group | list | length) > 20 }}/{{ group['name'] }}", "True/web"),
        ("{% set g = group %}{{ g.name }}/{{ g.nme is defined }}", "web/False"),
    ],
)
def test_templates_render_alike_whatever_they_read(template: str, expected: str) -> None:
    group = NodeGroup(name="web", user_data_template=template)
    fleet = Fleet(NodeGroupDefaults(cluster_name="t"), [group], node_role="R")
    [manifest] = [m for m in fleet.manifests() if m["kind"] == "EC2NodeClass"]
    assert manifest["spec"]["userData"] == expected


# One block of every node kind a fixed-work template may hold.
_FIXED_BLOCK = (
    "{% set n = group.name %}{% if n == 'web' and not values.p != '' %}{{ values.p ~ n }}"
    "{% elif group['labels'] or 1 < 2 %}{{ 'y' if values.p else group.labels }}{% endif %}\n"
)


@pytest.mark.parametrize(
    ("template", "counted"),
    [
        ("#!/bin/sh\necho {{ cluster_name }} {{ group.name }} {{ values.p }}\n", False),
        ("{% if group.architecture == 'arm64' %}{{ values['p'] ~ group.name }}{% endif %}", False),
        ("{% for i in range(3) %}{{ i }}{% endfor %}", True),
        ("{{ group.name | upper }}", True),
        ("{{ group.name.upper() }}", True),
        ("{{ values.p * 3 }}", True),
        ("{{ values.p is defined }}", True),
        ("{% macro f() %}x{% endmacro %}{{ f() }}", True),
        ("{{ group.name }}" * 1000, True),  # past MAX_FIXED_WORK_NODES
    ],
)
def test_only_small_fixed_work_templates_skip_the_step_counter(template: str, counted: bool) -> None:
    assert compile_bounded(_ENV, template).counted is counted


def test_the_largest_fixed_work_template_stays_far_below_the_step_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    fleet = Fleet(NodeGroupDefaults(cluster_name="t"), [NodeGroup(name="web", user_data_template="x")], node_role="R")
    context = template_context(fleet.groups[0])
    context["values"] = {"p": "x"}
    source = ""
    while not compile_bounded(_ENV, source + _FIXED_BLOCK).counted:
        source += _FIXED_BLOCK
    fixed = compile_bounded(_ENV, source)
    assert not fixed.counted and source.count("\n") > 40
    charged: list[int] = []

    class Recording(sandbox._Budget):
        def charge(self, steps: int) -> None:
            charged.append(steps)
            super().charge(steps)

    monkeypatch.setattr(sandbox, "_Budget", Recording)
    counted = render_bounded(BoundedTemplate(fixed.template, counted=True), context)
    assert 0 < sum(charged) < MAX_STEPS // 10
    assert render_bounded(fixed, context) == counted
