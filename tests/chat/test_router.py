"""The router's conversation rules over the demo index: replies carry their items, the same
question is never asked twice in a row, answers outside the options are understood, and a
follow-up after a FAQ answer keeps its subject."""

from __future__ import annotations

from chat.conftest import Conversation
from zwfw.chat import ChatAction, create_chat_service
from zwfw.core.records import Item
from zwfw.nav import create_nav_service
from zwfw.runtime import Runtime
from zwfw.storage import Storage


def test_a_clarification_lists_its_items_as_cards_with_ids_and_names_them(
    talk: Conversation, demo_runtime: Runtime
) -> None:
    reply = talk.say("社保卡")
    assert reply.action is ChatAction.CLARIFY and reply.cards
    docs = demo_runtime.index.docs.get([f"item:{c.id}" for c in reply.cards])
    assert all(isinstance(docs.get(f"item:{c.id}"), Item) for c in reply.cards)
    titles = {c.title for c in reply.cards}
    named = [o for o in reply.options if o in titles]
    assert named, "an item offered in the options is also a card"


def test_an_exact_item_name_is_cited_and_asks_what_about_it(talk: Conversation) -> None:
    reply = talk.say("社会保障卡申领（首次）")
    assert reply.sources[0].type == "item" and reply.sources[0].title == "社会保障卡申领（首次）"
    assert reply.cards[0].id == reply.sources[0].id and "需要带什么材料" in reply.options


def test_a_city_named_freely_that_the_service_lacks_is_said_and_never_asked_again(
    talk: Conversation,
) -> None:
    asked = talk.say("我的社保卡掉了要去哪里补")
    assert asked.action is ChatAction.CLARIFY and "深圳市" not in asked.options
    said = talk.say("深圳")
    assert "没有深圳市" in said.reply and said.reply != asked.reply
    again = talk.say("深圳")
    assert again.action is ChatAction.HANDOFF and "12345" in again.reply
    assert again.cards, "the hand-off keeps the services to tap"


def test_no_question_is_asked_twice_in_a_row(talk: Conversation) -> None:
    for message in ("我的社保卡掉了要去哪里补", "深圳", "深圳", "深圳", "那要多少钱", "那要多少钱"):
        talk.say(message)
    asked = [t.reply for t in talk.turns]
    questions = [t.action in (ChatAction.CLARIFY, ChatAction.NAVIGATE) for t in talk.turns]
    for i in range(1, len(asked)):
        assert not (questions[i] and asked[i] == asked[i - 1]), asked[i]


def test_none_of_these_offers_the_next_candidates_or_hands_off(talk: Conversation) -> None:
    first = talk.say("社保卡")
    after = talk.say("都不是")
    assert after.reply != first.reply
    shown = set(first.options) - {"都不是"}
    if after.action is ChatAction.CLARIFY:
        assert not shown & set(after.options)
    else:
        assert after.action is ChatAction.HANDOFF and "12345" in after.reply


def test_a_follow_up_after_a_faq_answer_keeps_its_subject(talk: Conversation) -> None:
    answered = talk.say("社保卡怎么激活")
    assert answered.action is ChatAction.ANSWER and answered.sources[0].type == "faq"
    follow = talk.say("补办要带什么材料")
    titles = [c.title for c in follow.cards] + [s.title for s in follow.sources]
    assert any("社会保障卡" in t and "补换" in t for t in titles), follow


def test_a_new_need_during_a_clarification_is_routed_afresh(talk: Conversation) -> None:
    talk.say("普通护照签发要带什么材料")
    reply = talk.say("社会保障卡申领（首次）")
    assert reply.sources[0].title == "社会保障卡申领（首次）"


def test_an_answer_naming_the_option_and_a_city_answers_both(talk: Conversation) -> None:
    talk.say("普通护照签发要带什么材料")
    reply = talk.say("深圳第一次办")
    assert reply.action is ChatAction.ANSWER and "深圳" in reply.reply


def test_nothing_matching_says_so_with_the_hotline(talk: Conversation) -> None:
    reply = talk.say("宠物狗怎么训练")
    assert reply.action is ChatAction.HANDOFF and "12345" in reply.reply
    assert "没有找到" in reply.reply and reply.cards, "the nearest items are shown"


def test_elderly_mode_gets_the_same_routing_and_keeps_its_rules(elder: Conversation) -> None:
    reply = elder.say("社保卡")
    assert reply.action is ChatAction.CLARIFY and reply.cards and len(reply.options) <= 3
    about = elder.say("第一个")
    first = about.reply.split("。")[0]
    assert len(first) <= 40 and "http" not in about.reply


def test_a_region_picked_after_a_place_question_answers_the_place(talk: Conversation) -> None:
    # 资格 in the service's name asks for no conditions: the field first asked (办理地点)
    # is answered once the citizen picks one of the regions there are.
    asked = talk.say("领取社会保险待遇资格认证，湖南省哪里可以办？")
    assert asked.action is ChatAction.CLARIFY and "没有湖南省" in asked.reply
    assert "广东省" in asked.options
    picked = talk.say("广东省")
    assert picked.action is ChatAction.ANSWER and "办理地点" in picked.reply
    assert "申请条件" not in picked.reply


def test_after_a_lookup_faq_a_follow_up_is_about_its_subject_not_a_lookup(
    talk: Conversation,
) -> None:
    answered = talk.say("杭州怎么查身份证办好了没有？")
    assert answered.action is ChatAction.ANSWER and answered.sources[0].type == "faq"
    follow = talk.say("补办要带什么材料")
    titles = [s.title for s in follow.sources] + [c.title for c in follow.cards]
    assert titles and all("身份证" in t and "查询" not in t for t in titles), titles


def test_a_field_question_after_no_match_is_still_about_that_need(talk: Conversation) -> None:
    first = talk.say("渔船登记")
    assert first.action is ChatAction.HANDOFF
    follow = talk.say("要带什么材料")
    # Not "请问您想问哪一项业务？": the need was said, and it is still not in the catalogue.
    assert follow.action is ChatAction.HANDOFF and "12345" in follow.reply


def test_none_of_these_after_a_keyword_pages_to_titles_holding_it(talk: Conversation) -> None:
    # 驾驶证 covers little of any long title, but 机动车驾驶证补领 holds all of it.
    first = talk.say("驾驶证")
    assert first.action is ChatAction.CLARIFY
    after = talk.say("都不是")
    assert after.action is ChatAction.CLARIFY
    named = [o for o in after.options if o != "都不是"]
    assert named and not set(named) & set(first.options)
    assert any("驾驶" in o for o in named)


def test_a_city_navigation_has_no_option_for_is_said_before_asking_again(
    demo_runtime: Runtime, sqlite_storage: Storage
) -> None:
    nav = create_nav_service(sqlite_storage, demo_runtime.search)
    talk = Conversation(create_chat_service(None, demo_runtime.search, demo_runtime.qa, nav=nav))
    asked = talk.say("我要领失业保险金")
    assert asked.action is ChatAction.NAVIGATE and asked.options
    again = talk.say("长沙")
    assert again.reply.startswith("没有找到长沙市专门的办理事项") and again.options


def test_a_city_inside_a_provincial_services_region_is_acknowledged(talk: Conversation) -> None:
    # The same "about the item" reply came back as if 深圳 were unheard, and the loop
    # guard turned the second one into a hand-off.
    talk.say("领取社会保险待遇资格认证")
    city = talk.say("深圳")
    assert city.reply.startswith("广东省的办事指南适用于深圳市")
    assert city.action is not ChatAction.HANDOFF and city.sources
