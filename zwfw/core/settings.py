"""The one settings object: env prefix `ZWFW_`, nested groups with `__` (`ZWFW_SEARCH__RRF_K`)."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator, Mapping
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from zwfw.core.errors import ConfigError

ENV_PREFIX = "ZWFW_"
# The personal space's keys: HS256 wants a key at least as long as its 32-byte output
# (RFC 7518 §3.2); the ID-card HMAC key is checked by the same rule of thumb, halved.
TOKEN_SECRET_MIN_BYTES = 32
ID_SALT_MIN_CHARS = 16


class _Group(BaseModel):
    """A settings group: an unknown key (a typo such as ZWFW_SEARCH__RRFK) is an error."""

    model_config = ConfigDict(extra="forbid")


class EncoderKind(StrEnum):
    """Which sentence encoder embeds queries and passages."""

    E5 = "e5"
    # the same e5 weights exported to ONNX Runtime int8 (`zwfw models export-onnx`): faster
    E5_ONNX = "e5_onnx"
    SENTENCE_TRANSFORMERS = "sentence_transformers"


class LexicalBackend(StrEnum):
    """Which lexical engine serves keyword retrieval."""

    EMBEDDED = "embedded"
    ELASTICSEARCH = "elasticsearch"


class EncoderSettings(_Group):
    kind: EncoderKind = EncoderKind.E5
    # Local path of a sentence-transformers model (required when kind is sentence_transformers),
    # or of the folder `zwfw models export-onnx` wrote (kind e5_onnx; default its cache folder).
    model_path: Path | None = None
    query_prefix: str = "query: "
    passage_prefix: str = "passage: "
    batch_size: int = Field(32, ge=1, le=1024)
    # Query vectors of frequent queries are cached: encoding dominates hybrid latency (~20 ms).
    query_cache_size: int = Field(4096, ge=0)
    threads: int | None = Field(None, ge=1)
    # A query-side adapter on the encoder's query vectors, written by `zwfw fit-adapter`
    # (models.adapter). Unset: none. None is shipped: it improved e5's list but not the fused
    # one (docs/fusion.md, "Tried and not shipped"). Passages and built indexes are unchanged.
    query_adapter_path: Path | None = None

    @model_validator(mode="after")
    def _path_needed(self) -> EncoderSettings:
        if self.kind is EncoderKind.SENTENCE_TRANSFORMERS and self.model_path is None:
            raise ValueError("ZWFW_ENCODER__MODEL_PATH is required for sentence_transformers")
        return self


class LexicalSettings(_Group):
    backend: LexicalBackend = LexicalBackend.EMBEDDED
    es_url: str | None = None
    es_index_prefix: str = "zwfw"
    # Shards spread one build's index over the cluster's data nodes; replicas add read
    # capacity and survive a node loss. Ranking stays global: searches use
    # dfs_query_then_fetch, which gathers term statistics from every shard first.
    es_shards: int = Field(3, ge=1, le=1024)
    es_replicas: int = Field(1, ge=0, le=16)
    # A search or refresh that takes longer fails with 503 rather than holding a worker thread.
    es_timeout_seconds: float = Field(2.0, gt=0, le=60)
    # Bulk indexing moves many documents per call, so it gets a longer timeout, and retries
    # rejected (429) chunks with exponential back-off this many times.
    es_bulk_timeout_seconds: float = Field(60.0, gt=0, le=600)
    es_bulk_retries: int = Field(3, ge=0, le=10)
    # tantivy writer heap; 50 MB is tantivy's recommended minimum for a single-threaded writer.
    writer_heap_bytes: int = Field(64_000_000, ge=15_000_000)
    # Embedded backend: a term of a score-only clause (single characters) held by more than
    # this share of documents is left out of the query. Such terms add little BM25 (low IDF)
    # and cost the most: tantivy scores their long postings on every match, most of a long
    # query's time on a large catalogue (docs/deploy.md). 1 keeps every term.
    optional_df_cutoff: float = Field(0.02, gt=0, le=1)

    @model_validator(mode="after")
    def _es_url_usable(self) -> LexicalSettings:
        """Checked at start-up, not when the first search builds the client."""
        if self.es_url is not None:
            parts = urlsplit(self.es_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(
                    f"ZWFW_LEXICAL__ES_URL must be an http(s) URL with a host, not {self.es_url!r}"
                )
        if self.backend is LexicalBackend.ELASTICSEARCH and not self.es_url:
            raise ValueError("ZWFW_LEXICAL__ES_URL is required when the backend is elasticsearch")
        return self


class VectorSettings(_Group):
    # Below this size a flat index is exact and fast enough (≈1 ms at 10k) and supports removal;
    # above it HNSW keeps queries at 1–3 ms, with tombstones for deleted documents.
    hnsw_threshold: int = Field(50_000, ge=0)
    hnsw_m: int = Field(32, ge=4, le=128)
    hnsw_ef_search: int = Field(96, ge=8)
    # Serve the FAISS file memory-mapped read-only: workers and replicas on one host share its
    # pages instead of each holding a copy (a write reads it into memory first, see FaissStore).
    mmap: bool = True


class SearchSettings(_Group):
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
    # Learned fusion (docs/fusion.md): off falls back to weighted RRF with fixed boosts.
    learned_fusion: bool = True
    # A model written by `zwfw fit`; unset uses the one shipped in zwfw/models/data.
    fusion_model: Path | None = None


class QaSettings(_Group):
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


class IndexerSettings(_Group):
    # A load fails as a whole when more than this share of its records is malformed.
    max_bad_share: float = Field(0.05, ge=0, le=1)
    # One writer per index (zwfw.indexer.lock): a second writer waits this long, then fails
    # with a message naming the holder. A full build holds the lock for its whole run.
    lock_timeout_seconds: float = Field(10.0, ge=0)


class AdminSettings(_Group):
    # Bearer tokens of administrators, stored hashed: each entry is "sha256:<hex digest>" of
    # a token, so the settings file never holds a usable secret. `zwfw hash-token` makes one.
    token_hashes: list[str] = Field(default_factory=list)
    # Stored evaluation query sets offered by the console (`*.jsonl`); None: bundled data/eval.
    eval_sets_dir: Path | None = None

    @field_validator("token_hashes")
    @classmethod
    def _hashed(cls, values: list[str]) -> list[str]:
        for value in values:
            if not re.fullmatch(r"sha256:[0-9a-f]{64}", value):
                raise ValueError("each admin token must be given as sha256:<64 hex digits>")
        return values


class ChatSettings(_Group):
    # A chat session (its context: the item under discussion) expires after this idle time.
    session_ttl_seconds: int = Field(1800, ge=60)
    # The chat is about search's top item when both retrievers rank it first and its e5
    # cosine reaches this, or when the message contains the item's whole name. Tuned on
    # half of items_dev/faq_dev, checked on the other half (docs/chat.md).
    item_min_cosine: float = Field(0.88, ge=0, le=1)


class PersonalSettings(_Group):
    # The personal space is off until both secrets are set: the HS256 key that verifies user
    # tokens from the identity system (≥ 32 bytes) and the key of the ID-card number HMAC.
    token_secret: SecretStr | None = None
    id_salt: SecretStr | None = None
    retention_days: int = Field(180, ge=1)

    def disabled_reason(self) -> str | None:
        """Why the personal space cannot run, or None. Not a validation error: the personal
        space is optional, so a bad key turns off that part alone and search stays up."""
        if self.token_secret is None or self.id_salt is None:
            return "set ZWFW_PERSONAL__TOKEN_SECRET and ZWFW_PERSONAL__ID_SALT to enable it"
        if len(self.token_secret.get_secret_value().encode()) < TOKEN_SECRET_MIN_BYTES:
            return f"ZWFW_PERSONAL__TOKEN_SECRET must be at least {TOKEN_SECRET_MIN_BYTES} bytes"
        if len(self.id_salt.get_secret_value()) < ID_SALT_MIN_CHARS:
            return f"ZWFW_PERSONAL__ID_SALT must be at least {ID_SALT_MIN_CHARS} characters"
        return None


class OpsSettings(_Group):
    # Curation roles: "sha256:<hex>" of a token → editor | reviewer | admin (`zwfw hash-token`).
    # Administrator tokens (ZWFW_ADMIN__TOKEN_HASHES) have the admin role too.
    role_tokens: dict[str, Literal["editor", "reviewer", "admin"]] = Field(default_factory=dict)
    # Query-log rows (queries, clicks, request events) older than this are deleted: masked
    # queries are still personal behaviour, and 195,000 rows already made a 33 MB file.
    querylog_retention_days: int = Field(90, ge=1)


class ApiSettings(_Group):
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    # Larger request bodies get 413 before they are read: the biggest legitimate body (a FAQ
    # answer or a bundle) is a few KB, and unbounded posts grew the process by 700 MB.
    max_body_bytes: int = Field(1_000_000, ge=1024)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ZWFW_", env_nested_delimiter="__", extra="forbid", validate_default=True
    )

    index_dir: Path = Path("var/index")
    # Every state store (edits, logs, ratings, curation, personal space) lives in one
    # database: SQLite at `state_db` (embedded default, migrated at start-up), or the
    # PostgreSQL of `state_url` (postgresql://user@host/db, migrated by `zwfw migrate`).
    state_db: Path = Path("var/state.sqlite")
    state_url: SecretStr | None = None
    # How often a replica looks for changes made by other processes: the stores' version
    # rows (synonyms) and the shared index's manifest (FAQ edits, upserts, new builds). 0.25 s
    # keeps "an edit is used by every replica within 1 s" with room for a reload on a busy
    # machine; one check costs about 0.1 ms of CPU (the manifest) and one row read.
    state_poll_seconds: float = Field(0.25, gt=0, le=60)
    # Redis (redis://host:6379/0) shares sessions, rate limits and the query-vector cache
    # between replicas; without it they live in process.
    redis_url: SecretStr | None = None
    redis_prefix: str = "zwfw:"
    # Threads each worker process gives FAISS (OpenMP), BLAS and the encoder, applied once at
    # start-up: a library's default of every core makes workers and neighbours wait on
    # each other. ZWFW_ENCODER__THREADS overrides it for the encoder alone.
    worker_threads: int = Field(1, ge=1, le=64)
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

    @model_validator(mode="after")
    def _absolute_databases(self) -> Settings:
        """Database paths are fixed against the working folder at start-up: a relative
        path read later (by /readyz, after a chdir) would name another file."""
        self.state_db = self.state_db.expanduser().absolute()
        return self

    @model_validator(mode="before")
    @classmethod
    def _no_unknown_environment(cls, data: Any) -> Any:
        """A ZWFW_ variable that names no setting is a typo: pydantic-settings would skip it."""
        unknown = unknown_env_vars(os.environ)
        if unknown:
            raise ValueError("; ".join(unknown))
        return data

    def check_paths(self) -> None:
        """Fail at start-up, naming the setting, when a database cannot be created where it
        is configured (its folder is a file, or not writable): otherwise the loader thread
        dies and /readyz says "loading" for ever."""
        for name, path in self.database_files().items():
            if problem := _unwritable(path.expanduser()):
                raise ConfigError(f"{name}={path}: {problem}")

    def database_files(self) -> dict[str, Path]:
        """Every SQLite file the service writes, by the setting that places it: the one list
        that start-up checks, /readyz and the privacy test go through."""
        # One state database holds every store; with ZWFW_STATE_URL it is PostgreSQL's.
        return {} if self.state_url is not None else {"ZWFW_STATE_DB": self.state_db}


def _unwritable(path: Path) -> str | None:
    """Why a file cannot be created at `path`, or None (nothing is created to find out)."""
    if path.is_dir():
        return "is a folder, not a database file"
    ancestor = path.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return f"{ancestor} is a file, so the folder cannot be created"
    if not os.access(ancestor, os.W_OK | os.X_OK) and not path.exists():
        return f"{ancestor} is not writable"
    return None


def describe(exc: ValidationError) -> str:
    """One line per invalid setting, named as in the environment, without its value (the
    value may be a secret)."""
    lines = []
    for error in exc.errors():
        loc = [str(p) for p in error["loc"]]
        name = (ENV_PREFIX + "__".join(loc)).upper() if loc else "settings"
        message = error["msg"].removeprefix("Value error, ")
        lines.append(message if not loc else f"{name}: {message}")
    return "invalid settings: " + "; ".join(lines)


def setting_names(model: type[BaseModel] = Settings, prefix: str = ENV_PREFIX) -> Iterator[str]:
    """Every environment variable name that sets a leaf setting (ZWFW_SEARCH__RRF_K, …)."""
    for name, field in model.model_fields.items():
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            yield from setting_names(kind, f"{prefix}{name.upper()}__")
        else:
            yield f"{prefix}{name.upper()}"


def unknown_env_vars(environ: Mapping[str, str]) -> list[str]:
    """One message per ZWFW_ variable that sets nothing, with the closest valid name."""
    known = set(setting_names())
    messages = []
    for name in sorted(environ):
        upper = name.upper()
        if not upper.startswith(ENV_PREFIX) or upper in known:
            continue
        close = difflib.get_close_matches(upper, known, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        messages.append(f"unknown setting {name}{hint}")
    return messages


@lru_cache
def get_settings() -> Settings:
    """Settings read once from the environment; tests call `get_settings.cache_clear()`.
    Invalid settings raise `ConfigError` with one readable line (the CLI prints it)."""
    try:
        return Settings()
    except ValidationError as exc:
        raise ConfigError(describe(exc)) from None
