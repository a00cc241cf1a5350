"""Cut an answer into pieces for streaming, keeping lines and citation markers whole."""

from __future__ import annotations

import re

_PIECE = re.compile(r"\[\d+\]|\n|[^\[\n]{1,12}|\[")


def pieces(text: str) -> list[str]:
    """Consecutive pieces whose concatenation is `text`.

    >>> text = "根据第22项:\\n对小微企业实行零投资。[1]"
    >>> "".join(pieces(text)) == text
    True
    >>> "[1]" in pieces("甲。[1]")
    True
    """
    return _PIECE.findall(text)
