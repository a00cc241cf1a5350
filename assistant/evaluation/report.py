"""Write the evaluation report: Markdown tables and PNG charts beside it."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

from assistant.evaluation.metrics import METRICS


def _f(v: Any, ms: bool = False) -> str:
    if v is None:
        return "–"
    return f"{v:.0f}" if ms else f"{v:.3f}"


def _charts(result: dict[str, Any], out_dir: Path, stem: str) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names: list[str] = []
    langs = [lang for lang in ("zh", "en") if lang in result["ours"]]
    has_base = "baseline" in result

    fig, ax = plt.subplots(figsize=(7, 3.5))
    ks = ["recall@1", "recall@3", "recall@5"]
    width = 0.2
    for i, lang in enumerate(langs):
        xs = [j + i * 2 * width for j in range(len(ks))]
        ax.bar(xs, [result["ours"][lang][k] or 0 for k in ks], width, label=f"ours {lang}")
        if has_base:
            ax.bar(
                [x + width for x in xs],
                [result["baseline"][lang][k] or 0 for k in ks],
                width,
                label=f"baseline {lang}",
                alpha=0.6,
            )
    ax.set_xticks([j + 1.5 * width for j in range(len(ks))], ks)
    ax.set_ylim(0, 1)
    ax.set_title("Recall per language: ours vs the plain LangChain baseline")
    ax.legend(fontsize=8, ncol=2, loc="lower right")
    fig.tight_layout()
    names.append(f"{stem}-recall.png")
    fig.savefig(out_dir / names[-1], dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 3.2))
    ours_lat = [r["latency_ms"] for r in result["records"]["ours"]]
    ax.hist(ours_lat, bins=40, alpha=0.7, label="ours (whole ask path)")
    if has_base:
        ax.hist(
            [r["latency_ms"] for r in result["records"]["baseline"]],
            bins=40,
            alpha=0.5,
            label="baseline (embed + Chroma top-k)",
        )
    ax.set_xlabel("latency per question (ms)")
    ax.set_ylabel("questions")
    ax.legend(fontsize=8)
    ax.set_title("Latency distribution")
    fig.tight_layout()
    names.append(f"{stem}-latency.png")
    fig.savefig(out_dir / names[-1], dpi=110)
    plt.close(fig)

    misses = _misses(result["records"]["ours"])
    fig, ax = plt.subplots(figsize=(10, 3.5))
    groups = sorted(misses, key=lambda g: -misses[g])
    ax.barh(groups or ["(none)"], [misses[g] for g in groups] or [0])
    ax.invert_yaxis()
    ax.set_xlabel("answerable questions with no gold ref in the top 3")
    ax.set_title("Where retrieval errors fall, by action group")
    fig.tight_layout()
    names.append(f"{stem}-errors.png")
    fig.savefig(out_dir / names[-1], dpi=110)
    plt.close(fig)
    return names


def _misses(records: list[dict[str, Any]]) -> Counter[str]:
    return Counter(
        r["group"] for r in records if r["gold"] and not set(r["ranked"][:3]) & set(r["gold"])
    )


def write_report(result: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    charts = _charts(result, path.parent, path.stem)
    has_base = "baseline" in result
    lines = [
        "# Evaluation report",
        "",
        f"Generated {time.strftime('%Y-%m-%d %H:%M')} by `make eval` on this machine. "
        f"{result['questions']} questions from {', '.join(Path(f).name for f in result['files'])}; "
        f"embedding model `{result['embedding_model']}`.",
        "",
    ]
    if adapter := result.get("query_adapter"):
        lines += [
            f"Question vectors pass through the query adapter `{adapter['digest']}`, learned "
            f"from {adapter['questions']} answerable questions in {adapter['trained_on']} "
            f"(never these sets; {adapter.get('left_out_near_held_out', 0)} training questions "
            "close to an evaluation question were left out).",
            "",
        ]
    if own := result.get("own_case"):
        lines += [
            'Questions about the asker\'s own case ("has my permit been approved?") are '
            f"refused by the own-case detector, learned from {own['own_case']} such questions "
            f"and {own['answerable']} answerable ones in {own['trained_on']} (never these "
            f"sets; {own['left_out_near_held_out']} close to an evaluation question were "
            "left out).",
            "",
        ]
    if has_base:
        lines += [
            "The baseline is the plain pipeline from the LangChain docs, measured in the same "
            f"run: RecursiveCharacterTextSplitter (500/50, {result['baseline_chunks']} chunks) "
            "+ the same embedding model + Chroma top-5, no structure, no keywords, no "
            "refusal, over the same files (the plan as text, each guide and entry file as it "
            "is). Its chunks are mapped to the units they come from; it always answers, with "
            "the best chunk as found.",
            "",
        ]
    for lang, ours in result["ours"].items():
        lines += [f"## {lang}: {ours['n']:.0f} questions, {ours['answerable']:.0f} answerable", ""]
        header = "| metric | ours |" + (" baseline | ours ÷ baseline |" if has_base else "")
        lines += [header, "|---|---:|" + ("---:|---:|" if has_base else "")]
        for m in METRICS:
            ms = m.endswith("_ms")
            row = f"| {m} | {_f(ours.get(m), ms)} |"
            if has_base:
                row += (
                    f" {_f(result['baseline'][lang].get(m), ms)} |"
                    f" {_f(result['ratio'][lang].get(m))} |"
                )
            lines.append(row)
        lines.append("")
    lines += ["## Recall by kind of the gold ref", ""]
    lines += [
        "| lang | kind | questions | recall@1 | recall@3 | false refusals |"
        + (" baseline recall@1 |" if has_base else ""),
        "|---|---|---:|---:|---:|---:|" + ("---:|" if has_base else ""),
    ]
    for lang, per_kind in result.get("ours_by_kind", {}).items():
        for kind, m in per_kind.items():
            row = (
                f"| {lang} | {kind} | {m['n']:.0f} | {_f(m['recall@1'])} | {_f(m['recall@3'])} |"
                f" {_f(m['false_refusal_rate'])} |"
            )
            if has_base:
                base = result.get("baseline_by_kind", {}).get(lang, {}).get(kind, {})
                row += f" {_f(base.get('recall@1'))} |"
            lines.append(row)
    lines += [
        "",
        "readability: the share of English answers whose text (without the source list) is "
        "at least 90% Latin script. A hand-off that cites the unit answering the question "
        "(it lacks the fee or time asked for) is not counted as a false refusal.",
        "",
        "## Scope decision",
        "",
    ]
    scope = result.get("scope")
    if scope:
        lines.append(
            f"The scope classifier decides (cuts {scope['cuts']}, trained on "
            f"{scope['trained_on']}; never on these sets). For reference, the best cut of "
            "the relevance score alone on this set:"
        )
    for lang, cal in result["calibration"].items():
        lines.append(
            f"- {lang}: relevance threshold (the fallback) {cal['current']}; the best cut on "
            f"this set would be {_f(cal['best_threshold'])} (balanced accuracy "
            f"{_f(cal['balanced_accuracy'])})."
        )
    lines += ["", "## Scope decision: confusion matrix", ""]
    lines += [
        "| lang | answerable, answered | answerable, refused | out of scope, refused | "
        "out of scope, answered | out-of-scope refused | false refusals |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for lang, conf in result.get("scope_confusion", {}).items():
        m = conf["matrix"]
        oos = m["out_of_scope_refused"] + m["out_of_scope_answered"]
        ans = m["answerable_answered"] + m["answerable_refused"]
        lines.append(
            f"| {lang} | {m['answerable_answered']} | {m['answerable_refused']} | "
            f"{m['out_of_scope_refused']} | {m['out_of_scope_answered']} | "
            f"{_f(m['out_of_scope_refused'] / oos if oos else None)} | "
            f"{_f(m['answerable_refused'] / ans if ans else None)} |"
        )
    cats = result.get("scope_confusion", {}).get("all", {}).get("out_of_scope_by_category", {})
    if cats:
        lines += ["", "Out-of-scope questions refused, by category (all languages):", ""]
        lines += [f"- {cat}: {_f(v['refused'])} of {v['n']:.0f}" for cat, v in cats.items()]
    lines += ["", "## Charts", ""] + [f"![{c}]({c})" for c in charts]
    misses = _misses(result["records"]["ours"])
    if misses:
        lines += ["", "## Retrieval misses (gold not in top 3) by action group", ""]
        lines += [f"- {g}: {n}" for g, n in misses.most_common()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
