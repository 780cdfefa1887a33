"""`valuedesk batch`: a corpus analysed by parallel workers (local processes or Ray), one writer."""

from __future__ import annotations

import argparse
import sys

from valuedesk.cli import CliError, add_project_option, display
from valuedesk.cli.analysis import _add_settings_options, _open, settings_from_args


def cmd_batch(args: argparse.Namespace) -> int:
    from valuedesk.pipeline.corpus import BatchProgress, run_corpus_batch
    from valuedesk.pipeline.pools import ClusterUnavailable
    from valuedesk.project import ProjectError

    tty = sys.stderr.isatty()

    def show(state: BatchProgress, analysing: int, last: str) -> None:
        line = state.line(analysing, last)
        print(("\r\x1b[2K" + line) if tty else line, end="" if tty else "\n", file=sys.stderr, flush=True)

    with _open(args.project) as project:
        try:
            results = run_corpus_batch(
                project,
                args.paths,
                settings_from_args(args),
                workers=args.workers,
                ray_address=args.ray,
                force=args.force,
                progress=show,
            )
        except ClusterUnavailable as exc:
            raise CliError(str(exc)) from exc
        except ProjectError as exc:
            raise CliError(str(exc)) from exc
        except KeyboardInterrupt:
            print(
                "\nstopped: videos not finished are marked cancelled; run the same command to resume",
                file=sys.stderr,
            )
            return 130
    if tty:
        print(file=sys.stderr)
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        print(f"✗ {r.message}", file=sys.stderr)
    done = sum(r.status == "done" for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    print(
        f"{done} analyzed, {skipped} unchanged, {len(failed)} failed → {display(args.project)}",
        file=sys.stderr,
    )
    return 1 if failed else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "batch",
        help="analyze a corpus with parallel workers (local processes, or Ray on this machine or a cluster)",
        description="Each worker holds its own models; results are saved here, one transaction per video. "
        "Unchanged files are skipped (by content hash) and interrupted ones analysed again, so running "
        "the same command again resumes. Without --ray: local processes. --ray local: a private Ray on "
        "this machine; --ray auto: the cluster in RAY_ADDRESS (ray start --head … on the cluster); "
        "--ray HOST:PORT or ray://HOST:10001: that cluster (videos are sent to the workers as bytes).",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="video files or folders (searched recursively)")
    p.add_argument("--workers", type=int, default=2, metavar="N", help="parallel workers (default 2)")
    p.add_argument(
        "--ray",
        metavar="auto|local|ADDRESS",
        default=None,
        help="run the workers on Ray (pip install 'valuedesk[cluster]')",
    )
    p.add_argument("--force", action="store_true", help="analyze unchanged files again")
    _add_settings_options(p)
    add_project_option(p, required=True)
    p.set_defaults(func=cmd_batch)
