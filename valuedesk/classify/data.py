"""Training and evaluation data: ValueEval/Webis TSV loaders and run-time-shaped training inputs.

Why the shaping: the model is trained on written debate arguments but runs on video script
windows (speech in quotes, on-screen text in brackets, captions, several short lines). Training
inputs are therefore drawn per epoch from several shapes (see `shape_example`) so the encoder
sees both the ValueEval argument form and script-like text.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from valuedesk.resources import resource_path
from valuedesk.script import ScriptLine
from valuedesk.values import BY_NAME, EXTRA_TOUCHE_CATEGORY, VALUE_IDS, VALUES

REPO_ROOT = (
    Path(__file__).resolve().parents[2]
)  # the source checkout (tests, docs/examples); run-time files: resources.py
DATASETS_DIR = resource_path("datasets")
TOUCHE_DIR = DATASETS_DIR / "touche23-valueeval"
WEBIS_DIR = DATASETS_DIR / "webis-argvalues-22"
PVD_FILE = DATASETS_DIR / "personal-values-dictionary" / "pvd-en.json"

# Input shapes. "argument" is the ValueEval form (conclusion, stance, premise); the others look
# like what the classifier sees at run time (a window of rendered script lines).
INPUT_SHAPES: tuple[str, ...] = ("argument", "premise", "speech", "script")


class DataError(ValueError):
    """A data file is missing or malformed (shown to the user as one line)."""


@dataclass
class Argument:
    """One labelled argument; `labels` is over the 19 values in circle order."""

    id: str
    conclusion: str
    stance: str
    premise: str
    labels: np.ndarray  # (19,) float32 0/1
    level1: np.ndarray | None = None  # (54,) float32 0/1 when known
    source: str = "touche23"


@dataclass
class Dataset:
    arguments: list[Argument]
    level1_names: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.arguments)

    def label_matrix(self) -> np.ndarray:
        if not self.arguments:
            return np.zeros((0, len(VALUE_IDS)), dtype=np.float32)
        return np.stack([a.labels for a in self.arguments])


def _read_tsv(path: Path) -> tuple[list[str], list[list[str]]]:
    if not path.is_file():
        raise DataError(f"missing data file: {path}")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows:
        raise DataError(f"empty TSV file: {path}")
    header, body = rows[0], [r for r in rows[1:] if r]
    for i, r in enumerate(body, start=2):
        if len(r) != len(header):
            raise DataError(f"{path.name}:{i}: {len(r)} columns, header has {len(header)}")
    return header, body


def read_value_labels(path: Path) -> dict[str, np.ndarray]:
    """Argument ID → 19 labels, from a 20-column (Touché23) or 19-column labels file.

    "Universalism: objectivity" is ignored; every one of the 19 value names must be present.
    """
    header, body = _read_tsv(path)
    if not header or header[0] != "Argument ID":
        raise DataError(f"{path.name}: first column must be 'Argument ID'")
    cols: dict[str, int] = {}
    for j, name in enumerate(header[1:], start=1):
        name = name.strip()
        if name == EXTRA_TOUCHE_CATEGORY:
            continue
        if name not in BY_NAME:
            raise DataError(f"{path.name}: unknown value column {name!r}")
        cols[BY_NAME[name].id] = j
    missing = [v.name for v in VALUES if v.id not in cols]
    if missing:
        raise DataError(f"{path.name}: missing value columns {missing}")
    idx = [cols[v] for v in VALUE_IDS]
    out: dict[str, np.ndarray] = {}
    for r in body:
        try:
            out[r[0]] = np.array([float(r[j]) for j in idx], dtype=np.float32)
        except ValueError as exc:
            raise DataError(f"{path.name}: non-numeric label for {r[0]}: {exc}") from None
    return out


def read_level1(path: Path) -> tuple[list[str], dict[str, np.ndarray]]:
    header, body = _read_tsv(path)
    names = header[1:]
    return names, {r[0]: np.array([float(x) for x in r[1:]], dtype=np.float32) for r in body}


def load_split(data_dir: str | Path, split: str, *, with_level1: bool = True) -> Dataset:
    """Read `arguments-<split>.tsv` + `labels-<split>.tsv` (+ `level1-labels-<split>.tsv` if there)."""
    d = Path(data_dir)
    header, body = _read_tsv(d / f"arguments-{split}.tsv")
    need = ("Argument ID", "Conclusion", "Stance", "Premise")
    if any(c not in header for c in need):
        raise DataError(f"arguments-{split}.tsv: needs columns {need}, has {header}")
    ix = {c: header.index(c) for c in need}
    labels = read_value_labels(d / f"labels-{split}.tsv")
    l1_names: list[str] = []
    l1: dict[str, np.ndarray] = {}
    l1_path = d / f"level1-labels-{split}.tsv"
    if with_level1 and l1_path.is_file():
        l1_names, l1 = read_level1(l1_path)
    args: list[Argument] = []
    for r in body:
        aid = r[ix["Argument ID"]]
        if aid not in labels:
            raise DataError(f"labels-{split}.tsv has no row for argument {aid}")
        args.append(
            Argument(
                aid,
                r[ix["Conclusion"]],
                r[ix["Stance"]],
                r[ix["Premise"]],
                labels[aid],
                l1.get(aid),
                source="touche23",
            )
        )
    return Dataset(args, l1_names)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def load_webis_extra(
    webis_dir: str | Path, exclude: Sequence[Dataset], level1_names: Sequence[str]
) -> Dataset:
    """Webis-ArgValues-22 arguments not already in `exclude` (by Argument ID and by premise text).

    Deduplicating by ID removes the 4,569 shared arguments; the premise check also keeps out
    any copy of a Touché23 validation argument under another ID, so validation figures stay
    clean. The China part (IDs C…) is Touché23's validation-zhihu split: always left out.
    """
    d = Path(webis_dir)
    header, body = _read_tsv(d / "arguments.tsv")
    ix = {c: header.index(c) for c in ("Argument ID", "Conclusion", "Stance", "Premise")}
    labels = read_value_labels(d / "labels-level2.tsv")
    l1: dict[str, np.ndarray] = {}
    if (d / "labels-level1.tsv").is_file():
        names, raw = read_level1(d / "labels-level1.tsv")
        if list(names) == list(level1_names):
            l1 = raw
    seen_ids = {a.id for ds in exclude for a in ds.arguments}
    seen_premises = {_norm(a.premise) for ds in exclude for a in ds.arguments}
    out: list[Argument] = []
    for r in body:
        aid, premise = r[ix["Argument ID"]], r[ix["Premise"]]
        if aid in seen_ids or aid.startswith("C") or _norm(premise) in seen_premises:
            continue
        out.append(
            Argument(
                aid, r[ix["Conclusion"]], r[ix["Stance"]], premise, labels[aid], l1.get(aid), source="webis22"
            )
        )
    return Dataset(out, list(level1_names))


# ---------------------------------------------------------------- input shaping

SPEAKERS: tuple[str, ...] = (
    "SPEAKER",
    "WOMAN",
    "MAN",
    "CREATOR",
    "NARRATOR",
    "YOUNG MAN",
    "GIRL",
    "VOICEOVER",
)
_ON_SCREEN_MAX_WORDS = 12


def argument_text(a: Argument) -> str:
    """The ValueEval form: conclusion, stance and premise in one string."""
    return f"{a.conclusion}. {a.stance.capitalize()}: {a.premise}"


def premise_lines(a: Argument, rng: random.Random) -> list[ScriptLine]:
    """Render one premise as 1–2 script lines: speech (usually), on-screen text or a caption."""
    text = a.premise.strip()
    r = rng.random()
    if r < 0.6:
        return [ScriptLine(0, 0, "speech", rng.choice(SPEAKERS), text)]
    if r < 0.75 and len(text.split()) <= _ON_SCREEN_MAX_WORDS * 2:
        return [ScriptLine(0, 0, "onscreen", "", text)]
    if r < 0.85:
        return [ScriptLine(0, 0, "caption", "", text)]
    # a conclusion shown on screen above the spoken premise, like a video's title card
    return [
        ScriptLine(0, 0, "onscreen", "", a.conclusion),
        ScriptLine(0, 0, "speech", rng.choice(SPEAKERS), text),
    ]


def lines_text(lines: Sequence[ScriptLine]) -> str:
    """How a window of script lines is given to the encoder (one line after another)."""
    return "\n".join(ln.model_text() for ln in lines)


@dataclass
class Shaped:
    text: str
    labels: np.ndarray
    level1: np.ndarray | None


def shape_example(items: Sequence[Argument], shape: str, rng: random.Random) -> Shaped:
    """One training input in the given shape; "script" joins 2–3 arguments with the union of labels."""
    a = items[0]
    if shape == "argument":
        return Shaped(argument_text(a), a.labels, a.level1)
    if shape == "premise":
        return Shaped(a.premise, a.labels, a.level1)
    if shape == "speech":
        return Shaped(
            lines_text([ScriptLine(0, 0, "speech", rng.choice(SPEAKERS), a.premise)]), a.labels, a.level1
        )
    if shape == "script":
        lines: list[ScriptLine] = []
        for it in items:
            lines.extend(premise_lines(it, rng))
        labels = np.maximum.reduce([it.labels for it in items])
        l1s = [it.level1 for it in items]
        level1 = None if any(x is None for x in l1s) else np.maximum.reduce(l1s)  # type: ignore[arg-type]
        return Shaped(lines_text(lines), labels, level1)
    raise ValueError(f"unknown input shape {shape!r}; expected one of {INPUT_SHAPES}")


# Share of each shape per training epoch (documented in the model card).
SHAPE_MIX: dict[str, float] = {"argument": 0.40, "premise": 0.20, "speech": 0.15, "script": 0.25}


def epoch_inputs(
    data: Sequence[Argument], rng: random.Random, mix: dict[str, float] | None = None
) -> list[Shaped]:
    """One epoch of shaped inputs: every argument once, each in a randomly drawn shape.

    A "script" draw adds 1–2 other random arguments after the current one (union of labels),
    so the epoch length stays equal to the number of arguments.
    """
    mix = mix or SHAPE_MIX
    shapes, weights = list(mix), list(mix.values())
    out: list[Shaped] = []
    for a in data:
        shape = rng.choices(shapes, weights)[0]
        items = [a]
        if shape == "script" and len(data) > 2:
            items += [data[rng.randrange(len(data))] for _ in range(rng.choice((1, 2)))]
        out.append(shape_example(items, shape, rng))
    return out


def eval_texts(ds: Dataset, shape: str) -> list[str]:
    """Deterministic evaluation inputs for one shape ("script" = premise as one speech line)."""
    if shape == "argument":
        return [argument_text(a) for a in ds.arguments]
    if shape == "premise":
        return [a.premise for a in ds.arguments]
    if shape in ("speech", "script"):
        return [lines_text([ScriptLine(0, 0, "speech", "SPEAKER", a.premise)]) for a in ds.arguments]
    raise ValueError(f"unknown input shape {shape!r}; expected one of {INPUT_SHAPES}")
