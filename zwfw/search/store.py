"""The on-disk layout of an index directory, and opening one build of it.

    index_dir/CURRENT            name of the serving build (replaced atomically)
    index_dir/builds/<name>/     docs.sqlite, lexical/, vectors.faiss, manifest.json,
                                 derived.json (start-up structures, `zwfw.search.derived`)

A new build is written beside the serving one and `CURRENT` is switched with os.replace, so a
crash mid-build leaves the previous build serving.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zwfw.core.errors import IndexNotReady
from zwfw.core.settings import Settings
from zwfw.search.docstore import DocStore
from zwfw.search.lexical import LexicalIndex, create_lexical
from zwfw.search.vector import FaissStore

SCHEMA_VERSION = 1


def builds_dir(index_dir: Path) -> Path:
    return index_dir / "builds"


def current_build(index_dir: Path) -> Path | None:
    pointer = index_dir / "CURRENT"
    if not pointer.exists():
        return None
    build = builds_dir(index_dir) / pointer.read_text(encoding="utf-8").strip()
    return build if (build / "manifest.json").exists() else None


def switch_current(index_dir: Path, build: Path) -> None:
    tmp = index_dir / "CURRENT.tmp"
    tmp.write_text(build.name, encoding="utf-8")
    os.replace(tmp, index_dir / "CURRENT")


def read_manifest(build: Path) -> dict[str, Any]:
    return json.loads((build / "manifest.json").read_text(encoding="utf-8"))


def write_manifest(build: Path, manifest: dict[str, Any]) -> None:
    tmp = build / "manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, build / "manifest.json")


@dataclass
class OpenIndex:
    """The three parts of one build, opened together."""

    build: Path
    docs: DocStore
    lexical: LexicalIndex
    vectors: FaissStore
    manifest: dict[str, Any]

    @property
    def vectors_path(self) -> Path:
        return self.build / "vectors.faiss"

    def close(self) -> None:
        self.lexical.close()
        self.docs.close()


def open_build(build: Path, settings: Settings) -> OpenIndex:
    manifest = read_manifest(build)
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise IndexNotReady(
            f"index {build} has schema {manifest.get('schema_version')}, "
            f"expected {SCHEMA_VERSION}: rebuild it"
        )
    return OpenIndex(
        build=build,
        docs=DocStore(build / "docs.sqlite"),
        lexical=create_lexical(settings.lexical, build),
        vectors=FaissStore.load(build / "vectors.faiss", mmap=settings.vector.mmap),
        manifest=manifest,
    )


def open_current(settings: Settings) -> OpenIndex:
    build = current_build(settings.index_dir)
    if build is None:
        raise IndexNotReady(
            f"no index in {settings.index_dir}: run `zwfw index SOURCE… --index-dir DIR`"
        )
    return open_build(build, settings)
