"""Messages that never reach retrieval: emergencies, complaints, small talk, needs."""

from __future__ import annotations

import pytest

from zwfw.chat.intents import Intent, detect_intent, is_need, strip_greeting


@pytest.mark.parametrize(
    ("message", "channels"),
    [
        pytest.param("家里着火了怎么办", ("119",), id="fire"),
        pytest.param("我爸晕倒了", ("120",), id="medical"),
        pytest.param("有人抢劫", ("110",), id="crime"),
        pytest.param("出车祸了有人受伤", ("120", "110"), id="crash-with-injury"),
        pytest.param("紧急情况求助", ("110", "120", "119"), id="unspecified"),
    ],
)
def test_emergencies_name_the_number_that_dispatches_help(
    message: str, channels: tuple[str, ...]
) -> None:
    detected = detect_intent(message)
    assert detected is not None and detected.intent is Intent.EMERGENCY
    assert detected.channels == channels


@pytest.mark.parametrize("message", ["我要投诉", "举报乱收费", "窗口工作人员态度很差"])
def test_complaints_and_reports_are_recognised(message: str) -> None:
    detected = detect_intent(message)
    assert detected is not None and detected.intent is Intent.COMPLAINT


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("你好", Intent.GREETING),
        ("您好！", Intent.GREETING),
        ("谢谢你", Intent.THANKS),
        ("再见", Intent.GOODBYE),
        ("你是机器人吗", Intent.CHITCHAT),
        ("转人工", Intent.HUMAN),
    ],
)
def test_small_talk_is_recognised(message: str, intent: Intent) -> None:
    detected = detect_intent(message)
    assert detected is not None and detected.intent is intent


@pytest.mark.parametrize(
    "message", ["你好，办护照要带什么", "谢谢，那补办身份证要多少钱呢还有在哪办"]
)
def test_a_question_wrapped_in_politeness_is_still_a_question(message: str) -> None:
    assert detect_intent(message) is None


def test_a_leading_greeting_is_removed_from_the_question() -> None:
    assert strip_greeting("您好，办护照要带什么") == "办护照要带什么"


@pytest.mark.parametrize("message", ["我要开个小店", "孩子出生了要办什么", "退休了要办哪些手续"])
def test_needs_are_told_apart_from_questions(message: str) -> None:
    assert is_need(message)


def test_a_question_about_one_service_is_not_a_need() -> None:
    assert not is_need("护照丢了怎么补办")
