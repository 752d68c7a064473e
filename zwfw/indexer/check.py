"""`zwfw check`: proof that the docstore, the lexical index and FAISS of the serving build agree.

Agreement means the same set of documents everywhere: every docstore key is in the lexical
index once and nothing else is, every docstore vector id has a live vector and no live vector
lacks a document, the manifest's counts are the docstore's, and no interrupted write or
partial build is waiting for recovery.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from zwfw.core.settings import LexicalBackend, Settings
from zwfw.indexer.journal import KINDS, pending
from zwfw.indexer.recovery import partial_builds
from zwfw.search.docstore import DocStore
from zwfw.search.store import current_build, read_manifest
from zwfw.search.vector import FaissStore

_SHOWN = 5  # example keys per problem: enough to look one up, short enough to read


@dataclass
class IndexReport:
    build: str | None
    documents: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not self.problems


def check_index(settings: Settings) -> IndexReport:
    """Compare the stores of the serving build; read-only, so safe beside a live server
    (an update in flight can show as a problem: run it again, or hold the writer lock)."""
    build = current_build(settings.index_dir)
    report = IndexReport(build.name if build else None)
    report.problems += [f"partial build {p.name} (a killed build)" for p in
                        partial_builds(settings.index_dir)]  # fmt: skip
    if build is None:
        report.problems.append(f"no serving build in {settings.index_dir}")
        return report
    if pending(build):
        report.problems.append("an interrupted update is pending (the next writer replays it)")
    docs = DocStore(build / "docs.sqlite")
    try:
        vids = docs.vids()
        counts = {k: docs.count(k) for k in KINDS}
    finally:
        docs.close()
    report.documents = len(vids)
    report.problems += _vector_problems(build, vids)
    if settings.lexical.backend is LexicalBackend.EMBEDDED:
        report.problems += _lexical_problems(build, set(vids))
    manifest = read_manifest(build).get("counts", {})
    if {k: v for k, v in counts.items() if v} != manifest:
        report.problems.append(f"manifest counts {manifest} differ from the docstore's {counts}")
    return report


def _vector_problems(build: Path, vids: dict[str, int]) -> list[str]:
    store = FaissStore.load(build / "vectors.faiss")
    live = Counter(store.ids().tolist())
    problems = []
    lacking = [k for k, v in vids.items() if v not in live]
    if lacking:
        problems.append(_some(f"{len(lacking)} documents have no vector", lacking))
    orphans = sorted(set(live) - set(vids.values()))
    if orphans:
        problems.append(_some(f"{len(orphans)} vectors have no document", orphans))
    twice = [v for v, n in live.items() if n > 1]
    if twice:
        problems.append(_some(f"{len(twice)} vector ids are stored more than once", twice))
    return problems


def _lexical_problems(build: Path, keys: set[str]) -> list[str]:
    indexed = Counter(_tantivy_keys(build / "lexical"))
    problems = []
    absent, extra = sorted(keys - set(indexed)), sorted(set(indexed) - keys)
    twice = sorted(k for k, n in indexed.items() if n > 1)
    if absent:
        problems.append(_some(f"{len(absent)} documents are not in the lexical index", absent))
    if extra:
        problems.append(_some(f"{len(extra)} keys are in the lexical index only", extra))
    if twice:
        problems.append(_some(f"{len(twice)} keys are in the lexical index twice", twice))
    return problems


def _tantivy_keys(path: Path) -> list[str]:
    """Every stored key of a tantivy index (opened read-only: no writer lock is taken)."""
    import tantivy

    index = tantivy.Index.open(str(path))
    searcher = index.searcher()
    total = int(searcher.num_docs)
    if total == 0:
        return []
    hits = searcher.search(tantivy.Query.all_query(), limit=total).hits
    return [str(searcher.doc(addr)["key"][0]) for _, addr in hits]


def _some(what: str, examples: Sequence[object]) -> str:
    shown = ", ".join(str(e) for e in examples[:_SHOWN])
    more = f" (+{len(examples) - _SHOWN} more)" if len(examples) > _SHOWN else ""
    return f"{what}: {shown}{more}"
