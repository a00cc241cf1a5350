"""The one place that decides: answer, hand off to people, or refuse.

Nothing else compares a relevance with a threshold. The decision rests on what was
retrieved and what the question asks for, never on which composer writes the answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from assistant.answer.manipulation import manipulation
from assistant.asks import SPECIFICS, asked
from assistant.documents import kind_of
from assistant.lang import detect_lang
from assistant.retrieve import Retrieval

if TYPE_CHECKING:
    from assistant.answer.scope import Scope


@dataclass
class Decision:
    action: Literal["answer", "handoff", "refuse"]
    asks: list[str] = field(default_factory=list)  # what the question asks for
    missing: list[str] = field(default_factory=list)  # asked-for specifics the unit lacks


def in_scope(
    question: str,
    retrieval: Retrieval,
    threshold: float,
    scope: Scope | None,
    context: str = "",
) -> bool:
    """The scope classifier when one is shipped for this embedding model; otherwise the
    calibrated relevance threshold."""
    if not retrieval.hits:
        return False
    if scope is not None:
        return scope.p_in_scope(question, retrieval, context) >= scope.model.cut(question)
    return retrieval.relevance >= threshold


def decide(
    question: str,
    retrieval: Retrieval,
    threshold: float,
    scope: Scope | None = None,
    context: str = "",
) -> Decision:
    """`context`: the earlier question a follow-up leans on; the scope is judged on both,
    and a follow-up that asks for nothing of its own ("那外地企业呢?") asks what it did."""
    lang = detect_lang(question)
    asks = asked(question, lang) or (asked(context, detect_lang(context)) if context else [])
    # An attempt to buy an answer (override, role-play, internals, encoded, harm) is
    # refused whatever retrieval found.
    if manipulation(question) or not in_scope(question, retrieval, threshold, scope, context):
        return Decision("refuse", asks)
    best = retrieval.hits[0].unit
    missing = kind_of(best).missing(best, asks, retrieval.lang)
    specific = [a for a in asks if a in SPECIFICS]
    # Hand off when the best unit states none of the specifics asked for; a guide that
    # states some of them answers those and says which it lacks.
    if specific and set(specific) <= set(missing):
        return Decision("handoff", asks, [m for m in missing if m in SPECIFICS])
    return Decision("answer", asks, missing)
