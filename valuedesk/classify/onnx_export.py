"""Export the torch MiniLM networks to ONNX (used once per model by onnx_backend's cache).

Why a separate module: it is the only part of the ONNX path that imports torch, so a warm
cache never loads torch or transformers. The graph is traced with the TorchScript exporter
(dynamic batch and sequence axes). That exporter insists on the `onnx` package only to splice
in custom onnxscript functions, which these networks have none of; when `onnx` is not
installed that step is skipped (the bytes it would rewrite are written unchanged).
"""

from __future__ import annotations

import importlib.util
import warnings
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from valuedesk.classify.encoder import ValueNet, load_base_encoder, load_delta, mean_pool, tokenize
from valuedesk.classify.onnx_backend import OPSET, PROBE_TEXTS

DUMMY_TEXTS = ["a short one", "a longer text, so that the batch needs padding and the mask is traced"]


class _Logits(nn.Module):
    """ValueNet's value logits only (what TrainedClassifier calibrates)."""

    def __init__(self, net: ValueNet) -> None:
        super().__init__()
        self.net = net

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.net(input_ids, attention_mask)[0]


class _Embedding(nn.Module):
    """Normalised mean-pooled base MiniLM embedding (the zero-shot baseline's `embed`)."""

    def __init__(self, encoder: nn.Module) -> None:
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return nn.functional.normalize(mean_pool(h, attention_mask), dim=-1)


def _without_onnx_package() -> Any:
    if importlib.util.find_spec("onnx") is not None:
        return nullcontext()
    from unittest import mock

    from torch.onnx._internal.torchscript_exporter import onnx_proto_utils

    return mock.patch.object(onnx_proto_utils, "_add_onnxscript_fn", lambda proto, custom_opsets: proto)


@torch.inference_mode(False)
def export_module(module: nn.Module, path: Path, max_length: int = 128) -> np.ndarray:
    """Write `module` as ONNX to `path`; return its torch outputs for PROBE_TEXTS (the parity check)."""
    module.eval()
    dummy = tokenize(DUMMY_TEXTS, max_length)
    with warnings.catch_warnings(), _without_onnx_package(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            (dummy["input_ids"], dummy["attention_mask"]),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["output"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                "output": {0: "batch"},
            },
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
        probe = tokenize(list(PROBE_TEXTS), max_length)
        return module(probe["input_ids"], probe["attention_mask"]).float().numpy()


def export_value_net(model_dir: Path, path: Path, max_length: int = 128) -> np.ndarray:
    """Base + delta + value head of a trained model folder, as ONNX logits."""
    net, _ = load_delta(model_dir)
    return export_module(_Logits(net), path, max_length)


def export_base_embedder(path: Path, max_length: int = 128) -> np.ndarray:
    """The packaged base MiniLM with normalised mean pooling, as ONNX embeddings."""
    return export_module(_Embedding(load_base_encoder()), path, max_length)
