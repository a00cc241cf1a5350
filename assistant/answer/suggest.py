"""Two or three follow-up questions, drawn from the units an answer cites."""

from __future__ import annotations

from assistant.documents.guide import field_of
from assistant.schema import Answer, Lang, Unit

# What a guide can be asked next, by field, in each language ({t}: the guide's title).
GUIDE_NEXT: dict[str, dict[Lang, str]] = {
    "materials": {"zh": "办理“{t}”需要哪些材料?", "en": "What documents do I need for {t}?"},
    "steps": {"zh": "“{t}”的办理流程是什么?", "en": "What are the steps for {t}?"},
    "address": {"zh": "“{t}”在哪里办理?", "en": "Where do I go for {t}?"},
    "time_limit": {"zh": "“{t}”要多久能办好?", "en": "How long does {t} take?"},
    "online": {"zh": "“{t}”可以网上办理吗?", "en": "Can I do {t} online?"},
    "conditions": {"zh": "办理“{t}”需要什么条件?", "en": "Who qualifies for {t}?"},
}
ABOUT_TASK = {"zh": "第{n}项“{t}”讲了什么?", "en": "What does task {n}, “{t}”, say?"}
HOW_TO = {"zh": "“{t}”怎么办理?", "en": "How do I go about {t}?"}
MAX_SUGGESTIONS = 3


def suggestions(answer: Answer, units: dict[str, Unit]) -> list[str]:
    """Questions the cited units can answer that this answer did not: a guide's other
    parts, the FAQs and guides that rest on a cited task, the tasks an item rests on."""
    lang = answer.lang
    out: list[str] = []
    cited = [units[c.ref] for c in answer.citations if c.ref in units]
    shown = {i for c in answer.citations for i in c.sentence_ids}
    for unit in cited:
        if unit.kind == "guide":
            have = {field_of(s.id) for s in unit.sentences}
            told = {field_of(i) for i in shown if i.startswith(unit.ref + "/")}
            for name, text in GUIDE_NEXT.items():
                if name in have and name not in told:
                    out.append(text[lang].format(t=unit.title_for(lang)))
        for other in units.values():
            if unit.ref in other.source_refs and other.kind == "entry":
                out.append(other.title_for(lang))
            elif unit.ref in other.source_refs and other.kind == "guide":
                out.append(HOW_TO[lang].format(t=other.title_for(lang)))
        tasks = [units[r] for r in unit.source_refs if r in units]
        if unit.part == "task":
            tasks += [
                u
                for u in units.values()
                if u.part == "task" and u.group == unit.group and u.ref != unit.ref
            ][:2]  # its neighbours in the same action
        for task in tasks:
            if task.part == "task":
                out.append(ABOUT_TASK[lang].format(n=task.number, t=task.title_for(lang)))
    seen = {answer.question.strip()}
    unique = [q for q in dict.fromkeys(out) if q not in seen]
    return unique[:MAX_SUGGESTIONS]
