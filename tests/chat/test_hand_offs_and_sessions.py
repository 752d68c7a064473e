"""Hand-offs name the channel that really exists, and a session id the server does not know
is never adopted."""

from __future__ import annotations

from chat.conftest import Conversation
from zwfw.chat import ChatAction, ChatService


def test_asking_for_a_human_names_the_hotline_and_promises_no_transfer(
    talk: Conversation,
) -> None:
    turn = talk.say("转人工")
    assert turn.action is ChatAction.HANDOFF and "12345" in turn.reply
    assert "转接" not in turn.reply.replace("无法为您转接", "")
    assert "正在" not in turn.reply


def test_hand_off_quick_replies_do_not_promise_a_transfer(talk: Conversation) -> None:
    turn = talk.say("都不是")  # nothing was offered: a hand-off
    assert turn.action is ChatAction.HANDOFF
    assert all("转人工" not in o for o in turn.options)


def test_an_unknown_session_id_is_not_adopted(chat: ChatService) -> None:
    turn = chat.reply("made-up-by-the-client", "办护照要带什么")
    assert turn.session_id != "made-up-by-the-client"
    assert "已过期" in turn.reply or "新的对话" in turn.reply
    # The server's id works for the next turn, with no notice.
    follow = chat.reply(turn.session_id, "要多少钱")
    assert follow.session_id == turn.session_id and "过期" not in follow.reply


def test_a_known_session_keeps_its_id_without_notice(talk: Conversation) -> None:
    first = talk.say("办护照要带什么")
    second = talk.say("要多少钱")
    assert second.session_id == first.session_id and "过期" not in second.reply


def test_a_need_the_catalogue_does_not_cover_is_told_so_with_the_hotline(
    talk: Conversation,
) -> None:
    turn = talk.say("我想给家里的鹦鹉做个绝育手术")
    assert turn.action is ChatAction.HANDOFF and "12345" in turn.reply
    assert "没有" in turn.reply and not turn.sources


def test_a_field_question_while_options_pend_asks_which_naming_them(talk: Conversation) -> None:
    first = talk.say("社保卡")
    assert first.action is ChatAction.CLARIFY and len(first.options) >= 2
    second = talk.say("要带什么材料")
    assert second.action is ChatAction.CLARIFY and "材料" in second.reply
    assert second.options == first.options
    picked = talk.say("第一个")
    assert picked.action in (ChatAction.ANSWER, ChatAction.CLARIFY, ChatAction.HANDOFF)
    assert picked.sources or picked.options


def test_elderly_field_question_while_options_pend_is_not_a_hand_off(
    elder: Conversation,
) -> None:
    first = elder.say("社保卡")
    assert first.action is ChatAction.CLARIFY
    second = elder.say("电话多少")
    assert second.action is not ChatAction.HANDOFF and second.options
    assert second.speech is not None and not any(ch.isdigit() for ch in second.speech)
