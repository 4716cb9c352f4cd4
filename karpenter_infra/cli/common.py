"""What every command shares: the one stderr console, the one stdout console builder, errors and shared options.

Commands import their heavy dependencies inside the command function: ``--help`` must not pay for them. So this
module, which every command imports, imports only typer at the top: rich (a tenth of a second) loads with the first
line printed, pydantic with the first error caught. ``tests/cli/test_startup.py`` holds it to that.
"""

from __future__ import annotations

import functools
import sys
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from karpenter_infra.safe_text import printable

if TYPE_CHECKING:
    from rich.console import Console

    from karpenter_infra.errors import SpecError


@functools.cache
def err() -> Console:
    """The one stderr console. soft_wrap: errors name files and fields; a line break inside a path breaks grep and
    CI log search."""
    from rich.console import Console

    return Console(stderr=True, soft_wrap=True, highlight=False)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


StackOption = Annotated[
    str,
    typer.Option(
        "--stack",
        "-s",
        metavar="NAME",
        help="Stack name: reads Pulumi.<stack>.yaml where Pulumi does (next to Pulumi.yaml, in its stackConfigDir, "
        "or in stacks/).",
    ),
]
ProjectOption = Annotated[
    Path, typer.Option("--project-dir", metavar="DIR", help="Directory holding Pulumi.yaml.", show_default=False)
]
ProgramOption = Annotated[
    str | None,
    typer.Option(
        "--program",
        metavar="MODULE:FUNCTION",
        help="Your own Pulumi program (e.g. shop_platform.program:main), run offline under the mock runtime with "
        "the stack's config: the fleet is what it registers, so the stack file needs no nodegroups key.",
        show_default=False,
    ),
]


def stdout_console() -> Console:
    """The console for tables on stdout: a terminal keeps its own width; piped (CI logs), wide enough for names."""
    from rich.console import Console

    return Console(highlight=False, width=None if sys.stdout.isatty() else 160)


def error(message: str) -> None:
    """One ``error:`` line per line of the message: a multi-problem report reads as one problem per line."""
    for line in message.splitlines() or [""]:
        err().print(f"[bold red]error:[/] {_escape(printable(line))}")


def fail(exc: SpecError) -> NoReturn:
    error(str(exc))
    raise typer.Exit(2)


@contextmanager
def user_errors() -> Iterator[None]:
    """Every error in the user's input, wherever it surfaces (stack file, nodegroup module, program, components),
    ends here as one line and exit status 2."""
    from pydantic import ValidationError

    from karpenter_infra.errors import SpecError
    from karpenter_infra.locate import located

    try:
        yield
    except SpecError as exc:
        fail(exc)
    except ValidationError as exc:  # a model the user's code built outside any module we load
        fail(located(exc, "program"))


def note(message: str) -> None:
    """A line of progress on stderr (``wrote out/x.yaml``): paths and names echoed as text, never as markup."""
    err().print(_escape(printable(message)))


def warn(findings: Iterable[object]) -> None:
    for finding in findings:
        err().print(f"[yellow]warning:[/] {_escape(printable(str(finding)))}")


def _show_warning(
    message: Warning | str, category: type[Warning], filename: str, lineno: int, file: Any = None, line: Any = None
) -> None:
    """What our loaders warn about (a key repeated in a YAML file) prints as a ``warning:`` line, not a traceback."""
    if category.__module__.startswith("karpenter_infra."):
        warn([message])
    else:
        _python_show_warning(message, category, filename, lineno, file, line)


_python_show_warning = warnings.showwarning
warnings.showwarning = _show_warning
