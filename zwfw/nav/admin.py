"""Administrator edits of bundles and hints: validated against the open catalogue first.

An unknown item or app id is rejected with InvalidRecord naming the id and where it occurs,
so a typo never reaches citizens as a step with nothing behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zwfw.core.errors import InvalidRecord
from zwfw.nav.bundles import (
    Bundle,
    NavHint,
    check_hint,
    check_references,
    parse_bundle,
    parse_hint,
    to_dict,
)
from zwfw.nav.store import Kind, NavChange, NavStore
from zwfw.search.docstore import DocStore


class NavAdmin:
    def __init__(self, store: NavStore, docs: Callable[[], DocStore]) -> None:
        self.store = store
        self._docs = docs

    def bundles(self) -> list[Bundle]:
        return self.store.bundles()

    def bundle(self, bundle_id: str) -> Bundle:
        return parse_bundle(self.store.body("bundle", bundle_id))

    def save_bundle(
        self, data: dict[str, Any], author: str, bundle_id: str | None = None
    ) -> Bundle:
        """Create (bundle_id None) or replace the bundle whose id is `bundle_id`."""
        bundle = parse_bundle(data)
        _same_id(bundle.id, bundle_id)
        check_references(bundle, self._docs())
        self.store.save("bundle", bundle.id, to_dict(bundle), author, create=bundle_id is None)
        return bundle

    def delete_bundle(self, bundle_id: str, author: str) -> None:
        users = [h.id for h in self.store.hints() if h.bundle_id == bundle_id]
        if users:
            raise InvalidRecord(f"bundle {bundle_id!r} is used by hints {', '.join(users)}")
        self.store.delete("bundle", bundle_id, author)

    def hints(self) -> list[NavHint]:
        return self.store.hints()

    def hint(self, hint_id: str) -> NavHint:
        return parse_hint(self.store.body("hint", hint_id))

    def save_hint(self, data: dict[str, Any], author: str, hint_id: str | None = None) -> NavHint:
        hint = parse_hint(data)
        _same_id(hint.id, hint_id)
        check_hint(hint, self._docs(), {b.id for b in self.store.bundles()})
        self.store.save("hint", hint.id, to_dict(hint), author, create=hint_id is None)
        return hint

    def delete_hint(self, hint_id: str, author: str) -> None:
        self.store.delete("hint", hint_id, author)

    def history(
        self, kind: Kind, entity_id: str | None = None, limit: int = 100
    ) -> list[NavChange]:
        return self.store.history(kind, entity_id, limit)


def _same_id(body_id: str, path_id: str | None) -> None:
    if path_id is not None and body_id != path_id:
        raise InvalidRecord(f"the body's id {body_id!r} differs from {path_id!r}: ids never change")
