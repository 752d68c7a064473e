"""Fixed replies: small talk, and hand-offs to the channel that can actually help.

Emergencies go to 110 (police), 120 (ambulance) or 119 (fire): an online assistant cannot
dispatch anyone, so it says so and names the number first. Complaints and reports go to the
12345 hotline, which is the channel that registers and tracks them.
"""

from __future__ import annotations

from zwfw.chat.intents import Detected, Intent
from zwfw.chat.types import ChatAction, ChatReply

EMERGENCY_NAMES = {"110": "110报警电话", "120": "120急救电话", "119": "119火警电话"}
STARTERS = ["办护照要带什么", "社保卡在哪里办", "孩子出生了要办什么"]
# There is no human agent behind this assistant to transfer to: human service is the
# hotline, and the reply says so rather than promising a transfer that never comes.
HUMAN_SERVICE = (
    "人工服务请拨打{hotline}政务服务便民热线，由工作人员为您解答。"
    "我是线上智能客服，无法为您转接真人。"
)
HUMAN_OPTION = "人工服务"  # a quick reply that leads to HUMAN_SERVICE, promising no transfer


def canned(detected: Detected, hotline: str, complaint_phone: str | None = None) -> ChatReply:
    """The reply to an intent that needs no retrieval."""
    intent = detected.intent
    if intent is Intent.EMERGENCY:
        numbers = "、".join(EMERGENCY_NAMES[c] for c in detected.channels)
        return ChatReply(
            "",
            f"情况紧急请立即拨打{numbers}！我是线上客服，无法出警或派车，请不要在这里等待回复。",
            ChatAction.HANDOFF,
        )
    if intent is Intent.COMPLAINT:
        local = f"该事项的投诉电话是{complaint_phone}；" if complaint_phone else ""
        return ChatReply(
            "",
            f"您的意见我们会认真对待。投诉或举报请拨打{hotline}政务服务便民热线，{local}"
            f"工作人员会登记并跟踪办理。涉及公职人员违纪违法的，也可以向纪检监察机关举报（12388）。",
            ChatAction.HANDOFF,
        )
    if intent is Intent.HUMAN:
        return ChatReply(
            "",
            HUMAN_SERVICE.format(hotline=hotline),
            ChatAction.HANDOFF,
        )
    return ChatReply("", _SMALLTALK[intent], ChatAction.SMALLTALK, options=_OPTIONS.get(intent, []))


_SMALLTALK = {
    Intent.GREETING: "您好！我是政务服务智能客服，可以帮您查办事要带的材料、收费、地点和时限。",
    Intent.THANKS: "不客气！还有其他问题随时问我。",
    Intent.GOODBYE: "再见，祝您办事顺利！",
    Intent.CHITCHAT: "我是政务服务智能客服，闲聊我不太擅长。"
    "办事要带什么材料、在哪里办，都可以问我。",
}
_OPTIONS = {Intent.GREETING: STARTERS, Intent.CHITCHAT: STARTERS}
