"""Just enough PromQL to build our queries from named parts and to check them afterwards.

Building: selectors and the node-group label are assembled here so that alerts and dashboards quote, escape
and derive the group the same way. Checking: ``metric_names`` lists the metrics a query reads, so a test can
hold every query against the metrics Karpenter v1.14 really exports (a misspelt name is valid PromQL that
silently returns nothing). It is a tokenizer, not a parser: it trusts the query to be valid and only has to
tell metric names apart from functions, keywords, label names, strings, durations and Grafana variables.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from karpenter_infra.monitoring.metrics import SERIES_SUFFIXES
from karpenter_infra.spec.instances import Architecture

# --- building -----------------------------------------------------------------------------------------------


def quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def eq(label: str, value: str) -> str:
    return f"{label}={quote(value)}"


def match(label: str, pattern: str) -> str:
    return f"{label}=~{quote(pattern)}"


def alternation(values: Iterable[str]) -> str:
    """A regex matching exactly the given literal values; sorted so the rendered query never churns."""
    return "|".join(re.escape(value) for value in sorted(set(values)))


def sel(metric: str, *matchers: str) -> str:
    return f"{metric}{{{','.join(matchers)}}}" if matchers else metric


def prometheus_label_name(key: str) -> str:
    """The Prometheus label that carries a Kubernetes label key, the way kube-state-metrics spells it.

    Node group label keys may be qualified (``example.com/nodegroup``), but Prometheus label names allow only
    ``[a-zA-Z_][a-zA-Z0-9_]*``.
    """
    name = re.sub(r"[^a-zA-Z0-9_]", "_", key)
    return f"_{name}" if not name or name[0].isdigit() else name


# NodePools are named `<group>-<arch>` (spec.resolve.nodepool_name); this is the inverse. Prometheus anchors
# label_replace regexes itself; Grafana needs ^...$ around it. Pinning the suffix to our architectures keeps a
# NodePool that we did not render (e.g. `gpu-large`) from being mistaken for group `gpu`.
NODEPOOL_GROUP_REGEX = rf"(.+)-(?:{alternation(a.value for a in Architecture)})"


def nodepools_of_groups(groups: str) -> str:
    """A regex for the NodePools of the groups that ``groups`` (a regex, e.g. a Grafana variable) matches."""
    return f"({groups})-(?:{alternation(a.value for a in Architecture)})"


def with_group_label(expr: str, group_label: str, source_label: str = "nodepool") -> str:
    """Add the node-group label to every series of ``expr`` so alerts route and silence per node group.

    Karpenter labels its metrics with the NodePool, never with our group label (it only exports well-known
    node labels), so the group is recovered from the NodePool name.
    """
    group, source, pattern = quote(group_label), quote(source_label), quote(NODEPOOL_GROUP_REGEX)
    return f'label_replace({expr}, {group}, "$1", {source}, {pattern})'


def copy_label(expr: str, target: str, source: str) -> str:
    return f'label_replace({expr}, {quote(target)}, "$1", {quote(source)}, "(.+)")'


# --- checking -----------------------------------------------------------------------------------------------

_AGGREGATIONS = frozenset(
    {
        "avg",
        "bottomk",
        "count",
        "count_values",
        "group",
        "limitk",
        "limit_ratio",
        "max",
        "min",
        "quantile",
        "stddev",
        "stdvar",
        "sum",
        "topk",
    }
)
# Keywords whose parenthesised argument is a list of label names, not an expression.
_LABEL_LIST_KEYWORDS = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right"})
_OTHER_KEYWORDS = frozenset({"and", "or", "unless", "atan2", "bool", "offset", "inf", "nan"})
_NOT_METRICS = _AGGREGATIONS | _LABEL_LIST_KEYWORDS | _OTHER_KEYWORDS

_TOKEN = re.compile(
    r"""
    (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
  | (?P<comment>\#[^\n]*)
  | (?P<variable>\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\[\[[^\]]*\]\])
  | (?P<duration>(?:[0-9]+(?:ms|s|m|h|d|w|y))+)
  | (?P<number>0[xX][0-9a-fA-F]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)
  | (?P<space>\s+)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def _tokens(query: str) -> list[tuple[str, str]]:
    """Significant tokens as (kind, text); comments, whitespace and Grafana variables carry no metric."""
    out = []
    for token in _TOKEN.finditer(query):
        kind = token.lastgroup or "punct"
        if kind not in {"comment", "space", "variable"}:
            out.append((kind, token.group()))
    return out


def _closing(tokens: list[tuple[str, str]], start: int, opening: str, closing: str) -> int:
    """Index of the token closing the bracket opened at ``start`` (or the end, for a truncated query)."""
    depth = 0
    for index in range(start, len(tokens)):
        kind, text = tokens[index]
        if kind == "punct" and text == opening:
            depth += 1
        elif kind == "punct" and text == closing:
            depth -= 1
            if depth == 0:
                return index
    return len(tokens)


def _strip_label_values(tokens: list[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """Grafana's ``label_values(selector, label)``: keep the selector, drop the label (a bare identifier)."""
    index = 0
    while index < len(tokens):
        kind, text = tokens[index]
        if kind == "ident" and text == "label_values" and tokens[index + 1 : index + 2] == [("punct", "(")]:
            end = _closing(tokens, index + 1, "(", ")")
            arguments = tokens[index + 2 : end]
            depth, last_comma = 0, None
            for position, (arg_kind, arg_text) in enumerate(arguments):
                if arg_kind == "punct" and arg_text in "({[":
                    depth += 1
                elif arg_kind == "punct" and arg_text in ")}]":
                    depth -= 1
                elif arg_kind == "punct" and arg_text == "," and depth == 0:
                    last_comma = position
            # one argument is a label name alone: label_values(zone)
            yield from arguments[:last_comma] if last_comma is not None else []
            index = end + 1
            continue
        yield kind, text
        index += 1


def metric_names(query: str) -> frozenset[str]:
    """The metric names a PromQL expression (or a Grafana ``label_values`` variable query) reads."""
    tokens = list(_strip_label_values(_tokens(query)))
    names: set[str] = set()
    index = 0
    while index < len(tokens):
        kind, text = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else ("", "")
        if kind == "punct" and text == "[":  # range or subquery: durations only
            index = _closing(tokens, index, "[", "]") + 1
            continue
        if kind == "punct" and text == "{":  # label matchers; only __name__ names a metric
            end = _closing(tokens, index, "{", "}")
            inner = tokens[index + 1 : end]
            for position in range(len(inner) - 2):
                if inner[position] == ("ident", "__name__") and inner[position + 1] == ("punct", "="):
                    literal = inner[position + 2]
                    if literal[0] == "string":
                        names.add(literal[1][1:-1])
            index = end + 1
            continue
        if kind == "ident":
            lowered = text.lower()
            if lowered in _LABEL_LIST_KEYWORDS and following == ("punct", "("):
                index = _closing(tokens, index + 1, "(", ")") + 1
                continue
            if following != ("punct", "(") and lowered not in _NOT_METRICS:
                names.add(text)
        index += 1
    return frozenset(names)


def is_known(name: str, known: frozenset[str]) -> bool:
    """Whether ``name`` is a known metric or one of the series Prometheus derives from a known histogram."""
    if name in known:
        return True
    return any(name.endswith(suffix) and name[: -len(suffix)] in known for suffix in SERIES_SUFFIXES)


def unknown_metric_names(query: str, known: frozenset[str]) -> frozenset[str]:
    return frozenset(name for name in metric_names(query) if not is_known(name, known))
