"""Entry point: `valuedesk` alone or with a project file opens the explorer; subcommands run headless."""

from __future__ import annotations

import sys
from collections.abc import Container, Sequence
from typing import cast


def _wants_gui(argv: Sequence[str]) -> bool:
    if not argv:
        return True
    from valuedesk.cli import build_parser

    first = argv[0]
    if first.startswith("-"):
        return False
    subparsers = build_parser()._subparsers
    assert subparsers is not None  # build_parser() always adds the subcommands
    # The subcommands' action keeps its choices as a {name: parser} dict.
    commands = cast(Container[str], subparsers._group_actions[0].choices)
    return first not in commands


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if _wants_gui(args):
        try:
            from valuedesk.ui.main import run_gui
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("valuedesk.ui"):
                print(
                    "valuedesk: the explorer is not built yet; use a subcommand (see --help)", file=sys.stderr
                )
                return 2
            raise
        return run_gui(args)
    from valuedesk.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
