"""The built index: units, chunks, Chroma vectors and BM25, behind one manifest.

Each build goes to builds/<id>/ and becomes current only when complete (an atomic
rename of CURRENT), so an interrupted ingest leaves the previous index usable.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.index.tokenize import tokenize
from assistant.lang import to_simplified
from assistant.schema import Chunk, Unit

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.providers.embeddings import BaseEmbeddings
    from assistant.providers.vectorstore import VectorStore

# 2: units of every kind with aligned bilingual sentences; chunks per language.
# 3: vectors stored under content-hashed ids; tables in generations named by the manifest.
FORMAT_VERSION = 3


class IndexNotReadyError(RuntimeError):
    """The index cannot serve queries; the message says how to fix it."""


class IndexMissingError(IndexNotReadyError):
    pass


class IndexMismatchError(IndexNotReadyError):
    pass


class IndexCorruptError(IndexNotReadyError):
    """A build's files do not match the checksums its manifest recorded."""


log = logging.getLogger(__name__)
REPAIR = "rebuild it with `assistant ingest --rebuild` (the embedding cache makes it quick)"


Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class LexicalIndex:
    """BM25 over chunk tokens plus document frequencies for query-coverage weighting."""

    bm25: Any
    df: dict[str, int]
    n_docs: int
    tokens: dict[str, list[str]] = field(default_factory=dict)  # by chunk id

    def idf(self, token: str) -> float:
        df = self.df.get(token, 0)
        return math.log(1.0 + (self.n_docs - df + 0.5) / (df + 0.5))

    def scores(self, tokens: list[str]) -> np.ndarray:
        known = [t for t in tokens if t in self.df]
        if not known:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)

    def coverage(self, tokens: list[str], within: Collection[str] | None = None) -> float:
        """Share of the query's information (idf mass) the corpus vocabulary can match, or,
        given `within` (one unit's words), the share that holds."""
        if not tokens:
            return 0.0
        vocabulary = self.df if within is None else within
        total = sum(self.idf(t) for t in tokens)
        matched = sum(self.idf(t) for t in tokens if t in vocabulary)
        return matched / total if total else 0.0


class Index:
    """A complete, opened build: look-ups by ref and by chunk id, dense and lexical search."""

    def __init__(
        self,
        root: Path,
        manifest: dict[str, Any],
        units: list[Unit],
        chunks: list[Chunk],
        lexical: LexicalIndex,
        vectorstore: VectorStore,
    ) -> None:
        self.root = root
        self.manifest = manifest
        self.units = {u.ref: u for u in units}
        self.unit_order = [u.ref for u in units]
        self.chunks = chunks
        self.chunk_by_id = {c.id: c for c in chunks}
        self.chunk_by_vector_id = {c.vector_id: c for c in chunks}
        self.position = {c.id: i for i, c in enumerate(chunks)}  # row in the BM25 scores
        self.lexical = lexical
        self.vectorstore = vectorstore
        self._by_ref: dict[str, list[Chunk]] = {}
        for c in chunks:
            self._by_ref.setdefault(c.ref, []).append(c)
        self._vectors: dict[str, np.ndarray] = {}
        self._tokens: dict[str, list[str]] = dict(lexical.tokens)
        self._unit_tokens: dict[str, set[str]] = {}
        self._text: str | None = None

    def chunks_of(self, ref: str) -> list[Chunk]:
        return self._by_ref.get(ref, [])

    def chunk_vectors(self, refs: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of every chunk of `refs` (fetched from the store once per unit)."""
        missing = [
            r
            for r in refs
            if r in self._by_ref and any(c.id not in self._vectors for c in self._by_ref[r])
        ]
        if missing:
            wanted = [c for r in missing for c in self._by_ref[r]]
            got = self.vectorstore.vectors([c.vector_id for c in wanted])
            self._vectors.update({c.id: got[c.vector_id] for c in wanted if c.vector_id in got})
        return {
            c.id: self._vectors[c.id]
            for r in refs
            for c in self._by_ref.get(r, [])
            if c.id in self._vectors
        }

    @property
    def embedding_model(self) -> str:
        return str(self.manifest["embedding_model"])

    def dense_search(self, vector: np.ndarray, k: int) -> list[tuple[Chunk, float]]:
        """Chunks nearest to `vector` with cosine similarity."""
        found = self.vectorstore.query(vector, k)
        # Only rows that are chunks of this index count; anything else in the store (a
        # resurrected deleted row, a newer index's rows) is ignored.
        return [
            (self.chunk_by_vector_id[vid], sim)
            for vid, sim in found
            if vid in self.chunk_by_vector_id
        ]

    def verify(self) -> list[str]:
        """Problems with this build on disk (files against checksums; the manifest still
        current), for health checks; empty when all is well."""
        problems = verify_tables(self.root, self.manifest)
        if len(self.chunks) != self.lexical.n_docs:
            problems.append("the keyword index does not match the chunks")
        return problems

    def known_share(self, tokens: list[str]) -> float:
        """Share of the tokens' information (idf mass) that the knowledge base knows: in the
        keyword index, or, for Chinese words jieba may cut differently inside a sentence
        (对外地企业 → 对外 / 地), anywhere in a unit's text."""
        if not tokens:
            return 1.0
        if self._text is None:
            self._text = "\n".join(to_simplified(u.text) for u in self.units.values())
        lexical = self.lexical
        total = sum(lexical.idf(t) for t in tokens)
        known = sum(
            lexical.idf(t)
            for t in tokens
            if t in lexical.df or (not t.isascii() and t in self._text)
        )
        return known / total if total else 0.0

    def unit_tokens(self, ref: str) -> set[str]:
        """Every keyword of every chunk of a unit, in all its languages."""
        if ref not in self._unit_tokens:
            self._unit_tokens[ref] = {t for c in self.chunks_of(ref) for t in self.tokens_of(c)}
        return self._unit_tokens[ref]

    def tokens_of(self, chunk: Chunk) -> list[str]:
        if chunk.id not in self._tokens:
            self._tokens[chunk.id] = chunk_tokens(chunk)
        return self._tokens[chunk.id]


def current_build(index_dir: Path) -> Path | None:
    pointer = index_dir / "CURRENT"
    if not pointer.exists():
        return None
    build = index_dir / "builds" / pointer.read_text().strip()
    return build if (build / "manifest.json").exists() else None


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    build = current_build(index_dir)
    if build is None:
        return None
    try:
        data = json.loads((build / "manifest.json").read_text())
    except (OSError, ValueError):
        return None  # unreadable: treated as no index, so ingest builds a new one
    return data if isinstance(data, dict) else None


def open_index(settings: Settings, embeddings: BaseEmbeddings) -> Index:
    """Open the current build; refuse one built by another embedding model."""
    from assistant.providers.vectorstore import StoreUnavailableError, make_store

    build = current_build(settings.index_dir)
    if build is None:
        raise IndexMissingError(
            f"no index under {settings.index_dir}; build it with `assistant ingest`."
        )
    try:
        manifest = json.loads((build / "manifest.json").read_text())
        assert isinstance(manifest, dict)
    except (OSError, ValueError, AssertionError) as exc:
        raise IndexCorruptError(f"the index manifest in {build} is unreadable; {REPAIR}.") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise IndexMismatchError(
            "the index was built by an older version; rebuild it with `assistant ingest --rebuild`."
        )
    if manifest["embedding_model"] != embeddings.model_id:
        raise IndexMismatchError(
            f"the index was built with the embedding model {manifest['embedding_model']!r} "
            f"but {embeddings.model_id!r} is configured; vectors from different models "
            "cannot be compared. Rebuild with `assistant ingest --rebuild`."
        )
    if bool(manifest.get("chroma_host")) != bool(settings.chroma_host):
        where = "a Chroma server" if manifest.get("chroma_host") else "local disk"
        raise IndexMismatchError(
            f"the index's vectors live on {where}, which is not what is configured now; "
            "rebuild with `assistant ingest --rebuild`."
        )
    problems = verify_tables(build, manifest)
    if problems:
        raise IndexCorruptError(f"the index in {build} is damaged ({problems[0]}); {REPAIR}.")
    try:
        units, chunks, lexical = read_tables(build, manifest)
    except Exception as exc:  # a file that passed its checksum but will not load
        raise IndexCorruptError(f"the index in {build} cannot be read; {REPAIR}.") from exc
    try:
        store = make_store(settings, build / "chroma", manifest["collection"])
    except StoreUnavailableError as exc:
        if settings.chroma_host:
            raise  # a server that is down: a 503, not a damaged index
        raise IndexCorruptError(f"the vector store in {build} is damaged; {REPAIR}.") from exc
    vectors = store.count()  # an unreachable server raises StoreUnavailableError (a 503)
    if vectors != len(chunks):
        # Rows that are no chunk of this build are left by a change killed before its
        # tables were written (publishing writes vectors first, tables next, deletes last):
        # searches skip them and `assistant reindex` deletes them. A chunk without its
        # vector is damage.
        present = set(store.ids())
        lacking = sum(1 for c in chunks if c.vector_id not in present)
        if lacking:
            raise IndexCorruptError(
                f"the vector store of {build.name} lacks the vectors of {lacking} of its "
                f"{len(chunks)} chunks; {REPAIR}."
            )
        log.warning(
            "the vector store of %s holds %d rows that are no chunk of it; "
            "`assistant reindex` deletes them",
            build.name,
            vectors - len(chunks),
        )
    hold_build(build)
    return Index(build, manifest, units, chunks, lexical, store)


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    if path.is_dir():
        for f in sorted(path.rglob("*")):
            if f.is_file():
                h.update(f.relative_to(path).as_posix().encode())
                h.update(f.read_bytes())
    else:
        h.update(path.read_bytes())
    return h.hexdigest()


def verify_tables(build: Path, manifest: dict[str, Any]) -> list[str]:
    """What does not match the checksums and counts the manifest recorded."""
    problems = []
    for key, name in (manifest.get("tables") or {}).items():
        path = build / name
        if not path.exists():
            problems.append(f"{name} is missing")
        elif manifest.get("checksums", {}).get(key) not in (None, _sha(path)):
            problems.append(f"{name} does not match its checksum")
    if "tables" not in manifest:
        problems.append("the manifest names no tables")
    return problems


def read_tables(
    build: Path, manifest: dict[str, Any]
) -> tuple[list[Unit], list[Chunk], LexicalIndex]:
    """The units, chunks and BM25 a manifest names (one generation of them)."""
    import bm25s

    names = manifest.get("tables") or _FIRST_TABLES
    units = [Unit.model_validate(u) for u in json.loads((build / names["units"]).read_text())]
    chunks = [Chunk.model_validate(c) for c in json.loads((build / names["chunks"]).read_text())]
    df = json.loads((build / names["df"]).read_text())
    bm25 = bm25s.BM25.load(str(build / names["bm25"]), show_progress=False)
    lexical = LexicalIndex(bm25=bm25, df=df, n_docs=len(chunks))
    if "tokens" in names:  # kept so an update need not re-tokenise every chunk
        lexical.tokens = json.loads((build / names["tokens"]).read_text())
    return units, chunks, lexical


_FIRST_TABLES = {"units": "units.json", "chunks": "chunks.json", "df": "df.json", "bm25": "bm25"}


def chunk_tokens(chunk: Chunk) -> list[str]:
    return tokenize(to_simplified(chunk.indexed_text))


_HELD: dict[str, Any] = {}  # build dir → open lock file, held while this process serves it


def hold_build(build: Path) -> None:
    """Mark a build as in use (a shared lock) so no ingest deletes it under a server."""
    key = str(build)
    if key in _HELD:
        return
    fh = (build / "in-use.lock").open("a")
    fcntl.flock(fh, fcntl.LOCK_SH)
    _HELD[key] = fh


def release_build(build: Path) -> None:
    """This process no longer serves `build`; an ingest may prune it."""
    fh = _HELD.pop(str(build), None)
    if fh is not None:
        fh.close()


def _in_use(build: Path) -> bool:
    lock = build / "in-use.lock"
    if not lock.exists():
        return False
    with lock.open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
    return False
