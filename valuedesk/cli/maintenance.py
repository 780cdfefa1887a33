"""`valuedesk check`: the whole-file integrity check a large project skips when it opens."""

from __future__ import annotations

import argparse

from valuedesk.cli import CliError, add_project_option, display, echo


def cmd_check(args: argparse.Namespace) -> int:
    from valuedesk.project import Project, ProjectError

    try:
        with Project.open(args.project, readonly=True) as project:
            result = project.integrity_check()
    except ProjectError as exc:
        raise CliError(str(exc)) from exc
    if result != "ok":
        echo(f"{display(args.project)}: damaged — {result}")
        return 1
    echo(f"{display(args.project)}: ok (SQLite integrity_check over the whole file)")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("check", help="check the whole project file for damage (integrity_check)")
    add_project_option(p)
    p.set_defaults(func=cmd_check)
