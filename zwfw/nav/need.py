"""Telling a need ("我要开个小店") from a question ("社保卡丢了怎么补办").

A question asks about one thing and is answered by search or the FAQ; a need names a goal or
a life event and is served by navigation, which asks back until it knows the exact item. The
chat router is meant to call `looks_like_need` once per message, before search and QA.
"""

from __future__ import annotations

import re

from zwfw.models import normalize

# "What do I have to do" is a request for navigation even though it is phrased as a question.
_WHAT_TO_DO = re.compile(
    r"(要|该|得|需要|应该|可以)(去)?(办|做|处理|跑)(些|哪些|什么|啥|哪几)|办(什么|哪些|啥)手续"
    r"|(有|要)哪些(手续|事)|一件事"
)
_INTENT = re.compile(
    r"^(我|我们|俺|本人|家里|孩子|小孩|老人)?(公司|单位|家)?(要|想|想要|打算|准备|需要|得)"
)
_EVENT = re.compile(
    r"(孩子|小孩|宝宝|娃|老人|父亲|母亲|爸|妈|家人|亲人)(刚)?(出生|生了|上学|入学|去世|过世|走了)"
    r"|(刚|要|准备)?(结婚|退休|毕业|生孩子|买房|买了房|开店|开公司|创业|失业|离职|入职)(了)?$"
)
# Words that make a message a question about details, which search or the FAQ answers.
_DETAIL = re.compile(
    r"怎么|怎样|如何|多少|多久|几天|哪里|在哪|什么时候|能不能|可不可以|是否|吗|么$|呢$"
    r"|[?？]|材料|条件|流程|进度|电话|地址|时间|费用|收费"
)


def looks_like_need(text: str) -> bool:
    """True when `text` states a goal or a life event rather than asking about details."""
    said = normalize(text).strip()
    if not said or len(said) > 60:
        return False
    if _WHAT_TO_DO.search(said):
        return True
    if _DETAIL.search(said):
        return False
    return bool(_INTENT.search(said) or _EVENT.search(said))
