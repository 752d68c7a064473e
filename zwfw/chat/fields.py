"""Which service-guide field a question asks for, and the answer quoted from that field.

A service guide is structured (materials, fee, time limit, place, …), so a question about
one of them is answered from that field of the item, verbatim, never paraphrased by a model:
what the guide says is what the citizen gets, with the guide cited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from zwfw.core.records import Item
from zwfw.search.service import PROGRESS_INTENT


class GuideField(StrEnum):
    MATERIALS = "materials"
    FEE = "fee"
    TIME_LIMIT = "time_limit"
    LOCATION = "location"
    ONLINE = "online"
    CONDITIONS = "conditions"
    PHONE = "phone"
    AUDIENCE = "audience"


_PATTERNS = {
    GuideField.MATERIALS: "材料|资料|带什么|带哪些|带啥|准备什么|准备哪些|提交什么|"
    "需要什么证件|要什么证件",
    GuideField.FEE: "收费|多少钱|费用|要钱|收钱|花钱|免费|价格|工本费|几块钱|交多少|给钱",
    GuideField.TIME_LIMIT: "多久|几天|多长时间|多少天|时限|多快|几个工作日|什么时候能拿|什么时候拿|"
    "什么时候能领|办结|等多久",
    GuideField.LOCATION: "在哪|哪里办|哪儿办|哪(?:里|儿)?(?:可以|能|才能|能够)办|去哪|地址|"
    "地点|窗口|哪个大厅|到哪",
    GuideField.ONLINE: "网上|线上|在线|链接|网址|网站|手机上|手机办|手机能|小程序|"
    "不用跑|不出门|入口",
    GuideField.CONDITIONS: "条件|谁能办|谁可以办|什么人能|什么人可以|资格|符合|要满足|能不能办",
    GuideField.PHONE: "电话|热线|联系方式|号码|打给谁",
    GuideField.AUDIENCE: "适用对象|服务对象|面向谁|面向哪些|哪些人可以|个人能办|企业能办|单位能办",
}
# How a reply names each field ("您想了解下面哪一项的材料？").
FIELD_WORDS = {
    GuideField.MATERIALS: "材料",
    GuideField.FEE: "收费",
    GuideField.TIME_LIMIT: "办理时限",
    GuideField.LOCATION: "办理地点",
    GuideField.ONLINE: "网上办理",
    GuideField.CONDITIONS: "申请条件",
    GuideField.PHONE: "咨询电话",
    GuideField.AUDIENCE: "服务对象",
}
_FIELD_RE = {f: re.compile(p) for f, p in _PATTERNS.items()}
# Words around the subject of a field question, removed before the subject is searched.
_ASIDE = re.compile(
    "|".join(_PATTERNS.values())
    + "|请问|我想问|想问|问一下|那么|还有|另外|再问|需要|怎么|如何|什么|哪些|多少|一下"
    + "|拿到|领到|拿证|领证|取证|办好|办完|下来|出来|可以"
)
# Words that ask to look something up (search's progress intent, and 状态/查看).
_LOOKUP = re.compile(f"{PROGRESS_INTENT.pattern}|状态|查看")
# Single function characters: what is left without them shows whether a subject was named.
_FUNCTION = re.compile("[那要得的呢吗啊呀吧是有能可以办理去我在里了就还也都和跟]")


def detect_fields(text: str, name: str = "") -> list[GuideField]:
    """Fields a normalised question asks for, in the order it asks them ("要带什么？多少钱？").

    A field word that is part of the service's `name` names the service, not a field:
    翻译专业资格考试报名 asks nothing about 资格 (conditions)."""
    found = []
    for f, rx in _FIELD_RE.items():
        m = next((m for m in rx.finditer(text) if not (name and m[0] in name)), None)
        if m is not None:
            found.append((m.start(), f))
    return [f for _, f in sorted(found)]


def named_fields(fields: list[GuideField], text: str, name: str) -> list[GuideField]:
    """`fields` without those `text` asks only through words of the service's `name`;
    fields not detected in `text` (kept from earlier turns) stay."""
    own = set(detect_fields(text, name))
    said = set(detect_fields(text))
    return [f for f in fields if f in own or f not in said]


def subject_of(text: str) -> str:
    """The question without its field words and filler: what to search for."""
    return " ".join(re.sub(r"[^\w]+", " ", _ASIDE.sub(" ", text)).split())


def topic_of(text: str) -> str:
    """What a later message without a subject of its own is about: the subject of `text`
    without its lookup words. After 如何查询社保卡办理状态？ the topic of 补办要带什么材料 is
    社保卡, not 查询社保卡办理状态, whose 查询 and 状态 drew 进度查询 and 状态查询 items: a
    follow-up says itself whether it asks about progress."""
    subject = subject_of(text)
    return " ".join(_LOOKUP.sub(" ", subject).split()) or subject


def names_something(subject: str) -> bool:
    """True when a subject is more than function words ("那要" names nothing, "护照" does)."""
    return len(_FUNCTION.sub("", subject.replace(" ", ""))) >= 2


def field_value(item: Item, field: GuideField) -> str:
    """The field's content as a comparable string (to tell whether two variants differ)."""
    if field is GuideField.MATERIALS:
        return "；".join(item.materials)
    if field is GuideField.FEE:
        return item.fee
    if field is GuideField.TIME_LIMIT:
        return f"{item.promised_time_limit}|{item.legal_time_limit}"
    if field is GuideField.LOCATION:
        return item.location
    if field is GuideField.ONLINE:
        return f"{item.online_available}|{item.online_url}"
    if field is GuideField.CONDITIONS:
        return item.conditions
    if field is GuideField.PHONE:
        return item.consult_phone or ""
    return "、".join(item.audiences)


@dataclass(frozen=True)
class FieldAnswer:
    """A short headline (first sentence, also in elderly mode) and the quoted details."""

    headline: str
    details: tuple[str, ...] = ()


MISSING_HEAD = "办事指南没有写明"
# A catalogue name that starts with what is done (办理往来港澳通行证, 申领…, 核发…) takes no
# "办理" before it: the grammar of Chinese service names, not a list of services.
_ACTION = re.compile(
    "^(?:办理|办|申请|申领|申办|申报|领取|核发|签发|换发|补发|补领|补办|换领|注销|变更|查询|开具|"
    "出具|登记|认定|审批|审核|备案|预约|缴纳|提取|确认|注册|延续|迁移|迁入|迁出|首次|对|为|"
    "关于|给予|准予|撤销|许可|受理|发放|办结)"
)

_LIMIT = re.compile(r"(\d+)\s*[(（](工作日|自然日)[)）]")


def time_text(limit: str) -> str:
    """ "20(工作日)" → "20个工作日"; "60(自然日)" → "60天"."""
    return _LIMIT.sub(lambda m: m[1] + ("个工作日" if m[2] == "工作日" else "天"), limit)


def answer_field(item: Item, field: GuideField, name: str) -> FieldAnswer:
    """The answer to `field` from `item`; `name` is how the item is called in the headline.

    When the guide leaves a field empty the answer says so and names the phone number,
    rather than guessing.
    """
    phone = item.consult_phone or "12345"
    missing = FieldAnswer(f"{MISSING_HEAD}{name}的这项信息。", (f"建议拨打咨询电话{phone}确认。",))
    if field is GuideField.MATERIALS:
        if not item.materials:
            return missing
        listed = tuple(f"{i}. {m}" for i, m in enumerate(item.materials, start=1))
        lead = "" if _ACTION.match(item.name) else "办理"
        return FieldAnswer(f"{lead}{name}需要准备{len(item.materials)}项材料。", listed)
    if field is GuideField.FEE:
        return FieldAnswer(f"{name}的收费：{_quote(item.fee)}。") if item.fee else missing
    if field is GuideField.TIME_LIMIT:
        if not (item.promised_time_limit or item.legal_time_limit):
            return missing
        promised = time_text(item.promised_time_limit or item.legal_time_limit)
        legal = (
            (f"法定时限为{time_text(item.legal_time_limit)}。",)
            if item.legal_time_limit and item.promised_time_limit
            else ()
        )
        return FieldAnswer(f"{name}承诺{promised}内办结。", legal)
    if field is GuideField.LOCATION:
        return (
            FieldAnswer(f"{name}的办理地点：{_quote(item.location)}。")
            if item.location
            else missing
        )
    if field is GuideField.ONLINE:
        return _online(item, name)
    if field is GuideField.CONDITIONS:
        if not item.conditions:
            return missing
        return FieldAnswer(f"{name}的申请条件如下。", (item.conditions,))
    if field is GuideField.PHONE:
        return FieldAnswer(f"{name}的咨询电话是{phone}。")
    return FieldAnswer(f"{name}的服务对象：{'、'.join(item.audiences)}。")


def _online(item: Item, name: str) -> FieldAnswer:
    if item.online_available:
        link = (f"办理入口：{item.online_url}",) if item.online_url else ()
        return FieldAnswer(f"{name}可以在网上办理。", link)
    where = (f"办理地点：{_quote(item.location)}。",) if item.location else ()
    return FieldAnswer(f"{name}暂时不能全程网上办理，需要到现场。", where)


def _quote(text: str) -> str:
    """A guide sentence inside ours: its own final full stop would double ours."""
    return text.strip().rstrip("。；;.")
