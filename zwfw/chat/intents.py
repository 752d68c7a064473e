"""Intents that never reach retrieval: emergencies, complaints, greetings, thanks, chit-chat,
and the words that mark a need ("我要开个小店") rather than a question.

Emergencies and complaints are checked first and win over everything else: a citizen who
writes "着火了" must get 119 at once, not a search result about fire-safety permits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Intent(StrEnum):
    EMERGENCY = "emergency"
    COMPLAINT = "complaint"
    HUMAN = "human"
    GREETING = "greeting"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    CHITCHAT = "chitchat"


@dataclass(frozen=True)
class Detected:
    intent: Intent
    channels: tuple[str, ...] = ()  # hotlines to name, in order (emergencies only)


# Which number answers which emergency; several may apply ("车祸，有人受伤" → 110 and 120).
_EMERGENCIES = (
    ("119", re.compile("着火|火灾|失火|起火|冒烟|燃气泄漏|煤气泄漏|被困")),
    ("120", re.compile("急救|晕倒|昏迷|受伤|流血|出血|心脏病|中风|中毒|溺水|不省人事|快不行了")),
    ("110", re.compile("报警|抢劫|打人|被打|打架|小偷|被偷|诈骗|被骗|车祸|绑架|跳楼|自杀|杀人")),
)
_URGENT = re.compile("紧急|救命|危险|急事|sos")
_COMPLAINT = re.compile(
    "投诉|举报|不满意|态度差|态度很差|态度恶劣|乱收费|吃拿卡要|刁难|推诿|推脱|差评|太慢了|监督"
)
_HUMAN = re.compile("转人工|人工客服|人工服务|找人工|真人客服")
_GREETING = re.compile(
    r"^(你好|您好|hi|hello|嗨|哈喽|在吗|在不在|有人吗|早上好|上午好|中午好|下午好|晚上好|喂)"
    r"[\s,，.。!！~?？呀啊]*"
)
_THANKS = re.compile("谢谢|感谢|多谢|谢了|thanks|thank you|辛苦了")
_GOODBYE = re.compile("再见|拜拜|bye")
_CHITCHAT = re.compile(
    "你是谁|你叫什么|你是机器人|你是真人|你几岁|天气|笑话|唱歌|吃了吗|吃饭了吗|无聊|讲故事|你好吗"
)
# A need names a life event or a goal, not a fact about one service.
_NEED = re.compile(
    "要办什么|办什么手续|要办哪些|办哪些|哪些手续|什么手续|需要办理什么|该办什么|该怎么办手续|"
    "^我(要|想|打算|准备|计划)"
)
_PUNCT = re.compile(r"[\s,，.。!！~?？、;；:：]+")


def detect_intent(text: str) -> Detected | None:
    """The intent of a normalised message, or None when it is a question for retrieval."""
    channels = tuple(number for number, rx in _EMERGENCIES if rx.search(text))
    if channels:
        return Detected(Intent.EMERGENCY, channels)
    if _URGENT.search(text):
        return Detected(Intent.EMERGENCY, ("110", "120", "119"))
    if _COMPLAINT.search(text):
        return Detected(Intent.COMPLAINT)
    if _HUMAN.search(text):
        return Detected(Intent.HUMAN)
    bare = _PUNCT.sub("", text)
    # Thanks and goodbyes count only in short messages: "谢谢，那要多少钱" is a question.
    if len(bare) <= 8 and _THANKS.search(bare):
        return Detected(Intent.THANKS)
    if len(bare) <= 8 and _GOODBYE.search(bare):
        return Detected(Intent.GOODBYE)
    if not strip_greeting(text):
        return Detected(Intent.GREETING)
    if _CHITCHAT.search(text):
        return Detected(Intent.CHITCHAT)
    return None


def strip_greeting(text: str) -> str:
    """The message without a leading greeting: "你好，办护照要带什么" → "办护照要带什么"."""
    return _GREETING.sub("", text, count=1).strip()


def is_need(text: str) -> bool:
    """True when the message states a goal or life event ("孩子出生了要办什么")."""
    return bool(_NEED.search(text))
