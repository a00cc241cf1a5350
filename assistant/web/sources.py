"""A unit as the source panel and GET /api/v1/sources/{ref} show it: both languages side
by side, sentence by sentence, with the sentences an answer quoted highlighted in both."""

from __future__ import annotations

import html
from typing import Any

from assistant.documents.guide import FIELD_LABELS, field_of
from assistant.schema import Unit

UNOFFICIAL_EN = (
    "The English text is an unofficial rendering made for this assistant; the Chinese "
    "original prevails."
)


def _label(unit: Unit, sentence_id: str) -> dict[str, str]:
    """A guide sentence's field label, an entry's Question/Answer; plan sentences have none."""
    if unit.kind == "guide":
        labels = FIELD_LABELS[field_of(sentence_id)]
        return {"zh": labels["zh"], "en": labels["en"]}
    if unit.kind == "entry":
        q = sentence_id.endswith("/q")
        return {"zh": "问" if q else "答", "en": "Question" if q else "Answer"}
    return {"zh": "", "en": ""}


def source_view(unit: Unit, highlight: set[str] | None = None) -> dict[str, Any]:
    """The stable JSON shape of a source: titles, both texts, aligned sentences, provenance."""
    highlight = highlight or set()
    sentences = []
    for s in unit.sentences:
        label = _label(unit, s.id)
        sentences.append(
            {
                "id": s.id,
                "zh": s.zh,
                "en": s.en,
                "label_zh": label["zh"],
                "label_en": label["en"],
                "highlighted": s.id in highlight,
            }
        )
    view: dict[str, Any] = {
        "ref": unit.ref,
        "kind": unit.kind,
        "part": unit.part,
        "title": unit.title,
        "title_en": unit.title_en,
        "group": unit.group,
        "group_en": unit.group_en,
        "text": unit.text,
        "text_en": " ".join(s.en for s in unit.sentences if s.en),
        "sentences": sentences,
        "source_refs": list(unit.source_refs),
        "rests_on": unit.data.get("rests_on", []),
    }
    if unit.kind == "plan":
        view["english_note"] = UNOFFICIAL_EN
    if unit.kind == "guide":
        data = unit.data
        view["source_url"] = data.get("source_url", "")
        view["source_name"] = data.get("source_name") or {}
        view["source_official"] = data.get("source_official", True)
        view["last_checked"] = str(data.get("last_checked", ""))
    return view


def render_source_html(view: dict[str, Any], lang: str) -> str:
    """The source panel: a two-column table (中文 | English), quoted sentences marked.

    Every piece of knowledge text is escaped; the only markup is what this function adds.
    """
    e = html.escape
    title = view["title_en"] if lang == "en" and view["title_en"] else view["title"]
    group = view["group_en"] if lang == "en" and view["group_en"] else view["group"]
    heads = ("中文原文", "English") if lang == "zh" else ("Chinese original", "English")
    rows = []
    for s in view["sentences"]:
        mark = ' class="cited"' if s["highlighted"] else ""
        zh, en = e(s["zh"]), e(s["en"]) if s["en"] else "—"
        if s["highlighted"]:
            zh, en = f"<mark>{zh}</mark>", f"<mark>{en}</mark>" if s["en"] else en
        lz, le = e(s["label_zh"]), e(s["label_en"])
        zh = f"<b>{lz}</b> {zh}" if lz else zh
        en = f"<b>{le}</b> {en}" if le else en
        rows.append(
            f'<tr{mark} data-id="{e(s["id"])}"><td lang="zh">{zh}</td><td lang="en">{en}</td></tr>'
        )
    notes = []
    if view.get("english_note"):
        notes.append("英文为非官方译文,以中文原文为准。" if lang == "zh" else view["english_note"])
    if view["kind"] == "guide":
        name = (view.get("source_name") or {}).get(lang, "")
        url = e(view.get("source_url", ""))
        checked = e(view.get("last_checked", ""))
        src = f'<a href="{url}" rel="noopener noreferrer" target="_blank">{e(name) or url}</a>'
        notes.append(
            f"来源:{src},核对日期 {checked}"
            if lang == "zh"
            else f"Source: {src}, last checked {checked}"
        )
    rests = view.get("rests_on") or []
    if rests:
        key = "label_zh" if lang == "zh" else "label_en"
        joined = e(("、" if lang == "zh" else "; ").join(r[key] for r in rests))
        notes.append(f"相关方案任务:{joined}" if lang == "zh" else f"Related plan tasks: {joined}")
    note_html = "".join(f"<p><small>{n}</small></p>" for n in notes)
    return (
        f'<div class="source" data-ref="{e(view["ref"])}"><h4>{e(title)}</h4>'
        + (f"<p><small>{e(group)}</small></p>" if group else "")
        + f'<table class="bilingual"><thead><tr><th>{heads[0]}</th><th>{heads[1]}</th></tr></thead>'
        + f"<tbody>{''.join(rows)}</tbody></table>{note_html}</div>"
    )
