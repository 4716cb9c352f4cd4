"""User data: verbatim text as written, or a Jinja2 template rendered once per EC2NodeClass in a sandbox."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.spec.resolved import ResolvedNodeGroup

# Sandboxed: a nodegroup list may come from another team (or a multi-language program's plain input), and a
# template must not reach Python internals (``cycler.__init__.__globals__.os``) on the machine that runs the plan.
_ENV = SandboxedEnvironment(
    undefined=jinja2.StrictUndefined,  # a typo in a template is an error, never an empty string on a node
    keep_trailing_newline=True,
    autoescape=False,  # user data is a shell script or MIME document, not HTML
)


@cache
def _template(source: str) -> jinja2.Template:
    return _ENV.from_string(source)


def render_user_data(group: ResolvedNodeGroup) -> str | None:
    nodeclass = group.nodeclass
    if nodeclass is None:
        return None
    if nodeclass.user_data_template is None:
        return nodeclass.user_data
    context: dict[str, Any] = {
        "cluster_name": group.cluster_name,
        "group": group,
        "values": nodeclass.user_data_values,
    }
    try:
        return _template(nodeclass.user_data_template).render(context)
    except jinja2.TemplateSyntaxError as exc:
        problem = f"template syntax error on line {exc.lineno}: {exc.message}"
    except jinja2.UndefinedError as exc:
        problem = f"template refers to something undefined: {exc.message}"
    except jinja2.exceptions.SecurityError as exc:
        problem = f"the template sandbox refused it: {exc}"
    except jinja2.TemplateError as exc:
        problem = f"template error: {exc}"
    except (TypeError, ValueError, ArithmeticError, LookupError) as exc:  # e.g. ``{{ values.n + 'x' }}``
        problem = f"template failed: {type(exc).__name__}: {exc}"
    raise SpecError.one(nodegroup_owner(group.name), "user_data_template", problem)
