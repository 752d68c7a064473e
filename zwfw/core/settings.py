"""The one settings object: env prefix `ZWFW_`, nested groups with `__` (`ZWFW_SEARCH__RRF_K`)."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class EncoderKind(StrEnum):
    """Which sentence encoder embeds queries and passages."""

    E5 = "e5"
    SENTENCE_TRANSFORMERS = "sentence_transformers"


class LexicalBackend(StrEnum):
    """Which lexical engine serves keyword retrieval."""

    EMBEDDED = "embedded"
    ELASTICSEARCH = "elasticsearch"


class EncoderSettings(BaseModel):
    kind: EncoderKind = EncoderKind.E5
    # Local path of a sentence-transformers model (required when kind is sentence_transformers).
    model_path: Path | None = None
    query_prefix: str = "query: "
    passage_prefix: str = "passage: "
    batch_size: int = Field(32, ge=1, le=1024)
    # Query vectors of frequent queries are cached: encoding dominates hybrid latency (~20 ms).
    query_cache_size: int = Field(4096, ge=0)
    threads: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _path_needed(self) -> EncoderSettings:
        if self.kind is EncoderKind.SENTENCE_TRANSFORMERS and self.model_path is None:
            raise ValueError("ZWFW_ENCODER__MODEL_PATH is required for sentence_transformers")
        return self


class LexicalSettings(BaseModel):
    backend: LexicalBackend = LexicalBackend.EMBEDDED
    es_url: str | None = None
    es_index_prefix: str = "zwfw"
    # tantivy writer heap; 50 MB is tantivy's recommended minimum for a single-threaded writer.
    writer_heap_bytes: int = Field(64_000_000, ge=15_000_000)


class VectorSettings(BaseModel):
    # Below this size a flat index is exact and fast enough (≈1 ms at 10k) and supports removal;
    # above it HNSW keeps queries at 1–3 ms, with tombstones for deleted documents.
    hnsw_threshold: int = Field(50_000, ge=0)
    hnsw_m: int = Field(32, ge=4, le=128)
    hnsw_ef_search: int = Field(96, ge=8)


class SearchSettings(BaseModel):
    rrf_k: int = Field(60, ge=1)
    lexical_weight: float = Field(1.0, ge=0)
    vector_weight: float = Field(1.0, ge=0)
    candidates: int = Field(100, ge=10, le=1000)
    # e5 cosines of unrelated Chinese text reach 0.86; relevant items on the dev set start at
    # 0.87. A vector candidate without any lexical match needs this much to be shown.
    vector_min_score: float = Field(0.865, ge=0, le=1)
    # The last fallback before suggestions: vector candidates alone, with a lower bar.
    vector_fallback_min_score: float = Field(0.84, ge=0, le=1)
    hotline: str = "12345"
    max_query_chars: int = Field(200, ge=1)
    max_page_size: int = Field(50, ge=1)
    # Deep pages cost memory in every engine (the top page*size hits are ranked): like
    # Elasticsearch's index.max_result_window, results stop at this position.
    max_result_window: int = Field(1000, ge=10)


class QaSettings(BaseModel):
    # RRF weights for FAQ matching: e5 alone beats BM25 on paraphrased questions, so the
    # lexical list only breaks ties (dev top-1: 0.93 at 0.4/1.0 against 0.88 at 1/1).
    lexical_weight: float = Field(0.4, ge=0)
    vector_weight: float = Field(1.0, ge=0)
    # The answer / clarify / hand-off classifier fitted by `zwfw fit-qa` (docs/qa.md). Unset:
    # <index dir>/qa_model.json when a fit wrote one there, else the model shipped in zwfw/qa.
    answer_model: Path | None = None
    # Second stage (qa/rerank.py): blend e5 with USE over the fused top 20; 0 turns it off.
    rerank_use_weight: float = Field(0.7, ge=0)
    hotline: str = "12345"
    max_question_chars: int = Field(500, ge=1)


class IndexerSettings(BaseModel):
    # A load fails as a whole when more than this share of its records is malformed.
    max_bad_share: float = Field(0.05, ge=0, le=1)


class AdminSettings(BaseModel):
    # Bearer tokens of administrators, stored hashed: each entry is "sha256:<hex digest>" of
    # a token, so the settings file never holds a usable secret. `zwfw hash-token` makes one.
    token_hashes: list[str] = Field(default_factory=list)

    @field_validator("token_hashes")
    @classmethod
    def _hashed(cls, values: list[str]) -> list[str]:
        for value in values:
            if not re.fullmatch(r"sha256:[0-9a-f]{64}", value):
                raise ValueError("each admin token must be given as sha256:<64 hex digits>")
        return values


class ChatSettings(BaseModel):
    # A chat session (its context: the item under discussion) expires after this idle time.
    session_ttl_seconds: int = Field(1800, ge=60)


class PersonalSettings(BaseModel):
    db: Path = Path("var/personal.sqlite")
    # The personal space is off until both secrets are set: the HS256 key that verifies user
    # tokens from the identity system (≥ 32 bytes) and the key of the ID-card number HMAC.
    token_secret: SecretStr | None = None
    id_salt: SecretStr | None = None
    retention_days: int = Field(180, ge=1)


class OpsSettings(BaseModel):
    db: Path = Path("var/ops.sqlite")
    # Curation roles: "sha256:<hex>" of a token → editor | reviewer | admin (`zwfw hash-token`).
    # Administrator tokens (ZWFW_ADMIN__TOKEN_HASHES) have the admin role too.
    role_tokens: dict[str, Literal["editor", "reviewer", "admin"]] = Field(default_factory=dict)


class ApiSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ZWFW_", env_nested_delimiter="__", extra="forbid", validate_default=True
    )

    index_dir: Path = Path("var/index")
    # Administrator-edited state (synonyms, FAQ edits, …): survives index rebuilds.
    state_db: Path = Path("var/state.sqlite")
    encoder: EncoderSettings = EncoderSettings()
    lexical: LexicalSettings = LexicalSettings()
    vector: VectorSettings = VectorSettings()
    search: SearchSettings = SearchSettings()
    qa: QaSettings = QaSettings()
    indexer: IndexerSettings = IndexerSettings()
    api: ApiSettings = ApiSettings()
    admin: AdminSettings = AdminSettings()
    chat: ChatSettings = ChatSettings()
    personal: PersonalSettings = PersonalSettings()
    ops: OpsSettings = OpsSettings()

    @field_validator("index_dir")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()


@lru_cache
def get_settings() -> Settings:
    """Settings read once from the environment; tests call `get_settings.cache_clear()`."""
    return Settings()
