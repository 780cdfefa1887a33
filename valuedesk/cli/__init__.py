"""Command-line interface: each command group lives in its own module with a `register` hook."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from valuedesk import __version__

# Modules that contribute subcommands; each exposes register(subparsers) -> None.
COMMAND_MODULES: tuple[str, ...] = (
    "valuedesk.cli.analysis",  # analyze, show, demo
    "valuedesk.cli.model",  # train, evaluate
    "valuedesk.cli.scripts",  # score
    "valuedesk.cli.reports",  # report, export
    "valuedesk.cli.speech_models",  # models
    "valuedesk.cli.maintenance",  # check
    "valuedesk.cli.corpus",  # batch
)

DEFAULT_PROJECT = "valuedesk.vdproj"


class CliError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


def display(text: object) -> str:
    """Text safe to print anywhere: bytes of a file name that are not UTF-8 (surrogate escapes,
    as Python decodes such command-line arguments) shown as U+FFFD, like batch.display_name."""
    s = str(text)
    try:
        return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in s)


def text_arg(value: str | None) -> str | None:
    """A text argument (name, note, label) as SQLite can store it: undecodable bytes → U+FFFD."""
    return None if value is None else display(value)


def echo(text: object, file: TextIO | None = None) -> None:
    """print(), but a path with non-UTF-8 bytes never raises: the exact bytes where the stream
    can carry them (a POSIX locale), else U+FFFD in their place."""
    stream = file or sys.stdout
    try:
        print(text, file=stream)
    except UnicodeEncodeError:
        print(display(text), file=stream)


def unicode_error(exc: UnicodeEncodeError) -> CliError | None:
    """An argument with bytes that are not UTF-8 reached a place that needs text (an SQL query):
    one clear line naming it. None when the error has another cause."""
    obj = exc.object
    if not (isinstance(obj, str) and any("\ud800" <= ch <= "\udfff" for ch in obj[exc.start : exc.end])):
        return None
    return CliError(f"{display(obj)}: holds bytes that are not valid UTF-8; rename it or use the video id")


def resolve_video(project: Any, ref: str) -> dict[str, Any]:
    """`Project.resolve_video`, also for a VIDEO argument with bytes that are not UTF-8: the exact
    bytes first (paths are looked up by their raw bytes), then the name as the project shows it."""
    try:
        return dict(project.resolve_video(ref))
    except UnicodeEncodeError:
        if display(ref) == ref:
            raise
        return dict(project.resolve_video(display(ref)))


def add_project_option(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    parser.add_argument(
        "--project",
        metavar="FILE",
        required=required,
        default=None if required else DEFAULT_PROJECT,
        help=f"ValueDesk project file (SQLite); default: ./{DEFAULT_PROJECT}",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="valuedesk",
        description="Explore the human values that short videos express or contradict (offline).",
    )
    parser.add_argument("--version", action="version", version=f"valuedesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # command group not built yet
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UnicodeEncodeError as exc:
        error = unicode_error(exc)
        if error is None:
            raise
        print(f"valuedesk: error: {error}", file=sys.stderr)
        return 2
    except CliError as exc:
        print(f"valuedesk: error: {display(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("valuedesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `valuedesk show … | head`: the reader left; not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
