"""Picks the lexical backend named in settings; callers never import a backend directly."""

from __future__ import annotations

from pathlib import Path

from zwfw.core.errors import ConfigError
from zwfw.core.settings import LexicalBackend, LexicalSettings
from zwfw.search.lexical.protocol import LexicalIndex


def create_lexical(settings: LexicalSettings, build_dir: Path) -> LexicalIndex:
    """The lexical index of one build: a tantivy directory in it, or an ES index named after
    it, published under the alias `es_index_prefix` when the build goes live."""
    if settings.backend is LexicalBackend.EMBEDDED:
        from zwfw.search.lexical.embedded import TantivyIndex

        return TantivyIndex(
            build_dir / "lexical",
            heap_bytes=settings.writer_heap_bytes,
            optional_df_cutoff=settings.optional_df_cutoff,
        )
    if not settings.es_url:
        raise ConfigError(
            "ZWFW_LEXICAL__ES_URL is required when the lexical backend is elasticsearch"
        )
    from zwfw.search.lexical.elasticsearch import ElasticsearchIndex, EsOptions

    options = EsOptions(
        alias=settings.es_index_prefix.lower(),
        shards=settings.es_shards,
        replicas=settings.es_replicas,
        timeout=settings.es_timeout_seconds,
        bulk_timeout=settings.es_bulk_timeout_seconds,
        bulk_retries=settings.es_bulk_retries,
    )
    name = f"{settings.es_index_prefix}-{build_dir.name}".lower()
    return ElasticsearchIndex(settings.es_url, name, options)
