"""`assistant eval`: load, validate, run ours (and the baseline), print or write results."""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table

from assistant.evaluation.metrics import (
    METRICS,
    Record,
    best_threshold,
    by_kind,
    scope_confusion,
    summarize,
)
from assistant.evaluation.questions import load_questions
from assistant.evaluation.runner import run_baseline, run_ours

if TYPE_CHECKING:
    from rich.console import Console

    from assistant.services import Services


def by_lang(records: list[Record], known: set[str]) -> dict[str, dict[str, float]]:
    out = {"all": summarize(records, known)}
    for lang in ("zh", "en"):
        sub = [r for r in records if r.lang == lang]
        if sub:
            out[lang] = summarize(sub, known)
    return out


def kinds_by_lang(records: list[Record]) -> dict[str, dict[str, dict[str, float]]]:
    return {
        lang: by_kind([r for r in records if lang == "all" or r.lang == lang])
        for lang in ("all", "zh", "en")
    }


def evaluate(services: Services, paths: list[Path], baseline: bool = False) -> dict[str, Any]:
    """Run everything and return the stable JSON result (raises ValueError on bad gold)."""
    known = services.known_refs()
    loaded = load_questions(paths, known)
    if loaded.errors:
        raise ValueError("\n".join(loaded.errors))
    questions = loaded.questions
    ours = run_ours(services, questions)
    calibration = {}
    for lang in ("zh", "en"):
        cut, acc = best_threshold([r for r in ours if r.lang == lang])
        calibration[lang] = {
            "current": services.settings.refusal_threshold(lang),
            "best_threshold": cut,
            "balanced_accuracy": acc,
        }
    result: dict[str, Any] = {
        "questions": len(questions),
        "files": [str(p) for p in paths],
        "embedding_model": services.index.embedding_model,
        "query_adapter": {
            "trained_on": adapter.trained_on,
            "questions": adapter.metrics.get("questions"),
            "left_out_near_held_out": adapter.metrics.get("left_out_near_held_out", 0),
            "digest": adapter.digest[:12],
        }
        if (adapter := services.query_adapter)
        else None,
        "calibration": calibration,
        "scope": {"cuts": services.scope.model.cuts, "trained_on": services.scope.model.trained_on}
        if services.scope
        else None,
        "own_case": {
            "trained_on": own_case.trained_on,
            "own_case": own_case.metrics.get("own_case"),
            "answerable": own_case.metrics.get("answerable"),
            "left_out_near_held_out": own_case.metrics.get("left_out_near_held_out", 0),
        }
        if (own_case := services.own_case)
        else None,
        "warnings": loaded.warnings,
        "ours": by_lang(ours, known),
        "ours_by_kind": kinds_by_lang(ours),
        "scope_confusion": {
            lang: scope_confusion([r for r in ours if lang == "all" or r.lang == lang])
            for lang in ("all", "zh", "en")
        },
        "records": {"ours": [r.__dict__ for r in ours]},
    }
    if baseline:
        from assistant.evaluation.baseline import BaselinePipeline

        with tempfile.TemporaryDirectory(prefix="baseline-") as tmp:
            pipe = BaselinePipeline(
                services.settings,
                services.embeddings,
                list(services.index.units.values()),
                Path(tmp),
            )
            base = run_baseline(services, pipe, questions)
        result["baseline"] = by_lang(base, known)
        result["baseline_by_kind"] = kinds_by_lang(base)
        result["baseline_chunks"] = pipe.chunks
        result["records"]["baseline"] = [r.__dict__ for r in base]
        result["ratio"] = {
            lang: {
                m: _ratio(result["ours"][lang].get(m), result["baseline"][lang].get(m))
                for m in METRICS
            }
            for lang in result["ours"]
        }
    return _clean(result)


def _ratio(a: float | None, b: float | None) -> float:
    if a is None or b is None or not b or math.isnan(a) or math.isnan(b):
        return float("nan")
    return a / b


def _clean(obj: Any) -> Any:
    """NaN is not JSON: report an undefined figure as null."""
    if isinstance(obj, float):
        return None if math.isnan(obj) else obj
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_clean(v) for v in obj]
    return obj


def _fmt(v: float | None, metric: str) -> str:
    if v is None:
        return "–"
    return f"{v:.0f}" if metric.endswith("_ms") else f"{v:.3f}"


def print_tables(result: dict[str, Any], console: Console) -> None:
    for lang, ours in result["ours"].items():
        table = Table(
            title=f"{lang}: {ours['n']:.0f} questions ({ours['answerable']:.0f} answerable)"
        )
        table.add_column("metric")
        table.add_column("ours", justify="right")
        if "baseline" in result:
            table.add_column("baseline", justify="right")
            table.add_column("ours/baseline", justify="right")
        for m in METRICS:
            row = [m, _fmt(ours.get(m), m)]
            if "baseline" in result:
                row += [
                    _fmt(result["baseline"][lang].get(m), m),
                    _fmt(result["ratio"][lang].get(m), "ratio"),
                ]
            table.add_row(*row)
        console.print(table)
    kinds = Table(title="recall by kind of the gold ref")
    for col in ("lang", "kind", "n", "recall@1 ours", "recall@3 ours", "recall@1 baseline"):
        kinds.add_column(col, justify="right" if col != "kind" else "left")
    for lang, per_kind in result["ours_by_kind"].items():
        for kind, m in per_kind.items():
            base = result.get("baseline_by_kind", {}).get(lang, {}).get(kind, {})
            kinds.add_row(
                lang,
                kind,
                f"{m['n']:.0f}",
                _fmt(m["recall@1"], "x"),
                _fmt(m["recall@3"], "x"),
                _fmt(base.get("recall@1"), "x"),
            )
    console.print(kinds)
    console.print(f"embedding model: {result['embedding_model']}")
    for lang, cal in result["calibration"].items():
        console.print(
            f"refusal threshold {lang}: {cal['current']} (best cut on this set: "
            f"{_fmt(cal['best_threshold'], 'x')}, balanced accuracy "
            f"{_fmt(cal['balanced_accuracy'], 'x')})"
        )


def run_eval(
    services: Services,
    paths: list[Path],
    as_json: bool,
    baseline: bool,
    report: Path | None,
    console: Console,
    fail: Callable[..., Any],
) -> None:
    try:
        result = evaluate(services, paths, baseline=baseline)
    except ValueError as exc:
        fail(f"the question files have problems; nothing was run:\n{exc}", 2)
        return
    if not as_json:  # with --json the warnings travel inside the one object
        for w in result["warnings"]:
            console.print(f"[yellow]warning:[/] {w}", highlight=False)
    if report is not None:
        from assistant.evaluation.report import write_report

        write_report(result, report)
        console.print(f"report written to {report}")
    if as_json:
        public = {k: v for k, v in result.items() if k != "records"}
        print(json.dumps(public, ensure_ascii=False))
    else:
        print_tables(result, console)
