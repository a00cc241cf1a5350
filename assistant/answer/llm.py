"""LLM composer: the model writes the answer from the cited units only, or we fall back.

The refusal decision stays with retrieval (a calibrated threshold), never with the model;
an answer whose markers do not point at a supplied document, or a failed call, falls back
to the extractive composer, so a model can only make an answer better written, not less
faithful.
"""

from __future__ import annotations

import html
import logging
import re
from typing import TYPE_CHECKING

from assistant.answer import Composer, build_answer, cited_hits, make_citations, refusal
from assistant.prompts import load_prompt
from assistant.schema import Answer, Hit

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.retrieve import Retrieval

log = logging.getLogger(__name__)
_MARKER = re.compile(r"\[(\d+)\]")


def format_docs(hits: list[Hit]) -> str:
    """Wrap each unit in a numbered <document> block, escaped.

    >>> from assistant.schema import Unit
    >>> u = Unit(ref="plan#22", doc_id="plan", kind="task", number=22, title="优化用电服务",
    ...          text="优化用电服务。<b>零投资</b>")
    >>> print(format_docs([Hit(unit=u, score=1.0)]))
    <document n="1" ref="plan#22" lang="zh" title="优化用电服务">
    优化用电服务。&lt;b&gt;零投资&lt;/b&gt;
    </document>
    """
    blocks = []
    for n, h in enumerate(hits, start=1):
        u = h.unit
        blocks.append(
            f'<document n="{n}" ref="{html.escape(u.ref)}" lang="zh" '
            f'title="{html.escape(u.title)}">\n{html.escape(u.text)}\n</document>'
        )
    return "\n".join(blocks)


class LLMComposer:
    def __init__(self, model: BaseChatModel, fallback: Composer) -> None:
        self.model = model
        self.fallback = fallback

    def compose(self, retrieval: Retrieval, threshold: float) -> Answer:
        if not retrieval.hits or retrieval.relevance < threshold:
            return refusal(retrieval)
        lang = retrieval.lang
        hits = cited_hits(retrieval)
        prompt = load_prompt("answer", lang).format(
            context=format_docs(hits), question=retrieval.query
        )
        try:
            text = str(self.model.invoke(prompt).content).strip()
        except Exception as exc:  # the endpoint is the operator's; never fail the user for it
            log.warning("chat model failed (%s); answering extractively", exc)
            return self.fallback.compose(retrieval, threshold)
        markers = {int(m) for m in _MARKER.findall(text)}
        if not text or not markers or not markers <= set(range(1, len(hits) + 1)):
            log.warning("chat model answer lacks valid citation markers; answering extractively")
            return self.fallback.compose(retrieval, threshold)
        return build_answer(retrieval, text, refused=False, citations=make_citations(hits, lang))
