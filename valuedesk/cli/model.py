"""`valuedesk train` and `valuedesk evaluate`: build and measure value classifiers."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from valuedesk.cli import CliError, add_project_option
from valuedesk.cli.analysis import add_llm_options
from valuedesk.values import BY_ID

DEFAULT_OUT = "valuedesk-model"


def register(subparsers: Any) -> None:
    tr = subparsers.add_parser(
        "train",
        help="train the value classifier (ValueEval data) or retrain it from a project's reviews",
        description="With --data: train model v2 — the packaged MiniLM with presence, polarity (goes against) and "
        "dominance heads — on Touché23 training (+ Webis-22 extras) and the labelled script corpus's "
        "train split; the epoch, the ValueEval thresholds (Touché23 validation) and the run-time "
        "thresholds and rules (script dev split) are chosen on validation data only; the script test "
        "split is never read. Example: valuedesk train --data resources/datasets/touche23-valueeval. "
        "With --project: fine-tune the shipped model on the "
        "project's human-reviewed videos, report endorsed P/R/F1 before vs after on held-out videos "
        "(k-fold), and save the result in a new folder (default: <project>.models/retrained-<time>/); "
        "the shipped model is never changed.",
    )
    tr.add_argument(
        "--data", metavar="DIR", help="folder with arguments-/labels-/level1-labels-{training,validation}.tsv"
    )
    tr.add_argument(
        "--webis",
        metavar="DIR",
        default=None,
        help="Webis-ArgValues-22 folder (default: a sibling 'webis-argvalues-22' of --data if present)",
    )
    tr.add_argument("--no-webis", action="store_true", help="train on Touché23 only")
    tr.add_argument(
        "--heads-only",
        metavar="MODEL_DIR",
        default=None,
        help="with --data: skip the joint fine-tune and redo only stages 2-3 (script, lexical and argument "
        "heads, dev tuning) on MODEL_DIR's fine-tuned encoder (e.g. models/value-minilm), writing to --out; "
        "minutes instead of an hour",
    )
    tr.add_argument(
        "--scripts",
        metavar="DIR",
        default=None,
        help="labelled script corpus with train.jsonl and dev.jsonl (default: a sibling "
        "'valuedesk-scripts' of --data)",
    )
    tr.add_argument(
        "--out",
        metavar="DIR",
        default=None,
        help=f"output model folder (default: ./{DEFAULT_OUT}; with --project: "
        "<project stem>.models/retrained-<timestamp>/ beside the project)",
    )
    tr.add_argument("--epochs", type=int, default=None, metavar="N", help="default: 3")
    tr.add_argument("--seed", type=int, default=13, metavar="S")
    tr.add_argument(
        "--arguments-per-epoch",
        type=int,
        default=None,
        metavar="N",
        help="with --data: Touché23/Webis arguments drawn per epoch (default: 3000; 0 = all)",
    )
    tr.add_argument(
        "--folds",
        type=int,
        default=None,
        metavar="K",
        help="with --project: folds for the before/after test (default: min(5, reviewed videos); "
        "K = videos is leave-one-video-out)",
    )
    tr.add_argument(
        "--base",
        metavar="DIR",
        default="trained",
        help="with --project: the model to start from (default: trained = the shipped model)",
    )
    add_project_option(tr)
    tr.set_defaults(func=cmd_train, project=None)

    ev = subparsers.add_parser(
        "evaluate",
        help="measure a classifier on ValueEval TSV data or reviewed videos",
        description="With --scripts: the paper's protocol on labelled short-video scripts (endorsed = 1 or 2, "
        "contradicted = -1, scored apart; macro-F1 over values with gold frequency >= 5 %% (endorsed) "
        "and >= 5 gold -1 (contradicted); exact 4-way agreement; the predict-all floor beside it). "
        "With --data: ValueEval per-value precision/recall/F1 with macro_f1 (mean of per-value F1) and "
        "valueeval_f1 (harmonic mean of macro-P and macro-R). With --project: endorsed and "
        "contradicted P/R/F1 on human-reviewed videos.",
    )
    ev.add_argument("--data", metavar="DIR", help="folder with arguments-<split>.tsv and labels-<split>.tsv")
    ev.add_argument(
        "--scripts",
        metavar="POSTS.jsonl",
        help="labelled short-video scripts (docs/scripts-format.md): the paper's protocol, endorsed "
        "and contradicted P/R/F1, exact 4-way agreement and the predict-all floor",
    )
    ev.add_argument(
        "--labels", metavar="FILE", help='with --scripts: {"id", "labels"} lines keyed by post id'
    )
    ev.add_argument(
        "--lines",
        choices=("content", "all"),
        default="content",
        help="with --scripts: content = speech, on-screen text, caption, hashtags (as the pipeline; "
        "default); all = also scene and sound lines",
    )
    ev.add_argument("--split", default="validation")
    ev.add_argument("--model", default="trained", help=MODEL_HELP)
    ev.add_argument(
        "--limit", type=int, metavar="N", help="with --scripts: only the first N posts (slow readers)"
    )
    add_llm_options(ev, modes=False)
    ev.add_argument(
        "--input",
        choices=("argument", "script"),
        default="argument",
        help="argument: conclusion+stance+premise (ValueEval form); script: premise as a speech line",
    )
    ev.add_argument(
        "--contradiction-threshold",
        type=float,
        default=None,
        metavar="T",
        help="--model baseline only: label −1 when its keyword cue ≥ T (an explained, unvalidated "
        "baseline; the trained model's polarity head decides −1 itself)",
    )
    ev.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_project_option(ev)
    ev.set_defaults(func=cmd_evaluate)


def _webis_dir(args: argparse.Namespace, data: Path) -> Path | None:
    if args.no_webis:
        return None
    if args.webis:
        p = Path(args.webis)
        if not (p / "arguments.tsv").is_file():
            raise CliError(f"{p} has no arguments.tsv (Webis-ArgValues-22 layout expected)")
        return p
    sibling = data.parent / "webis-argvalues-22"
    return sibling if (sibling / "arguments.tsv").is_file() else None


def cmd_train(args: argparse.Namespace) -> int:
    if args.project:
        if args.data:
            raise CliError(
                "give either --data (train from ValueEval data) or --project (retrain from reviews)"
            )
        return _retrain_project(args)
    if not args.data:
        raise CliError("train needs --data DIR (e.g. resources/datasets/touche23-valueeval)")
    from valuedesk.classify.data import DataError
    from valuedesk.classify.evaluate import evaluate_tsv
    from valuedesk.classify.metrics import format_report
    from valuedesk.classify.model import TrainedClassifier
    from valuedesk.classify.posts import PostFormatError
    from valuedesk.classify.train import TrainConfig, train

    data = Path(args.data)
    if not data.is_dir():
        raise CliError(f"no such data folder: {data}")
    epochs = TrainConfig().epochs if args.epochs is None else args.epochs
    if epochs < 1:
        raise CliError("--epochs must be at least 1")
    scripts = Path(args.scripts) if args.scripts else data.parent / "valuedesk-scripts"
    if not (scripts / "train.jsonl").is_file() or not (scripts / "dev.jsonl").is_file():
        raise CliError(
            f"{scripts} has no train.jsonl and dev.jsonl (the labelled script corpus; give --scripts DIR)"
        )
    if args.heads_only:
        return _heads_only(args, data, scripts)
    try:
        res = train(
            data,
            args.out or DEFAULT_OUT,
            webis_dir=_webis_dir(args, data),
            scripts_dir=scripts,
            config=TrainConfig(epochs=epochs, seed=args.seed, **_per_epoch(args.arguments_per_epoch)),
            log=lambda s: print(s, flush=True),
        )
        print(f"model written to {res.out_dir} in {res.seconds:.0f} s")
        clf = TrainedClassifier(res.out_dir)
        rep = evaluate_tsv(clf, data, "validation", shape="argument")
        print(format_report(rep, f"Touché23 validation, input=argument, model={res.out_dir}", _names()))
        clf.use_shape("script")
        from valuedesk.classify.corpus_eval import evaluate_posts
        from valuedesk.classify.posts import read_posts
        from valuedesk.classify.script_metrics import format_polarity_report

        dev = evaluate_posts(clf, read_posts(scripts / "dev.jsonl"))
        print(
            format_polarity_report(
                dev, f"\nscript dev split (thresholds were tuned on it: optimistic), model={res.out_dir}"
            )
        )
    except (DataError, PostFormatError) as exc:
        raise CliError(str(exc)) from None
    return 0


def _heads_only(args: argparse.Namespace, data: Path, scripts: Path) -> int:
    """`train --heads-only DIR`: stages 2-3 of the recipe on an already fine-tuned model folder."""
    import shutil

    from valuedesk.classify.data import DataError
    from valuedesk.classify.evaluate import evaluate_tsv
    from valuedesk.classify.metrics import format_report
    from valuedesk.classify.model import TrainedClassifier, read_config
    from valuedesk.classify.posts import PostFormatError
    from valuedesk.classify.tokens import ModelLoadError
    from valuedesk.classify.train import finish_model, load_scripts, load_training_data

    src, out = Path(args.heads_only), Path(args.out or DEFAULT_OUT)
    try:
        cfg = read_config(src)
    except ModelLoadError as exc:
        raise CliError(str(exc)) from None
    if out.resolve() == src.resolve():
        raise CliError("--out must be a new folder: --heads-only never rewrites the model it starts from")
    if out.exists():
        raise CliError(f"{out} exists already; give --out a new folder")
    try:
        posts, dev = load_scripts(scripts)
        arguments = load_training_data(data, _webis_dir(args, data), print)
    except (DataError, PostFormatError) as exc:
        raise CliError(str(exc)) from None
    shutil.copytree(src, out, ignore=shutil.ignore_patterns("MODEL_CARD.md", "retrain.json"))
    seed = int(cfg.get("train_config", {}).get("seed", args.seed))
    finish_model(
        out, posts, dev, seed=seed, max_length=int(cfg.get("max_length", 256)), arguments=arguments, log=print
    )
    clf = TrainedClassifier(out)
    rep = evaluate_tsv(clf, data, "validation", shape="argument")
    print(format_report(rep, f"Touché23 validation, input=argument, model={out}", _names()))
    print(f"model written to {out}")
    return 0


def _per_epoch(n: int | None) -> dict[str, Any]:
    if n is None:
        return {}
    if n < 0:
        raise CliError("--arguments-per-epoch must be 0 (all) or more")
    return {"arguments_per_epoch": n or None}


def _retrain_project(args: argparse.Namespace) -> int:
    """`train --project`: retrain from human reviews (valuedesk.classify.retrain)."""
    from valuedesk.classify.retrain import RetrainConfig, RetrainRefused, retrain_project, usage_hint

    path = Path(args.project)
    if not path.is_file():
        raise CliError(f"no project file {path}")
    base = args.base
    if base == "baseline":
        raise CliError(
            "--base must be trained or a model folder (the zero-shot baseline has nothing to fine-tune)"
        )
    if base != "trained" and not Path(base).is_dir():
        raise CliError(f"--base {base!r} is not a model folder")
    cfg = RetrainConfig(seed=args.seed, folds=args.folds)
    if args.epochs is not None:
        cfg.epochs = args.epochs
    from valuedesk.project.store import Project, ProjectError

    try:
        with Project.open(path, readonly=True) as p:
            res = retrain_project(
                p,
                args.out,
                base=None if base == "trained" else base,
                config=cfg,
                log=lambda s: print(s, flush=True),
            )
    except (RetrainRefused, ProjectError) as exc:
        raise CliError(str(exc)) from None
    print()
    print(res.summary)
    print()
    print(
        f"Retrained model saved to {res.out_dir} in {res.seconds:.0f} s (figures and data: "
        f"{res.out_dir / 'retrain.json'})."
    )
    print(usage_hint(res.out_dir, path))
    return 0


def _names() -> dict[str, str]:
    return {k: v.name for k, v in BY_ID.items()}


def _evaluate_scripts(args: argparse.Namespace) -> int:
    from valuedesk.classify.corpus_eval import evaluate_posts
    from valuedesk.classify.posts import LINE_SETS
    from valuedesk.classify.script_metrics import format_polarity_report
    from valuedesk.cli.scripts import read_posts_or_fail

    posts = read_posts_or_fail(args.scripts, args.labels, need_labels=True)
    if args.limit is not None:
        posts = posts[: max(1, args.limit)]
    clf = load_model(args.model, args.contradiction_threshold, args)
    rep = evaluate_posts(clf, posts, kinds=LINE_SETS[args.lines])
    if args.json:
        out = {"model_id": clf.model_id, "scripts": str(args.scripts), "lines": args.lines} | rep.as_dict()
        seconds = getattr(clf, "seconds", None)
        if seconds is not None and rep.posts:
            out["seconds_per_post"] = round(seconds / rep.posts, 2)
        json.dump(out, sys.stdout, indent=2)
        print()
        return 0
    print(
        format_polarity_report(
            rep, f"{clf.model_id} on {Path(args.scripts).name} ({rep.posts} posts, lines={args.lines})"
        )
    )
    seconds = getattr(clf, "seconds", None)
    if seconds is not None and rep.posts:
        print(f"seconds per post: {seconds / rep.posts:.1f}")
    return 0


LLM_READERS = ("llm", "trained+llm")
MODEL_HELP = (
    "trained | baseline | PATH to a model folder | llm (a local LLM server reads: --llm URL or "
    "$VALUEDESK_LLM_URL) | trained+llm (the trained model proposes, the LLM says which side)"
)


def load_model(
    model: str, contradiction_threshold: float | None = None, args: argparse.Namespace | None = None
) -> Any:
    """A classifier by name or folder, as one-line CLI errors (`args` carries the --llm options)."""
    from valuedesk.classify import load_classifier
    from valuedesk.classify.encoder import ModelLoadError
    from valuedesk.classify.model import VideoRules

    if contradiction_threshold is not None and model != "baseline":
        raise CliError(
            "--contradiction-threshold applies to --model baseline only (a trained model decides −1 "
            "with its polarity head)"
        )
    if model in LLM_READERS:
        return _load_llm_reader(model, args)
    if model not in ("trained", "baseline") and not Path(model).is_dir():
        raise CliError(
            f"--model must be trained, baseline, llm, trained+llm or a model folder; {model!r} is none of these"
        )
    try:
        # the rules a model was tuned with live in its folder; only the baseline's opt-in cue is set here
        rules = (
            None
            if contradiction_threshold is None
            else VideoRules(contradiction_threshold=contradiction_threshold)
        )
        return load_classifier(model, rules=rules)
    except ModelLoadError as exc:
        raise CliError(str(exc)) from None


def _load_llm_reader(model: str, args: argparse.Namespace | None) -> Any:
    from valuedesk.cli.analysis import check_llm_args
    from valuedesk.llm import LlmError
    from valuedesk.pipeline import AnalysisSettings
    from valuedesk.pipeline.llm_steps import make_reader

    settings = AnalysisSettings(
        llm_mode="two-step" if model == "llm" else "combine",
        llm_url=getattr(args, "llm", None),
        llm_model=getattr(args, "llm_model", None),
        llm_allow_remote=bool(getattr(args, "llm_allow_remote", False)),
    )
    check_llm_args(settings)
    try:
        reader = make_reader(settings)
        reader.check()  # the server answers and has the model: say so now, not after the first post
    except LlmError as exc:
        raise CliError(str(exc)) from None
    if model == "llm":
        return _Counting(reader)
    from valuedesk.classify import load_classifier
    from valuedesk.llm.combine import CombinedClassifier

    return _Counting(CombinedClassifier(load_classifier("trained"), reader))


class _Counting:
    """An LLM reader that says on stderr how far it is (a post can take seconds to minutes)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.done = 0
        self.seconds = 0.0

    @property
    def model_id(self) -> str:
        return str(self.inner.model_id)

    def classify(self, lines: Any) -> Any:
        import time

        from valuedesk.llm import LlmError

        t0 = time.perf_counter()
        try:
            profile = self.inner.classify(lines)
        except LlmError as exc:
            raise CliError(f"post {self.done + 1}: {exc}") from None
        self.seconds += time.perf_counter() - t0
        self.done += 1
        print(
            f"read {self.done} posts ({self.seconds / self.done:.1f} s per post)", file=sys.stderr, flush=True
        )
        return profile


def cmd_evaluate(args: argparse.Namespace) -> int:
    from valuedesk.classify.data import DataError
    from valuedesk.classify.evaluate import evaluate_reviewed, evaluate_tsv
    from valuedesk.classify.metrics import format_report

    if args.scripts:
        if args.data:
            raise CliError("give either --scripts or --data, not both")
        return _evaluate_scripts(args)
    if args.labels:
        raise CliError("--labels goes with --scripts")
    if args.data:
        data = Path(args.data)
        if not (data / f"arguments-{args.split}.tsv").is_file():
            raise CliError(f"{data} has no arguments-{args.split}.tsv")
        clf = load_model(args.model, args.contradiction_threshold)
        try:
            rep = evaluate_tsv(clf, data, args.split, shape=args.input)
        except DataError as exc:
            raise CliError(str(exc)) from None
        if args.json:
            out = {
                "model_id": clf.model_id,
                "data": str(data),
                "split": args.split,
                "input": args.input,
            } | rep.as_dict()
            json.dump(out, sys.stdout, indent=2)
            print()
        else:
            print(
                format_report(
                    rep, f"{clf.model_id} on {data.name}/{args.split} (input={args.input})", _names()
                )
            )
        return 0
    return _evaluate_project(args, evaluate_reviewed, format_report)


def _evaluate_project(args: argparse.Namespace, evaluate_reviewed: Any, format_report: Any) -> int:
    path = Path(args.project)
    if not path.is_file():
        raise CliError(f"no project file {path} (give --data DIR for ValueEval data or --project FILE)")
    try:
        from valuedesk.project.store import Project
    except ImportError as exc:
        raise CliError(f"the project store is not available: {exc}") from None
    with Project.open(path, readonly=True) as p:
        from valuedesk.review import reviewed_examples

        examples = reviewed_examples(p)
    if not examples:
        raise CliError(f"{path} has no human-reviewed videos yet")
    clf = load_model(args.model, args.contradiction_threshold)
    rep = evaluate_reviewed(clf, examples)
    if args.json:
        json.dump({"model_id": clf.model_id, "project": str(path)} | rep.as_dict(), sys.stdout, indent=2)
        print()
        return 0
    names = _names()
    print(f"{clf.model_id} on {rep.videos} reviewed videos ({rep.reviewed_cells} reviewed value labels)")
    for title, r in (("endorsed (1 or 2)", rep.endorsed), ("contradicted (−1)", rep.contradicted)):
        print(format_report(r, f"\n{title}", names))
        print(
            f"weighted_f1  {r.weighted_f1:.4f}   (support-weighted; values < 5 % frequency left out of averages)"
        )
    return 0
