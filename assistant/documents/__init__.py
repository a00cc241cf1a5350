"""Document kinds: one module each (plan, guide, entry, document), one registry of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.documents.document import DocumentKind as UploadedKind
from assistant.documents.document import document_unit, parse_uploaded
from assistant.documents.entry import EntryKind, entry_unit, parse_entry
from assistant.documents.guide import GuideKind, guide_unit, parse_guide
from assistant.documents.plan import PlanKind

if TYPE_CHECKING:
    from assistant.documents.base import DocumentKind
    from assistant.schema import DocKind, Unit

KINDS: dict[DocKind, DocumentKind] = {
    "plan": PlanKind(),
    "guide": GuideKind(),
    "entry": EntryKind(),
    "document": UploadedKind(),
}
# The curated store's kinds (the staff API says "faq") and the unit kinds they become.
CURATED_KINDS: dict[str, DocKind] = {"faq": "entry", "guide": "guide", "document": "document"}


def kind_of(unit: Unit) -> DocumentKind:
    return KINDS[unit.kind]


def curated_unit(kind: str, data: dict[str, Any], where: str = "") -> Unit:
    """A curated item (as stored, or as in its YAML file) as a unit; validates it fully."""
    where = where or f"{kind}:{data.get('slug', '?')}"
    if kind == "faq":
        return entry_unit(parse_entry(data, where))
    if kind == "guide":
        return guide_unit(parse_guide(data, where))
    if kind == "document":
        return document_unit(parse_uploaded(data, where))
    raise ValueError(f"unknown kind {kind!r}")
