"""How citizens really type: pinyin, initials, typos, speech homophones, filler, synonyms."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import HashEncoder

from zwfw.core import DocKind, Item
from zwfw.core.settings import Settings
from zwfw.indexer import build_index
from zwfw.models import Segmenter, normalize
from zwfw.models.normalize import strip_filler
from zwfw.models.pinyin import split_syllables
from zwfw.runtime import Runtime
from zwfw.search import SearchFilters, SearchService, open_current
from zwfw.search.understand import understand
from zwfw.search.vocab import Vocabulary

ITEMS = SearchFilters(kinds=(DocKind.ITEM,))


@pytest.fixture(scope="module")
def vocab(segmenter: Segmenter) -> Vocabulary:
    titles = (
        "社会保障卡申领 社保卡挂失 机动车驾驶证换证 户口迁出登记 经典诵读比赛报名 "
        "普通护照加注 残疾人证新办 公务员考试报名 建设工程规划许可"
    ).split()
    return Vocabulary.build(titles, segmenter)


@pytest.mark.parametrize(
    ("typed", "rewritten"),
    [
        pytest.param("shebaoka", "社保卡", id="pinyin"),
        pytest.param("huzhao jiazhu", "护照 加注", id="pinyin-words"),
        pytest.param("canjirenzhengxinban", "残疾人证新办", id="pinyin-no-spaces"),
        pytest.param("hz加注", "护照 加注", id="initials-mixed"),
        pytest.param("jsz 换证", "驾驶证 换证", id="initials-spaced"),
        pytest.param("gwy考试报名", "公务员 考试报名", id="initials-prefix"),
    ],
)
def test_romanised_input_becomes_catalogue_words(
    vocab: Vocabulary, typed: str, rewritten: str
) -> None:
    assert understand(normalize(typed), vocab).text.replace(" ", "") == rewritten.replace(" ", "")


@pytest.mark.parametrize(
    ("typed", "fixed"),
    [
        pytest.param("设保卡挂失", "社保卡挂失", id="speech-homophone"),
        pytest.param("驾使证换证", "驾驶证换证", id="typed-homophone"),
        pytest.param("户口签出", "户口迁出", id="homophone-in-phrase"),
    ],
)
def test_homophone_typos_are_corrected_from_the_catalogue(
    vocab: Vocabulary, typed: str, fixed: str
) -> None:
    result = understand(typed, vocab)
    assert result.text == fixed and result.corrected


def test_a_real_word_is_never_corrected_into_another(vocab: Vocabulary) -> None:
    # 景点 and 经典 sound alike (jingdian), but both characters differ: not a typo.
    assert understand("景点", vocab).text == "景点"
    assert understand("经典", vocab).rewrites == ()


def test_pinyin_syllables_are_split_without_spaces() -> None:
    assert split_syllables("canjirenzheng") == ["can", "ji", "ren", "zheng"]
    assert split_syllables("jsz") is None


@pytest.mark.parametrize(
    ("typed", "core"),
    [
        pytest.param("请问护照怎么办理", "护照 办理", id="polite-and-how"),
        pytest.param("我想问一下孩子上学要办什么", "孩子上学要办什么", id="long-preamble"),
        pytest.param("身份证丢了需要什么材料", "身份证丢了 材料", id="need-what"),
    ],
)
def test_polite_filler_is_stripped_but_meaning_words_stay(typed: str, core: str) -> None:
    assert strip_filler(typed) == core


@pytest.mark.parametrize(
    ("typed", "core"),
    [
        pytest.param("幸运星网吧", "幸运星网吧", id="particle-inside-a-name-stays"),
        pytest.param("我想开网吧要办什么许可吧", "开网吧要办什么许可", id="trailing-particle-goes"),
        pytest.param("护照怎么办理呢", "护照 办理", id="question-particle-goes"),
    ],
)
def test_a_particle_goes_only_where_it_stands_alone(
    segmenter: Segmenter, typed: str, core: str
) -> None:
    assert strip_filler(typed, segmenter.tokens) == core


@pytest.mark.integration
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("shehuibaozhangka", "社会保障卡", id="full-pinyin"),
        pytest.param("sbk", "社会保障卡", id="initials"),
        pytest.param("jsz 换证", "驾驶证", id="initials-and-hanzi"),
        pytest.param("hz加注", "护照", id="initials-mixed"),
        pytest.param("設保卡補辦", "社会保障卡", id="traditional-and-homophone"),
        pytest.param("驾照补办", "驾驶证", id="colloquial-synonym"),
        pytest.param("孩子上学", "入学", id="colloquial-one-way-synonym"),
        pytest.param("我想问一下结婚证怎么办理", "结婚", id="filler-and-synonym"),
    ],
)
def test_how_citizens_type_still_finds_the_item(
    demo_runtime: Runtime, query: str, expected: str
) -> None:
    hits = demo_runtime.search.search(query, ITEMS, size=3).hits
    assert expected in hits[0].title, [h.title for h in hits]


@pytest.mark.integration
def test_a_correction_is_reported_with_the_original_query(demo_runtime: Runtime) -> None:
    page = demo_runtime.search.search("设保卡补办", ITEMS)
    assert page.query == "设保卡补办"
    assert page.corrected_query == "社保卡补办"


def test_a_pinyin_reading_never_outranks_an_exact_hanzi_match(
    tmp_path: Path, segmenter: Segmenter
) -> None:
    """景点 and 经典 are both jingdian: Meilisearch's false hit. An exact hanzi query must find
    景点 only, and a pinyin reading must not lift 经典 over it."""
    items = [
        _item("a", "景点门票预约"),
        _item("b", "经典诵读比赛报名"),
        _item("c", "旅游景点名录查询"),
    ]
    settings = Settings(index_dir=tmp_path)
    build_index(items, settings, HashEncoder(), segmenter)
    index = open_current(settings)
    svc = SearchService(
        index,
        HashEncoder(),
        segmenter,
        settings.search,
        vocab=Vocabulary.from_records(items, segmenter),
    )
    titles = [h.title for h in svc.search("景点", ITEMS).hits]
    assert titles[:2] == ["景点门票预约", "旅游景点名录查询"] or titles[:2] == [
        "旅游景点名录查询",
        "景点门票预约",
    ]
    assert "经典诵读比赛报名" not in titles[:2]
    index.close()


def _item(item_id: str, name: str) -> Item:
    return Item(
        id=item_id,
        name=name,
        item_type="公共服务",
        department="市文化广电旅游局",
        region_code="440100",
        region_name="广州市",
        level="市级",
        audiences=("自然人",),
    )


@pytest.mark.integration
@pytest.mark.parametrize(
    ("query", "check"),
    [
        pytest.param("广州 护照补办", lambda h: h.region == "广州市", id="region-guangzhou"),
        pytest.param("深圳 护照补办", lambda h: h.region == "深圳市", id="region-shenzhen"),
        pytest.param("身份证丢了", lambda h: "补" in h.title, id="variant-replacement"),
        pytest.param("身份证过期了", lambda h: "换" in h.title, id="variant-renewal"),
        pytest.param(
            "公司 社保参保登记",
            lambda h: "单位" in h.title or "企业" in h.title,
            id="audience-enterprise",
        ),
    ],
)
def test_region_audience_and_variant_words_prefer_that_variant(
    demo_runtime: Runtime, query: str, check: object
) -> None:
    top = demo_runtime.search.search(query, ITEMS, size=3).hits[0]
    assert check(top), top  # type: ignore[operator]


@pytest.mark.integration
def test_a_preference_is_a_boost_not_a_filter(demo_runtime: Runtime) -> None:
    hits = demo_runtime.search.search("广州 护照补办", ITEMS, size=10).hits
    assert {"广州市", "深圳市"} <= {h.region for h in hits}


@pytest.mark.integration
def test_nonsense_falls_back_to_suggestions_and_the_hotline(demo_runtime: Runtime) -> None:
    page = demo_runtime.search.search("zzxqv", SearchFilters(kinds=(DocKind.ITEM,)))
    assert page.hits == [] and page.fallback == "suggestions" and page.hotline == "12345"


@pytest.mark.integration
def test_an_unmatched_query_relaxes_before_giving_up(demo_runtime: Runtime) -> None:
    # No shared word or bigram, but shared single characters: the relaxed stage answers.
    page = demo_runtime.search.search("护卡", ITEMS)
    assert page.fallback in ("none", "relaxed", "vector_only") and page.hits


def test_a_titles_only_query_drops_exactly_the_body_clauses(segmenter: Segmenter) -> None:
    """Correction checks read only the hits' titles, so their search skips the body."""
    from zwfw.search.query import analyze_query, lexical_query

    q = analyze_query("社保卡丢了怎么补办", segmenter, None, None)
    full = lexical_query(q, {}, 10)
    titles = lexical_query(q, {}, 10, titles_only=True)
    assert any(c.field == "body_grams" for c in full.clauses)
    assert titles.clauses == tuple(c for c in full.clauses if c.field != "body_grams")


def test_a_window_sounds_as_its_sentence_reads_it(segmenter: Segmenter) -> None:
    """行道 alone reads hang dao (航道); inside 人行道 it is xing dao and no typo: each window's
    sound is cut from the reading of the whole run, which is also one pypinyin call, not one
    per window."""
    vocab = Vocabulary.build(["航道整治工程审批", "人行横道设置"], segmenter)
    assert understand("人行道上停满了车", vocab).rewrites == ()
