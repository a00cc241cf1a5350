"""The query adapter: its fit, its file, and how the search uses it."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import numpy as np
import pytest

from assistant.retrieve.adapter import AdapterFileError, QueryAdapter, load_adapter
from assistant.retrieve.adapter_train import (
    UnitScorer,
    fit_matrix,
    load_gold_questions,
    recall_at_1,
)
from assistant.retrieve.search import HybridSearcher
from assistant.schema import Chunk
from assistant.trainingdata import held_out_questions, near_repeats

DIM = 16


def unit_length(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def toy_problem(rng: np.random.Generator, n: int) -> tuple[UnitScorer, np.ndarray, np.ndarray]:
    """Four units of two chunks each. A question about unit u lies near a direction that
    is not its unit's text but a fixed rotation of it, as users' words are not the
    documents' words; the plain vectors therefore often pick the wrong unit."""
    units = unit_length(rng.normal(size=(4, DIM)))
    chunks = unit_length(np.repeat(units, 2, axis=0) + 0.3 * rng.normal(size=(8, DIM)))
    scorer = UnitScorer(chunks, np.repeat(np.arange(4), 2), np.zeros(8))
    rotation, _ = np.linalg.qr(rng.normal(size=(DIM, DIM)))
    which = rng.integers(0, 4, n)
    mixed = 0.4 * units[which] + (rotation @ units[which].T).T + 0.3 * rng.normal(size=(n, DIM))
    gold = np.zeros((n, 4), dtype=bool)
    gold[np.arange(n), which] = True
    return scorer, unit_length(mixed), gold


def test_the_fit_moves_unseen_questions_to_their_units():
    rng = np.random.default_rng(7)
    scorer, questions, gold = toy_problem(rng, 400)
    train, test = slice(0, 300), slice(300, 400)
    matrix = fit_matrix(questions[train], gold[train], scorer, strength=0.001, iterations=100)
    before = recall_at_1(questions[test], gold[test], scorer)
    after = recall_at_1(questions[test] @ matrix.T, gold[test], scorer)
    assert before < 0.8 and after > before + 0.15, (before, after)


def test_a_strong_penalty_keeps_the_map_near_the_identity():
    rng = np.random.default_rng(3)
    scorer, questions, gold = toy_problem(rng, 100)
    loose = fit_matrix(questions, gold, scorer, strength=0.001, iterations=50)
    tight = fit_matrix(questions, gold, scorer, strength=1000.0, iterations=50)
    eye = np.eye(DIM)
    assert np.linalg.norm(tight - eye) < 0.1 * np.linalg.norm(loose - eye)


def adapter(matrix: np.ndarray | None = None, refs=("a", "b")) -> QueryAdapter:
    return QueryAdapter(
        matrix=np.eye(DIM, dtype=np.float32) if matrix is None else matrix,
        embedding_model="fake-ngram-16",
        refs=frozenset(refs),
        trained_on="t.jsonl:abc",
        metrics={"questions": 3},
    )


def test_the_file_round_trips_and_names_its_content(tmp_path):
    path = tmp_path / "retrieval" / "query_adapter.npz"
    matrix = np.eye(DIM, dtype=np.float32) + 0.01 * np.arange(DIM * DIM).reshape(DIM, DIM)
    adapter(matrix.astype(np.float32)).save(path)
    got = QueryAdapter.load(path)
    assert got is not None
    assert np.array_equal(got.matrix, matrix.astype(np.float32))
    assert got.refs == {"a", "b"} and got.embedding_model == "fake-ngram-16"
    assert got.trained_on == "t.jsonl:abc" and got.metrics == {"questions": 3}
    assert len(got.digest) == 64
    adapter(np.eye(DIM, dtype=np.float32)).save(path)
    assert QueryAdapter.load(path).digest != got.digest  # another map, another digest
    mapped = got.apply(np.ones(DIM, dtype=np.float32))
    assert mapped.dtype == np.float32 and np.isclose(np.linalg.norm(mapped), 1.0)


@pytest.mark.parametrize(
    "content",
    [b"", b"not a zip file at all", b"PK\x03\x04 truncated zip", "npy"],
)
def test_a_file_that_is_not_an_adapter_is_refused(tmp_path, content, caplog):
    path = tmp_path / "query_adapter.npz"
    if content == "npy":  # a bare array, not the archive with its metadata
        with path.open("wb") as f:
            np.save(f, np.eye(DIM))
    else:
        path.write_bytes(content)
    with pytest.raises(AdapterFileError, match="not a query adapter"):
        QueryAdapter.load(path)
    with caplog.at_level(logging.WARNING):
        assert load_adapter(path, "fake-ngram-16") is None
    assert "plain question vectors" in caplog.text


def test_a_matrix_that_is_not_square_or_finite_is_refused(tmp_path):
    path = tmp_path / "query_adapter.npz"
    adapter(np.ones((DIM, DIM + 1), dtype=np.float32)).save(path)
    with pytest.raises(AdapterFileError):
        QueryAdapter.load(path)
    bad = np.eye(DIM, dtype=np.float32)
    bad[0, 0] = np.nan
    adapter(bad).save(path)
    with pytest.raises(AdapterFileError):
        QueryAdapter.load(path)


def test_an_adapter_for_another_model_is_not_used(tmp_path, caplog):
    path = tmp_path / "query_adapter.npz"
    adapter().save(path)
    assert load_adapter(path, "fake-ngram-16") is not None
    with caplog.at_level(logging.WARNING):
        assert load_adapter(path, "st/bge-m3") is None
    assert "make calibrate" in caplog.text
    assert load_adapter(tmp_path / "missing.npz", "fake-ngram-16") is None


class VectorIndex:
    """Cosine search over a few chunks, as the real index answers it."""

    def __init__(self, chunks: dict[str, np.ndarray]) -> None:
        self.chunk_list = [Chunk(id=f"{ref}:zh:0", ref=ref, text=ref, context="") for ref in chunks]
        self.matrix = np.stack([unit_length(v) for v in chunks.values()])
        self.units = {ref: SimpleNamespace(kind="entry") for ref in chunks}

    def dense_search(self, vector: np.ndarray, k: int) -> list[tuple[Chunk, float]]:
        sims = self.matrix @ vector
        order = np.argsort(-sims)[:k]
        return [(self.chunk_list[i], float(sims[i])) for i in order]


def test_a_unit_the_adapter_never_saw_keeps_its_plain_similarity():
    """The map sends the question to unit a; unit c, published after the map was trained,
    is closest to the plain question and must not lose to the map's pull."""
    e = np.eye(DIM, dtype=np.float32)
    index = VectorIndex({"a": e[0], "b": e[1], "c": e[2] + 0.2 * e[1]})
    swap = np.eye(DIM, dtype=np.float32)
    swap[:, 2] = 0.8 * e[0] + 0.6 * e[3]  # the map sends direction 2 mostly to unit a
    question = unit_length(e[2] + 0.1 * e[1])

    def top(adapter_refs):
        searcher = HybridSearcher(
            index, None, None, adapter=adapter(swap, refs=adapter_refs), candidates=3
        )
        return [c.ref for c, _ in searcher._dense(question)]

    assert top(("a", "b", "c"))[0] == "a"  # c known to the map: the map decides
    assert top(("a", "b"))[0] == "c"  # c unseen: its plain cosine counts
    plain = HybridSearcher(index, None, None, candidates=3)
    assert next(c.ref for c, _ in plain._dense(question)) == "c"


def test_training_lines_need_a_question_and_known_gold(tmp_path):
    f = tmp_path / "t.jsonl"
    f.write_text(
        '{"q": "怎么接电", "gold": ["plan#22"]}\n'
        '{"q": "讲个笑话", "gold": []}\n'
        '{"turns": ["a"], "q": "那水呢", "gold": ["plan#23"]}\n'
        "\n",
        encoding="utf-8",
    )
    assert load_gold_questions([f], {"plan#22"}) == [("怎么接电", ["plan#22"])]
    f.write_text('{"q": "怎么接电", "gold": ["plan#99"]}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"t\.jsonl:1.*plan#99"):
        load_gold_questions([f], {"plan#22"})
    f.write_text('{"q": 3, "gold": ["plan#22"]}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"t\.jsonl:1"):
        load_gold_questions([f], {"plan#22"})
    f.write_text("{oops\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"t\.jsonl:1"):
        load_gold_questions([f], {"plan#22"})


def test_training_questions_that_nearly_repeat_an_evaluation_question_are_found(tmp_path):
    golden = tmp_path / "golden.jsonl"
    golden.write_text(
        '{"q": "How do I register a patent pledge?", "gold": ["guide:ip-pledge-financing"]}\n'
        '{"turns": ["接电要多久?", "那接水呢?"], "q": "那接水呢?", "gold": ["plan#23"]}\n',
        encoding="utf-8",
    )
    held = held_out_questions([golden])
    assert held == ["How do I register a patent pledge?", "那接水呢?", "接电要多久?", "那接水呢?"]
    training = [
        "how to register a patent pledge",  # the same question, other casing and words
        "接电要多长时间?",
        "Can trademarks be used as loan collateral?",
        "开公司要什么材料",
    ]
    assert near_repeats(training, held) == [0, 1]
    assert near_repeats(training, []) == []
