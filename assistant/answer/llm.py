"""LLM composer: the model writes the answer from the cited units only, or we fall back.

The decision to answer stays with the policy, never with the model; an answer whose
markers do not point at a supplied document, or a failed call, falls back to the
extractive composer, so a model can only make an answer better written, not less faithful.
"""

from __future__ import annotations

import html
import logging
import re
from typing import TYPE_CHECKING

from assistant.answer.extractive import Composer, cited_hits
from assistant.answer.prompts import load_prompt
from assistant.answer.render import build_answer, make_citation
from assistant.documents import kind_of
from assistant.schema import Answer, Hit, Lang

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.retrieve import Retrieval

log = logging.getLogger(__name__)
_MARKER = re.compile(r"\[(\d+)\]")


def format_docs(hits: list[Hit], lang: Lang = "zh") -> str:
    """Wrap each unit in a numbered <document> block, escaped, in `lang` where it has it.

    >>> from assistant.schema import Unit
    >>> u = Unit(ref="plan#22", doc_id="plan", kind="plan", part="task", number=22,
    ...          title="优化用电服务", text="优化用电服务。<b>零投资</b>")
    >>> print(format_docs([Hit(unit=u, score=1.0)]))
    <document n="1" ref="plan#22" lang="zh" title="优化用电服务">
    优化用电服务。&lt;b&gt;零投资&lt;/b&gt;
    </document>
    """
    blocks = []
    for n, h in enumerate(hits, start=1):
        u = h.unit
        doc_lang = lang if lang in u.langs else "zh"
        body = kind_of(u).context_text(u, doc_lang)
        blocks.append(
            f'<document n="{n}" ref="{html.escape(u.ref)}" lang="{doc_lang}" '
            f'title="{html.escape(u.title_for(doc_lang))}">\n{html.escape(body)}\n</document>'
        )
    return "\n".join(blocks)


class LLMComposer:
    def __init__(self, model: BaseChatModel, fallback: Composer) -> None:
        self.model = model
        self.fallback = fallback

    def compose(self, retrieval: Retrieval, asks: list[str]) -> Answer:
        lang = retrieval.lang
        hits = cited_hits(retrieval)
        prompt = load_prompt("answer", lang).format(
            context=format_docs(hits, lang), question=retrieval.query
        )
        try:
            text = str(self.model.invoke(prompt).content).strip()
        except Exception as exc:  # the endpoint is the operator's; never fail the user for it
            log.warning("chat model failed (%s); answering extractively", type(exc).__name__)
            return self.fallback.compose(retrieval, asks)
        markers = {int(m) for m in _MARKER.findall(text)}
        if not text or not markers or not markers <= set(range(1, len(hits) + 1)):
            log.warning("chat model answer lacks valid citation markers; answering extractively")
            return self.fallback.compose(retrieval, asks)
        citations = [make_citation(h, n, lang) for n, h in enumerate(hits, start=1)]
        return build_answer(retrieval, text, refused=False, citations=citations)
