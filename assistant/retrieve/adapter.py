"""A learned linear map on question vectors: it moves a question toward the units that
answer questions like it.

e5-small places a user's question ("Can I get my business licence in English?") nearer
to text that shares its words than to the unit that answers it. The map is a 384 x 384
matrix, W = I + A, trained (`assistant adapter train`) on the training and dev questions
with their gold refs, never on the golden sets: each question's closest chunk of its gold
unit should beat every other unit's closest chunk (softmax, A kept small by an L2
penalty). Passage vectors are untouched, so the index needs no rebuild.

A unit the map was not trained with (a staff member's new FAQ entry) has no questions
behind it, and the map pulls questions toward the units it knows. For such units the
search takes the better of the plain and the mapped similarity. Measured with a fifth
of the units hidden from training (5-fold, on the dev pool, the vectors alone): their
questions found their unit first zh 0.837 -> 0.838, en 0.799 -> 0.811 this way. Applied
to them as to the rest, the map gave 0.721 / 0.698 at softmax temperature 0.05 and
0.868 / 0.819 at the shipped 0.02: the rule keeps the floor whatever the training does.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)
ADAPTER_FILE = Path("retrieval") / "query_adapter.npz"  # under the knowledge base


class AdapterFileError(ValueError):
    """The adapter file is not one this code wrote."""


@dataclass
class QueryAdapter:
    matrix: np.ndarray  # (dim, dim), applied as matrix @ vector
    embedding_model: str
    refs: frozenset[str]  # the units it was trained with
    trained_on: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    digest: str = ""  # sha256 of the file it was read from: what a scope model was trained on

    def apply(self, vector: np.ndarray) -> np.ndarray:
        """The mapped question vector, unit length (cosine against the stored passages)."""
        mapped = self.matrix @ np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(mapped))
        return (mapped / norm if norm > 0 else mapped).astype(np.float32)

    def knows(self, ref: str) -> bool:
        return ref in self.refs

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "embedding_model": self.embedding_model,
            "refs": sorted(self.refs),
            "trained_on": self.trained_on,
            "metrics": self.metrics,
        }
        with path.open("wb") as f:
            np.savez_compressed(
                f, matrix=self.matrix.astype(np.float32), meta=np.array(json.dumps(meta))
            )

    @classmethod
    def load(cls, path: Path) -> QueryAdapter | None:
        """None when there is no file; AdapterFileError when it is not a usable adapter."""
        if not path.exists():
            return None
        raw = path.read_bytes()
        try:
            with np.load(io.BytesIO(raw), allow_pickle=False) as data:
                matrix = np.asarray(data["matrix"], dtype=np.float32)
                meta = json.loads(str(data["meta"]))
            dim = matrix.shape[0]
            if matrix.ndim != 2 or matrix.shape != (dim, dim) or not np.isfinite(matrix).all():
                raise ValueError(f"matrix of shape {matrix.shape}")
            return cls(
                matrix=matrix,
                embedding_model=str(meta["embedding_model"]),
                refs=frozenset(str(r) for r in meta["refs"]),
                trained_on=str(meta.get("trained_on", "")),
                metrics=dict(meta.get("metrics", {})),
                digest=hashlib.sha256(raw).hexdigest(),
            )
        except (ValueError, KeyError, TypeError, IndexError, AttributeError, OSError, EOFError,
                zipfile.BadZipFile) as exc:  # fmt: skip
            raise AdapterFileError(f"{path}: not a query adapter ({exc})") from exc


def load_adapter(path: Path, model_id: str) -> QueryAdapter | None:
    """The shipped adapter if it was trained for this embedding model; None (plain
    vectors, and a warning that says how to retrain) otherwise."""
    try:
        adapter = QueryAdapter.load(path)
    except AdapterFileError as exc:
        log.warning("%s; searching with plain question vectors", exc)
        return None
    if adapter is None:
        return None
    if adapter.embedding_model != model_id:
        log.warning(
            "the query adapter was trained for %s, not %s; searching with plain question "
            "vectors (retrain: `make calibrate`)",
            adapter.embedding_model,
            model_id,
        )
        return None
    return adapter
