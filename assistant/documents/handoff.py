"""Handing a person over to people: the 12345 hotline and the government service hall.

Used wherever the knowledge base does not give what was asked. The hall's address and
hours come from the hotline guide (guide:hotline-12345) when it has them, so they are
sourced like any other fact and never typed into code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.asks import describe
from assistant.schema import Lang, Unit

HOTLINE_GUIDE = "guide:hotline-12345"
GO_TO_PEOPLE = {
    "zh": "请拨打12345政务服务便民热线,或前往政务服务大厅窗口咨询",
    "en": "please call the 12345 government service hotline or visit the government service hall",
}


def handoff_sentence(label: str, gaps: list[str], lang: Lang) -> str:
    """The unit does not give what was asked: say so, and where to ask instead."""
    if lang == "zh":
        return (
            f"{label}没有写明{describe(gaps, lang)}。为免误导,我不作推测;{GO_TO_PEOPLE['zh']}确认。"
        )
    return (
        f"{label[:1].upper() + label[1:]} does not state {describe(gaps, lang)}. I will not "
        f"guess; {GO_TO_PEOPLE['en']} to confirm."
    )


@dataclass
class Contacts:
    """The service hall's address and hours, and the hotline, where the guides give them."""

    lines: dict[str, list[str]] = field(default_factory=lambda: {"zh": [], "en": []})
    ref: str = ""

    @classmethod
    def from_units(cls, units: dict[str, Unit]) -> Contacts:
        unit = units.get(HOTLINE_GUIDE)
        if unit is None:
            return cls()
        labels = {
            "address": {"zh": "政务服务大厅地址", "en": "Service hall address"},
            "hours": {"zh": "时间", "en": "Hours"},
        }
        out: dict[str, list[str]] = {"zh": [], "en": []}
        for s in unit.sentences:
            name = s.id.split("/")[1]
            if name in labels:
                for lang in ("zh", "en"):
                    sep = ":" if lang == "zh" else ": "
                    out[lang].append(f"{labels[name][lang]}{sep}{s.text(lang)}")
        return cls(out, HOTLINE_GUIDE if out["zh"] else "")

    def to_public(self, lang: Lang) -> dict[str, object]:
        """The hand-off as a page shows it: the hotline as a tel: link, the hall's lines."""
        return {"hotline": "12345", "tel": "tel:12345", "hall": self.lines[lang], "ref": self.ref}

    def text(self, lang: Lang) -> str:
        if not self.lines[lang]:
            return ""
        return "\n".join(self.lines[lang])
