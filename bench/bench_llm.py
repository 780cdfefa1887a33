#!/usr/bin/env python3
"""Readers side by side on the labelled scripts: the trained encoder, a local LLM, and both combined.

    .venv/bin/python bench/bench_llm.py --llm http://127.0.0.1:8080/v1 [--llm-model NAME]
        [--splits test dev] [--limit 12] [--readers trained llm trained+llm] [--out DIR]
    .venv/bin/python bench/bench_llm.py --table DIR     # print the table of earlier --out results

Runs `valuedesk evaluate --scripts <split>.jsonl --model <reader> --json` for each split and
reader (each in its own process, as a user runs it; the LLM answers are cached, so a reader that
asks the same questions — trained+llm after llm — costs little), keeps each JSON output in --out,
and prints one markdown table: posts, endorsed macro-F1, goes-against macro-F1, exact 4-way
agreement of the cells, and seconds per post (LLM readers; first asks, not cache hits, count).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "resources" / "datasets" / "valuedesk-scripts"


def against_cells(data: dict) -> str:  # type: ignore[type-arg]
    """−1 cells right / predicted / gold, summed over values: on a few posts no value reaches the
    macro-F1's 5 gold −1, so the macro figure alone would read 0 for every reader."""
    per = data["contradicted"]["per_value"]
    gold = sum(v["support"] for v in per)
    hit = round(sum(v["recall"] * v["support"] for v in per))
    return f"{hit} / {sum(v['predicted'] for v in per)} / {gold}"


def row(name: str, data: dict) -> str:  # type: ignore[type-arg]
    sec = data.get("seconds_per_post")
    return (
        f"| {name} | {data['model_id']} | {data['posts']} | {data['endorsed']['macro_f1']:.3f} | "
        f"{data['floor']['endorsed']['macro_f1']:.3f} | {data['contradicted']['macro_f1']:.3f} | "
        f"{against_cells(data)} | {data['exact_cells']:.3f} | {'' if sec is None else f'{sec:.1f}'} |"
    )


def table(results: list[tuple[str, dict]]) -> str:  # type: ignore[type-arg]
    head = (
        "| split · reader | model | posts | endorsed macro-F1 | predict-all | goes-against macro-F1 | "
        "−1 cells right / said / gold | exact cells | s / post |\n|---|---|---|---|---|---|---|---|---|"
    )
    return "\n".join([head, *(row(name, data) for name, data in results)])


def load(folder: Path) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    out = []
    for path in sorted(folder.glob("*.json")):
        out.append((path.stem.replace("__", " · "), json.loads(path.read_text())))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--llm", metavar="URL")
    ap.add_argument("--llm-model", metavar="NAME")
    ap.add_argument("--splits", nargs="+", default=["test", "dev"])
    ap.add_argument("--readers", nargs="+", default=["trained", "llm", "trained+llm"])
    ap.add_argument("--limit", type=int, default=12)
    ap.add_argument("--out", metavar="DIR")
    ap.add_argument("--table", metavar="DIR", help="only print the table of the results in DIR")
    args = ap.parse_args()
    if args.table:
        print(table(load(Path(args.table))))
        return 0
    if any(r != "trained" for r in args.readers) and not args.llm:
        ap.error("--llm URL is needed for the llm readers")
    folder = Path(args.out or tempfile.mkdtemp(prefix="vd-bench-llm-"))
    folder.mkdir(parents=True, exist_ok=True)
    for split in args.splits:
        for reader in args.readers:
            cmd = [sys.executable, "-m", "valuedesk", "evaluate", "--scripts", str(SCRIPTS / f"{split}.jsonl"),
                   "--model", reader, "--limit", str(args.limit), "--json"]  # fmt: skip
            if reader != "trained":
                cmd += ["--llm", args.llm] + (["--llm-model", args.llm_model] if args.llm_model else [])
            done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
            if done.returncode != 0:
                print(f"{split} · {reader} failed:\n{done.stderr[-2000:]}", file=sys.stderr)
                continue
            (folder / f"{split}__{reader}.json").write_text(done.stdout)
            print(f"{split} · {reader}: done", file=sys.stderr, flush=True)
    print(table(load(folder)))
    print(f"\n(results kept in {folder})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
