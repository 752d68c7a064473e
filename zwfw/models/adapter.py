"""A query-side linear adapter on the encoder's vectors, and the encoder wrapper that applies it.

e5 embeds a citizen's sentence ("户口本上的名字想改一下") far from the officialese title of the
service it means (变更姓名登记): the words differ and the sentence's style weighs in. A
matrix W = I + U, fitted so that a labelled query's adapted vector lands nearest its item's
passage, moves query vectors only. Passages, and so every built index, stay as they are:
the adapter can be switched on, off or refitted without re-encoding a catalogue.

U is kept near zero by an L2 penalty, so queries unlike the fitted ones (names, codes)
keep almost their plain vectors. The fit is a softmax over a catalogue's passages, solved
by L-BFGS in numpy and scipy; see docs/fusion.md for what it is fitted on and its figures.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zwfw.core.errors import ConfigError, MissingDependency
from zwfw.models.encoders.protocol import Encoder, Vectors


@dataclass(frozen=True)
class QueryAdapter:
    """W = I + U applied to unit query vectors, the result made unit again (cosines stay
    cosines). `u` is stored as float16: 384 × 384 × 2 bytes."""

    u: np.ndarray

    def apply(self, vectors: Vectors) -> Vectors:
        if not len(vectors):
            return vectors
        moved = vectors + vectors @ self.u.T
        norms = np.linalg.norm(moved, axis=1, keepdims=True)
        return np.asarray(moved / np.maximum(norms, 1e-12), dtype=np.float32)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        np.save(buffer, self.u.astype(np.float16), allow_pickle=False)
        path.write_bytes(buffer.getvalue())

    @classmethod
    def load(cls, path: Path, dim: int | None = None) -> QueryAdapter:
        """The adapter at `path`. One fitted for another vector size is refused, naming the
        setting that points at it."""
        where = path
        try:
            u = np.load(io.BytesIO(path.read_bytes()), allow_pickle=False).astype(np.float32)
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"ZWFW_ENCODER__QUERY_ADAPTER_PATH: cannot read {where}: {exc}"
            ) from exc
        if u.ndim != 2 or u.shape[0] != u.shape[1] or (dim is not None and u.shape[0] != dim):
            raise ConfigError(
                f"ZWFW_ENCODER__QUERY_ADAPTER_PATH: {where} has shape {u.shape}, "
                f"not ({dim}, {dim}) for this encoder; refit it with `zwfw fit-adapter`"
            )
        return cls(u)


class AdaptedEncoder:
    """An encoder whose query vectors pass through a `QueryAdapter`; passages are untouched,
    so the model id (which an index is checked against) is the inner encoder's. Query
    vectors differ, so caches shared between processes key them by `query_model_id`."""

    def __init__(self, inner: Encoder, adapter: QueryAdapter) -> None:
        self.inner = inner
        self.adapter = adapter

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    @property
    def query_model_id(self) -> str:
        digest = hashlib.sha256(self.adapter.u.astype(np.float16).tobytes()).hexdigest()[:12]
        return f"{self.inner.model_id}+adapter-{digest}"

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self.adapter.apply(self.inner.encode_queries(texts))

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self.inner.encode_passages(texts)


def query_model_id(encoder: Encoder) -> str:
    """What a shared query-vector cache is keyed by: the model, and the adapter if any (a
    replica with another adapter, or none, must not read these vectors)."""
    return encoder.query_model_id if isinstance(encoder, AdaptedEncoder) else encoder.model_id


@dataclass(frozen=True)
class Batch:
    """Queries to fit on, over one catalogue: unit query vectors, their targets (each row the
    relevant passages' gains, summing to 1) and the catalogue's passage vectors."""

    queries: Vectors
    targets: np.ndarray
    passages: Vectors


def fit_adapter(
    batches: Sequence[Batch],
    penalty: float = 0.3,
    keep_scale: float = 1000.0,
    temperature: float = 0.03,
    iterations: int = 200,
) -> QueryAdapter:
    """U minimising, over every batch, the softmax cross-entropy of each query over the
    catalogue's passages against its targets, plus `penalty`·‖U‖².

    Left alone, the fit removes the component that all e5 vectors share, and every cosine
    falls from about 0.9 to about 0.2, which the search's absolute cosine floors
    (`vector_min_score`) and noise checks would read as no match. `keep_scale` penalises
    the change of each query's mean cosine to the catalogue, so adapted cosines keep the
    scale those floors were set on. The softmax runs over a whole catalogue, so every
    other item is a negative."""
    try:
        from scipy.optimize import minimize  # type: ignore[import-untyped]  # fitting only
    except ImportError as exc:
        raise MissingDependency("scipy", "fit") from exc

    d = batches[0].queries.shape[1]
    parts = [
        (np.asarray(b.queries, np.float64), np.asarray(b.targets, np.float64),
         np.asarray(b.passages, np.float64))
        for b in batches
    ]  # fmt: skip

    def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
        u = flat.reshape(d, d)
        value, grad = penalty * float((u**2).sum()), 2 * penalty * u
        for q, y, p in parts:
            v, g = _batch_loss(u, q, y, p, temperature, keep_scale)
            value, grad = value + v, grad + g
        return value, grad.ravel()

    found = minimize(loss, np.zeros(d * d), jac=True, method="L-BFGS-B",
                     options={"maxiter": iterations})  # fmt: skip
    return QueryAdapter(found.x.reshape(d, d).astype(np.float32))


def _batch_loss(
    u: np.ndarray, q: np.ndarray, y: np.ndarray, p: np.ndarray, temperature: float, keep: float
) -> tuple[float, np.ndarray]:
    """The batch's mean loss and its gradient in U."""
    z = q + q @ u.T
    norm = np.linalg.norm(z, axis=1, keepdims=True)
    unit = z / norm
    logits = unit @ p.T / temperature
    logits -= logits.max(axis=1, keepdims=True)
    prob = np.exp(logits)
    prob /= prob.sum(axis=1, keepdims=True)
    centre = p.mean(axis=0)
    gap = unit @ centre - q @ centre
    value = -(y * np.log(prob + 1e-12)).sum() / len(q) + keep * float((gap**2).mean())
    d_unit = (prob - y) @ p / temperature + 2 * keep * gap[:, None] * centre[None, :]
    d_z = (d_unit - unit * (unit * d_unit).sum(axis=1, keepdims=True)) / norm
    return value, d_z.T @ q / len(q)
