"""Parse a Chinese government document by its usual numbering: 一、 / (一) / 1. / (1).

Level-1 sections become units; a level-1 section whose body holds numbered items
(1. 2. …) is split into one unit per item, grouped by the level-2 heading above it.
Text before the first level-1 heading is the preamble (for a consultation draft, the
notice with its contacts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.schema import Unit

CN_NUMERALS = "零一二三四五六七八九十百"
L1 = re.compile(rf"^([{CN_NUMERALS}]+)、\s*(.+)$")
L2 = re.compile(rf"^[((]([{CN_NUMERALS}]+)[))]\s*(.+)$")
L3 = re.compile(r"^(\d{1,3})\s*[.．、]\s*(?!\d)(.+)$")
L4 = re.compile(r"^[((](\d{1,3})[))]\s*(.+)$")
TITLE_END = re.compile(r"[。;;!!??]")

# Usual level-1 headings of a plan → stable slugs; others become s<n>.
SECTION_SLUGS = {
    "指导思想": "ideology",
    "总体要求": "general",
    "基本原则": "principles",
    "工作目标": "goals",
    "主要目标": "goals",
    "发展目标": "goals",
    "工作任务": "tasks",
    "重点任务": "tasks",
    "主要任务": "tasks",
    "工作要求": "requirements",
    "保障措施": "requirements",
    "组织保障": "requirements",
    "实施步骤": "steps",
}


class ParseError(ValueError):
    """The document does not have the structure the parser expects."""


@dataclass
class _Section:
    numeral: str
    heading: str
    lines: list[str] = field(default_factory=list)


def _title_of(first_line: str) -> str:
    """A task's title is its first phrase, up to the first sentence-ending mark."""
    m = TITLE_END.search(first_line)
    return (first_line[: m.start()] if m else first_line).strip()


def _clean_lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def parse_document(
    text: str,
    doc_id: str,
    preamble_title: str = "前言",
    preamble_slug: str = "preamble",
) -> list[Unit]:
    """Split `text` into units with refs `<doc_id>#<slug or task number>`."""
    if not text.strip():
        raise ParseError(f"{doc_id}: the document is empty")
    preamble: list[str] = []
    sections: list[_Section] = []
    for line in _clean_lines(text):
        m = L1.match(line)
        # A level-1 heading is a short line of its own; a sentence that merely starts
        # with a numeral and 、 (一、二线城市…) is not one.
        if m and len(m.group(2)) <= 30 and not TITLE_END.search(m.group(2)):
            sections.append(_Section(m.group(1), m.group(2).strip()))
        elif sections:
            sections[-1].lines.append(line)
        else:
            preamble.append(line)
    if not sections:
        raise ParseError(f"{doc_id}: no level-1 heading (一、…) found")

    units: list[Unit] = []
    body = _join(preamble)
    if body:
        units.append(
            Unit(
                ref=f"{doc_id}#{preamble_slug}",
                doc_id=doc_id,
                part="preamble",
                title=preamble_title,
                text=body,
            )
        )
    used: set[str] = set()
    for i, sec in enumerate(sections, start=1):
        items = _numbered_items(sec.lines)
        if items:
            units.extend(_task_units(doc_id, sec, items))
            continue
        slug = SECTION_SLUGS.get(sec.heading, f"s{i}")
        if slug in used:
            slug = f"s{i}"
        used.add(slug)
        units.append(
            Unit(
                ref=f"{doc_id}#{slug}",
                doc_id=doc_id,
                part="section",
                title=sec.heading,
                text=_join(sec.lines),
            )
        )
    _check_unique(units)
    return units


def _numbered_items(lines: list[str]) -> list[tuple[int, str, list[str]]]:
    """(number, group heading, lines) for each `N.` item of a section, in order."""
    items: list[tuple[int, str, list[str]]] = []
    group = ""
    for line in lines:
        g = L2.match(line)
        if g and len(g.group(2)) <= 30 and not TITLE_END.search(g.group(2)):
            group = f"({g.group(1)}){g.group(2).strip()}"
            continue
        m = L3.match(line)
        if m:
            items.append((int(m.group(1)), group, [m.group(2).strip()]))
        elif items and line:
            items[-1][2].append(line)
    return items


def _task_units(doc_id: str, sec: _Section, items: list[tuple[int, str, list[str]]]) -> list[Unit]:
    units = []
    for number, group, lines in items:
        units.append(
            Unit(
                ref=f"{doc_id}#{number}",
                doc_id=doc_id,
                part="task",
                number=number,
                title=_title_of(lines[0]),
                group=group,
                text=_join(lines),
            )
        )
    return units


def _join(lines: list[str]) -> str:
    return "\n".join(ln for ln in lines if ln).strip()


def _check_unique(units: list[Unit]) -> None:
    seen: set[str] = set()
    for u in units:
        if u.ref in seen:
            raise ParseError(f"duplicate reference {u.ref}: is an item numbered twice?")
        seen.add(u.ref)
