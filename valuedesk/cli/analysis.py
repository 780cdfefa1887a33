"""`valuedesk analyze`, `show` and `demo`: the headless path from video files to stored value profiles."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from valuedesk.cli import CliError, add_project_option, display, echo, resolve_video, text_arg
from valuedesk.languages import describe as describe_languages
from valuedesk.pipeline import AnalysisSettings, Analyzer, ProgressEvent
from valuedesk.pipeline.settings import LLM_MODES
from valuedesk.project import Project, ProjectError
from valuedesk.resources import resource_path
from valuedesk.run_details import describe_llm_run
from valuedesk.script import ScriptLine, format_ms, render_script
from valuedesk.values import BY_ID, VALUES, Label

SAMPLES_DIR = resource_path("samples")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help="analyze video files or folders into the project")
    p.add_argument("paths", nargs="+", metavar="PATH", help="video/audio files or folders")
    add_project_option(p)
    _add_settings_options(p)
    p.add_argument("--force", action="store_true", help="re-analyze files whose content is unchanged")
    p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    p.add_argument("--isolate", action="store_true", help="run models in a child process (as the GUI does)")
    p.set_defaults(func=cmd_analyze)

    s = sub.add_parser("show", help="print a video's value profile, evidence and script")
    s.add_argument("video", nargs="?", metavar="VIDEO", help="video id or path")
    s.add_argument("--creator", metavar="NAME", help="all videos of a creator")
    s.add_argument("--list", action="store_true", help="list the project's videos")
    s.add_argument("--script", action="store_true", help="also print the timed script")
    s.add_argument("--json", action="store_true", help="print JSON")
    add_project_option(s)
    s.set_defaults(func=cmd_show)

    d = sub.add_parser("demo", help="analyze the bundled sample clips into a demo project and print profiles")
    d.add_argument(
        "--project", metavar="FILE", default="demo.vdproj", help="demo project file (default: demo.vdproj)"
    )
    d.add_argument("--samples", metavar="DIR", default=str(SAMPLES_DIR), help="folder of sample clips")
    _add_settings_options(d)
    d.set_defaults(func=cmd_demo)


def _add_settings_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--asr-model",
        metavar="NAME|DIR",
        help="speech model: tiny.en (packaged, English, default), base (multilingual, see `valuedesk models`) "
        "or a local CTranslate2 Whisper folder",
    )
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--compute-type", default="auto", help="CTranslate2 compute type (default: int8 on CPU)")
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0 = all cores)")
    p.add_argument("--classifier", default="trained", help="trained (default), baseline, or a model folder")
    p.add_argument("--no-ocr", action="store_true", help="skip on-screen text recognition")
    p.add_argument(
        "--keyframe-interval", type=float, default=2.0, metavar="S", help="max seconds between keyframes"
    )
    add_llm_options(p)


def add_llm_options(p: argparse.ArgumentParser, *, modes: bool = True) -> None:
    """--llm URL, --llm-model NAME, --llm-allow-remote (and --llm-mode for analyses)."""
    g = p.add_argument_group("local LLM (an OpenAI-compatible server: llama.cpp, Ollama, LM Studio, vLLM)")
    g.add_argument(
        "--llm",
        metavar="URL",
        help="the server, e.g. http://127.0.0.1:8080/v1 (default: $VALUEDESK_LLM_URL); loopback only "
        "unless --llm-allow-remote",
    )
    g.add_argument(
        "--llm-model",
        metavar="NAME",
        help="its model (default: $VALUEDESK_LLM_MODEL, else the server's first)",
    )
    g.add_argument(
        "--llm-allow-remote",
        action="store_true",
        help="allow a server on another machine: scripts, transcripts, keyframes and captions are sent there",
    )
    if modes:
        g.add_argument(
            "--llm-mode",
            choices=[m for m in LLM_MODES if m != "off"],
            help="two-step (default with --llm: scene notes from keyframes, then values), direct "
            "(keyframes + transcript to values), combine (the trained model proposes, the LLM says "
            "which side), scenes (scene notes only; the trained model reads)",
        )


def llm_mode_from_args(args: argparse.Namespace) -> str:
    """The mode asked for: --llm-mode; else two-step when a server is named (--llm or the
    environment: $VALUEDESK_LLM_MODE, default two-step); else off."""
    mode = getattr(args, "llm_mode", None)
    if mode:
        return str(mode)
    if getattr(args, "llm", None):
        return "two-step"
    if os.environ.get("VALUEDESK_LLM_URL", "").strip():
        return os.environ.get("VALUEDESK_LLM_MODE", "").strip() or "two-step"
    return "off"


def check_llm_args(settings: AnalysisSettings) -> None:
    """Refuse a remote server without the opt-in; with it, say on stderr what will be sent."""
    if settings.llm_mode == "off":
        return
    from valuedesk.llm import LlmError
    from valuedesk.pipeline.llm_steps import make_endpoint

    try:
        endpoint = make_endpoint(settings)
    except LlmError as exc:
        raise CliError(str(exc)) from exc
    warning = endpoint.remote_warning()
    if warning:
        print(f"warning: {warning}", file=sys.stderr)


def settings_from_args(args: argparse.Namespace) -> AnalysisSettings:
    try:
        settings = AnalysisSettings(
            asr_model=args.asr_model,
            device=args.device,
            compute_type=args.compute_type,
            threads=args.threads,
            classifier=args.classifier,
            ocr=not args.no_ocr,
            keyframe_interval_s=args.keyframe_interval,
            llm_mode=llm_mode_from_args(args),
            llm_url=args.llm,
            llm_model=args.llm_model,
            llm_allow_remote=args.llm_allow_remote,
        )
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    check_llm_args(settings)
    return settings


def _open(path: str, *, readonly: bool = False) -> Project:
    try:
        return Project.open(path, readonly=readonly, create=not readonly)
    except ProjectError as exc:
        raise CliError(str(exc)) from exc


class _Progress:
    """One line per stage change on stderr; quiet enough for logs, clear for people."""

    def __init__(self, stream: Any = None) -> None:
        self._stream = stream
        self.last: tuple[str, str] | None = None

    @property
    def stream(self) -> Any:
        return self._stream or sys.stderr

    def __call__(self, ev: ProgressEvent) -> None:
        key = (ev.path, ev.stage)
        if key == self.last:
            return
        self.last = key
        name = Path(ev.path).name
        if ev.stage == "failed":
            print(f"✗ {ev.message}", file=self.stream)
        elif ev.stage == "skipped":
            print(f"= {name}: {ev.message}", file=self.stream)
        elif ev.stage == "done":
            print(f"✓ {name}: done", file=self.stream)
        elif ev.stage == "queued":
            if ev.message:
                print(f"! {ev.message}", file=self.stream)
        else:
            print(f"  {name}: {ev.stage:<10} {ev.fraction:4.0%}  {ev.message}", file=self.stream)
        self.stream.flush()


def run_analysis(
    project_path: str,
    paths: list[str],
    settings: AnalysisSettings,
    *,
    force: bool,
    isolate: bool = False,
    quiet: bool = False,
) -> list[Any]:
    with _open(project_path) as project:
        analyzer = Analyzer(project, settings, isolate=isolate, on_event=None if quiet else _Progress())
        try:
            return analyzer.analyze_paths(paths, force=force)
        except ProjectError as exc:
            raise CliError(str(exc)) from exc
        finally:
            analyzer.close()


def cmd_analyze(args: argparse.Namespace) -> int:
    results = run_analysis(
        args.project,
        args.paths,
        settings_from_args(args),
        force=args.force,
        isolate=args.isolate,
        quiet=args.json,
    )
    failed = [r for r in results if r.status == "failed"]
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "path": display(r.path),
                        "video_id": r.video_id,
                        "status": r.status,
                        "message": r.message,
                    }
                    for r in results
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        done = sum(r.status == "done" for r in results)
        skipped = sum(r.status == "skipped" for r in results)
        print(
            f"{done} analyzed, {skipped} unchanged, {len(failed)} failed → {display(args.project)}",
            file=sys.stderr,
        )
    return 1 if failed else 0


def cmd_show(args: argparse.Namespace) -> int:
    with _open(args.project, readonly=True) as project:
        if args.list or (not args.video and not args.creator):
            rows = project.videos()
            if args.json:
                print(
                    json.dumps(
                        [{k: v for k, v in r.items() if k not in ("path_raw", "claimed_by")} for r in rows],
                        ensure_ascii=False,
                        indent=2,
                    )
                )
            else:
                for r in rows:
                    print(
                        f"{r['id']:>4}  {r['status']:<11} {format_ms(r['duration_ms'] or 0):>7}  "
                        f"{r['creator'] or '':<18} {r['file_name']}"
                    )
            return 0
        try:
            if args.creator:
                creator = text_arg(args.creator) or ""  # undecodable bytes → U+FFFD (names are text)
                videos = [v for v in project.videos(creator)]
                if not videos:
                    raise CliError(f"{args.project}: no videos by creator {creator!r}")
            else:
                videos = [resolve_video(project, args.video)]
        except ProjectError as exc:
            raise CliError(str(exc)) from exc
        payload = [video_summary(project, v["id"]) for v in videos]
        if args.json:
            print(json.dumps(payload, ensure_ascii=False, indent=2))
            return 0
        for summary in payload:
            echo(format_profile(summary, with_script=args.script, project=project))
    return 0


def video_summary(project: Project, video_id: int) -> dict[str, Any]:
    """What `show` prints, from the one reading model (reviews applied as in every other view)."""
    from valuedesk.review import video_reading

    reading = video_reading(project, video_id)
    v, run, lines = reading.video, reading.run, reading.lines
    values = []
    for val in VALUES:
        r = reading.values[val.id]
        ev = [
            {
                "line": e.line_idx,
                "start_ms": e.start_ms,
                "end_ms": e.end_ms,
                "weight": round(e.weight, 3),
                "source": e.source,
                "text": e.body,
            }
            for e in r.evidence
        ]
        values.append(
            {
                "value_id": val.id,
                "name": val.name,
                "score": round(r.score, 4) if run else None,
                "label": r.model_label,
                "reviewed_label": r.reviewed_label,
                "contradiction": round(r.contradiction, 4),
                "note": r.note,
                "evidence": ev,
            }
        )
    return {
        "video_id": video_id,
        "file": v["file_name"],
        "path": v["path"],
        "creator": v["creator"],
        "title": v["title"],
        "duration_ms": v["duration_ms"],
        "status": v["status"],
        "error": v["error"],
        "model": (json.loads(run["models_json"]).get("classifier", "") or "unknown") if run else "",
        "note": reading.note,
        "languages": reading.languages,
        "warnings": reading.warnings,
        "llm": reading.llm,
        "values": values,
        "script": [
            {
                "start_ms": ln.start_ms,
                "end_ms": ln.end_ms,
                "kind": ln.kind,
                "speaker": ln.speaker,
                "text": ln.text,
                "language": ln.language,
                "translation": ln.translation,
            }
            for ln in lines
        ],
    }


STATUS_WORDS = {
    "interrupted": "interrupted — the last analysis did not finish (killed, crashed or the disk was full); "
    "run `valuedesk analyze` on it again",
    "cancelled": "cancelled before it finished; analyse it again to retry",
    "queued": "waiting for analysis in another ValueDesk",
    "analyzing": "being analysed right now by another ValueDesk",
}


def status_line(summary: dict[str, Any]) -> str:
    """A non-done status in words; with a previous run, says that is what is shown."""
    words = STATUS_WORDS.get(summary["status"], summary["status"])
    if summary["error"]:
        words += f" ({summary['error'].splitlines()[0]})"
    if summary["model"]:
        words += "; the previous analysis is shown"
    return words


def format_profile(
    summary: dict[str, Any], *, with_script: bool = False, project: Project | None = None
) -> str:
    out = [
        f"━━ {summary['file']}  (video {summary['video_id']}, {summary['creator']}, "
        f"{format_ms(summary['duration_ms'] or 0)})"
    ]
    if summary["status"] != "done":
        out.append(f"   status: {status_line(summary)}")
        if not summary["model"]:  # no finished run to show
            return "\n".join(out)
    out.append(f"   model: {summary['model']}")
    if summary.get("llm"):
        out.append(f"   llm: {describe_llm_run(summary['llm'])}")
    if summary.get("languages"):
        out.append(f"   speech: {describe_languages(summary['languages'])}")
    for warning in summary.get("warnings") or []:
        out.append(f"   ⚠ {warning}")
    shown = [
        v
        for v in summary["values"]
        if (v["reviewed_label"] if v["reviewed_label"] is not None else v["label"])
    ]
    shown.sort(
        key=lambda v: (
            -(abs(v["reviewed_label"] if v["reviewed_label"] is not None else v["label"])),
            -(v["score"] or 0),
        )
    )
    if not shown:
        out.append("   no value detected")
    for v in shown:
        label = v["reviewed_label"] if v["reviewed_label"] is not None else v["label"]
        word = Label(label).phrase
        mark = {2: "██", 1: "█ ", -1: "✗ "}.get(label, "  ")
        reviewed = f" (model: {Label(v['label']).phrase})" if v["reviewed_label"] is not None else ""
        # For "goes against" the model's confidence is P(against), as the explorer's Against column shows.
        against = f" against={v['contradiction']:.2f}" if v["label"] == -1 and v["contradiction"] else ""
        out.append(
            f"   {mark} {BY_ID[v['value_id']].name:<27} {word:<12} p={v['score']:.2f}{against}{reviewed}"
        )
        reason = (summary.get("llm") or {}).get("reasons", {}).get(v["value_id"])
        if reason:
            out.append(f"        why (LLM): {reason[:110]}")
        for e in v["evidence"][:3]:
            why = "added by a reviewer" if e["source"] == "reviewer" else f"w={e['weight']:.2f}"
            out.append(f"        {format_ms(e['start_ms'])}  {e['text'][:90]}  ({why})")
    if with_script and project is not None:
        lines = [
            ScriptLine(
                ln["start_ms"],
                ln["end_ms"],
                ln["kind"],
                ln["speaker"],
                ln["text"],
                language=ln.get("language", ""),
                translation=ln.get("translation", ""),
            )  # fmt: skip
            for ln in summary["script"]
        ]
        out.append("")
        out.extend(
            "   " + ln for ln in render_script(lines, duration_ms=summary["duration_ms"] or 0).splitlines()
        )
    return "\n".join(out)


def cmd_demo(args: argparse.Namespace) -> int:
    samples = Path(args.samples)
    if not samples.is_dir():
        raise CliError(f"{samples}: sample folder not found (run packaging/make_samples.py)")
    results = run_analysis(args.project, [str(samples)], settings_from_args(args), force=False)
    with _open(args.project, readonly=True) as project:
        for r in results:
            if r.video_id is not None and r.status in ("done", "skipped"):
                print(format_profile(video_summary(project, r.video_id)))
                print()
    failed = [r for r in results if r.status == "failed"]
    print(
        f"Demo project: {display(Path(args.project).resolve())}  (open it with: valuedesk {display(args.project)})",
        file=sys.stderr,
    )
    return 1 if failed else 0
