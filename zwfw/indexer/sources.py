"""Reads JSONL source files into records, reporting and skipping malformed lines."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from zwfw.core.errors import InvalidRecord, SourceError
from zwfw.core.records import Record, doc_key
from zwfw.indexer.formats import to_record

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BadLine:
    path: Path
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass
class LoadResult:
    records: list[Record] = field(default_factory=list)
    bad: list[BadLine] = field(default_factory=list)
    # Records kept with a missing descriptive field filled in (see formats.MISSING).
    warnings: list[BadLine] = field(default_factory=list)


def load_file(path: Path, max_bad_share: float = 0.05) -> LoadResult:
    """Every valid record of one JSONL file; bad lines are logged, kept in `bad`, and skipped.

    Raises SourceError when the file cannot be read or more than `max_bad_share` of its
    non-blank lines are bad: a mostly-broken file is a wrong file, not a few typos.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read {path}: {exc}") from exc
    result = LoadResult()
    seen = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        seen += 1
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise InvalidRecord("a line must hold one JSON object")
            notes: list[str] = []
            result.records.append(to_record(data, notes))
            for note in notes:
                warning = BadLine(path, number, note)
                log.warning("indexing incomplete record %s", warning)
                result.warnings.append(warning)
        except (json.JSONDecodeError, InvalidRecord) as exc:
            bad = BadLine(path, number, str(exc))
            log.warning("skipping bad record %s", bad)
            result.bad.append(bad)
    if seen and len(result.bad) / seen > max_bad_share:
        raise SourceError(
            f"{path}: {len(result.bad)} of {seen} records are bad "
            f"(more than {max_bad_share:.0%}); first: {result.bad[0]}"
        )
    return result


def load_sources(paths: Iterable[Path], max_bad_share: float = 0.05) -> LoadResult:
    """All records of several files; a later record with the same kind and id replaces earlier."""
    merged = LoadResult()
    by_key: dict[str, Record] = {}
    for path in paths:
        if path.is_dir():
            files = sorted(path.glob("*.jsonl"))
            if not files:
                raise SourceError(f"{path} holds no .jsonl files")
        else:
            files = [path]
        for file in files:
            part = load_file(file, max_bad_share)
            merged.bad.extend(part.bad)
            merged.warnings.extend(part.warnings)
            for record in part.records:
                by_key[doc_key(record.kind, record.id)] = record
    merged.records = list(by_key.values())
    return merged
