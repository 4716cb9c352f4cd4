"""The chart's user data (a Helm template) translated to our Jinja2 user data, construct by construct."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from karpenter_infra.errors import SpecError
from karpenter_infra.importer.helm_render import render_helm
from karpenter_infra.importer.helm_template import UserDataError, parse_template
from karpenter_infra.importer.userdata import render_translation, translate, values_for

from .support import one, with_base

VALUES: dict[str, Any] = {
    "clusterName": "eks-dev",
    "nodeGroupLabelName": "nodegroup",
    "registry": "https://mirror",
    "registryCache": "true",
    "maxPods": 1000000,
}
GROUP: dict[str, Any] = {"nodeGroupLabel": "workers", "registryCache": "false", "instances": {}}


def both(source: str, group: dict[str, Any] | None = None) -> tuple[str, str, str]:
    """(jinja template, what Helm renders, what our renderer renders) for group ``nodes-a``."""
    group = GROUP if group is None else group
    translation = translate(parse_template(source))
    root = {"Values": VALUES, "key": "nodes-a", "value": group}
    helm = render_helm(translation.template, root)
    label = str(group.get("nodeGroupLabel") or "nodes-a")
    ours = render_translation(translation, "eks-dev", "nodes-a", label, "nodegroup", values_for(translation, root))
    return translation.jinja, helm, ours


@pytest.mark.parametrize(
    ("source", "jinja", "rendered"),
    [
        ("C={{ $.Values.clusterName }}\n", "C={{ cluster_name }}\n", "C=eks-dev\n"),
        ("C={{ .Values.clusterName }}\n", "C={{ cluster_name }}\n", "C=eks-dev\n"),
        ("K={{ .key }}\n", "K={{ group.name }}\n", "K=nodes-a\n"),
        ("K={{ default .key }}\n", "K={{ group.name }}\n", "K=nodes-a\n"),
        ("G={{ .value.nodeGroupLabel | default .key }}\n", "G={{ group.group_label }}\n", "G=workers\n"),
        ("L={{ $.Values.nodeGroupLabelName }}\n", "L={{ group.group_label_key }}\n", "L=nodegroup\n"),
        ("R={{ $.Values.registry }}\n", "R={{ values.registry }}\n", "R=https://mirror\n"),
        ("V={{ .value.registryCache }}\n", "V={{ values.registryCache }}\n", "V=false\n"),
        ("M={{ .value.missing }}\n", "M={{ values.missing }}\n", "M=\n"),
        ("P={{ $.Values.maxPods }}\n", "P={{ values.maxPods }}\n", "P=1e+06\n"),
        (
            "X={{ .value.registryCache | default $.Values.registryCache }}\n",
            "X={{ values.registryCache }}\n",
            "X=false\n",
        ),
        ('D={{ .value.none | default "fallback" }}\n', "D={{ values.none }}\n", "D=fallback\n"),
        (
            'a\n{{- if eq (.value.registryCache | default $.Values.registryCache) "true" }}\nmirror\n{{- end }}\nb\n',
            'a\n{%- if values.registryCache == "true" %}\nmirror\n{%- endif %}\nb\n',
            "a\nb\n",
        ),
        (
            '{{ if eq .key "nodes-a" }}A{{ else if eq .key "b" }}B{{ else }}C{{ end }}\n',
            '{% if group.name == "nodes-a" %}A{% elif group.name == "b" %}B{% else %}C{% endif %}\n',
            "A\n",
        ),
        ("{{ if .value.registryCache }}set{{ end }}\n", "{% if values.registryCache %}set{% endif %}\n", "set\n"),
        ("a   {{- /* a comment */ -}}   b\n", "a   {#- a comment -#}   b\n", "ab\n"),
        ("x {{- .key -}} y\n", "x {{- group.name -}} y\n", "xnodes-ay\n"),
        ("n=${#ARR[@]} {%x\n", 'n=${{ "{#" }}ARR[@]} {{ "{%" }}x\n', "n=${#ARR[@]} {%x\n"),
        ("no newline at the end", "no newline at the end\n", "no newline at the end\n"),
        ("trailing blank lines\n\n\n", "trailing blank lines\n", "trailing blank lines\n"),
    ],
    ids=lambda v: v if len(v) < 30 else v[:30],
)
def test_construct(source: str, jinja: str, rendered: str) -> None:
    translated, helm, ours = both(source)
    assert translated == jinja
    assert ours == rendered
    assert helm.rstrip("\n") == rendered.rstrip("\n")


@pytest.mark.parametrize(
    ("source", "construct"),
    [
        ("{{ range .value.items }}x{{ end }}", "{{ range .value.items }}"),
        ("{{ .Release.Name }}", ".Release.Name"),
        ('{{ include "x" . }}', "include"),
        ("{{ .value.x | quote }}", "quote"),
        ("{{ $x := 1 }}", "{{ $x := 1 }}"),
        ("{{ $x }}", "$x"),
        ("{{ with .value }}x{{ end }}", "{{ with .value }}"),
        ("{{ if .key }}x", "{{ if ... }}"),
        ("{{ end }}", "{{ end }}"),
        ('{{ eq .key "a" }}', '{{ eq .key "a" }}'),
        ("{{ .Values }}", ".Values"),
    ],
)
def test_unsupported_constructs_are_errors_naming_them(source: str, construct: str) -> None:
    with pytest.raises(UserDataError) as caught:
        parse_template(source)
    assert construct in caught.value.construct


def test_an_unsupported_construct_fails_the_import_naming_group_and_construct(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        with_base(tmp_path, {"nodeGroups": {"ng": {"instances": {}, "userData": "echo {{ .Release.Name }}\n"}}})
    assert str(caught.value) == (
        "nodegroup 'ng': userData: `.Release.Name`: only $.Values, .key and .value are available to node user data"
    )


def test_helm_failures_are_errors_naming_the_group(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"nodegroup 'ng': userData: `eq \.value\.num 1`: incompatible types"):
        with_base(
            tmp_path,
            {"nodeGroups": {"ng": {"instances": {}, "num": 1, "userData": "{{ if eq .value.num 1 }}x{{ end }}"}}},
        )


def test_values_differ_per_group_and_what_they_share_is_hoisted(tmp_path: Path) -> None:
    template = (
        "#!/bin/bash\nCLUSTER={{ $.Values.clusterName }}\nGROUP={{ .value.nodeGroupLabel | default .key }}\n"
        '{{- if eq ( .value.registryCache | default $.Values.registryCache ) "true" }}\n'
        'server = "{{ .value.registry | default $.Values.registry }}"\n'
        "{{- end }}\n"
    )
    result = with_base(
        tmp_path,
        {
            "registry": "https://registry-1.docker.io",
            "registryCache": "true",
            "userData": template,
            "nodeGroups": {
                "a": {"instances": {}},
                "b": {"instances": {}, "registryCache": "false", "nodeGroupLabel": "shared"},
            },
        },
        render=True,
    )
    assert one(result, "EC2NodeClass", "a-amd64")["spec"]["userData"] == (
        '#!/bin/bash\nCLUSTER=c1\nGROUP=a\nserver = "https://registry-1.docker.io"\n'
    )
    assert one(result, "EC2NodeClass", "b-amd64")["spec"]["userData"] == "#!/bin/bash\nCLUSTER=c1\nGROUP=shared\n"
    assert result.defaults.user_data_values == {"registry": "https://registry-1.docker.io", "registryCache": "true"}
    b = next(g for g in result.nodegroups if g.name == "b")
    assert b.user_data_values == {"registryCache": "false"}
    assert b.user_data is None  # inherited from the defaults
    assert result.defaults.user_data is None and result.defaults.user_data_template is not None


def test_user_data_without_template_actions_imports_verbatim(tmp_path: Path) -> None:
    shell = '#!/bin/bash\nNODES=(a b)\necho "${#NODES[@]}"\n'
    result = with_base(tmp_path, {"userData": shell, "nodeGroups": {"a": {"instances": {}}}}, render=True)
    assert result.defaults.user_data == shell
    assert result.defaults.user_data_template is None
    assert one(result, "EC2NodeClass", "a-amd64")["spec"]["userData"] == shell


def test_a_translation_renders_in_the_sandbox() -> None:
    """The importer checks a translated template by rendering it: that text comes from a values file, so it must not
    reach Python objects (the unsandboxed environment rendered ``group.__class__.__mro__`` as the class list)."""
    import typing

    import jinja2
    import pytest

    from karpenter_infra.importer.helm_template import HelmTemplate
    from karpenter_infra.importer.userdata import Translation, render_translation

    # render_translation reads only the Jinja text: the parsed Helm template is not needed here.
    hostile = Translation(jinja="{{ group.__class__.__mro__ }}", refs=(), template=typing.cast("HelmTemplate", None))
    with pytest.raises(jinja2.exceptions.SecurityError):
        render_translation(hostile, "c", "web", "web", "group", {})
