"""The catalogue's part of the start-up structures, computed once and stored with the build.

Before a server answers it needs the query-understanding vocabulary and the completions.
Built from every record, they were most of a worker's start-up: segmenting every title and
reading the pinyin of every word and completion (≈ 3 s of the real index's 7 s, most of the
38 s at 100k), again in every worker and after every reload. The expensive, catalogue-only
part (the titles' postings, bigrams and characters, the pinyin syllables of every word, the
merged completion texts with their pinyin) is computed by the indexer and stored as
`derived.json` in the build, with the postings (most of the vocabulary's memory) in an .npy
file beside it. A worker reads the JSON, maps the postings read-only (so the workers of a
machine share their pages, as they do FAISS's) and adds only what changes while it serves
(synonym terms, popular queries), so admin edits still show at once.

The file names the build, the generation and the segmenter dictionary it was computed for.
An update in place (upsert, FAQ edit) raises the build's generation, so the file no longer
matches: the runtime then computes the structures from the records as before (logged once),
and writes the file again for the new generation. A build without the file (made by an older
version) loads the same way.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from zwfw.core.records import Record
from zwfw.models import Segmenter
from zwfw.models.pinyin import syllables
from zwfw.search.docstore import DocStore
from zwfw.search.store import read_manifest
from zwfw.search.suggest import SuggestEntry, catalogue_keyed, readings_of
from zwfw.search.vocab import TitleScan, record_titles, scan_titles

log = logging.getLogger(__name__)

FILE = "derived.json"
POSTINGS = "derived-postings"  # + a token per save, .npy
FORMAT = 2  # raise when what is stored, or how it is computed, changes


@dataclass
class Derived:
    """The catalogue's part of the vocabulary and of the completions."""

    scan: TitleScan
    syllables: dict[str, list[str]]  # vocabulary words, characters, dictionary words
    keyed: list[tuple[str, SuggestEntry]]  # merged completion entries, by normalised text
    readings: dict[str, tuple[str, str]]  # their full pinyin and initials


def segmenter_stamp(segmenter: Segmenter) -> str:
    """Another user dictionary segments titles differently: the stored scan is then stale."""
    words = "\n".join(segmenter.dictionary_words).encode()
    return hashlib.blake2b(words, digest_size=8).hexdigest()


def compute(records: Iterable[Record], segmenter: Segmenter) -> Derived:
    """From the records in docstore order (`DocStore.iter_all`), as the runtime reads them."""
    records = list(records)
    scan = scan_titles(record_titles(records), segmenter)
    words = {*scan.postings, *(c for c, _ in scan.chars), *segmenter.dictionary_words}
    keyed = catalogue_keyed(records)
    return Derived(
        scan,
        {w: syllables(w) for w in sorted(words)},
        keyed,
        readings_of(key for key, _ in keyed),
    )


def generation(build: Path) -> int:
    return int(read_manifest(build).get("generation", 0))


def save(build: Path, derived: Derived, gen: int, segmenter: Segmenter) -> Path:
    """Write `derived.json` atomically (a private temporary name, then rename)."""
    # The postings go to an .npy file of their own that workers map read-only and so share:
    # the word count + 1 offsets, then every word's title numbers, in `words` order. Named by
    # generation and content, and in place (renamed) before the JSON that names it.
    arrays = list(derived.scan.postings.values())
    sizes = np.fromiter(map(len, arrays), np.int64, len(arrays))
    offsets = np.concatenate([[0], np.cumsum(sizes)]) + len(arrays) + 1
    ids = np.concatenate([offsets.astype(np.int32), *arrays]).astype(np.int32)
    digest = hashlib.blake2b(ids.tobytes(), digest_size=8).hexdigest()
    postings = build / f"{POSTINGS}-{gen}-{digest}.npy"
    body: dict[str, Any] = {
        "format": FORMAT,
        "build": build.name,
        "generation": gen,
        "segmenter": segmenter_stamp(segmenter),
        "postings": postings.name,
        "words": list(derived.scan.postings),
        "bigrams": derived.scan.bigrams,
        "chars": derived.scan.chars,
        "syllables": {w: " ".join(s) for w, s in derived.syllables.items()},
        "entries": [[k, e.text, e.kind, e.weight, e.id] for k, e in derived.keyed],
        "readings": [list(derived.readings[k]) for k, _ in derived.keyed],
    }
    path = build / FILE
    tmp = build / f"{FILE}.{uuid.uuid4().hex[:8]}.tmp"
    staged = build / f"{postings.name}.{uuid.uuid4().hex[:8]}.tmp"
    with staged.open("wb") as out:
        np.save(out, ids)
    os.replace(staged, postings)
    tmp.write_text(json.dumps(body, ensure_ascii=False, separators=(",", ":")), "utf-8")
    os.replace(tmp, path)
    # Workers saving at once write the same content under the same name, so none removes
    # what another's JSON names; only files the JSON on disk no longer names go (a process
    # may still map one: unlinking is safe).
    with contextlib.suppress(OSError, ValueError):
        named = json.loads(path.read_text(encoding="utf-8"))["postings"]
        for old in build.glob(f"{POSTINGS}-*.npy"):
            if old.name != named:
                old.unlink(missing_ok=True)
    return path


def load(build: Path, gen: int, segmenter: Segmenter) -> Derived | None:
    """The stored structures, or None when absent, unreadable or made for another build,
    generation, segmenter dictionary or format."""
    try:
        body = json.loads((build / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (body.get("format"), body.get("build"), body.get("generation"), body.get("segmenter")) != (
        FORMAT, build.name, gen, segmenter_stamp(segmenter),
    ):  # fmt: skip
        return None
    keyed = [
        (k, SuggestEntry(text, kind, weight, id_)) for k, text, kind, weight, id_ in body["entries"]
    ]
    readings = {k: (r[0], r[1]) for (k, _), r in zip(keyed, body["readings"], strict=True)}
    try:
        ids = np.load(build / body["postings"], mmap_mode="r")
    except (OSError, ValueError):  # replaced by a newer save since the JSON was read
        return None
    words = body["words"]
    ends = ids[: len(words) + 1].tolist()
    postings = {w: ids[ends[i] : ends[i + 1]] for i, w in enumerate(words)}
    return Derived(
        TitleScan(postings, body["bigrams"], [(c, n) for c, n in body["chars"]]),
        {w: s.split() for w, s in body["syllables"].items()},
        keyed,
        readings,
    )


def store(build: Path, segmenter: Segmenter) -> Derived:
    """Compute from the build's docstore and save, for its generation now (indexer, after
    writing a build and before publishing it)."""
    gen = generation(build)
    docs = DocStore(build / "docs.sqlite")
    try:
        derived = compute(docs.iter_all(), segmenter)
    finally:
        docs.close()
    save(build, derived, gen, segmenter)
    return derived


def try_save(build: Path, derived: Derived, gen: int, segmenter: Segmenter) -> None:
    """Save from a server, when it could: a read-only index directory only costs the next
    start the same computation."""
    with contextlib.suppress(OSError):
        save(build, derived, gen, segmenter)
        log.info("start-up structures stored for %s generation %d", build.name, gen)
