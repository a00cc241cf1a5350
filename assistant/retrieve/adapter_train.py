"""Train the query adapter (`assistant adapter train`): SciPy's L-BFGS, then plain numbers.

Needs the `train` extra (scikit-learn brings SciPy); serving needs only numpy.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.retrieve.adapter import QueryAdapter
from assistant.retrieve.search import ALIAS_DISCOUNT
from assistant.trainingdata import files_signature, jsonl_rows, without_near_repeats

if TYPE_CHECKING:
    from assistant.services import Services

# The L2 penalty on A (W = I + A), chosen by 5-fold CV on the training pool (dev sets but
# dev5, and scope-train-in2): recall@1 of the mapped vectors alone, zh / en, at 0.003
# 0.920 / 0.926, at 0.01 0.929 / 0.921, at 0.03 0.914 / 0.900; without the map 0.837 /
# 0.799. The stronger penalty of the two best. Checked again out of fold on the larger
# pool (the whole search, temperature 0.05): 0.004 0.943 / 0.912, 0.01 0.944 / 0.915,
# 0.025 0.937 / 0.900.
STRENGTH = 0.01
# Of the softmax over units' cosines. Chosen out of fold on the 1,758 training questions
# (5 adapters, each scoring the fifth it did not learn from, the whole search), recall@1
# zh / en: 0.920 / 0.888 at 0.1, 0.944 / 0.915 at 0.05, 0.955 / 0.929 at 0.03,
# 0.960 / 0.929 at 0.02, 0.940 / 0.914 at 0.01.
TEMPERATURE = 0.02
ITERATIONS = 60  # L-BFGS steps; the fit has flattened out by then


def load_gold_questions(paths: list[Path], known: set[str]) -> list[tuple[str, list[str]]]:
    """(question, gold refs) of every single-turn line with a gold list; out-of-scope lines
    (empty gold) and conversations are skipped. A malformed line or an unknown ref is an
    error naming its file and line."""
    rows = []
    for where, row in jsonl_rows(paths):
        if "turns" in row or not row.get("gold"):
            continue
        question, gold = row.get("q"), row["gold"]
        if not isinstance(question, str) or not isinstance(gold, list):
            raise ValueError(f"{where}: needs text `q` and a `gold` list")
        unknown = [r for r in gold if r not in known]
        if unknown:
            raise ValueError(f"{where}: gold refs not in the index: {unknown}")
        rows.append((question, [str(r) for r in gold]))
    return rows


class UnitScorer:
    """Each unit's closest chunk to each question, as the search ranks units."""

    def __init__(self, chunks: np.ndarray, unit_of: np.ndarray, discount: np.ndarray) -> None:
        self.chunks = chunks  # (n_chunks, dim)
        self.discount = discount  # subtracted from alias chunks' cosines
        self.columns = [np.flatnonzero(unit_of == u) for u in range(int(unit_of.max()) + 1)]

    def __call__(self, questions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(best cosine per question and unit, the chunk it came from)."""
        sims = questions @ self.chunks.T - self.discount[None, :]
        best = np.empty((len(questions), len(self.columns)), dtype=sims.dtype)
        which = np.empty(best.shape, dtype=np.int64)
        rows = np.arange(len(questions))
        for u, cols in enumerate(self.columns):
            j = sims[:, cols].argmax(axis=1)
            which[:, u] = cols[j]
            best[:, u] = sims[rows, which[:, u]]
        return best, which


def fit_matrix(
    questions: np.ndarray,
    gold: np.ndarray,
    scorer: UnitScorer,
    strength: float = STRENGTH,
    iterations: int = ITERATIONS,
) -> np.ndarray:
    """W = I + A minimising the softmax loss of the gold units (any of them) over all
    units, plus strength * |A|^2. `gold`: (n_questions, n_units) booleans."""
    from scipy.optimize import minimize
    from scipy.special import logsumexp

    n, dim = questions.shape
    eye = np.eye(dim)

    def loss_and_grad(flat: np.ndarray) -> tuple[float, np.ndarray]:
        a = flat.reshape(dim, dim)
        z = questions @ (eye + a).T
        norms = np.linalg.norm(z, axis=1, keepdims=True)
        q = z / norms
        best, which = scorer(q)
        logits = best / TEMPERATURE
        total = logsumexp(logits, axis=1)
        gold_logits = np.where(gold, logits, -np.inf)
        gold_total = logsumexp(gold_logits, axis=1)
        loss = float((total - gold_total).mean() + strength * (a**2).sum())
        p = np.exp(logits - total[:, None])
        p_gold = np.where(gold, np.exp(gold_logits - gold_total[:, None]), 0.0)
        d_best = (p - p_gold) / TEMPERATURE / n
        d_q = np.einsum("nu,nud->nd", d_best, scorer.chunks[which])
        d_z = (d_q - q * (d_q * q).sum(axis=1, keepdims=True)) / norms
        return loss, (d_z.T @ questions + 2 * strength * a).ravel()

    result = minimize(
        loss_and_grad,
        np.zeros(dim * dim),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": iterations},
    )
    return (eye + result.x.reshape(dim, dim)).astype(np.float32)


def recall_at_1(questions: np.ndarray, gold: np.ndarray, scorer: UnitScorer) -> float:
    if not len(questions):
        return float("nan")
    best, _ = scorer(questions / np.linalg.norm(questions, axis=1, keepdims=True))
    return float(gold[np.arange(len(gold)), best.argmax(axis=1)].mean())


def train_adapter(
    services: Services,
    paths: list[Path],
    held_out: list[Path] | None = None,
    strength: float = STRENGTH,
) -> QueryAdapter:
    """Question vectors as the search makes them, every chunk vector in the index, fit.
    Training questions that nearly repeat one in the `held_out` files are left out."""
    index, searcher = services.index, services.searcher
    units = list(index.units)
    position = {ref: i for i, ref in enumerate(units)}
    vectors = index.chunk_vectors(units)
    chunks = [c for c in index.chunks if c.id in vectors]
    scorer = UnitScorer(
        np.stack([vectors[c.id] for c in chunks]).astype(np.float64),
        np.array([position[c.ref] for c in chunks]),
        np.array([ALIAS_DISCOUNT if c.searched_only else 0.0 for c in chunks]),
    )
    rows, left_out = without_near_repeats(
        load_gold_questions(paths, set(units)), lambda r: r[0], held_out
    )
    if not rows:
        raise ValueError("no answerable questions with gold refs in the training files")
    # A unit answers a question about its own ref, and a guide or entry one about the plan
    # refs it rests on (as the eval counts it).
    covers = [set(services.covers(ref)) for ref in units]
    gold = np.array([[bool(c & set(refs)) for c in covers] for _, refs in rows], dtype=bool)
    pairs = [searcher.question_vector(q) for q, _ in rows]
    questions = np.stack([v for v, _ in pairs]).astype(np.float64)
    langs = np.array([lang for _, lang in pairs])
    matrix = fit_matrix(questions, gold, scorer, strength)
    mapped = questions @ matrix.T.astype(np.float64)
    metrics: dict[str, Any] = {
        "questions": len(rows),
        **left_out,
        "strength": strength,
    }
    for lang in ("zh", "en"):
        mine = langs == lang
        metrics[lang] = {
            "questions": int(mine.sum()),
            "training_recall@1_before": round(recall_at_1(questions[mine], gold[mine], scorer), 4),
            "training_recall@1_after": round(recall_at_1(mapped[mine], gold[mine], scorer), 4),
        }
    return QueryAdapter(
        matrix=matrix,
        embedding_model=services.embeddings.model_id,
        refs=frozenset(units),
        trained_on=files_signature(paths),
        metrics=metrics,
    )
