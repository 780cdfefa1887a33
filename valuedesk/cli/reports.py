"""`valuedesk report`, `valuedesk export` and `valuedesk review`: PDFs, exports, scripted reviews."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from valuedesk.cli import CliError, add_project_option, echo, resolve_video, text_arg, unicode_error
from valuedesk.project.store import Project, ProjectError
from valuedesk.report.errors import ReportError
from valuedesk.report.exports import EXPORT_FORMATS, FORMATS
from valuedesk.report.safeio import OutputError


@contextmanager
def _project(path: str, *, write: bool = False) -> Iterator[Project]:
    """Open the project and turn every expected failure into one CliError line."""
    try:
        project = Project.open(path, readonly=not write, create=False)
    except ProjectError as exc:
        raise CliError(str(exc)) from None
    try:
        yield project
    except UnicodeEncodeError as exc:  # an argument with non-UTF-8 bytes reached an SQL query
        error = unicode_error(exc)
        if error is None:
            raise
        raise error from None
    except (ProjectError, ReportError, OutputError, ValueError, KeyError) as exc:
        raise CliError(exc.args[0] if exc.args else str(exc)) from None
    finally:
        project.close()


# --------------------------------------------------------------------------- report


def _report(args: argparse.Namespace) -> int:
    if (args.video is None) == (args.creator is None):
        raise CliError("give a VIDEO or --creator NAME (one of them)")
    with _project(args.project) as project:
        if args.creator is not None:
            from valuedesk.report.pdf_creator import write_creator_report

            out = write_creator_report(
                project, text_arg(args.creator) or "", args.output, paper=args.paper, force=args.force
            )
        else:
            from valuedesk.report.pdf_video import write_video_report

            vid = int(resolve_video(project, args.video)["id"])
            out = write_video_report(project, vid, args.output, paper=args.paper, force=args.force)
    echo(out)
    return 0


def _export(args: argparse.Namespace) -> int:
    from valuedesk.report.exports import export

    with _project(args.project) as project:
        video = None if args.video is None else int(resolve_video(project, args.video)["id"])
        written = export(
            project,
            args.format,
            args.output,
            video=video,
            creator=text_arg(args.creator),
            force=args.force,
            onscreen=args.onscreen,
        )
    for path in written:
        echo(path)
    return 0


# --------------------------------------------------------------------------- review


def _print_reading(project: Project, video_id: int) -> None:
    from valuedesk.review import video_reading

    reading = video_reading(project, video_id)
    print(f"{'value':28} {'model':>6} {'review':>6} {'shown':>6} {'score':>6}  evidence lines")
    for r in reading.values.values():
        review = "" if r.reviewed_label is None else str(r.reviewed_label)
        lines = ",".join(str(e.line_idx) + ("+" if e.source == "reviewer" else "") for e in r.evidence)
        print(f"{r.value.name:28} {r.model_label:>6} {review:>6} {r.effective:>6} {r.score:>6.2f}  {lines}")
    if reading.note:
        print(f"note: {reading.note}")


def _review(args: argparse.Namespace) -> int:
    from valuedesk.review import ReviewService, describe

    actions = [
        bool(args.label is not None),
        args.accept,
        args.undo,
        args.redo,
        args.add_evidence is not None,
        args.remove_evidence is not None,
        args.line is not None,
    ]
    if sum(actions) > 1:
        raise CliError(
            "give one action: --label, --accept, --undo, --redo, --add-evidence, --remove-evidence or --line"
        )
    needs_value = (
        args.label is not None
        or args.accept
        or args.add_evidence is not None
        or args.remove_evidence is not None
    )
    if needs_value and not args.value:
        raise CliError("this action needs --value NAME")
    if args.line is not None and args.text is None:
        raise CliError("--line needs --text TEXT")
    for name in ("value", "label", "text", "note", "author"):  # text to store: undecodable bytes → U+FFFD
        setattr(args, name, text_arg(getattr(args, name)))
    with _project(args.project, write=True) as project:
        service = ReviewService(project, author=args.author or "")
        vid = int(resolve_video(project, args.video)["id"])
        if args.undo or args.redo:
            row = service.undo(vid) if args.undo else service.redo(vid)
            word = "undid" if args.undo else "redid"
            print(f"{word}: {describe(row)}" if row else f"nothing to {'undo' if args.undo else 'redo'}")
            return 0
        done: int | None = None
        if args.label is not None:
            done = service.set_label(vid, args.value, args.label, note=args.note or "")
        elif args.accept:
            done = service.accept(vid, args.value, note=args.note or "")
        elif args.add_evidence is not None:
            done = service.add_evidence(vid, args.value, args.add_evidence)
        elif args.remove_evidence is not None:
            done = service.remove_evidence(vid, args.value, args.remove_evidence)
        elif args.line is not None:
            done = service.correct_line(vid, args.line, args.text)
        elif args.note is not None:
            done = service.set_note(vid, args.note, args.value)
        else:
            _print_reading(project, vid)
            return 0
        if done is None:
            print("nothing changed")
        else:
            row = service.history(vid)[-1]
            print(describe(row))
    return 0


# --------------------------------------------------------------------------- registration


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "report",
        help="write a PDF report for a video or a creator",
        description="Write a PDF report for parents and teachers.",
    )
    p.add_argument("video", nargs="?", metavar="VIDEO", help="video id, path or file name")
    p.add_argument("--creator", metavar="NAME", help="report on all analysed videos of this creator")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="the PDF to write")
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="paper size (default a4)")
    p.add_argument("--force", action="store_true", help="overwrite FILE.pdf if it exists")
    add_project_option(p)
    p.set_defaults(func=_report)

    folders = [f.name for f in EXPORT_FORMATS if f.writes == "folder"]
    e = subparsers.add_parser(
        "export",
        help="export labels, evidence, quotes, ValueEval TSV or subtitles",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="formats:\n"
        + "".join(f"  {f.name:7} {f.description}\n          writes {f.where}\n" for f in EXPORT_FORMATS)
        + "\nA format that writes a folder refuses a PATH ending in a file suffix: -o labels.csv with csv\n"
        "is an error that suggests -o labels (an existing folder of that name is used as it is).",
    )
    e.add_argument("--format", required=True, choices=FORMATS, help="what to write (see formats above)")
    e.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="PATH",
        help=f"the file, or the folder, to create ({' and '.join(folders)}: a folder name, not NAME.csv)",
    )
    who = e.add_mutually_exclusive_group()
    who.add_argument("--video", metavar="VIDEO", help="only this video (id, path or file name)")
    who.add_argument("--creator", metavar="NAME", help="only this creator's videos")
    e.add_argument("--onscreen", action="store_true", help="srt/vtt: include on-screen text")
    e.add_argument(
        "--force", action="store_true", help="overwrite an existing file / write into a non-empty folder"
    )
    add_project_option(e)
    e.set_defaults(func=_export)

    r = subparsers.add_parser(
        "review",
        help="review a video's labels from scripts (label, accept, evidence, notes, undo)",
        description="Without an action, print model, reviewed and shown labels. Reviews never change "
        "the model's output; --undo/--redo step through this video's reviews.",
    )
    r.add_argument("video", metavar="VIDEO", help="video id, path or file name")
    r.add_argument("--value", metavar="NAME", help='value id or name, e.g. face or "Power: dominance"')
    r.add_argument("--label", metavar="LABEL", help="-1, 0, 1, 2 or contradicted/absent/present/dominant")
    r.add_argument("--accept", action="store_true", help="confirm the model's label for --value")
    r.add_argument("--add-evidence", type=int, metavar="LINE", help="mark script line LINE as evidence")
    r.add_argument(
        "--remove-evidence", type=int, metavar="LINE", help="remove script line LINE from the evidence"
    )
    r.add_argument(
        "--line", type=int, metavar="LINE", help="correct the text of script line LINE (with --text)"
    )
    r.add_argument("--text", metavar="TEXT", help="the corrected line text")
    r.add_argument("--note", metavar="TEXT", help="a note on the value (with --value) or the video")
    r.add_argument("--undo", action="store_true", help="undo the latest review of this video")
    r.add_argument("--redo", action="store_true", help="redo the review undone last")
    r.add_argument("--author", metavar="NAME", help="reviewer name (default: $USER)")
    add_project_option(r)
    r.set_defaults(func=_review)
