"""Command-line interface: each command group lives in its own module with a `register` hook."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from valuedesk import __version__

# Modules that contribute subcommands; each exposes register(subparsers) -> None.
COMMAND_MODULES: tuple[str, ...] = (
    "valuedesk.cli.analysis",  # analyze, show, demo
    "valuedesk.cli.model",  # train, evaluate
    "valuedesk.cli.scripts",  # score
    "valuedesk.cli.reports",  # report, export
)

DEFAULT_PROJECT = "valuedesk.vdproj"


class CliError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


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
    except CliError as exc:
        print(f"valuedesk: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("valuedesk: interrupted", file=sys.stderr)
        return 130
