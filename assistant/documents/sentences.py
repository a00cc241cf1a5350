"""Sentences: splitting a unit's text, and grouping short ones so each chunk says something."""

from __future__ import annotations

import re

from assistant.schema import Sentence

# Split after a sentence end (。;!? in full or half width) or at a line break.
_SENTENCE_END = re.compile(r"(?<=[。;;!!??])|\n")
_SENTENCE_END_CHAR = re.compile(r"[。;;!!??,,、]")
MIN_CHARS = 20  # a Chinese sentence shorter than this is merged with its neighbour


def split_sentences(text: str) -> list[str]:
    """Split on 。;!? and line breaks, keeping the punctuation with its sentence."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def glue(a: str, b: str) -> str:
    """Join two fragments; a space keeps line-broken fields (地址…邮编…) apart."""
    if not a:
        return b
    if not b:
        return a
    return a + b if _SENTENCE_END_CHAR.search(a[-1]) else f"{a} {b}"


def join_sentences(parts: list[str], lang: str = "zh") -> str:
    """Chinese sentences run on; English ones are separated by a space."""
    if lang == "en":
        return " ".join(p.strip() for p in parts if p.strip())
    out = ""
    for p in parts:
        out = glue(out, p.strip())
    return out


def flatten_lines(text: str) -> str:
    """The unit's text on one line, joined the way chunks join line-broken fragments."""
    return join_sentences([ln for ln in text.split("\n") if ln.strip()])


def merge_short(sentences: list[str], min_chars: int = MIN_CHARS) -> list[str]:
    """Join fragments shorter than `min_chars` onto the following sentence (or the previous)."""
    groups = merge_short_sentences([Sentence(id=str(i), zh=s) for i, s in enumerate(sentences)])
    return [join_sentences([s.zh for s in g]) for g in groups]


def merge_short_sentences(
    sentences: list[Sentence], min_chars: int = MIN_CHARS
) -> list[list[Sentence]]:
    """Group sentences so every group's Chinese has at least `min_chars` characters;
    a short sentence joins the next one, a short tail the previous group."""
    out: list[list[Sentence]] = []
    carry: list[Sentence] = []
    for s in sentences:
        carry = [*carry, s]
        if len(join_sentences([c.zh for c in carry])) < min_chars:
            continue
        out.append(carry)
        carry = []
    if carry:
        if out:
            out[-1] = out[-1] + carry
        else:
            out.append(carry)
    return out
