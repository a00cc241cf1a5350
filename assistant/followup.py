"""Follow-ups: when does a question lean on the conversation, and on what?

A question is taken with the previous turn only when it is incomplete on its own: it
opens or ends like a continuation ("那…呢", "what about…"), points back ("它", "it"), or
has no content of its own beyond what it asks for ("要多久?", "what documents?"); or it
retrieves poorly alone but well with the last turn. Even then, its own words must be
ones the knowledge base knows: "那怎么制造炸弹呢?" continues nothing we can answer, so it
is judged alone and refused. The same rules serve the API, the CLI and the web page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.asks import ASKS, FACTS, asked, bare_link
from assistant.index.tokenize import tokenize
from assistant.lang import detect_lang, to_simplified

# Openings and endings that continue the previous question.
CONTINUES = {
    "zh": re.compile(
        r"^(那|那么|那如果|那要是|还有|另外|如果是|要是|换成|至于)|呢\s*[??]?\s*$|"
        r"^(它|它们|这个|那个|这些|那些|该|此项|上述|同样|这样|那样)"
    ),
    "en": re.compile(
        r"^(and|what about|how about|and for|and if|what if|same for|also|then|but)\b|"
        r"\b(it|its|they|them|those|these|that one|this one)\b|"
        r"^(is|was|does|can|will|would) (that|this)\b",
        re.I,
    ),
}
# Words that only carry the question itself, removed before judging what is left.
_FILLER = re.compile(
    r"那么|那如果|那要是|那|还有|另外|如果是|要是|换成|至于|呢|吗|吧|啊|呗|哦|请问|它们|它|"
    r"这个|那个|这些|那些|同样|啥|什么|哪些|哪个|哪儿|哪里|怎么|怎样|如何|多少|能不能|可不可以|"
    r"可以|需要|是不是|有没有|大概|一般|要|也|都|还|就|"
    r"\b(and|what about|how about|what if|same for|also|then|but|it|its|they|them|those|"
    r"these|please|pls|so|whats|what's|what|which|how|do|does|did|can|could|will|would|"
    r"should|i|we|you|u|my|our|need|too|there|here|is|are|the|a|an|lol)\b",
    re.I,
)
# A follow-up's own words must be this well known to the knowledge base (share of their
# idf mass) to be read as part of the conversation. Set on eval/questions/dev-dialogues.jsonl.
MIN_OWN_COVERAGE = 0.5
# A question this long carries its own subject: it is judged alone, and nothing longer
# is run through the follow-up analysis (which tokenizes it) at all.
LONGEST_FOLLOWUP = 300


@dataclass
class Turn:
    """The follow-up reading of the newest question."""

    context: str  # the previous question it leans on
    certain: bool  # it is plainly incomplete; otherwise tried only if it fails alone
    focus: str = ""  # its own words, to pick sentences about them
    # Its own words name a subject ("那我自己的护照快过期了咋办"), not only a fact of the
    # procedure under discussion ("多长时间内必需办完?"): an answer drawn from the
    # conversation must then speak of that subject.
    subject: bool = True


def continues(question: str) -> bool:
    return bool(CONTINUES[detect_lang(question)].search(question.strip()))


def own_words(question: str) -> str:
    """The question without continuation words and without what it asks for."""
    # What it asks for first: its patterns read the whole phrase ("a number I can call").
    text = to_simplified(question)
    lang = detect_lang(question)
    for pattern in (p[lang] for p in ASKS.values()):
        text = pattern.sub(" ", text)
    text = _FILLER.sub(" ", text)
    return re.sub(r"[\s??!!,,。.、::]+", " ", text).strip()


def contentless(question: str) -> bool:
    """Nothing left to search for once the asking words are gone ("要多久?", "带什么材料?":
    a lone verb like 带 names no topic)."""
    if len(question) > LONGEST_FOLLOWUP:
        return False
    return all(len(t) < 2 for t in tokenize(own_words(question)))


# A continuation with more of its own words than this is read alone first ("还有个事,国企
# 欠我们货款半年不给,有人管吗" opens like a follow-up but asks something complete).
SHORT_OWN = 3
CHAIN = 3  # at most this many earlier turns make up the topic (3-turn dialogues)


def context_of(history: list[str]) -> str:
    """The earlier turns a follow-up leans on: the last one, and before it any that were
    themselves follow-ups ("注销公司" → "要交啥材料" → "去哪办")."""
    parts: list[str] = []
    for turn in reversed(history[-CHAIN:]):
        parts.insert(0, turn)
        if not (continues(turn) or contentless(turn)):
            break
    return " ".join(parts)


def plan(
    question: str,
    history: list[str],
    coverage_of: Callable[[str], float],
    elsewhere: Callable[[str], bool] = lambda q: False,
) -> Turn | None:
    """The follow-up reading of `question`, or None to take it alone.

    `coverage_of(words)`: the share of the words the knowledge base knows; `elsewhere(q)`:
    the question names another city or country as its subject (always judged alone).
    """
    if (
        not history
        or len(question) > LONGEST_FOLLOWUP
        or bare_link(question)
        or elsewhere(question)
    ):
        return None
    words = own_words(question)
    tokens = tokenize(words)
    # A few words asking for a fact of the procedure under discussion ("大概多久能批下来?",
    # "需要带啥东西") name no subject of their own.
    fact_only = len(tokens) <= SHORT_OWN and bool(
        set(FACTS) & set(asked(question, detect_lang(question)))
    )
    if tokens and coverage_of(words) < MIN_OWN_COVERAGE:
        # Words the knowledge base does not know are a new subject ("那怎么制造炸弹呢?"),
        # unless they only ask for a fact: that is tried alone first and leans on the
        # conversation only if it fails alone, as an unsure follow-up.
        if fact_only:
            return Turn(context_of(history), certain=False, focus=words, subject=False)
        return None
    # One word of its own ("phone number?", "工厂呢?") cannot be a topic by itself.
    certain = (
        len(tokens) <= 1
        or contentless(question)
        or (continues(question) and len(tokens) <= SHORT_OWN)
    )
    return Turn(context_of(history), certain=certain, focus=words, subject=not fact_only)
