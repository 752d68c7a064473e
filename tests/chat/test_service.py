"""The assistant end to end over the demo index: guide answers, clarification, context,
hand-offs, navigation and FAQ answers, as a citizen would see them."""

from __future__ import annotations

import re

import pytest

from chat.conftest import Conversation
from zwfw.chat import ChatAction, ChatService, create_chat_service
from zwfw.chat.elder import short_name
from zwfw.core.errors import InvalidQuery
from zwfw.nav import create_nav_service
from zwfw.runtime import Runtime
from zwfw.storage import Storage

PASSPORT_GZ = "普通护照签发（首次申请）"


def test_three_turns_keep_talking_about_the_same_passport(talk: Conversation) -> None:
    # QA declines (no FAQ entry is about a first passport in Guangzhou), search's confident
    # item is the subject: the question and its follow-ups are answered from its guide.
    first = talk.say("我在广州，第一次办护照要带什么")
    assert first.action is ChatAction.ANSWER and "居民身份证" in first.reply
    assert first.sources[0].type == "item" and first.cards[0].title == PASSPORT_GZ
    item = first.cards[0]

    fee = talk.say("要多少钱")
    assert fee.action is ChatAction.ANSWER and "120元" in fee.reply
    place = talk.say("在哪里办")
    assert place.action is ChatAction.ANSWER and "出入境" in place.reply
    assert [r.sources[0].id for r in talk.turns[1:]] == [item.id] * 2


def test_a_question_matching_several_variants_asks_which_one(talk: Conversation) -> None:
    asked = talk.say("普通护照签发要带什么材料")
    assert asked.action is ChatAction.CLARIFY and {"第一次办", "丢失补办"} <= set(asked.options)
    assert {c.title for c in asked.cards} >= {PASSPORT_GZ, "普通护照签发（遗失补发）"}

    where = talk.say("第一次办")
    assert where.action is ChatAction.CLARIFY
    assert sorted(where.options) == sorted(["广州市", "深圳市", "杭州市"])

    answered = talk.say("深圳")
    assert answered.action is ChatAction.ANSWER
    assert answered.sources[0].title == PASSPORT_GZ and "深圳" in answered.reply


def test_an_option_can_be_picked_by_its_number(talk: Conversation) -> None:
    asked = talk.say("普通护照签发要带什么材料")
    # 第一次办 is offered in several cities, so picking it by its number asks which city;
    # its place in the list follows the ranking, so the number is looked up.
    number = "一二三四五六"[asked.options.index("第一次办")]
    picked = talk.say(f"第{number}个")
    assert picked.action is ChatAction.CLARIFY and picked.reply != asked.reply
    assert picked.options and all(o.endswith("市") for o in picked.options)


def test_the_same_question_in_another_city_reuses_the_last_field(talk: Conversation) -> None:
    talk.say("广州第一次办护照在哪里办")
    shenzhen = talk.say("那深圳呢")
    assert shenzhen.action is ChatAction.ANSWER and "深圳市公安局出入境" in shenzhen.reply


def test_variants_that_agree_are_answered_without_asking(talk: Conversation) -> None:
    reply = talk.say("补办身份证的咨询电话是多少，我在杭州")
    assert reply.action is ChatAction.ANSWER and reply.sources


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        pytest.param("广州第一次办身份证要带什么", "居民户口簿", id="materials"),
        pytest.param("广州第一次办身份证多少钱", "20元", id="fee"),
        pytest.param("广州第一次办身份证要多久", "20个工作日", id="time-limit"),
        pytest.param("广州第一次办身份证在哪里办", "派出所", id="location"),
        pytest.param("广州第一次办身份证网上能办吗", "不能全程网上办理", id="online"),
        pytest.param("广州第一次办身份证需要什么条件", "年满16周岁", id="conditions"),
        pytest.param("广州第一次办身份证咨询电话", "020-12345", id="phone"),
        pytest.param("广州第一次办身份证的适用对象", "自然人", id="audience"),
        pytest.param("广州第一次办身份证能网上办吗", "网上", id="online"),
    ],
)
def test_each_guide_field_is_answered_from_the_item(
    talk: Conversation, question: str, expected: str
) -> None:
    reply = talk.say(question)
    assert reply.action is ChatAction.ANSWER, reply.reply
    assert expected in reply.reply
    assert reply.sources[0].type == "item" and "广州" in reply.reply


def test_a_follow_up_without_context_asks_what_it_is_about(talk: Conversation) -> None:
    reply = talk.say("要多少钱")
    assert reply.action is ChatAction.CLARIFY and not reply.sources


@pytest.mark.parametrize(
    "message", ["帮我订一张明天去北京的机票", "推荐一部好看的电影", "股票明天会涨吗"]
)
def test_out_of_scope_questions_are_handed_off_not_guessed(
    talk: Conversation, message: str
) -> None:
    reply = talk.say(message)
    assert reply.action is ChatAction.HANDOFF and "12345" in reply.reply
    assert not reply.sources


def test_a_complaint_goes_to_12345(talk: Conversation) -> None:
    # Either the hand-off, or QA's own answer about the 12345 line (the chat never answers
    # worse than QA would): both give the citizen the complaint line.
    reply = talk.say("我要投诉办证窗口工作人员态度差")
    assert reply.action in (ChatAction.HANDOFF, ChatAction.ANSWER) and "12345" in reply.reply


def test_a_complaint_about_the_service_under_discussion_names_its_complaint_line(
    talk: Conversation,
) -> None:
    talk.say("广州第一次办身份证要带什么")
    assert "020-12345" in talk.say("我要投诉").reply


def test_an_emergency_gets_the_emergency_number_first(talk: Conversation) -> None:
    reply = talk.say("家里着火了")
    assert reply.action is ChatAction.HANDOFF and reply.reply.startswith("情况紧急请立即拨打119")


@pytest.mark.parametrize(("message", "part"), [("你好", "您好"), ("谢谢", "不客气")])
def test_greetings_and_thanks_get_short_polite_replies(
    talk: Conversation, message: str, part: str
) -> None:
    reply = talk.say(message)
    assert reply.action is ChatAction.SMALLTALK and part in reply.reply and len(reply.reply) < 60


def test_a_need_is_answered_with_services_to_start_from(talk: Conversation) -> None:
    reply = talk.say("我要开个小店")
    assert reply.action is ChatAction.NAVIGATE
    assert reply.cards[0].title == "个体工商户设立登记"
    assert any(c.type == "app" for c in reply.cards)


def test_a_life_event_lists_its_services(talk: Conversation) -> None:
    reply = talk.say("孩子出生了要办什么")
    titles = [c.title for c in reply.cards]
    assert reply.action is ChatAction.NAVIGATE and any("出生" in t for t in titles)


def test_with_a_navigation_service_a_need_starts_a_guided_dialogue(
    demo_runtime: Runtime, sqlite_storage: Storage
) -> None:
    nav = create_nav_service(sqlite_storage, demo_runtime.search)
    chat = create_chat_service(None, demo_runtime.search, demo_runtime.qa, nav=nav)
    first = chat.reply(None, "孩子出生了要办什么", "standard")
    assert first.action is ChatAction.NAVIGATE and first.options
    second = chat.reply(first.session_id, first.options[0], "standard")
    assert second.action is ChatAction.NAVIGATE and second.session_id == first.session_id
    assert second.sources or second.options  # a checklist, or the next question
    nav.close()


def test_a_faq_question_is_answered_with_its_source(talk: Conversation) -> None:
    reply = talk.say("身份证丢了怎么补办？")
    assert reply.action is ChatAction.ANSWER
    assert reply.sources[0].type == "faq" and reply.sources[0].id == "demo-faq-001"


def test_a_bare_service_name_offers_the_services_it_names(talk: Conversation) -> None:
    reply = talk.say("社保卡")
    assert reply.action is ChatAction.CLARIFY and reply.options[-1] == "都不是"
    titles = {c.title for c in reply.cards}
    assert "社会保障卡申领（首次）" in titles and "社会保障卡申领（首次）" in reply.options
    about = talk.say("社会保障卡申领（首次）")
    assert about.sources[0].title == "社会保障卡申领（首次）" and "要多少钱" in about.options
    assert talk.say("在哪里办").action is ChatAction.ANSWER


def test_an_unknown_session_id_starts_a_new_session_under_a_server_id(chat: ChatService) -> None:
    reply = chat.reply("never-seen", "要多少钱", "standard")
    assert reply.session_id != "never-seen" and reply.action is ChatAction.CLARIFY
    assert reply.reply.startswith("之前的对话已过期")


def test_an_overlong_message_is_refused(chat: ChatService) -> None:
    with pytest.raises(InvalidQuery, match="longer than 200"):
        chat.reply(None, "护" * 201, "standard")


# --- elderly mode ---------------------------------------------------------------------------

_DIGIT = re.compile(r"\d")


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[。！？])", text, maxsplit=1)[0]


ELDER_QUESTIONS = [
    "我在广州，第一次办护照要带什么",
    "那要多少钱",
    "多久能办好",
    "网上能办吗",
    "电话是多少",
    "身份证丢了怎么补办",
    "我要开个小店",
    "办护照要带什么",
]


@pytest.mark.parametrize("question", ELDER_QUESTIONS)
def test_elderly_replies_follow_the_spoken_rules(elder: Conversation, question: str) -> None:
    elder.say("我在广州，第一次办护照要带什么")
    reply = elder.say(question)
    assert len(_first_sentence(reply.reply)) <= 40, reply.reply
    assert reply.speech is not None and not _DIGIT.search(reply.speech), reply.speech
    assert len(_first_sentence(reply.speech)) <= 40, reply.speech
    assert "http" not in reply.reply and "|" not in reply.reply
    assert len(reply.options) <= 3


def test_elderly_mode_speaks_amounts_and_time_limits(elder: Conversation) -> None:
    elder.say("我在广州，第一次办护照要带什么")
    fee = elder.say("那要多少钱")
    assert "120元" in fee.reply and "一百二十元" in (fee.speech or "")
    limit = elder.say("多久能办好")
    assert "5个工作日" in limit.reply and "五个工作日" in (limit.speech or "")


def test_elderly_mode_corrects_homophones_in_the_transcript(elder: Conversation) -> None:
    reply = elder.say("广州第一次办户照要带什么")
    assert reply.action is ChatAction.ANSWER and "护照" in reply.sources[0].title
    assert [c.title for c in reply.cards] == [PASSPORT_GZ]


@pytest.mark.parametrize("mode", ["standard", "elder"])
def test_a_faq_answer_says_whose_rules_it_states(chat: ChatService, mode: str) -> None:
    reply = chat.reply(None, "广州新生儿怎么上户口？", mode)
    assert reply.action is ChatAction.ANSWER and reply.sources[0].id == "demo-faq-011"
    assert reply.sources[0].region == "广州市"
    if mode == "standard":
        assert "来源：广州市常见问题" in reply.reply
    else:
        assert reply.reply.startswith("以下是广州市的解答。")


@pytest.mark.parametrize("mode", ["standard", "elder"])
def test_a_service_asked_about_where_the_catalogue_has_none_says_whose_guides_exist(
    chat: ChatService, mode: str
) -> None:
    """Not answered from another region's guide: the reply names the region asked about and
    the regions whose guides there are, citing the item."""
    reply = chat.reply(None, f"在北京办理{PASSPORT_GZ}需要什么材料", mode)
    assert reply.action is ChatAction.CLARIFY
    assert "北京市" in reply.reply and reply.sources[0].type == "item"
    assert "广州市" in reply.options


@pytest.mark.parametrize("mode", ["standard", "elder"])
def test_picking_an_offered_region_answers_the_question_there(chat: ChatService, mode: str) -> None:
    """The regions offered lead somewhere: picking one answers the fields first asked from
    that region's guide, and a follow-up stays with the service."""
    first = chat.reply(None, f"在北京办理{PASSPORT_GZ}需要什么材料", mode)
    assert "广州市" in first.options and short_name(PASSPORT_GZ) in first.reply
    picked = chat.reply(first.session_id, "广州市", mode)
    assert "下线" not in picked.reply and picked.action is not ChatAction.HANDOFF
    if picked.action is ChatAction.CLARIFY:  # Guangzhou has several variants: which one
        first_time = picked.options[0]  # 第一次办
        picked = chat.reply(first.session_id, first_time, mode)
    assert picked.action is ChatAction.ANSWER, picked.reply
    assert PASSPORT_GZ in {s.title for s in picked.sources}
    more = chat.reply(first.session_id, "要多少钱", mode)
    assert more.action is not ChatAction.HANDOFF and "下线" not in more.reply
    assert PASSPORT_GZ in {s.title for s in more.sources} | {c.title for c in more.cards}


def test_the_same_service_in_a_region_it_serves_is_answered(chat: ChatService) -> None:
    reply = chat.reply(None, f"在广州办理{PASSPORT_GZ}需要什么材料", "standard")
    shown = {s.title for s in reply.sources} | {c.title for c in reply.cards}
    assert reply.action is ChatAction.ANSWER and PASSPORT_GZ in shown
