"""Query embeddings under load: the in-memory question cache and fair use of the slots."""

import threading
import time

import numpy as np
import pytest

from assistant.providers import queries
from assistant.providers.embeddings import CachedEmbeddings, FakeEmbeddings
from assistant.providers.queries import LONG_CHARS, FairQueries, QueryCache


class CountingFake(FakeEmbeddings):
    def __init__(self):
        super().__init__(dim=32)
        self.calls: list[list[str]] = []

    def embed_batch(self, texts, is_query):
        self.calls.append(list(texts))
        return super().embed_batch(texts, is_query)


class Gate(FakeEmbeddings):
    """Each query blocks until the test releases it, so the test decides who runs when."""

    def __init__(self):
        super().__init__(dim=8)
        self.started: list[str] = []
        self.gates: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def embed_batch(self, texts, is_query):
        (text,) = texts
        with self._lock:
            self.started.append(text)
            gate = self.gates.setdefault(text, threading.Event())
        assert gate.wait(5), f"{text} was never released"
        return super().embed_batch(texts, is_query)

    def release(self, text):
        with self._lock:
            self.gates.setdefault(text, threading.Event()).set()


def until(condition, timeout=5.0):
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.005)


def run(fair, text):
    thread = threading.Thread(target=fair.embed_query, args=(text,), daemon=True)
    thread.start()
    return thread


def test_a_repeated_question_is_embedded_once_and_shared_read_only():
    inner = CountingFake()
    cache = QueryCache(inner, size=8)
    first = cache.embed_batch(["怎么开办企业", "怎么开办企业", "How do I open a company?"], True)
    assert inner.calls == [["怎么开办企业", "How do I open a company?"]]
    again = cache.embed_batch(["How do I open a company?"], True)
    assert len(inner.calls) == 1 and np.array_equal(again[0], first[2])
    assert (cache.query_hits, cache.query_misses) == (2, 2)
    with pytest.raises(ValueError):  # the stored vector is shared: nobody may change it
        cache._cache["怎么开办企业"][0] = 1.0
    answer = cache.embed_query_array("怎么开办企业")
    answer[0] = 1.0  # what a caller gets is its own copy
    assert cache._cache["怎么开办企业"][0] != 1.0


def test_the_cache_is_bounded_and_never_holds_passages(tmp_path):
    inner = CountingFake()
    cache = QueryCache(CachedEmbeddings(inner, tmp_path / "c.sqlite"), size=2)
    for q in ["甲", "乙", "丙", "甲"]:  # 甲 was pushed out by 丙
        cache.embed_query(q)
    assert inner.calls == [["甲"], ["乙"], ["丙"], ["甲"]]
    assert len(cache._cache) == 2
    cache.embed_documents(["段落一", "段落二"])
    assert len(cache._cache) == 2 and "段落一" not in cache._cache
    # ingest counts passages through `misses`: the passage cache's count, not questions
    assert cache.misses == 2


def test_a_long_query_never_takes_the_last_slot():
    gate = Gate()
    fair = FairQueries(gate, slots=2)
    long_a, long_b = "甲" * (LONG_CHARS + 1), "乙" * (LONG_CHARS + 1)
    threads = [run(fair, long_a)]
    until(lambda: gate.started == [long_a])
    threads.append(run(fair, long_b))
    time.sleep(0.05)
    assert gate.started == [long_a]  # the second long one waits: one slot stays free
    threads.append(run(fair, "怎么办营业执照"))
    until(lambda: "怎么办营业执照" in gate.started)
    assert fair.load() == {"running": 2, "long": 1, "waiting": 1}
    gate.release("怎么办营业执照")
    gate.release(long_a)
    until(lambda: long_b in gate.started)
    gate.release(long_b)
    for t in threads:
        t.join(5)
    assert fair.load() == {"running": 0, "long": 0, "waiting": 0}


def test_normal_questions_go_before_a_waiting_long_one(monkeypatch):
    monkeypatch.setattr(queries, "AGING_S", 30.0)
    gate = Gate()
    fair = FairQueries(gate, slots=2)
    long_q = "长" * (LONG_CHARS + 1)
    threads = [run(fair, "问一"), run(fair, "问二")]
    until(lambda: len(gate.started) == 2)
    threads.append(run(fair, long_q))
    time.sleep(0.05)
    threads.append(run(fair, "问三"))
    until(lambda: fair.load()["waiting"] == 2)  # the long one and 问三
    gate.release("问一")
    until(lambda: len(gate.started) == 3)
    assert gate.started[2] == "问三"  # the normal question took the free slot
    gate.release("问二")
    until(lambda: long_q in gate.started)  # no normal one waits any more: the long one runs
    for text in ("问三", long_q):
        gate.release(text)
    for t in threads:
        t.join(5)


def test_a_long_query_that_waited_long_enough_goes_anyway(monkeypatch):
    monkeypatch.setattr(queries, "AGING_S", 0.05)
    fair = FairQueries(FakeEmbeddings(), slots=2)
    fair._normal.extend([7, 8, 9])  # normal questions keep arriving
    now = time.monotonic()
    fair._long.append((1, now))
    assert not fair._long_may_start(1)
    fair._long[0] = (1, now - 0.06)
    assert fair._long_may_start(1)
    fair._running = 2  # but never beyond the slots
    assert not fair._long_may_start(1)


def test_waiting_questions_are_served_in_the_order_they_came():
    gate = Gate()
    fair = FairQueries(gate, slots=2)
    threads = [run(fair, "先一"), run(fair, "先二")]
    until(lambda: len(gate.started) == 2)
    order = [f"后{i}" for i in range(6)]
    for queued, text in enumerate(order, start=1):  # each one waits before the next comes
        threads.append(run(fair, text))
        until(lambda n=queued: fair.load()["waiting"] == n)
    for text in ["先一", "先二", *order]:
        gate.release(text)
    for t in threads:
        t.join(5)
    assert gate.started[2:] == order


def test_concurrent_questions_get_the_same_vectors_as_one_at_a_time():
    texts = [f"问题{i} 营业执照 {'长' * (i * 30)}" for i in range(24)]
    serial = FakeEmbeddings().embed_batch(texts, True)
    fair = FairQueries(FakeEmbeddings(), slots=2)
    out: dict[int, np.ndarray] = {}

    def ask(i):
        out[i] = fair.embed_query(texts[i])

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert all(np.allclose(out[i], serial[i]) for i in range(len(texts)))
    assert fair.load() == {"running": 0, "long": 0, "waiting": 0}


class OneCoreFake(FakeEmbeddings):
    """Records which thread embedded what, and the cores it asked for."""

    def __init__(self):
        super().__init__(dim=16)
        self.calls: list[tuple[int, int]] = []  # (texts, cores asked for)
        self._local = threading.local()

    def set_threads(self, n):
        self._local.n = n

    def embed_batch(self, texts, is_query):
        self.calls.append((len(texts), getattr(self._local, "n", -1)))
        return super().embed_batch(texts, is_query)


def test_passages_are_split_across_one_core_workers_in_order(monkeypatch):
    monkeypatch.setattr(queries, "cores", lambda: 2)
    inner = OneCoreFake()
    texts = [f"第{i}段 营商环境 {'长' * i}" for i in range(9)]
    got = FairQueries(inner, slots=2).embed_batch(texts, False)
    assert np.allclose(got, FakeEmbeddings(dim=16).embed_batch(texts, False))  # same order
    assert sorted(inner.calls) == [(4, 1), (5, 1)]
    inner.calls.clear()
    FairQueries(inner, slots=2).embed_batch(texts[:1], False)  # one passage: one call, all cores
    assert inner.calls == [(1, 0)]
