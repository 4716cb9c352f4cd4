"""The Jinja2 sandbox user-data templates run in: plain data in, bounded work, bounded values, bounded output.

Jinja's ``ImmutableSandboxedEnvironment`` already refuses private attributes (``__class__``, ``__globals__``), unsafe
callables and methods that change data. It does not bound work or memory, so this environment adds, deterministically
(no clocks, so the same template succeeds or fails the same way on every machine):

- **values**: every value handed to an operator, a filter, a method, ``~`` or the output weighs at most
  ``MAX_VALUE`` (characters of a string, plus elements of a list or mapping, nested ones counted each time they
  appear). Operators and methods that could make a larger value (``'x' * 4000000000``, ``10 ** 10 ** 9``,
  ``s.center(10**9)``, ``s.replace('', s)``, ``'%999999999d' % 1``) are checked before they run;
- **output**: at most ``MAX_OUTPUT`` characters (EC2 takes 16 KB of user data);
- **work**: at most ``MAX_STEPS`` steps, counted as template lines executed (a ``sys.settrace`` counter on the
  template's own code), one per Python call the render makes, the length of every ``range`` and a share of the
  data each operator, filter or method reads: nested loops, exponential macros and loops over large values stop.
  A template of fixed work (no loop, call, filter, test, operator or macro, and at most ``MAX_FIXED_WORK_NODES``
  nodes) cannot come near the bound, so it renders without the counter, which is most of a small render's cost;
- **recursion**: Python's own limit, reported as a template error;
- ``random`` and ``lipsum`` are gone: the same input renders the same bytes.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from types import FrameType
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Concat, EvalContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, safe_range

MAX_VALUE = 262_144
MAX_OUTPUT = 65_536
MAX_STEPS = 200_000
MAX_INT_BITS = 64_000
TEMPLATE_FILE = "<template>"
#: A fixed-work template this small makes a few thousand steps at most (each node a few calls and lines; the sandbox
#: tests measure the largest), far below ``MAX_STEPS``.
MAX_FIXED_WORK_NODES = 2_000

# Digits in a %-format or str.format spec (a width or precision) that would make a value past the bound.
_SPEC_NUMBER = re.compile(r"\d{7,}")


class TemplateBoundError(Exception):
    """A template went past one of the sandbox's bounds."""


def weight(value: Any, limit: int = MAX_VALUE) -> int:
    """Characters plus elements, nested values counted each time they appear; stops counting past ``limit``."""
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, bool) or item is None:
            total += 1
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 1
        elif isinstance(item, Mapping):
            total += 1
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += 1
            stack.extend(item)
        else:
            total += 1
        if total > limit:
            return total
    return total


def _check(value: Any, what: str) -> Any:
    if weight(value) > MAX_VALUE:
        raise TemplateBoundError(f"{what} would be larger than {MAX_VALUE} characters or elements")
    return value


def _check_spec(fmt: Any, what: str) -> None:
    if isinstance(fmt, str) and _SPEC_NUMBER.search(fmt):
        raise TemplateBoundError(f"{what}: a width or precision of a million or more")


class _Budget:
    """Steps left for the render under way; charged by the tracer, ``range`` and every checked call."""

    def __init__(self) -> None:
        self.left = MAX_STEPS

    def charge(self, steps: int) -> None:
        self.left -= steps
        if self.left < 0:
            raise TemplateBoundError(f"the template did more than {MAX_STEPS} steps of work (a loop too large?)")


_budget: list[_Budget] = []


def _charge(steps: int) -> None:
    if _budget:
        _budget[-1].charge(steps)


def _cost(args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    return 1 + sum(weight(a) for a in (*args, *kwargs.values())) // 64


def _estimate(name: str, obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """An upper bound on the weight of ``obj.name(*args)`` for the str methods that can grow a value."""
    base = weight(obj)
    numbers = [a for a in (*args, *kwargs.values()) if isinstance(a, int) and not isinstance(a, bool)]
    if name in {"center", "ljust", "rjust", "zfill"}:
        return max([base, *numbers])
    if name == "expandtabs" and isinstance(obj, str):
        return base + obj.count("\t") * max([8, *numbers])
    if name == "replace" and isinstance(obj, str) and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        hits = obj.count(old) if old else len(obj) + 1
        return base + hits * len(new)
    if name == "join":
        items = list(args[0]) if args else []
        return weight(items) + len(items) * base
    if name in {"format", "format_map"} and isinstance(obj, str):
        _check_spec(obj, f"str.{name}")
        return base + (obj.count("{") + 1) * weight((args, kwargs))
    return 0


def _binop_estimate(operator: str, left: Any, right: Any) -> None:
    def is_int(x: Any) -> bool:
        return isinstance(x, int) and not isinstance(x, bool)

    sequence = (str, bytes, list, tuple)
    if operator == "*":
        if isinstance(left, sequence) and is_int(right):
            size = weight(left) * max(right, 0)
        elif isinstance(right, sequence) and is_int(left):
            size = weight(right) * max(left, 0)
        elif is_int(left) and is_int(right):
            if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise TemplateBoundError(f"'*' would make an integer of more than {MAX_INT_BITS} bits")
            return
        else:
            return
        if size > MAX_VALUE:
            raise TemplateBoundError(f"'*' would make a value larger than {MAX_VALUE} characters or elements")
    elif operator == "**" and is_int(left) and is_int(right):
        if abs(left) > 1 and right > 0 and left.bit_length() * right > MAX_INT_BITS:
            raise TemplateBoundError(f"'**' would make an integer of more than {MAX_INT_BITS} bits")
    elif operator == "+" and isinstance(left, sequence) and isinstance(right, sequence):
        if weight(left) + weight(right) > MAX_VALUE:
            raise TemplateBoundError(f"'+' would make a value larger than {MAX_VALUE} characters or elements")
    elif operator == "%" and isinstance(left, str):
        _check_spec(left, "'%' formatting")


def _bounded_range(*args: int) -> range:
    result = safe_range(*args)
    _charge(len(result))
    return result


def _filter_estimate(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    value = args[0] if args else None
    numbers = [a for a in (*args[1:], *kwargs.values()) if isinstance(a, int) and not isinstance(a, bool)]
    if any(abs(n) > MAX_VALUE for n in numbers):
        raise TemplateBoundError(f"filter {name!r}: a number larger than {MAX_VALUE}")
    if name == "replace" and isinstance(value, str) and len(args) >= 3:
        old, new = str(args[1]), str(args[2])
        hits = value.count(old) if old else len(value) + 1
        if len(value) + hits * len(new) > MAX_VALUE:
            raise TemplateBoundError(f"filter 'replace' would make a value larger than {MAX_VALUE} characters")
    elif name == "join" and value is not None:
        glue = args[1] if len(args) > 1 else kwargs.get("d", "")
        items = list(value) if isinstance(value, list | tuple | str) else []
        if weight(items) + len(items) * weight(glue) > MAX_VALUE:
            raise TemplateBoundError(f"filter 'join' would make a value larger than {MAX_VALUE} characters")
    elif name == "indent" and isinstance(value, str):
        width = args[1] if len(args) > 1 else kwargs.get("width", 4)
        pad = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
        if len(value) + (value.count("\n") + 1) * pad > MAX_VALUE:
            raise TemplateBoundError(f"filter 'indent' would make a value larger than {MAX_VALUE} characters")
    elif name == "wordwrap" and isinstance(value, str):
        wrap = args[4] if len(args) > 4 else kwargs.get("wrapstring")
        if isinstance(wrap, str) and len(value) * (len(wrap) + 1) > MAX_VALUE:
            raise TemplateBoundError(f"filter 'wordwrap' would make a value larger than {MAX_VALUE} characters")
    elif name == "format" and isinstance(value, str):
        _check_spec(value, "filter 'format'")
    elif name == "sum" and value is not None:
        addends: list[Any] | tuple[Any, ...] = value if isinstance(value, list | tuple) else []
        if "attribute" not in kwargs and any(not isinstance(i, int | float) for i in addends):
            raise TemplateBoundError("filter 'sum' adds numbers only")
    elif name == "truncate":
        end = args[3] if len(args) > 3 else kwargs.get("end")
        if weight(end) > MAX_VALUE:
            raise TemplateBoundError(f"filter 'truncate': an end larger than {MAX_VALUE} characters")


_JINJA_ARGS = (jinja2.runtime.Context, jinja2.Environment, EvalContext)  # pass_context & co, not the user's data


def _bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)  # keeps jinja's pass_context/pass_environment marker
    def bounded(*args: Any, **kwargs: Any) -> Any:
        data = tuple(a for a in args if not isinstance(a, _JINJA_ARGS))
        for arg in (*data, *kwargs.values()):
            _check(arg, f"the input of filter {name!r}")
        _charge(_cost(data, kwargs))
        _filter_estimate(name, data, kwargs)
        result = func(*args, **kwargs)
        if isinstance(result, Iterator):  # map, select, batch...: lazy; materialise under the bound
            result = list(result)
        return _check(result, f"the result of filter {name!r}")

    return bounded


def _bounded_join(parts: Any) -> str:
    pieces = [str(_check(p, "a '~' operand")) for p in parts]
    joined = "".join(pieces)
    _check(joined, "the result of '~'")
    return joined


def _bounded_concat(parts: Any) -> str:
    total = 0
    pieces = []
    for part in parts:
        total += len(part)
        if total > MAX_VALUE:
            raise TemplateBoundError(f"a block's output would be larger than {MAX_VALUE} characters")
        pieces.append(part)
    return "".join(pieces)


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, with ``~`` joined under the bound instead of by ``str.join``."""

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.bounded_join((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class BoundedSandbox(ImmutableSandboxedEnvironment):
    code_generator_class = _CodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%", "//", "/"})
    concat = staticmethod(_bounded_concat)  # macros, call blocks and {% set %} blocks join their output here
    bounded_join = staticmethod(_bounded_join)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals.pop("lipsum", None)
        self.globals["range"] = _bounded_range
        self.filters.pop("random", None)
        self.filters = {name: _bounded_filter(name, func) for name, func in self.filters.items()}
        self.finalize = functools.partial(_check, what="an output value")

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A plain dict rather than Jinja's ``ChainMap`` over the environment's globals, which never change after
        ``__init__`` here: each render copies the globals twice, and copying a ``ChainMap`` was most of setting up
        a small template's context."""
        return {**self.globals, **(d or {})}

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, dict) and attribute in obj:  # plain data: ``req.values`` is the key, not dict.values
            return obj[attribute]
        return super().getattr(obj, attribute)

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        _check(left, f"the left operand of {operator!r}")
        _check(right, f"the right operand of {operator!r}")
        _charge(_cost((left, right), {}))
        _binop_estimate(operator, left, right)
        return _check(super().call_binop(context, operator, left, right), f"the result of {operator!r}")

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        data = {k: v for k, v in kwargs.items() if k not in {"_loop_vars", "_block_vars"}}  # jinja's, not the user's
        target = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format in a function of its own
        owner = getattr(target, "__self__", None)
        name = getattr(target, "__name__", "")
        for arg in (*args, *data.values()):
            _check(arg, f"an argument of {name or 'a call'}")
        _charge(_cost(args, data) + (weight(owner) // 64 if isinstance(owner, str | list | dict) else 0))
        if isinstance(owner, str) and _estimate(name, owner, args, data) > MAX_VALUE:
            raise TemplateBoundError(f"str.{name} would make a value larger than {MAX_VALUE} characters")
        return _check(super().call(__context, __obj, *args, **kwargs), f"the result of {name or 'a call'}")


#: Nodes whose render does the same small work whatever the data: each runs at most once (no loop, macro or
#: recursion) and makes a fixed number of Python calls (no call, filter, test or operator, whose cost grows with the
#: values they read). Exact types: a subclass may compile to something else.
_FIXED_WORK: frozenset[type[nodes.Node]] = frozenset(
    {
        nodes.Template,
        nodes.Output,
        nodes.TemplateData,
        nodes.Const,
        nodes.Name,
        nodes.Getattr,
        nodes.Getitem,
        nodes.If,
        nodes.CondExpr,
        nodes.Compare,
        nodes.Operand,
        nodes.Not,
        nodes.And,
        nodes.Or,
        nodes.Concat,
        nodes.Assign,
    }
)


@dataclass(frozen=True)
class BoundedTemplate:
    template: jinja2.Template
    #: Whether its steps are counted; ``False`` for a small template of fixed work, which cannot reach the bound.
    counted: bool


def compile_bounded(env: BoundedSandbox, source: str) -> BoundedTemplate:
    """``source`` compiled in ``env`` (raising what ``from_string`` raises), and whether its work must be counted."""
    template = env.from_string(source)
    root = env.parse(source)
    found: list[nodes.Node] = [root, *root.find_all(nodes.Node)]
    fixed = len(found) <= MAX_FIXED_WORK_NODES and all(type(node) in _FIXED_WORK for node in found)
    return BoundedTemplate(template, counted=not fixed)


def _tracer(frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
    _charge(1)  # every Python call a render makes (a macro costs a few of jinja's), then each template line
    return _line_tracer if frame.f_code.co_filename == TEMPLATE_FILE else None


def _line_tracer(frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
    if event == "line":
        _charge(1)
    return _line_tracer


def render_bounded(bounded: BoundedTemplate, context: dict[str, Any]) -> str:
    """``bounded`` rendered within the bounds; raises ``TemplateBoundError`` past one of them."""
    previous = sys.gettrace()
    _budget.append(_Budget())
    if bounded.counted:
        sys.settrace(_tracer)
    try:
        pieces: list[str] = []
        size = 0
        for piece in bounded.template.generate(context):
            size += len(piece)
            if size > MAX_OUTPUT:
                raise TemplateBoundError(f"the output would be longer than {MAX_OUTPUT} characters")
            pieces.append(piece)
        return "".join(pieces)
    except RecursionError:
        raise TemplateBoundError("recursion too deep (a macro that calls itself without end?)") from None
    finally:
        if bounded.counted:
            sys.settrace(previous)
        _budget.pop()
