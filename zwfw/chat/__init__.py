"""The customer-service assistant: multi-turn chat over guides and FAQ, and FAQ editing."""

from zwfw.chat.factory import create_chat_service, create_faq_admin
from zwfw.chat.faq_admin import FaqAdmin, FaqChange, FaqEntry, FaqPage
from zwfw.chat.service import ChatService
from zwfw.chat.sessions import SessionState, SessionStore
from zwfw.chat.types import Card, ChatAction, ChatReply, Mode, Source

__all__ = [
    "Card",
    "ChatAction",
    "ChatReply",
    "ChatService",
    "FaqAdmin",
    "FaqChange",
    "FaqEntry",
    "FaqPage",
    "Mode",
    "SessionState",
    "SessionStore",
    "Source",
    "create_chat_service",
    "create_faq_admin",
]
