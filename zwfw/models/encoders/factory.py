"""Builds the configured encoder; heavy imports happen here, never at module import."""

from __future__ import annotations

from zwfw.core.settings import EncoderKind, EncoderSettings
from zwfw.models.encoders.cache import CachedEncoder
from zwfw.models.encoders.protocol import Encoder


def create_encoder(settings: EncoderSettings) -> CachedEncoder:
    """The configured encoder wrapped in the query cache."""
    inner: Encoder
    if settings.kind is EncoderKind.E5:
        from zwfw.models.encoders.e5 import E5Encoder

        inner = E5Encoder(threads=settings.threads, batch_size=settings.batch_size)
    elif settings.kind is EncoderKind.E5_ONNX:
        from zwfw.models.encoders.e5_onnx import E5OnnxEncoder
        from zwfw.models.encoders.onnx_export import default_onnx_dir

        folder = settings.model_path or default_onnx_dir()
        inner = E5OnnxEncoder(folder, threads=settings.threads, batch_size=settings.batch_size)
    else:
        from zwfw.models.encoders.sentence_transformers import SentenceTransformerEncoder

        assert settings.model_path is not None  # enforced by EncoderSettings
        inner = SentenceTransformerEncoder(
            settings.model_path,
            query_prefix=settings.query_prefix,
            passage_prefix=settings.passage_prefix,
            batch_size=settings.batch_size,
        )
    if settings.query_adapter_path is not None:
        from zwfw.models.adapter import AdaptedEncoder, QueryAdapter

        inner = AdaptedEncoder(inner, QueryAdapter.load(settings.query_adapter_path, inner.dim))
    return CachedEncoder(inner, size=settings.query_cache_size)
