"""User data as a Jinja2 template, rendered once per EC2NodeClass."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.spec.resolved import ResolvedNodeGroup

_ENV = jinja2.Environment(
    undefined=jinja2.StrictUndefined,  # a typo in a template is an error, never an empty string on a node
    keep_trailing_newline=True,
    autoescape=False,  # user data is a shell script or MIME document, not HTML
)


@cache
def _template(source: str) -> jinja2.Template:
    return _ENV.from_string(source)


def render_user_data(group: ResolvedNodeGroup) -> str | None:
    nodeclass = group.nodeclass
    if nodeclass is None or nodeclass.user_data is None:
        return None
    context: dict[str, Any] = {
        "cluster_name": group.cluster_name,
        "group": group,
        "values": nodeclass.user_data_values,
    }
    try:
        return _template(nodeclass.user_data).render(context)
    except jinja2.TemplateSyntaxError as exc:
        problem = f"template syntax error on line {exc.lineno}: {exc.message}"
    except jinja2.UndefinedError as exc:
        problem = f"template refers to something undefined: {exc.message}"
    raise SpecError.one(nodegroup_owner(group.name), "user_data", problem)
