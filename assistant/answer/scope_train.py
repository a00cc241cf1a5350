"""Train the scope classifier (`assistant scope train`): scikit-learn, then plain numbers.

Needs the `train` extra (scikit-learn); serving needs only numpy.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.answer.scope import (
    EVIDENCE,
    N_RETRIEVAL,
    REGULARISATION,
    TARGET_FALSE_REFUSALS,
    VECTOR_WEIGHT,
    Places,
    ScopeModel,
    features,
)
from assistant.lang import detect_lang
from assistant.trainingdata import files_signature, labelled_rows, without_near_repeats

if TYPE_CHECKING:
    from assistant.services import Services

FOLDS = 5
REPEATS = 5  # splits of the folds the cut is averaged over


def load_training(paths: list[Path]) -> list[dict[str, Any]]:
    """Lines with `q` and either `in_scope` or a `gold` list (empty: out of scope), as the
    training and dev question files have them; multi-turn lines are skipped."""
    return [{"q": row["q"], "in_scope": label} for row, label in labelled_rows(paths)]


def feature_matrix(services: Services, rows: list[dict[str, Any]], places: Places) -> np.ndarray:
    out = []
    for row in rows:
        retrieval = services.searcher.search(row["q"], k=services.settings.top_k)
        assert retrieval.vector is not None
        out.append(features(row["q"], retrieval, retrieval.vector, places))
    return np.stack(out)


def train_scope(
    services: Services, paths: list[Path], places: Places, held_out: list[Path] | None = None
) -> ScopeModel:
    """Features from the live index and model for every training question, then fit.
    Training questions that nearly repeat one in the `held_out` files are left out."""
    rows, left_out = without_near_repeats(load_training(paths), lambda r: r["q"], held_out)
    model = fit(
        feature_matrix(services, rows, places),
        np.array([r["in_scope"] for r in rows], dtype=int),
        np.array([detect_lang(r["q"]) for r in rows]),
        services.embeddings.model_id,
    )
    model.trained_on = files_signature(paths)
    model.metrics.update(left_out)
    adapter = services.query_adapter
    model.query_adapter = adapter.digest if adapter else ""
    return model


def fit(x: np.ndarray, y: np.ndarray, langs: np.ndarray, embedding_model: str) -> ScopeModel:
    """Standardise, fit a logistic regression, and set each language's cut from
    cross-validated probabilities so it is not fitted to answers the model has seen."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    # Standardised features times these weights: the query vector's dimensions count less.
    n_vector = max(0, x.shape[1] - N_RETRIEVAL - 3)  # then evidence, language, two flags
    weights = np.ones(x.shape[1])
    weights[:n_vector] = VECTOR_WEIGHT

    def pipeline() -> Any:
        return make_pipeline(
            StandardScaler(),
            FunctionTransformer(lambda z: z * weights),
            LogisticRegression(C=REGULARISATION, max_iter=5000),
        )

    # The cut is a low quantile (the share of answerable questions it may refuse): from one
    # split of the folds it moved by whole points of false refusals between retrainings
    # on nearly the same data, so it is averaged over repeated splits.
    strata = y * 2 + (langs == "en")
    runs = []
    for seed in range(REPEATS):
        probs = np.zeros(len(y))
        for tr, te in StratifiedKFold(FOLDS, shuffle=True, random_state=seed).split(x, strata):
            probs[te] = pipeline().fit(x[tr], y[tr]).predict_proba(x[te])[:, 1]
        runs.append(probs)
    cuts: dict[str, float] = {}
    metrics: dict[str, Any] = {"questions": len(y), "folds": FOLDS, "repeats": REPEATS}
    for lang in ("zh", "en"):
        inside = [p[(y == 1) & (langs == lang)] for p in runs]
        outside = [p[(y == 0) & (langs == lang)] for p in runs]
        has_in, has_out = len(inside[0]) > 0, len(outside[0]) > 0
        cut = (
            float(np.mean([np.quantile(i, TARGET_FALSE_REFUSALS) for i in inside]))
            if has_in
            else 0.5
        )
        cuts[lang] = round(cut, 4)
        metrics[lang] = {
            "in_scope": len(inside[0]),
            "out_of_scope": len(outside[0]),
            "cv_false_refusals": _share_below(inside, cut) if has_in else None,
            "cv_out_of_scope_refused": _share_below(outside, cut) if has_in and has_out else None,
        }
    final = pipeline().fit(x, y)
    scaler, lr = final.named_steps["standardscaler"], final.named_steps["logisticregression"]
    return ScopeModel(
        mean=[round(float(v), 6) for v in scaler.mean_],
        # (x - mean) / (scale / weight) is the weighted standardised feature the fit saw
        scale=[round(float(v), 6) for v in scaler.scale_ / weights],
        coef=[round(float(v), 6) for v in lr.coef_[0]],
        intercept=round(float(lr.intercept_[0]), 6),
        cuts=cuts,
        embedding_model=embedding_model,
        evidence=list(EVIDENCE),
        metrics=metrics,
    )


def _share_below(runs: list[np.ndarray], cut: float) -> float:
    """The share of probabilities under the cut, averaged over the repeated splits."""
    return round(float(np.mean([np.mean(p < cut) for p in runs])), 4)
