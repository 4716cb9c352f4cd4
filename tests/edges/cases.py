# ruff: noqa: E501  (the exact messages, one per line, read better unwrapped)
"""The corpus: one ``Case`` per hostile or mistaken input, grouped into batches that run in one subprocess each."""

from __future__ import annotations

from dataclasses import dataclass, field

NODEGROUPS = """
from karpenter_infra import NodeGroup, NodeGroupDefaults

DEFAULTS = NodeGroupDefaults(cluster_name="karpenter-dev")
NODEGROUPS = [
    NodeGroup(name="web", instances={"cores": [4, 8]}, user_data_template=TEMPLATE, user_data_values={"p": "x"})
]
"""

STACK = """config:
  aws:region: eu-west-1
  karpenter-infra:platform:
    nodegroups: ng
    cluster:
      name: karpenter-dev
      vpc_id: vpc-0dev0000000000001
      private_subnet_ids: [subnet-0dev00000000000a1, subnet-0dev00000000000b1]
"""

STACK_FILE = "stacks/Pulumi.dev.yaml"


def nodegroups(template: str = "#!/bin/sh\necho {{ cluster_name }}\n") -> str:
    return f"TEMPLATE = {template!r}\n" + NODEGROUPS


def bomb(levels: int = 9, indent: str = "") -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        name, previous = chr(97 + i), chr(96 + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    return "".join(indent + line + "\n" for line in lines)


@dataclass
class Case:
    id: str
    argv: list[str]
    code: int
    #: The exact stderr lines; ``{dir}`` is the case's project directory.
    stderr: list[str] | None = None
    files: dict[str, str | bytes] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    stdout_has: list[str] = field(default_factory=list)
    #: Text that must appear in no output (a secret, a raw control character).
    never: list[str] = field(default_factory=list)
    #: Files that must hold exactly this afterwards (what the command must not touch).
    keep: dict[str, str] = field(default_factory=dict)


def with_stack(text: str) -> dict[str, str | bytes]:
    return {STACK_FILE: text}


def with_template(template: str) -> dict[str, str | bytes]:
    return {"ng.py": nodegroups(template)}


PARSING = [
    Case(
        "stack-alias-bomb",
        ["render"],
        2,
        files=with_stack(STACK + "x-bomb:\n" + bomb(indent="  ")),
    ),
    Case("stack-self-alias", ["render"], 2, files=with_stack(STACK + "x: &x [*x]\n")),
    Case("stack-deep-nesting", ["render"], 2, files=with_stack(STACK + "x: " + "[" * 3000 + "]" * 3000 + "\n")),
    Case("stack-latin1", ["render"], 2, files={STACK_FILE: (STACK + "x: caf\xe9\n").encode("latin-1")}),
    Case("stack-python-tag", ["render"], 2, files=with_stack(STACK + "x: !!python/object/apply:os.system [id]\n")),
    Case("stack-huge-int", ["render"], 2, files=with_stack(STACK + "x: " + "9" * 5000 + "\n")),
    Case("stack-impossible-date", ["render"], 2, files=with_stack(STACK + "x: 2024-13-45\n")),
    Case("stack-syntax", ["render"], 2, files=with_stack(STACK + "x: [\n")),
    Case("stack-duplicate-key", ["render"], 0, files=with_stack(STACK + "  aws:region: eu-west-1\n")),
    Case(
        "stack-control-chars-in-key",
        ["render"],
        2,
        files=with_stack(STACK + '  "karpenter-infra:platfo\\e]0;pwned\\arm": 1\n'),
        never=["\x1b", "\x07"],
    ),
    Case("stack-root-not-mapping", ["render"], 2, files=with_stack("- just\n- a list\n")),
    Case(
        "platform-root-secret",
        ["render"],
        2,
        files=with_stack("config:\n  karpenter-infra:platform: [{extra_values: {token: hunter2}}]\n"),
        never=["hunter2"],
    ),
    Case(
        "platform-nested-secret",
        ["render"],
        2,
        files=with_stack(STACK.replace("    cluster:\n", "    cluster: [{token: hunter2}]\n    x:\n")),
        never=["hunter2"],
    ),
    Case("stack-is-a-directory", ["render", "-s", "dir"], 2, files={"stacks/Pulumi.dir.yaml/x": ""}),
    Case("values-alias-bomb", ["import-helm-values", "-f", "v.yaml"], 2, files={"v.yaml": bomb()}),
    Case(
        "values-latin1",
        ["import-helm-values", "-f", "v.yaml"],
        2,
        files={"v.yaml": "clusterName: caf\xe9\n".encode("latin-1")},
    ),
    Case("values-directory", ["import-helm-values", "-f", "stacks"], 2),
    Case("values-missing", ["import-helm-values", "-f", "nope.yaml"], 2),
    Case("schedule-far-future", ["schedule", "--at", "9999-12-31T23:59+00:00"], 2),
    Case("schedule-garbage", ["schedule", "--at", "tomorrow-ish"], 2),
    Case(
        "catalog-malformed",
        ["render"],
        2,
        files={**with_stack(STACK + "    catalog: cat.json\n"), "cat.json": '{"format": 1, "types": 3}'},
    ),
    Case(
        "catalog-not-json",
        ["render"],
        2,
        files={**with_stack(STACK + "    catalog: cat.json\n"), "cat.json": "[" * 100000},
    ),
    Case(
        "catalog-latin1",
        ["render"],
        2,
        files={**with_stack(STACK + "    catalog: cat.json\n"), "cat.json": b'{"region": "caf\xe9"}'},
    ),
    Case("refresh-bad-region", ["catalog", "refresh", "--region", "eu west 1"], 2),
]

TEMPLATES = [
    Case(
        "template-parse-raw",
        ["render"],
        2,
        files=with_template(
            "{{ group.nodeclass.metadata_options.parse_raw(values.p, proto='pickle', allow_pickle=True) }}"
        ),
    ),
    Case(
        "template-parse-file",
        ["render"],
        2,
        files=with_template("{{ group.nodeclass.metadata_options.parse_file('/etc/passwd') }}"),
        never=["root:"],
    ),
    Case("template-globals", ["render"], 2, files=with_template("{{ cycler.__init__.__globals__.os.getcwd() }}")),
    Case("template-format-string", ["render"], 2, files=with_template("{{ '{0.__class__.__mro__}'.format(values) }}")),
    Case(
        "template-nested-loops",
        ["render"],
        2,
        files=with_template("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"),
    ),
    Case("template-huge-string", ["render"], 2, files=with_template("{{ 'x' * 4000000000 }}")),
    Case("template-recursion", ["render"], 2, files=with_template("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}")),
    Case(
        "template-doubling",
        ["render"],
        2,
        files=with_template(
            "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
        ),
    ),
    Case(
        "template-ordinary",
        ["render"],
        0,
        files=with_template("#!/bin/sh\necho {{ cluster_name }} {{ group.name }} {{ values.p }}\n"),
        stdout_has=["echo karpenter-dev web x"],
    ),
]

PATHS = [
    Case(
        "render-out-user-kustomization",
        ["render", "-o", "out"],
        2,
        files={"out/kustomization.yaml": "resources: abc\n", "out/a": "a"},
        keep={"out/kustomization.yaml": "resources: abc\n", "out/a": "a"},
    ),
    Case("render-out-is-a-file", ["render", "-o", "out"], 2, files={"out": "mine\n"}, keep={"out": "mine\n"}),
    Case("render-out-under-a-file", ["render", "-o", "f/out"], 2, files={"f": "mine\n"}, keep={"f": "mine\n"}),
    Case(
        "render-out-symlink",
        ["render", "-o", "out"],
        2,
        files={"out/.karpenter-infra": "nodepool-web-amd64.yaml\n", "secret.txt": "keep\n"},
        links={"out/nodepool-web-amd64.yaml": "{dir}/secret.txt"},
        keep={"secret.txt": "keep\n"},
    ),
    Case(
        "render-out-beside-user-files",
        ["render", "-o", "out"],
        0,
        files={"out/notes.md": "mine\n"},
        keep={"out/notes.md": "mine\n"},
    ),
    Case("dashboards-out-is-a-file", ["dashboards", "-o", "out"], 2, files={"out": "mine\n"}, keep={"out": "mine\n"}),
    Case(
        "disruption-svg-missing-dir", ["disruption", "--svg", "no/such/week.svg", "--at", "2026-11-23T21:00+01:00"], 2
    ),
    Case("disruption-svg-directory", ["disruption", "--svg", "stacks", "--at", "2026-11-23T21:00+01:00"], 2),
    Case("refresh-out-directory", ["catalog", "refresh", "--region", "eu-west-1", "--out", "stacks"], 2),
    Case(
        "diff-base-option", ["diff", "--base=--output=victim"], 2, files={"victim": "keep\n"}, keep={"victim": "keep\n"}
    ),
    Case("diff-base-dash", ["diff", "--base", "-"], 2),
]

PATHS.append(Case("render-out-markup-in-name", ["render", "-o", "o[bold]x\x1b"], 0, never=["\x1b"]))

BATCHES = {"parsing": PARSING, "templates": TEMPLATES, "paths": PATHS}


#: What each case prints on stderr, exactly (``{dir}`` is the case's project directory).
EXPECTED_STDERR: dict[str, list[str]] = {
    "stack-alias-bomb": [
        "error: {dir}/stacks/Pulumi.dev.yaml: (file): excessive aliasing: aliases expand the document by 490329036 nodes (at most 100000)"
    ],
    "stack-self-alias": [
        "error: {dir}/stacks/Pulumi.dev.yaml: line 9: excessive aliasing: an alias refers to its own node"
    ],
    "stack-deep-nesting": ["error: {dir}/stacks/Pulumi.dev.yaml: line 9: nested deeper than 100 levels"],
    "stack-latin1": ["error: {dir}/stacks/Pulumi.dev.yaml: line 9: not UTF-8 (byte 0xe9); save the file as UTF-8"],
    "stack-python-tag": [
        "error: {dir}/stacks/Pulumi.dev.yaml: line 9: not valid YAML: could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'"
    ],
    "stack-huge-int": [
        "error: {dir}/stacks/Pulumi.dev.yaml: line 9: cannot read a value: an integer with more than 4300 digits"
    ],
    "stack-impossible-date": [
        "error: {dir}/stacks/Pulumi.dev.yaml: line 9: cannot read a value: month must be in 1..12"
    ],
    "stack-syntax": [
        "error: {dir}/stacks/Pulumi.dev.yaml: line 10: not valid YAML: while parsing a flow node did not find expected node content"
    ],
    "stack-duplicate-key": [
        "warning: {dir}/stacks/Pulumi.dev.yaml: line 9: key 'aws:region' repeated in one mapping; the last one wins"
    ],
    "stack-control-chars-in-key": [
        "error: stack 'dev': karpenter-infra:platfo\\x1b]0;pwned\\x07rm: unknown config key (did you mean 'karpenter-infra:platform'?)"
    ],
    "stack-root-not-mapping": ["error: stack 'dev': config: {dir}/stacks/Pulumi.dev.yaml: must be a mapping"],
    "platform-root-secret": ["error: stack 'dev' (karpenter-infra:platform): (root): must be a mapping"],
    "platform-nested-secret": [
        "error: stack 'dev' (karpenter-infra:platform): cluster: Input should be a valid dictionary or instance of ClusterSpec, got a list of 1 item",
        "error: stack 'dev' (karpenter-infra:platform): x: Extra inputs are not permitted",
    ],
    "stack-is-a-directory": ["error: stack 'dir': file: {dir}/stacks/Pulumi.dir.yaml is a directory, not a stack file"],
    "values-alias-bomb": [
        "error: values file v.yaml: (file): excessive aliasing: aliases expand the document by 490329036 nodes (at most 100000)"
    ],
    "values-latin1": ["error: values file v.yaml: line 1: not UTF-8 (byte 0xe9); save the file as UTF-8"],
    "values-directory": ["error: values file stacks: (file): is a directory, not a file"],
    "values-missing": ["error: values file nope.yaml: (file): no such file"],
    "schedule-far-future": [
        "error: schedule: --at: '9999-12-31T23:59+00:00' is out of range: give a year from 1970 to 9000"
    ],
    "schedule-garbage": ["error: schedule: --at: 'tomorrow-ish' is not an ISO 8601 instant"],
    "catalog-malformed": [
        "error: stack 'dev' (karpenter-infra:platform): catalog: {dir}/cat.json is not a catalog file: 'region' must be a string"
    ],
    "catalog-not-json": [
        "error: stack 'dev' (karpenter-infra:platform): catalog: {dir}/cat.json is not a catalog file: nested too deeply to be a catalog"
    ],
    "catalog-latin1": [
        "error: stack 'dev' (karpenter-infra:platform): catalog: {dir}/cat.json is not a catalog file: not UTF-8 (byte 0xe9 at offset 15)"
    ],
    "refresh-bad-region": ["error: catalog refresh: --region: 'eu west 1' is not an AWS region name like eu-west-1"],
    "render-out-user-kustomization": [
        "error: render: --out: out/kustomization.yaml is a kustomization karpenter-infra did not write (it is not listed in .karpenter-infra); move it away or render into another directory"
    ],
    "render-out-is-a-file": ["error: render: --out: out is a file; give a directory (it is created if missing)"],
    "render-out-under-a-file": ["error: render: --out: f is a file, so f/out cannot be created"],
    "render-out-symlink": [
        "error: render: --out: out/nodepool-web-amd64.yaml is a symbolic link; render -o never writes through one"
    ],
    "render-out-beside-user-files": ["wrote 2 objects and kustomization.yaml to out"],
    "dashboards-out-is-a-file": [
        "error: dashboards: --out: out is a file; give a directory (it is created if missing)"
    ],
    "disruption-svg-missing-dir": ["error: disruption: --svg: no/such does not exist; create the directory first"],
    "disruption-svg-directory": ["error: disruption: --svg: stacks is a directory; give a file name"],
    "refresh-out-directory": ["error: catalog refresh: --out: stacks is a directory; give a file name"],
    "diff-base-option": ["error: diff: --base: '--output=victim' is not a revision (a branch, tag or commit id)"],
    "diff-base-dash": ["error: diff: --base: '-' is not a revision (a branch, tag or commit id)"],
    "template-parse-raw": [
        "error: nodegroup 'web': user_data_template: template refers to something undefined: 'dict object' has no attribute 'parse_raw'"
    ],
    "template-parse-file": [
        "error: nodegroup 'web': user_data_template: template refers to something undefined: 'dict object' has no attribute 'parse_file'"
    ],
    "template-globals": [
        "error: nodegroup 'web': user_data_template: the template sandbox refused it: access to attribute '__init__' of 'type' object is unsafe."
    ],
    "template-format-string": [
        "error: nodegroup 'web': user_data_template: the template sandbox refused it: access to attribute '__class__' of 'dict' object is unsafe."
    ],
    "template-nested-loops": [
        "error: nodegroup 'web': user_data_template: the template sandbox stopped it: the template did more than 200000 steps of work (a loop too large?)"
    ],
    "template-huge-string": [
        "error: nodegroup 'web': user_data_template: the template sandbox stopped it: '*' would make a value larger than 262144 characters or elements"
    ],
    "template-recursion": [
        "error: nodegroup 'web': user_data_template: the template sandbox stopped it: recursion too deep (a macro that calls itself without end?)"
    ],
    "template-doubling": [
        "error: nodegroup 'web': user_data_template: the template sandbox stopped it: the result of '~' would be larger than 262144 characters or elements"
    ],
    "template-ordinary": [],
    "render-out-markup-in-name": ["wrote 2 objects and kustomization.yaml to o[bold]x\\x1b"],
}
for _case in [c for batch in BATCHES.values() for c in batch]:
    _case.stderr = EXPECTED_STDERR[_case.id]
