"""The packaged MiniLM encoder, the value head on top of it, and the small shippable delta format.

Why a delta: the base MiniLM (22.7 M parameters) is installed as a package already, so a
trained model ships only what training changed. The word embeddings (11.7 M) stay frozen and
are never shipped; every other fine-tuned matrix is stored as an int8 per-row-quantised
difference to the packaged base (the differences are small, so int8 loses almost nothing),
vectors as float16 differences, and the head in float32. Everything is safetensors.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import torch
from torch import nn

from valuedesk.classify.tokens import BASE_PACKAGE, CONFIG_FILE, DELTA_FILE, ModelLoadError, base_path, encode
from valuedesk.classify.tokens import token_counts as token_counts

__all__ = [
    "BASE_PACKAGE",
    "CONFIG_FILE",
    "DELTA_FILE",
    "HEADS_V1",
    "HEADS_V2",
    "ModelLoadError",
    "ValueNet",
    "base_path",
    "freeze_unshipped",
    "load_base_encoder",
    "load_delta",
    "mean_pool",
    "predict_logits",
    "save_delta",
    "token_counts",
    "tokenize",
]

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

FROZEN_PREFIXES: tuple[str, ...] = ("embeddings.word_embeddings.",)


def _quiet_transformers() -> None:
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


@lru_cache(maxsize=1)
def load_tokenizer() -> Any:
    """The transformers tokenizer (kept for callers that need its API; encoding uses `tokens`)."""
    from transformers import AutoTokenizer

    _quiet_transformers()
    return AutoTokenizer.from_pretrained(str(base_path()), local_files_only=True)


def load_base_encoder() -> nn.Module:
    """A fresh copy of the packaged encoder (float32, eval mode)."""
    from transformers import AutoModel

    _quiet_transformers()
    model = AutoModel.from_pretrained(str(base_path()), local_files_only=True)
    model.eval()
    return model


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)


HEADS_V1: tuple[str, ...] = ("presence",)
# v2: per value, the value is at stake (presence), contradicted given at stake (polarity), and
# dominant given endorsed (dominance); the head's outputs are laid out head after head.
HEADS_V2: tuple[str, ...] = ("presence", "polarity", "dominance")
# A v2 model whose script heads were refitted (script_heads.py) keeps the fine-tuned presence
# head for the ValueEval argument form as a fourth block.
KNOWN_HEADS: tuple[str, ...] = (*HEADS_V2, "presence_argument")


class ValueNet(nn.Module):
    """MiniLM + pooled representation + linear heads (19 values × heads; optional auxiliary level-1 head)."""

    def __init__(
        self,
        encoder: nn.Module,
        n_values: int,
        *,
        n_aux: int = 0,
        pooling: str = "mean",
        dropout: float = 0.1,
        heads: tuple[str, ...] = HEADS_V1,
    ) -> None:
        super().__init__()
        self.heads = tuple(heads)
        self.n_values = n_values
        if pooling not in ("mean", "mean+cls"):
            raise ValueError(f"unknown pooling {pooling!r}")
        self.encoder = encoder
        self.pooling = pooling
        hidden = int(
            cast(Any, encoder.config).hidden_size
        )  # a transformers model's config (nn.Module.__getattr__)
        width = hidden * (2 if pooling == "mean+cls" else 1)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(width, n_values * len(self.heads))
        self.aux_head = nn.Linear(width, n_aux) if n_aux else None

    def features(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        pooled = mean_pool(hidden, attention_mask)
        if self.pooling == "mean+cls":
            pooled = torch.cat([pooled, hidden[:, 0]], dim=-1)
        return pooled

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        f = self.dropout(self.features(input_ids, attention_mask))
        aux = self.aux_head(f) if self.aux_head is not None else None
        return self.head(f), aux


def _shipped(name: str) -> bool:
    return not any(name.startswith(p) for p in FROZEN_PREFIXES)


def freeze_unshipped(net: ValueNet) -> None:
    """Freeze the parts that are not shipped (they must stay equal to the packaged base)."""
    for name, p in net.encoder.named_parameters():
        if not _shipped(name):
            p.requires_grad_(False)


def _fingerprint(encoder: nn.Module) -> float:
    """A cheap checksum of the base weights, to refuse a delta made for a different base."""
    w = dict(encoder.named_parameters())["embeddings.word_embeddings.weight"]
    return round(float(w[:64].detach().double().sum()), 4)


def save_delta(net: ValueNet, out_dir: Path, config: dict[str, Any]) -> Path:
    """Write `delta.safetensors` + `config.json` (the head and the encoder's difference to the base)."""
    from safetensors.torch import save_file

    out_dir.mkdir(parents=True, exist_ok=True)
    base = dict(load_base_encoder().named_parameters())
    tensors: dict[str, torch.Tensor] = {}
    with torch.no_grad():
        for name, p in net.encoder.named_parameters():
            if not _shipped(name):
                if not torch.equal(p, base[name]):
                    raise ModelLoadError(f"{name} changed during training but is not shipped")
                continue
            d = (p.detach().float() - base[name].float()).contiguous()
            if d.ndim == 2:
                scale = d.abs().amax(dim=1, keepdim=True).clamp(min=1e-12) / 127.0
                tensors[f"enc.{name}.q8"] = (
                    torch.round(d / scale).clamp(-127, 127).to(torch.int8).contiguous()
                )
                tensors[f"enc.{name}.scale"] = scale.squeeze(1).to(torch.float32).contiguous()
            else:
                tensors[f"enc.{name}.f16"] = d.to(torch.float16).contiguous()
        for name, p in net.head.named_parameters():
            tensors[f"head.{name}"] = p.detach().float().contiguous()
    save_file(tensors, str(out_dir / DELTA_FILE), metadata={"format": "valuedesk-delta-v1"})
    cfg = dict(config)
    cfg.update(
        {
            "base": BASE_PACKAGE,
            "base_fingerprint": _fingerprint(net.encoder),
            "pooling": net.pooling,
            "n_values": int(net.n_values),
            "heads": list(net.heads),
            "delta_file": DELTA_FILE,
            "delta_format": "int8 per-row (2-D) / float16 (1-D) difference to the packaged base",
        }
    )
    (out_dir / CONFIG_FILE).write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")
    return out_dir


def load_delta(model_dir: Path) -> tuple[ValueNet, dict[str, Any]]:
    """Rebuild a trained ValueNet from the packaged base + a delta folder (offline, eval mode)."""
    from safetensors.torch import load_file

    cfg_path, delta_path = model_dir / CONFIG_FILE, model_dir / DELTA_FILE
    if not cfg_path.is_file() or not delta_path.is_file():
        raise ModelLoadError(
            f"{model_dir} is not a ValueDesk model folder (needs {CONFIG_FILE} and {DELTA_FILE})"
        )
    cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    encoder = load_base_encoder()
    if abs(_fingerprint(encoder) - float(cfg.get("base_fingerprint", 0.0))) > 1e-2:
        raise ModelLoadError(
            f"{model_dir} was trained on a different base encoder than the installed {BASE_PACKAGE}"
        )
    tensors = load_file(str(delta_path))
    params = dict(encoder.named_parameters())
    with torch.no_grad():
        for name, p in params.items():
            if not _shipped(name):
                continue
            if f"enc.{name}.q8" in tensors:
                d = tensors[f"enc.{name}.q8"].float() * tensors[f"enc.{name}.scale"].unsqueeze(1)
            elif f"enc.{name}.f16" in tensors:
                d = tensors[f"enc.{name}.f16"].float()
            else:
                raise ModelLoadError(f"{delta_path.name} lacks {name}")
            p.add_(d.view_as(p))
    heads = tuple(cfg.get("heads", HEADS_V1))
    if any(h not in KNOWN_HEADS for h in heads):
        raise ModelLoadError(f"{model_dir} has heads {list(heads)}; this ValueDesk knows {list(KNOWN_HEADS)}")
    net = ValueNet(
        encoder, int(cfg["n_values"]), pooling=str(cfg.get("pooling", "mean")), dropout=0.0, heads=heads
    )
    net.head.load_state_dict({"weight": tensors["head.weight"], "bias": tensors["head.bias"]})
    net.eval()
    return net, cfg


def tokenize(texts: list[str], max_length: int) -> dict[str, torch.Tensor]:
    """Padded ids and mask as tensors (the `tokenizers` library: same ids as AutoTokenizer, faster to load)."""
    ids, mask = encode(texts, max_length)
    return {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(mask)}


@torch.inference_mode()
def predict_logits(
    net: ValueNet, texts: list[str], *, max_length: int = 128, batch_size: int = 64
) -> torch.Tensor:
    """Logits (n, 19) for texts, batched by length so short texts are not padded to long ones."""
    if not texts:
        return torch.zeros((0, net.head.out_features))
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = torch.empty((len(texts), net.head.out_features))
    for s in range(0, len(order), batch_size):
        idx = order[s : s + batch_size]
        batch = tokenize([texts[i] for i in idx], max_length)
        logits, _ = net(**batch)
        out[idx] = logits.float()
    return out
