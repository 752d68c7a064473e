"""Wires the heavy objects (segmenter, encoder, open index, services) for the API and the CLI.

Kept free of FastAPI so the CLI and benchmarks build exactly what the server serves.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from zwfw.core.errors import ConfigError
from zwfw.core.records import Record
from zwfw.core.settings import Settings
from zwfw.indexer import delete, upsert
from zwfw.indexer.journal import pending
from zwfw.indexer.lock import IndexBusy, WriterLock, create_writer_lock
from zwfw.indexer.recovery import writing
from zwfw.models import Segmenter
from zwfw.models.encoders import CachedEncoder, create_encoder
from zwfw.models.encoders.use import UseEncoder
from zwfw.qa import QaService
from zwfw.qa.classifier import DEFAULT_MODEL, AnswerModel, load_model, unfitted_model
from zwfw.qa.rerank import BlendReranker
from zwfw.search import OpenIndex, SearchService, derived, open_build, open_current
from zwfw.search.derived import Derived
from zwfw.search.fusion import FusionModel
from zwfw.search.store import current_build, read_manifest
from zwfw.search.suggest import SuggestEntry, Suggester, popular_entries
from zwfw.search.synonyms import SynonymStore
from zwfw.search.vector.threads import own_threads
from zwfw.search.vocab import Vocabulary
from zwfw.storage import open_storage

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
    # Serialises this process's writers and reloads; `_writer` excludes other processes.
    _write_lock: threading.Lock = field(default_factory=threading.Lock)
    _writer: WriterLock | None = None
    _derived_lock: threading.Lock = field(default_factory=threading.Lock)
    _derived_stale: threading.Event = field(default_factory=threading.Event)
    _stamp: tuple[str, int] = ("", 0)
    _rejected: tuple[str, int] = ("", 0)  # a build refused at reload, not retried until it changes
    _base: tuple[tuple[str, int], Derived] | None = None  # the catalogue's part, for a stamp

    def upsert(self, records: Sequence[Record]) -> None:
        with self._writing("server upsert"):
            upsert(self.index, records, self.encoder, self.segmenter)
            self._after_write()

    def delete(self, keys: Sequence[str]) -> None:
        with self._writing("server delete"):
            delete(self.index, keys)
            self._after_write()

    @contextlib.contextmanager
    def _writing(self, owner: str) -> Iterator[None]:
        """Write under the index's writer lock, on the build as it is on disk now: another
        process may have updated or switched it since this one last looked."""
        switched = False
        with self._write_lock:
            if self._writer is None:
                self._writer = create_writer_lock(self.settings)
            with writing(self.settings, owner, self._writer):
                _, switched = self._follow_disk()
                yield
        if switched:
            self._notify()

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
        """Rebuild what is derived from the catalogue and the synonyms: the
        query-understanding vocabulary and the completions. The catalogue's part comes from
        the build (`zwfw.search.derived`), so only the synonyms and popular queries are
        worked out here; a build without it, or updated since, is read record by record."""
        base = self._catalogue()
        snapshot = self.synonyms.snapshot()
        terms = sorted({t for s in snapshot.source_terms() for t in (s, *snapshot.expand(s))})
        popular = self.popular_queries() if self.popular_queries else ()
        self.search.vocab = Vocabulary.assemble(
            base.scan, [*self.segmenter.dictionary_words, *terms], base.syllables
        )
        self.search.suggester = Suggester(
            [
                *(SuggestEntry(t, "synonym", 0.7) for t in terms),  # colloquial words complete
                *popular_entries(popular),  # what many people type, most typed first
            ],
            keyed=base.keyed,
            readings=base.readings,
            word_starts=self.segmenter.word_starts,  # 港澳 completes 办理往来港澳通行证 too
        )

    def _catalogue(self) -> Derived:
        """The catalogue's part of the derived structures for the build as it is now: kept
        while its generation stands, else read from the build, else computed and stored."""
        build = self.index.build
        gen = derived.generation(build)
        if self._base is not None and self._base[0] == (build.name, gen):
            return self._base[1]
        base = derived.load(build, gen, self.segmenter)
        if base is None:
            log.info(
                "no stored start-up structures for %s generation %d: computing them from "
                "the records", build.name, gen,
            )  # fmt: skip
            base = derived.compute(self.index.docs.iter_all(), self.segmenter)
            derived.try_save(build, base, gen, self.segmenter)
        self._base = ((build.name, gen), base)
        return base

    def wait_for_derived(self, timeout: float = 30.0) -> bool:
        """Block until background vocabulary/completion rebuilds are done (tests, CLI)."""
        if not self._derived_lock.acquire(timeout=timeout):
            return False
        self._derived_lock.release()
        return True

    def refresh_if_changed(self) -> bool:
        """Reopen the index when another process switched builds or updated this one.

        Called every `ZWFW_STATE_POLL_SECONDS` (0.25 s) by the server, so `zwfw index` and
        `zwfw upsert` run beside a live server (or another replica's FAQ edit) take effect
        without a restart. An update that a killed writer left half done is rolled forward
        here when no other writer holds the lock.
        """
        _recover_if_free(self.settings)
        stamp = _stamp(self.settings.index_dir)
        if stamp in (self._stamp, self._rejected) or not stamp[0]:
            return False
        with self._write_lock:  # the stamp is compared again under the lock: our own write
            reloaded, switched = self._follow_disk()  # may have moved it while we waited
        if switched:
            self._notify()
        return reloaded

    def _follow_disk(self) -> tuple[bool, bool]:
        """Reopen the build on disk if it is not the one served (caller holds `_write_lock`);
        returns (reopened, switched to another build). A build made with another encoder is
        refused and the served one kept."""
        stamp = _stamp(self.settings.index_dir)
        if stamp == self._stamp or not stamp[0]:
            return False, False
        index = open_build(self.settings.index_dir / "builds" / stamp[0], self.settings)
        try:
            _check_encoder(index, self.encoder)
        except ConfigError:
            index.close()
            self._rejected = stamp
            raise
        old, self.index = self.index, index
        self.search.index = index
        self.derive()
        self._stamp = stamp
        log.info("index reloaded: %s", index.build.name)
        old.close()
        return True, old.build != index.build

    def _notify(self) -> None:
        """Followers of a build switch (FAQ edits to re-apply, the personal space's policies);
        an update in place needs none of them."""
        for listener in self.listeners:
            try:
                listener(self)
            except Exception:  # one failing follower must not stop the others
                log.exception("a listener failed after the index reload")

    def close(self) -> None:
        self.wait_for_derived()
        self.index.close()
        self.synonyms.close()


def _stamp(index_dir: Path) -> tuple[str, int]:
    """(build name, generation): every committed update raises the build's generation."""
    build = current_build(index_dir)
    if build is None:
        return ("", 0)
    try:
        return (build.name, int(read_manifest(build).get("generation", 0)))
    except (OSError, ValueError):  # switched or replaced while read: the next tick sees it
        return ("", 0)


def _recover_if_free(settings: Settings) -> None:
    """Roll forward an update whose writer died, unless a live writer holds the lock."""
    build = current_build(settings.index_dir)
    if build is not None and pending(build):
        with contextlib.suppress(IndexBusy), writing(settings, "server recovery", timeout=0):
            pass


def _check_encoder(index: OpenIndex, encoder: CachedEncoder) -> None:
    built_with = index.manifest.get("encoder")
    if built_with != encoder.model_id:
        raise ConfigError(
            f"the index was built with encoder {built_with!r} but {encoder.model_id!r} is "
            "configured: rebuild the index or change ZWFW_ENCODER__KIND"
        )


QUERY_VECTOR_TTL_SECONDS = 86_400  # a day: the same index and model give the same vector


def build_tools(settings: Settings) -> tuple[Segmenter, CachedEncoder]:
    """The language tools an index build and a runtime both need; the process's thread
    pools are sized here, once, after the encoder's engine is loaded. With Redis configured
    the query-vector cache gains a shared level, so replicas reuse each other's encodings."""
    threads = settings.encoder.threads or settings.worker_threads
    encoder = create_encoder(settings.encoder.model_copy(update={"threads": threads}))
    pools = own_threads(settings.worker_threads)
    log.info("thread pools: encoder %d, FAISS/BLAS/OpenMP %s", threads, pools)
    if settings.redis_url is not None:
        from zwfw.models.adapter import query_model_id
        from zwfw.models.encoders.cache import RedisVectorCache
        from zwfw.storage.kv import redis_client

        shared = RedisVectorCache(
            redis_client(settings.redis_url.get_secret_value()), settings.redis_prefix,
            query_model_id(encoder.inner), encoder.dim, QUERY_VECTOR_TTL_SECONDS,
        )  # fmt: skip
        encoder = CachedEncoder(encoder.inner, settings.encoder.query_cache_size, shared)
    return Segmenter(), encoder


def _reranker(settings: Settings) -> BlendReranker:
    weight = settings.qa.rerank_use_weight
    return BlendReranker(UseEncoder() if weight else None, weight=weight)


def answer_model(settings: Settings, fitting: bool = False) -> AnswerModel:
    """The configured FAQ answer model, else the one fitted for this index, else the shipped one.
    `fitting`: `zwfw fit-qa` only matches questions, so a model fitted on older features (which
    a server refuses) is replaced by one that decides nothing, instead of stopping the fit
    that would replace it."""
    fitted = settings.index_dir / "qa_model.json"
    path = settings.qa.answer_model or (fitted if fitted.exists() else DEFAULT_MODEL)
    try:
        return load_model(path)
    except ConfigError:
        if fitting:
            return unfitted_model()
        raise


def load_runtime(
    settings: Settings,
    tools: tuple[Segmenter, CachedEncoder] | None = None,
    fitting: bool = False,
) -> Runtime:
    segmenter, encoder = tools or build_tools(settings)
    _recover_if_free(settings)
    index = open_current(settings)
    _check_encoder(index, encoder)
    synonyms = SynonymStore(open_storage(settings), poll_seconds=settings.state_poll_seconds)
    fusion = (
        FusionModel.load(settings.search.fusion_model) if settings.search.learned_fusion else None
    )
    search = SearchService(
        index, encoder, segmenter, settings.search, synonyms=synonyms.snapshot, fusion=fusion
    )
    qa = QaService(search, settings.qa, answer_model(settings, fitting), _reranker(settings))
    runtime = Runtime(settings, segmenter, encoder, index, search, qa, synonyms)
    runtime.derive()
    runtime._stamp = (index.build.name, int(index.manifest.get("generation", 0)))
    return runtime
