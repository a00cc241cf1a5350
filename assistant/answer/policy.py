"""The one place that decides: answer, hand off to people, or refuse.

Nothing else compares a relevance with a threshold. The decision rests on what was
retrieved and what the question asks for, never on which composer writes the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from assistant.answer.manipulation import manipulation
from assistant.asks import SPECIFICS, asked, bare_link
from assistant.documents import kind_of
from assistant.followup import continues
from assistant.lang import detect_lang
from assistant.retrieve import Retrieval

if TYPE_CHECKING:
    from assistant.answer.owncase import OwnCaseModel
    from assistant.answer.scope import Scope
    from assistant.schema import Hit


# A guide that states an asked-for specific (the address, the fee) in its fields leads the
# answer in place of a best plan task or FAQ that states none of them, when it retrieves
# within this share of the best score and is among the first LEAD_WITHIN hits. Only a
# guide: what a plan task or FAQ "states" is read from its wording (any date passes for a
# time limit), and on the dev sets that moved answers to the consultation deadline.
STATES_NEAR = 0.85
LEAD_WITHIN = 3
# An FAQ entry written on the best plan task answers in its place when it retrieves within
# this share of the task's score: it was written for questions like this one, and cites the
# task it rests on. Chosen on the dev sets: FAQ questions answered by their entry en 0.930
# -> 0.946, zh 0.900 -> 0.917 at 0.8 (0.9: zh only; 0.6-0.7: as 0.8); plan questions stay
# answered, by the task or by an entry that rests on it.
ENTRY_NEAR = 0.8


@dataclass
class Decision:
    action: Literal["answer", "handoff", "refuse"]
    asks: list[str] = field(default_factory=list)  # what the question asks for
    missing: list[str] = field(default_factory=list)  # asked-for specifics the unit lacks
    lead: int = 0  # the hit the answer is built on (0: the best one)
    own_case: bool = False  # refused as it asks about the asker's own case


def in_scope(
    question: str,
    retrieval: Retrieval,
    threshold: float,
    scope: Scope | None,
    context: str = "",
) -> bool:
    """The scope classifier when one is shipped for this embedding model; otherwise the
    calibrated relevance threshold."""
    if not retrieval.hits or bare_link(question):
        return False
    if scope is not None:
        return scope.p_in_scope(question, retrieval, context) >= scope.model.cut(question)
    return retrieval.relevance >= threshold


# A question that stands on its own (a subject of its own, no continuation marker such as
# "what about", "and", "那…呢", "it") and that the scope classifier rules out alone with
# this little of its cut (its probability under 3% of the cut) is not made ours by the
# conversation before it: "my landlord won't give back my deposit" after a
# construction-permit question. Chosen on the dev dialogues (dev-dialogues, -3, -4): of
# the follow-ups refused alone and answered with the earlier turn, the out-of-scope ones
# with a subject of their own lay at 0.8-4.4% of the cut alone (6 of them), the
# answerable ones at 5% and above; 3% refuses 5 of the 6 and none of the answerable.
# A continuation marker says the question leans on the conversation (followup.py) however
# little it means alone ("What about their 10-year-old son?", answerable, is 0.1% of the
# cut alone; the first version of this rule refused it on golden). With that exception,
# 4 of the 6 on dev (the fifth ends "where do I renew it").
RESCUE_FLOOR = 0.03


def beyond_rescue(question: str, alone: Retrieval, scope: Scope | None) -> bool:
    """The question stands on its own and is so clearly out of scope alone that no
    earlier turn can make it ours."""
    if scope is None or not alone.hits or continues(question):
        return False
    return scope.p_in_scope(question, alone) < RESCUE_FLOOR * scope.model.cut(question)


def decide(
    question: str,
    retrieval: Retrieval,
    threshold: float,
    scope: Scope | None = None,
    context: str = "",
    own_case: OwnCaseModel | None = None,
) -> Decision:
    """`context`: the earlier question a follow-up leans on; the scope is judged on both,
    and a follow-up that asks for nothing of its own ("那外地企业呢?") asks what it did.
    `own_case`: the detector of questions about the asker's own case, which no unit
    answers; it is read on the question alone, after the scope (what the scope refuses is
    refused in the general words, as it may be anything)."""
    lang = detect_lang(question)
    asks = asked(question, lang) or (asked(context, detect_lang(context)) if context else [])
    # An attempt to buy an answer (override, role-play, internals, encoded, harm) is
    # refused whatever retrieval found.
    if manipulation(question) or not in_scope(question, retrieval, threshold, scope, context):
        return Decision("refuse", asks)
    if _asks_own_case(question, retrieval, own_case):
        return Decision("refuse", asks, own_case=True)
    specific = [a for a in asks if a in SPECIFICS]
    lead = _lead(retrieval, specific)
    unit = retrieval.hits[lead].unit
    missing = kind_of(unit).missing(unit, asks, retrieval.lang)
    # Hand off when no close unit states any of the specifics asked for; a guide that
    # states some of them answers those and says which it lacks.
    if specific and set(specific) <= set(missing):
        return Decision("handoff", asks, [m for m in missing if m in SPECIFICS])
    return Decision("answer", asks, missing, lead)


def _asks_own_case(question: str, retrieval: Retrieval, own_case: OwnCaseModel | None) -> bool:
    """The question asks about the asker's own case, and the best unit is not an FAQ entry
    written for such a question (its own question reads as one too): staff who publish
    "our award was approved; when is it paid?" have decided how those are answered."""
    if own_case is None or not own_case.asks_own_case(question):
        return False
    best = retrieval.hits[0].unit
    return not (
        best.kind == "entry"
        and any(own_case.asks_own_case(q) for q in (best.title, best.title_en) if q)
    )


def _lead(retrieval: Retrieval, specific: list[str]) -> int:
    """The hit to answer from: the best one, unless it is a plan task or FAQ that states
    none of the specifics asked for ("where is the service hall?" finding an FAQ about the
    hall's foreigners' counter) and a guide that retrieves nearly as well states some (the
    hall's, with its address); or, failing that, unless it is a plan task and an FAQ entry
    written on it retrieves nearly as well."""
    hits = retrieval.hits
    if specific:

        def states(i: int) -> bool:
            unit = hits[i].unit
            return not set(specific) <= set(kind_of(unit).missing(unit, specific, retrieval.lang))

        # A guide that lacks the field is still the procedure asked about: another guide's
        # time limit would answer for a different procedure (held out, "how many days to
        # register a company?" moved to the social-insurance guide's time limit).
        if hits[0].unit.kind == "guide" or states(0):
            return 0
        guide = _near(hits, STATES_NEAR, lambda i: hits[i].unit.kind == "guide" and states(i))
        if guide:
            return guide
    if hits[0].unit.kind != "plan":
        return 0
    task = hits[0].unit.ref
    return _near(
        hits,
        ENTRY_NEAR,
        lambda i: hits[i].unit.kind == "entry" and task in hits[i].unit.source_refs,
    )


def _near(hits: list[Hit], share: float, fits: Callable[[int], bool]) -> int:
    """The first of the next hits (up to LEAD_WITHIN) within `share` of the best score that
    `fits`, or 0."""
    for i in range(1, min(LEAD_WITHIN, len(hits))):
        if hits[i].score >= share * hits[0].score and fits(i):
            return i
    return 0
