"""The embedded backend's df cutoff on score-only clauses: common terms leave the query,
matches stay the same (issue 12: single characters were most of a long query's cost)."""

from __future__ import annotations

from pathlib import Path

from lexical_docs import make_doc

from zwfw.search.lexical.embedded import TantivyIndex
from zwfw.search.lexical.protocol import Clause, LexicalQuery

# "证" is in every title, "补" in one; "身份" is what makes a match.
DOCS = [
    make_doc("a", ["身份", "证", "补"]),
    make_doc("b", ["身份", "证"]),
    make_doc("c", ["护照", "证"]),
    make_doc("d", ["户口", "证"]),
]


def _query(*optional: str) -> LexicalQuery:
    return LexicalQuery(
        clauses=(
            Clause("title_words", ("身份",)),
            Clause("title_words", optional, required=False),
        ),
        filters={},
    )


def _scores(index: TantivyIndex, query: LexicalQuery) -> dict[str, float]:
    return {hit.key: hit.score for hit in index.search(query)}


def _index(path: Path, cutoff: float, cheap: int = 0) -> TantivyIndex:
    index = TantivyIndex(path, optional_df_cutoff=cutoff, cheap_postings=cheap)
    index.upsert(DOCS)
    index.commit()
    return index


def test_a_common_score_only_term_leaves_the_query(tmp_path: Path) -> None:
    cut = _index(tmp_path / "cut", cutoff=0.5)
    kept = _index(tmp_path / "kept", cutoff=1.0)
    try:
        # 证 (in 4 of 4 documents) no longer scores; 补 (1 of 4) still does.
        assert _scores(cut, _query("证", "补")) == _scores(kept, _query("补"))
        assert _scores(cut, _query("证", "补")) != _scores(kept, _query("证", "补"))
        # The matches themselves never change: only required clauses make a match.
        assert (
            set(_scores(cut, _query("证")))
            == set(_scores(kept, _query("证")))
            == {
                "item:a",
                "item:b",
            }
        )
    finally:
        cut.close()
        kept.close()


def test_short_postings_stay_whatever_their_share(tmp_path: Path) -> None:
    """On a small catalogue every term is cheap: a 0.5 cutoff of 4 documents would drop 证."""
    small = _index(tmp_path / "small", cutoff=0.5, cheap=1_000)
    kept = _index(tmp_path / "kept", cutoff=1.0)
    try:
        assert _scores(small, _query("证", "补")) == _scores(kept, _query("证", "补"))
    finally:
        small.close()
        kept.close()


def test_required_terms_are_never_cut(tmp_path: Path) -> None:
    cut = _index(tmp_path / "cut", cutoff=0.5)
    try:
        query = LexicalQuery(clauses=(Clause("title_words", ("证",)),), filters={})
        assert len(cut.search(query)) == 4
    finally:
        cut.close()
