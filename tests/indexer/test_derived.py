"""The start-up structures stored with a build equal the ones computed from the records, an
older build without them still loads, and an update in place keeps them correct."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from zwfw.core.records import Faq, Item
from zwfw.core.settings import Settings
from zwfw.models import Segmenter
from zwfw.models.encoders import CachedEncoder
from zwfw.runtime import Runtime, load_runtime
from zwfw.search import derived
from zwfw.search.docstore import DocStore
from zwfw.search.store import current_build
from zwfw.search.suggest import SuggestEntry, Suggester, build_suggester
from zwfw.search.vocab import Vocabulary

pytestmark = pytest.mark.integration

PREFIXES = ["社保", "shebao", "sb", "护照", "hz", "驾驶证", "公积金提", "gjj", "身份", "出生"]


def _computed(rt: Runtime) -> tuple[Vocabulary, Suggester]:
    """What `Runtime.derive` built before the structures were stored: everything from the
    records, at start-up."""
    records = list(rt.index.docs.iter_all())
    snapshot = rt.synonyms.snapshot()
    terms = sorted({t for s in snapshot.source_terms() for t in (s, *snapshot.expand(s))})
    vocab = Vocabulary.from_records(records, rt.segmenter, terms)
    suggester = build_suggester(
        records, [SuggestEntry(t, "synonym", 0.7) for t in terms], rt.segmenter.word_starts
    )
    return vocab, suggester


def _compute_from(build: Path, segmenter: Segmenter) -> derived.Derived:
    """The structures computed afresh from a build's docstore, to compare with the stored."""
    docs = DocStore(build / "docs.sqlite")
    try:
        return derived.compute(docs.iter_all(), segmenter)
    finally:
        docs.close()


def _sets(postings: dict[str, np.ndarray]) -> dict[str, set[int]]:
    return {w: set(ids.tolist()) for w, ids in postings.items()}


def _assert_same(rt: Runtime) -> None:
    vocab, suggester = _computed(rt)
    served = rt.search.vocab
    assert served is not None
    assert served.df == vocab.df
    assert _sets(served.postings) == _sets(vocab.postings)
    assert served.bigrams == vocab.bigrams
    assert served.by_pinyin == vocab.by_pinyin  # lists: the order of candidates too
    assert served.by_initials == vocab.by_initials
    assert rt.suggester._keys == suggester._keys
    assert rt.suggester._entries == suggester._entries
    for prefix in PREFIXES:
        assert rt.suggester.suggest(prefix) == suggester.suggest(prefix), prefix


def _runtime(index_dir: Path, tmp_path: Path, tools: tuple[Segmenter, CachedEncoder]) -> Runtime:
    settings = Settings(index_dir=index_dir, state_db=tmp_path / "state.sqlite", state_url=None)
    return load_runtime(settings, tools)


def test_a_build_stores_them_and_they_round_trip(
    demo_index_dir: Path, segmenter: Segmenter
) -> None:
    build = current_build(demo_index_dir)
    assert build is not None and (build / derived.FILE).exists()
    stored = derived.load(build, derived.generation(build), segmenter)
    assert stored is not None
    computed = _compute_from(build, segmenter)
    assert isinstance(next(iter(stored.scan.postings.values())), np.memmap)  # shared pages
    assert _sets(stored.scan.postings) == _sets(computed.scan.postings)
    assert list(stored.scan.postings) == list(computed.scan.postings)  # the order of ties
    assert (stored.scan.bigrams, stored.scan.chars) == (computed.scan.bigrams, computed.scan.chars)
    assert stored.syllables == computed.syllables
    assert (stored.keyed, stored.readings) == (computed.keyed, computed.readings)


def test_cooccurrence_counts_titles_with_both_words(segmenter: Segmenter) -> None:
    vocab = Vocabulary.build(["护照补办", "护照换发", "社保卡补办", "身份证补办"], segmenter)
    assert vocab.cooccurrence("补办", ["护照"]) == 1
    assert vocab.cooccurrence("补办", ["护照", "社保卡"]) == 2
    assert vocab.cooccurrence("补办", []) == 0
    assert vocab.cooccurrence("没有的词", ["护照"]) == 0


def test_the_served_structures_equal_the_computed_ones(demo_runtime: Runtime) -> None:
    assert demo_runtime._base is not None
    _assert_same(demo_runtime)


def test_a_build_without_them_loads_computes_them_and_stores_them(
    writable_index_dir: Path,
    tmp_path: Path,
    segmenter: Segmenter,
    encoder: CachedEncoder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    build = current_build(writable_index_dir)
    assert build is not None
    (build / derived.FILE).unlink()  # as built by a version before this file existed
    with caplog.at_level(logging.INFO, logger="zwfw.runtime"):
        rt = _runtime(writable_index_dir, tmp_path, (segmenter, encoder))
    try:
        assert "no stored start-up structures" in caplog.text
        _assert_same(rt)
        assert derived.load(build, derived.generation(build), segmenter) is not None
    finally:
        rt.close()


def test_a_stale_file_is_ignored(writable_index_dir: Path, segmenter: Segmenter) -> None:
    build = current_build(writable_index_dir)
    assert build is not None
    gen = derived.generation(build)
    assert derived.load(build, gen, segmenter) is not None
    assert derived.load(build, gen + 1, segmenter) is None  # updated since
    assert derived.load(build, gen, Segmenter(extra_words=["新造的词语"])) is None
    (build / derived.FILE).write_text("{not json", encoding="utf-8")
    assert derived.load(build, gen, segmenter) is None


def test_an_upsert_and_a_faq_edit_keep_vocabulary_and_completions_right(
    writable_runtime: Runtime, tmp_path: Path
) -> None:
    rt = writable_runtime
    item = Item(
        id="new-item", name="蜂箱养殖备案登记", item_type="其他", department="农业农村局",
        region_code="440000", region_name="广东省", level="省级", audiences=("企业",),
    )  # fmt: skip
    rt.upsert([item, Faq(id="new-faq", question="蜂蜜出口检疫要多久", answer="十个工作日。")])
    assert rt.wait_for_derived()
    assert [s.text for s in rt.suggester.suggest("蜂箱")] == ["蜂箱养殖备案登记"]
    assert rt.search.vocab is not None and "检疫" in rt.search.vocab.df
    _assert_same(rt)
    # The runtime stored them again for the new generation: the next start reads them.
    build = rt.index.build
    assert derived.load(build, derived.generation(build), rt.segmenter) is not None
    assert len(list(build.glob("derived-postings-*.npy"))) == 1  # the old one removed
    again = _runtime(rt.settings.index_dir, tmp_path / "again", (rt.segmenter, rt.encoder))
    try:
        assert [s.text for s in again.suggester.suggest("蜂箱")] == ["蜂箱养殖备案登记"]
        _assert_same(again)
    finally:
        again.close()


def test_an_incremental_build_stores_its_own(tmp_path: Path, segmenter: Segmenter) -> None:
    """`extend` copies the serving build's files but not its derived ones: the new build's
    are computed for its own records (here one title changed, one record removed)."""
    from fakes import HashEncoder

    from zwfw.indexer import build_index
    from zwfw.search.store import read_manifest

    settings = Settings(index_dir=tmp_path / "idx")
    faqs = [Faq(id=f"f{i}", question=q, answer="答") for i, q in enumerate(
        ["医保密码忘了怎么办", "社保卡丢了怎么挂失", "护照过期了怎么换发"]
    )]  # fmt: skip
    first = build_index(faqs, settings, HashEncoder(), segmenter)
    changed = [faqs[0], Faq(id="f1", question="驾驶证到期怎么换领", answer="答")]
    second = build_index(changed, settings, HashEncoder(), segmenter)
    assert read_manifest(second).get("from_build") == first.name  # built by `extend`
    stored = derived.load(second, derived.generation(second), segmenter)
    assert stored is not None
    computed = _compute_from(second, segmenter)
    assert _sets(stored.scan.postings) == _sets(computed.scan.postings)
    assert "驾驶证" in stored.scan.postings and "护照" not in stored.scan.postings
    assert len(list(second.glob("derived-postings-*.npy"))) == 1
