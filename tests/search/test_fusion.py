"""The learned fusion: fitted from evidence, saved small, refused when its features differ."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from zwfw.core import Item
from zwfw.core.errors import ConfigError
from zwfw.models import Segmenter
from zwfw.search.evidence import NAMES, Lists
from zwfw.search.fitting import Group, fit, ranked, synthetic
from zwfw.search.fusion import FusionModel, rrf


def _group(qid: str, rng: np.random.Generator, signal: int) -> Group:
    features = rng.normal(size=(15, len(NAMES))).astype(np.float32)
    features[3, signal] += 4.0  # the relevant candidate stands out on one kind of evidence
    ids = [f"{qid}-{i}" for i in range(15)]
    grades = np.zeros(15, dtype=np.int8)
    grades[3] = 2
    return Group(qid, "k", ids, features, grades, {ids[3]: 2}, ids, ids)


def test_the_fitted_model_ranks_by_the_evidence_that_separates_relevant_candidates() -> None:
    rng = np.random.default_rng(1)
    signal = NAMES.index("cover_bigrams")
    model = fit([_group(f"q{i}", rng, signal) for i in range(30)])
    held_out = _group("new", rng, signal)
    assert ranked(model, held_out)[0] == "new-3"
    assert model.coef[signal] > 0


def test_a_saved_model_loads_back_and_is_small(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    model = fit([_group(f"q{i}", rng, 0) for i in range(10)], about={"from": "test"})
    path = tmp_path / "fusion.json"
    model.save(path)
    loaded = FusionModel.load(path)
    assert path.stat().st_size < 20_000
    assert np.allclose(loaded.coef, model.coef, atol=1e-5)
    assert loaded.about["from"] == "test"


def test_a_model_fitted_on_other_features_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"names": ["a"], "mean": [0], "scale": [1], "coef": [1], "bias": 0}))
    with pytest.raises(ConfigError, match="ZWFW_SEARCH__FUSION_MODEL"):
        FusionModel.load(path)


def test_the_shipped_model_loads() -> None:
    assert FusionModel.load().names == NAMES


def test_rrf_adds_weighted_reciprocal_ranks() -> None:
    fused = rrf([(["a", "b"], 1.0), (["b"], 2.0)], k=1)
    assert fused == {"a": 0.5, "b": 1 / 3 + 1.0}


def test_synthetic_queries_name_their_items_and_every_same_named_sibling(
    segmenter: Segmenter,
) -> None:
    def item(i: str, name: str, dept: str) -> Item:
        return Item(id=i, name=name, item_type="t", department=dept, region_code="1",
                    region_name="r", level="l", audiences=())  # fmt: skip

    items = [item("a", "机动车驾驶证换证", "甲"), item("b", "机动车驾驶证换证", "乙"),
             item("c", "残疾人证新办", "丙")]  # fmt: skip
    made = synthetic(items, segmenter, per_item=20)
    assert {q.kind for q in made} == {"official", "keywords", "pinyin", "initials", "typo"}
    for q in made:
        if q.qid.startswith("syn-a"):
            assert q.relevant["a"] == 2 and q.relevant["b"] == 2
        assert all(isinstance(v, int) for v in q.relevant.values())
    assert any(q.kind == "pinyin" and q.query.isascii() for q in made)


def test_scores_equal_the_logits_of_the_full_feature_rows() -> None:
    from zwfw.search.evidence import Lists, feature_matrix
    from zwfw.search.query import AnalyzedQuery

    rng = np.random.default_rng(3)
    model = FusionModel(
        NAMES, rng.normal(size=len(NAMES)), rng.uniform(0.5, 2, len(NAMES)),
        rng.normal(size=len(NAMES)), 0.3, {},
    )  # fmt: skip
    q = AnalyzedQuery(raw="社保卡 bb", text="社保卡 补办", words=(), grams=(), latin=())
    lists = Lists([("a", 3.0), ("b", 1.0)], [("b", 0.9), ("c", 0.85)])
    titles = {"a": "社保卡补办", "b": "护照补办", "c": "社会保障卡"}
    keys, rows = feature_matrix(q, lists, titles)
    expected = 1 / (1 + np.exp(-model.logits(rows)))
    got = model.scores(q, lists, titles)
    assert np.allclose([got[k] for k in keys], expected, atol=1e-5)


def test_fitting_without_scikit_learn_names_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from zwfw.core.errors import MissingDependency

    monkeypatch.setitem(sys.modules, "sklearn.linear_model", None)
    rng = np.random.default_rng(4)
    with pytest.raises(MissingDependency, match=r"zwfw\[fit\]"):
        fit([_group("q", rng, 0)])


def test_a_title_met_through_a_synonym_is_marked_in_the_evidence() -> None:
    from zwfw.search.evidence import CANDIDATE_FEATURES, evidence
    from zwfw.search.query import AnalyzedQuery

    q = AnalyzedQuery(raw="ecard", text="ecard", words=("ecard",), grams=("ecard",),
                      latin=("ecard",), expansions=("电子社保卡",))  # fmt: skip
    lists = Lists([("a", 5.0)], [("b", 0.8), ("a", 0.7)])
    keys, rows, _ = evidence(q, lists, {"a": "电子社保卡申领", "b": "护照补办"})
    via = rows[:, CANDIDATE_FEATURES.index("via_synonym")]
    assert dict(zip(keys, via.tolist(), strict=True)) == {"a": 1.0, "b": 0.0}


def test_a_synonym_edit_changes_the_learned_ranking_at_once(
    tmp_path: Path, segmenter: Segmenter
) -> None:
    """No special case keeps RRF for synonym-only queries: the shipped model itself trusts a
    lexical match that came through an administrator's synonym (evidence `via_synonym`), so
    a term no title shares ("ecard") finds the item as soon as the rule exists."""
    from fakes import HashEncoder

    from zwfw.core import DocKind
    from zwfw.core.settings import Settings
    from zwfw.indexer import build_index
    from zwfw.search import SearchFilters, SearchService, open_current
    from zwfw.search.synonyms import SynonymRule, SynonymSet
    from zwfw.search.vocab import Vocabulary

    def item(i: str, name: str) -> Item:
        return Item(id=i, name=name, item_type="公共服务", department="市人力资源和社会保障局",
                    region_code="440100", region_name="广州市", level="市级",
                    audiences=("自然人",))  # fmt: skip

    names = ["电子社保卡申领", "社会保障卡补办", "护照补办", "居民身份证换领", "失业保险金申领",
             "电子营业执照下载", "驾驶证换证", "公积金提取"]  # fmt: skip
    items = [item(f"i{n}", name) for n, name in enumerate(names)]
    settings = Settings(index_dir=tmp_path)
    build_index(items, settings, HashEncoder(), segmenter)
    index = open_current(settings)
    rules: list[SynonymRule] = []
    svc = SearchService(
        index, HashEncoder(), segmenter, settings.search,
        vocab=Vocabulary.from_records(items, segmenter),
        synonyms=lambda: SynonymSet(rules), fusion=FusionModel.load(),
    )  # fmt: skip
    only_items = SearchFilters(kinds=(DocKind.ITEM,))
    before = [h.title for h in svc.search("ecard", only_items).hits]
    rules.append(SynonymRule.equivalent("ecard", "电子社保卡"))
    after = [h.title for h in svc.search("ecard", only_items).hits]
    index.close()
    assert before[:1] != ["电子社保卡申领"]
    assert after[0] == "电子社保卡申领"


def test_the_base_service_that_top_variants_extend_is_marked() -> None:
    from zwfw.search.evidence import CANDIDATE_FEATURES, evidence
    from zwfw.search.query import AnalyzedQuery

    q = AnalyzedQuery(raw="港澳通行证过期了怎么换新的", text="港澳通行证过期了怎么换新的",
                      words=(), grams=(), latin=())  # fmt: skip
    titles = {"a": "换发往来港澳通行证进度查询", "b": "补发办理往来港澳通行证进度查询",
              "c": "办理往来港澳通行证逗留签注", "d": "办理往来港澳通行证"}  # fmt: skip
    lists = Lists([(k, 10.0 - i) for i, k in enumerate("abcd")], [("a", 0.9), ("d", 0.8)])
    keys, rows, _ = evidence(q, lists, titles)
    base = dict(zip(keys, rows[:, CANDIDATE_FEATURES.index("base_of")].tolist(), strict=True))
    assert base["d"] > 0 and base["a"] == base["b"] == base["c"] == 0


def test_a_bigram_shared_by_many_candidates_counts_less_than_a_rare_one() -> None:
    from zwfw.search.evidence import CANDIDATE_FEATURES, evidence
    from zwfw.search.query import AnalyzedQuery

    q = AnalyzedQuery(raw="河长名单查询", text="河长名单查询", words=(), grams=(), latin=())
    titles = {"river": "省主要河流河长名录", "pigs": "生猪屠宰企业名单查询",
              "seeds": "种子企业名单查询", "roads": "道路运输企业名单查询"}  # fmt: skip
    lists = Lists([(k, 1.0) for k in titles], [])
    keys, rows, _ = evidence(q, lists, titles)

    def column(name: str) -> dict[str, float]:
        return dict(zip(keys, rows[:, CANDIDATE_FEATURES.index(name)].tolist(), strict=True))

    col, plain = column("cover_rare"), column("cover_bigrams")
    assert plain["pigs"] > plain["river"]  # more of the query's bigrams, all common ones
    assert col["river"] > col["pigs"]  # the rare 河长 outweighs 名单查询, shared by three
