"""Language of a question, and normalisation of Chinese script for retrieval."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from assistant.schema import Lang

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def detect_lang(text: str) -> Lang:
    """zh or en by which script carries the sentence.

    A Han character carries about as much as half an English word, so a question is
    Chinese when its Han characters outweigh twice its English words: "Who runs 12345?"
    is English, "K字签证怎么办" is Chinese, "What is 揭榜挂帅?" is English.
    """
    han = len(_HAN.findall(text))
    words = len(_LATIN_WORD.findall(text))
    if han == 0:
        return "en"
    if words == 0:
        return "zh"
    return "zh" if han > 2 * words else "en"


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese (idempotent on Simplified text)."""
    if not _HAN.search(text):
        return text
    return str(_t2s().convert(text))


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))


_CONTROL = {"Cc", "Cf", "Cs", "Co", "Cn"}
# Format characters (zero-width spaces, BOMs) come with copy-paste: dropped, not junk.
_JUNK = _CONTROL - {"Cf"}


def clean_text(text: str) -> str:
    """Drop control, private-use and unassigned characters; keep line breaks and tabs."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in _CONTROL)


def junk_ratio(text: str) -> float:
    """Share of characters that are control, surrogate, private-use, unassigned or U+FFFD."""
    if not text:
        return 0.0
    bad = sum(
        1
        for ch in text
        if ch == "\ufffd" or (ch not in "\n\t\r" and unicodedata.category(ch) in _JUNK)
    )
    return bad / len(text)
