"""Shared settings, domain errors and typed records used by every other package."""

from zwfw.core.errors import (
    BackendUnavailable,
    ConfigError,
    IndexNotReady,
    InvalidQuery,
    InvalidRecord,
    MissingDependency,
    NotFound,
    SourceError,
    ZwfwError,
)
from zwfw.core.records import App, DocKind, Faq, Item, Policy, Record, doc_key
from zwfw.core.settings import Settings, get_settings

__all__ = [
    "App",
    "BackendUnavailable",
    "ConfigError",
    "DocKind",
    "Faq",
    "IndexNotReady",
    "InvalidQuery",
    "InvalidRecord",
    "Item",
    "MissingDependency",
    "NotFound",
    "Policy",
    "Record",
    "Settings",
    "SourceError",
    "ZwfwError",
    "doc_key",
    "get_settings",
]
