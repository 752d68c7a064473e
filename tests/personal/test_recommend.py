"""Recommendations: life stages, co-occurrence, regional popularity, the high-frequency list."""

from __future__ import annotations

from personal_support import consent_all

from zwfw.personal import EventType, PersonalService, Recommendation

SOCIAL_CARD_GZ = "11440100696927671X3442111601001"  # 社会保障卡申领, 广州
HOUSING_FUND_GZ = "1244010018814227X33442171602001"  # 住房公积金提取, 广州
PASSPORT_SZ = "11440300MB2D9265XY3440106611001"  # 普通护照签发, 深圳
PASSPORT_HZ = "11330100MB2D3309473330106611001"  # 普通护照签发, 杭州
MARRIAGE_SZ = "11440300MB2D23590L3440708601001"  # 内地居民结婚登记, 深圳
MARRIAGE_HZ = "11330100MB2C78531L3330708601001"  # 内地居民结婚登记, 杭州


def _rows(recs: list[Recommendation]) -> list[tuple[str, str, str]]:
    return [(r.item.catalog_name, r.item.region_code, r.source) for r in recs]


def _profile(service: PersonalService, user: str, **values: object) -> None:
    service.put_profile(user, "person", values, consent_all(values))


def test_turning_sixty_brings_the_senior_card_and_pension_items_of_the_users_city(
    service: PersonalService,
) -> None:
    _profile(service, "u1", birth_year=1966, region_code="440106")
    region, recs = service.recommendations("u1", 10)
    assert region == "440106"
    stage = [r for r in recs if r.source == "life_stage"]
    assert [(r.item.catalog_name, r.item.region_code) for r in stage[:2]] == [
        ("老年人优待证办理", "440100"),
        ("企业职工基本养老金申领", "440100"),
    ]
    assert {r.reason for r in stage} == {"今年年满60周岁"}
    assert all(r.item.region_code in ("440100", "440000") for r in recs)


def test_a_child_turning_six_brings_school_enrolment(service: PersonalService) -> None:
    _profile(service, "u1", birth_year=1990, region_code="440305", children_birth_years=[2020])
    _, recs = service.recommendations("u1", 5)
    assert _rows(recs)[0] == ("义务教育阶段学校入学报名", "440300", "life_stage")
    assert recs[0].reason == "孩子今年满6周岁，到了入学年龄"


def test_life_stages_need_consent_for_recommendations(service: PersonalService) -> None:
    values = {"birth_year": 1966, "region_code": "440106"}
    service.put_profile("u1", "person", values, {k: ["policy"] for k in values})
    region, recs = service.recommendations("u1", 10)
    assert region is None
    assert all(r.source != "life_stage" for r in recs)


def test_items_handled_together_by_others_are_suggested_with_the_shared_item_named(
    service: PersonalService,
) -> None:
    _profile(service, "me", birth_year=1990, region_code="440106")
    for other in ("a", "b"):
        service.record_event(other, EventType.HANDLE, item_id=SOCIAL_CARD_GZ)
        service.record_event(other, EventType.HANDLE, item_id=HOUSING_FUND_GZ)
    service.record_event("me", EventType.HANDLE, item_id=SOCIAL_CARD_GZ)
    _, recs = service.recommendations("me", 10)
    first = recs[0]
    assert (first.item.catalog_name, first.source) == ("住房公积金提取", "co_occurrence")
    assert first.reason == "办理「社会保障卡服务」的人也常办"
    assert "社会保障卡服务" not in {r.item.catalog_name for r in recs}  # already handled


def test_what_a_single_other_person_did_is_never_suggested(service: PersonalService) -> None:
    _profile(service, "me", birth_year=1990, region_code="440106")
    service.record_event("only-one", EventType.HANDLE, item_id=SOCIAL_CARD_GZ)
    service.record_event("only-one", EventType.HANDLE, item_id=HOUSING_FUND_GZ)
    service.record_event("me", EventType.HANDLE, item_id=SOCIAL_CARD_GZ)
    _, recs = service.recommendations("me", 10)
    assert all(r.source != "co_occurrence" for r in recs)


def test_a_cold_start_gets_what_is_popular_in_its_region_not_elsewhere(
    service: PersonalService,
) -> None:
    for user in ("a", "b", "c"):
        service.record_event(user, EventType.CLICK, item_id=MARRIAGE_HZ)
    for user in ("d", "e"):
        service.record_event(user, EventType.CLICK, item_id=PASSPORT_SZ)
    region, recs = service.recommendations("newcomer", 10, region="440305")
    assert region == "440305"
    regional = [r for r in recs if r.source == "regional"]
    assert [(r.item.id, r.reason) for r in regional] == [(PASSPORT_SZ, "深圳市近期热门")]
    # Hangzhou's popular 结婚登记 is not shown as popular here.
    assert MARRIAGE_HZ not in {r.item.id for r in recs}
    assert all(r.item.region_code in ("440300", "440000") for r in recs)


def test_a_cold_start_without_any_events_gets_the_high_frequency_list_for_its_region(
    service: PersonalService,
) -> None:
    region, recs = service.recommendations("newcomer", 4, region="330106")
    assert region == "330106"
    assert [r.source for r in recs] == ["high_frequency"] * 4
    assert recs[0].item.catalog_name == "居民身份证申领、换领、补领"
    assert recs[0].item.region_code == "330100" and recs[0].item.variant == "首次"
    assert all(r.reason == "高频办理事项" for r in recs)


def test_the_regional_variant_is_the_narrowest_region_containing_the_user(
    service: PersonalService,
) -> None:
    _, gz = service.recommendations("x", 10, region="440106")
    by_catalog = {r.item.catalog_name: r.item.region_code for r in gz}
    assert by_catalog["社会保障卡服务"] == "440100"  # the city's, not another city's
    assert by_catalog["个人权益记录（参保证明）查询打印"] == "440000"  # only the province has one


def test_the_sources_take_turns_after_the_life_stage_items(service: PersonalService) -> None:
    _profile(service, "me", birth_year=1990, region_code="440305")
    for user in ("a", "b"):
        service.record_event(user, EventType.CLICK, item_id=MARRIAGE_SZ)
        service.record_event(user, EventType.CLICK, item_id=PASSPORT_SZ)
    service.record_event("me", EventType.CLICK, item_id=MARRIAGE_SZ)
    _, recs = service.recommendations("me", 4)
    # The second regional pick (护照) was already taken by co-occurrence, so it is skipped.
    assert _rows(recs) == [
        ("普通护照签发", "440300", "co_occurrence"),
        ("内地居民结婚登记", "440300", "regional"),
        ("居民身份证申领、换领、补领", "440300", "high_frequency"),
        ("社会保障卡服务", "440300", "high_frequency"),
    ]
