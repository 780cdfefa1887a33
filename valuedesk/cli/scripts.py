"""`valuedesk score`: value labels for a whole file of scripts (the labelled-script JSONL format)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from valuedesk.cli import CliError, echo
from valuedesk.cli.analysis import add_llm_options
from valuedesk.cli.model import MODEL_HELP

LINES_HELP = (
    "which lines the classifier reads: content = speech, on-screen text, caption and hashtags (what "
    "the analysis pipeline gives it; default); all = also scene and sound lines"
)


def register(subparsers: Any) -> None:
    sc = subparsers.add_parser(
        "score",
        help="label the 19 values of every post in a JSONL file of scripts",
        description="Reads posts in the labelled-script format (docs/scripts-format.md; labels not needed) and "
        "writes one JSON line per post: id, model, labels (-1 goes against, 0 absent, 1 present, "
        "2 dominant), scores (0..1, the value is at stake), against (0..1) and evidence (indexes "
        "into the post's lines). A one-line post scores a plain sentence. "
        "Example: valuedesk score posts.jsonl -o predictions.jsonl",
    )
    sc.add_argument("posts", metavar="POSTS.jsonl")
    sc.add_argument(
        "-o",
        "--output",
        metavar="PRED.jsonl",
        required=True,
        help="where to write the predictions ('-' for standard output)",
    )
    sc.add_argument("--model", default="trained", help=MODEL_HELP)
    sc.add_argument("--lines", choices=("content", "all"), default="content", help=LINES_HELP)
    sc.add_argument("--force", action="store_true", help="overwrite an existing output file")
    add_llm_options(sc, modes=False)
    sc.set_defaults(func=cmd_score)


def read_posts_or_fail(path: str, labels: str | None = None, *, need_labels: bool = False) -> list[Any]:
    """Posts from a file (with labels from `labels` when given), as one-line CLI errors."""
    from valuedesk.classify.posts import PostFormatError, attach_labels, labelled, read_labels, read_posts

    p = Path(path)
    if not p.is_file():
        raise CliError(f"no such posts file: {p}")
    try:
        posts = read_posts(p)
        if labels:
            lp = Path(labels)
            if not lp.is_file():
                raise CliError(f"no such labels file: {lp}")
            posts = attach_labels(posts, read_labels(lp), lp.name)
        if need_labels:
            posts = labelled(posts, p.name)
    except PostFormatError as exc:
        raise CliError(str(exc)) from None
    return posts


def cmd_score(args: argparse.Namespace) -> int:
    from valuedesk.classify.corpus_eval import prediction_record, profiles_for
    from valuedesk.classify.posts import LINE_SETS
    from valuedesk.cli.model import load_model
    from valuedesk.report.safeio import OutputError, check_file_target, write_file

    posts = read_posts_or_fail(args.posts)
    to_stdout = args.output == "-"
    out = Path(args.output)
    if not to_stdout:
        try:
            check_file_target(out, force=args.force)  # before the scoring, not after it
        except OutputError as exc:
            raise CliError(str(exc)) from None
    if not to_stdout and out.resolve() == Path(args.posts).resolve():
        raise CliError("the output file must not be the posts file")
    clf = load_model(args.model, None, args)
    kinds = LINE_SETS[args.lines]

    def records() -> Any:
        for done, (post, prof, index) in enumerate(profiles_for(clf, posts, kinds=kinds), start=1):
            if not to_stdout and (done % 256 == 0 or done == len(posts)):
                print(f"scored {done}/{len(posts)} posts", file=sys.stderr, flush=True)
            yield json.dumps(prediction_record(post, prof, index), ensure_ascii=False) + "\n"

    if to_stdout:
        for line in records():
            sys.stdout.write(line)
        return 0
    try:
        write_file(out, "".join(records()), force=args.force)
    except OutputError as exc:
        raise CliError(str(exc)) from None
    echo(f"{len(posts)} posts scored by {clf.model_id} → {out}")
    return 0
