"""The one place that decides: answer, hand off to people, or refuse.

Nothing else compares a relevance with a threshold. The decision rests on what was
retrieved and what the question asks for, never on which composer writes the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from assistant.asks import SPECIFICS, asked
from assistant.documents import kind_of
from assistant.retrieve import Retrieval

if TYPE_CHECKING:
    from assistant.answer.scope import Scope

# Attempts to re-task the assistant. Such a question is answered only when retrieval is
# clearly sure of it (an extra margin over the threshold); a bare attempt is refused.
INJECTION = re.compile(
    r"(ignore|disregard|forget)\s+(all\s+|any\s+|the\s+|your\s+|previous\s+|prior\s+|above\s+)*"
    r"(instructions?|prompts?|rules?)|system\s+prompt|jailbreak|developer\s+mode|"
    r"忽略(之前|以上|上面|前面|所有)?的?(指令|指示|提示|规则)|系统提示词?|提示词|越狱",
    re.IGNORECASE,
)
# The extra certainty an injection attempt needs (relevance, or probability of scope).
INJECTION_MARGIN = 0.05


@dataclass
class Decision:
    action: Literal["answer", "handoff", "refuse"]
    asks: list[str] = field(default_factory=list)  # what the question asks for
    missing: list[str] = field(default_factory=list)  # asked-for specifics the unit lacks


def in_scope(question: str, retrieval: Retrieval, threshold: float, scope: Scope | None) -> bool:
    """The scope classifier when one is shipped for this embedding model; otherwise the
    calibrated relevance threshold. An injection attempt needs a clear margin either way."""
    if not retrieval.hits:
        return False
    margin = INJECTION_MARGIN if INJECTION.search(question) else 0.0
    if scope is not None:
        return scope.p_in_scope(question, retrieval) >= scope.model.cut(question) + margin
    return retrieval.relevance >= threshold + margin


def decide(
    question: str, retrieval: Retrieval, threshold: float, scope: Scope | None = None
) -> Decision:
    asks = asked(question, retrieval.lang)
    if not in_scope(question, retrieval, threshold, scope):
        return Decision("refuse", asks)
    best = retrieval.hits[0].unit
    missing = kind_of(best).missing(best, asks, retrieval.lang)
    specific = [a for a in asks if a in SPECIFICS]
    # Hand off when the best unit states none of the specifics asked for; a guide that
    # states some of them answers those and says which it lacks.
    if specific and set(specific) <= set(missing):
        return Decision("handoff", asks, [m for m in missing if m in SPECIFICS])
    return Decision("answer", asks, missing)
