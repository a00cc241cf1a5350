"""Document kinds: one module each (plan, guide, entry), one registry of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.documents.entry import EntryKind
from assistant.documents.guide import GuideKind
from assistant.documents.plan import PlanKind

if TYPE_CHECKING:
    from assistant.documents.base import DocumentKind
    from assistant.schema import DocKind, Unit

KINDS: dict[DocKind, DocumentKind] = {
    "plan": PlanKind(),
    "guide": GuideKind(),
    "entry": EntryKind(),
}


def kind_of(unit: Unit) -> DocumentKind:
    return KINDS[unit.kind]
