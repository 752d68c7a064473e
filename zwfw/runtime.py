"""Wires the heavy objects (segmenter, encoder, open index, services) for the API and the CLI.

Kept free of FastAPI so the CLI and benchmarks build exactly what the server serves.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from zwfw.core.errors import ConfigError
from zwfw.core.records import Record
from zwfw.core.settings import Settings
from zwfw.indexer import delete, upsert
from zwfw.models import Segmenter
from zwfw.models.encoders import CachedEncoder, create_encoder
from zwfw.models.encoders.use import UseEncoder
from zwfw.qa import QaService
from zwfw.qa.classifier import DEFAULT_MODEL, AnswerModel, load_model
from zwfw.qa.rerank import BlendReranker
from zwfw.search import OpenIndex, SearchService, open_current
from zwfw.search.store import current_build
from zwfw.search.suggest import SuggestEntry, Suggester, build_suggester
from zwfw.search.synonyms import SynonymStore
from zwfw.search.vocab import Vocabulary

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    segmenter: Segmenter
    encoder: CachedEncoder
    index: OpenIndex
    search: SearchService
    qa: QaService
    synonyms: SynonymStore
    # Called after another process switched builds, so services built on the old index
    # (FAQ edits to re-apply, the personal space's policies) can follow.
    listeners: list[Callable[[Runtime], None]] = field(default_factory=list)
    # Frequent queries from the query log, offered as completions (see api.services).
    popular_queries: Callable[[], Sequence[str]] | None = None
    _write_lock: threading.Lock = field(default_factory=threading.Lock)
    _derived_lock: threading.Lock = field(default_factory=threading.Lock)
    _derived_stale: threading.Event = field(default_factory=threading.Event)
    _stamp: tuple[str, float] = ("", 0.0)

    def upsert(self, records: Sequence[Record]) -> None:
        with self._write_lock:
            upsert(self.index, records, self.encoder, self.segmenter)
            self._after_write()

    def delete(self, keys: Sequence[str]) -> None:
        with self._write_lock:
            delete(self.index, keys)
            self._after_write()

    def refresh_derived(self) -> None:
        """Rebuild vocabulary and completions in the background (e.g. new popular queries)."""
        self._derived_stale.set()
        if self._derived_lock.acquire(blocking=False):
            threading.Thread(target=self._rebuild_derived, daemon=True).start()

    def _after_write(self) -> None:
        """New titles join the vocabulary (pinyin, typo targets) and the completions.

        That takes a second or more at scale, so it runs in the background: the written
        document is searchable at once, its pinyin and completions follow shortly after.
        """
        self._stamp = _stamp(self.settings.index_dir)
        self.refresh_derived()

    def _rebuild_derived(self) -> None:
        try:
            while self._derived_stale.is_set():
                self._derived_stale.clear()
                self.derive()
        finally:
            self._derived_lock.release()

    @property
    def suggester(self) -> Suggester:
        assert self.search.suggester is not None  # set by `derive` before the runtime is used
        return self.search.suggester

    def derive(self) -> None:
        """Rebuild what is derived from the catalogue and the synonyms, in one pass over the
        docstore: the query-understanding vocabulary and the completions."""
        records = list(self.index.docs.iter_all())
        snapshot = self.synonyms.snapshot()
        terms = sorted({t for s in snapshot.source_terms() for t in (s, *snapshot.expand(s))})
        popular = self.popular_queries() if self.popular_queries else ()
        self.search.vocab = Vocabulary.from_records(records, self.segmenter, terms)
        self.search.suggester = build_suggester(
            records,
            [
                *(SuggestEntry(t, "synonym", 0.7) for t in terms),  # colloquial words complete
                *(SuggestEntry(q, "query", 0.75) for q in popular),  # what many people type
            ],
        )

    def wait_for_derived(self, timeout: float = 30.0) -> bool:
        """Block until background vocabulary/completion rebuilds are done (tests, CLI)."""
        if not self._derived_lock.acquire(timeout=timeout):
            return False
        self._derived_lock.release()
        return True

    def refresh_if_changed(self) -> bool:
        """Reopen the index when another process switched builds or updated this one.

        Called about once a second by the server, so `zwfw index` and `zwfw upsert` run
        beside a live server take effect without a restart.
        """
        stamp = _stamp(self.settings.index_dir)
        if stamp == self._stamp or not stamp[0]:
            return False
        with self._write_lock:
            old = self.index
            self.index = open_current(self.settings)
            _check_encoder(self.index, self.encoder)
            self.search.index = self.index
            self.derive()
            self._stamp = stamp
        log.info("index reloaded: %s", self.index.build.name)
        old.close()
        for listener in self.listeners:
            try:
                listener(self)
            except Exception:  # one failing follower must not stop the others
                log.exception("a listener failed after the index reload")
        return True

    def close(self) -> None:
        self.wait_for_derived()
        self.index.close()
        self.synonyms.close()


def _stamp(index_dir: Path) -> tuple[str, float]:
    build = current_build(index_dir)
    if build is None:
        return ("", 0.0)
    return (build.name, (build / "manifest.json").stat().st_mtime)


def _check_encoder(index: OpenIndex, encoder: CachedEncoder) -> None:
    built_with = index.manifest.get("encoder")
    if built_with != encoder.model_id:
        raise ConfigError(
            f"the index was built with encoder {built_with!r} but {encoder.model_id!r} is "
            "configured: rebuild the index or change ZWFW_ENCODER__KIND"
        )


def build_tools(settings: Settings) -> tuple[Segmenter, CachedEncoder]:
    """The language tools an index build and a runtime both need."""
    return Segmenter(), create_encoder(settings.encoder)


def _reranker(settings: Settings) -> BlendReranker:
    weight = settings.qa.rerank_use_weight
    return BlendReranker(UseEncoder() if weight else None, weight=weight)


def answer_model(settings: Settings) -> AnswerModel:
    """The configured FAQ answer model, else the one fitted for this index, else the shipped one."""
    fitted = settings.index_dir / "qa_model.json"
    return load_model(settings.qa.answer_model or (fitted if fitted.exists() else DEFAULT_MODEL))


def load_runtime(
    settings: Settings, tools: tuple[Segmenter, CachedEncoder] | None = None
) -> Runtime:
    segmenter, encoder = tools or build_tools(settings)
    index = open_current(settings)
    _check_encoder(index, encoder)
    settings.state_db.parent.mkdir(parents=True, exist_ok=True)
    synonyms = SynonymStore(settings.state_db)
    search = SearchService(index, encoder, segmenter, settings.search, synonyms=synonyms.snapshot)
    qa = QaService(search, settings.qa, answer_model(settings), _reranker(settings))
    runtime = Runtime(settings, segmenter, encoder, index, search, qa, synonyms)
    runtime.derive()
    runtime._stamp = _stamp(settings.index_dir)
    return runtime
