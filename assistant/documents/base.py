"""What every document kind provides: reading, chunk groups, labels, facts and quoting."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Protocol, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

if TYPE_CHECKING:
    from assistant.schema import DocKind, Hit, Lang, Sentence, Unit


class KnowledgeFileError(ValueError):
    """A knowledge file is malformed; the message names the file and the field."""

    def __init__(self, path: Path | str, where: str, problem: str) -> None:
        self.path = str(path)
        self.where = where
        super().__init__(f"{path}: {where}: {problem}" if where else f"{path}: {problem}")


# One everyday phrase: what users say for what a unit covers ("open a company", "开公司").
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Words = Annotated[list[Phrase], Field(max_length=30)]


class Aliases(BaseModel):
    """A unit's everyday words, per language: searched (one chunk per language), never
    quoted, so a question in users' words finds the unit. Every phrase names something
    the unit's own text covers."""

    model_config = ConfigDict(extra="forbid")
    zh: Words = Field(default_factory=list)
    en: Words = Field(default_factory=list)

    def by_lang(self) -> dict[str, list[str]]:
        return {lang: words for lang, words in (("zh", self.zh), ("en", self.en)) if words}


@dataclass
class Quoted:
    """How an answer quotes one unit: its lines (already carrying the marker `[n]`)."""

    lines: list[str]
    sentence_ids: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)  # quoted text, to highlight in the source
    snippet: str = ""


@dataclass
class Group:
    """Sentences chunked together, with the heading context each language indexes them under."""

    sentences: list[Sentence]
    context: dict[str, str]


class DocumentKind(Protocol):
    """One module per kind (plan, guide, entry) implements this."""

    name: DocKind

    def files(self, kb_dir: Path) -> list[Path]:
        """Every file the kind is read from (the index fingerprint covers them)."""
        ...

    def load(self, kb_dir: Path) -> tuple[list[Unit], list[str]]:
        """The units, and warnings (e.g. stale translations) that do not stop ingest."""
        ...

    def groups(self, unit: Unit) -> list[Group]:
        """The sentence groups a unit is chunked into."""
        ...

    def label(self, unit: Unit, lang: Lang) -> str:
        """How an answer names the unit: 第22项“优化用电服务” / task 22, "…"."""
        ...

    def missing(self, unit: Unit, asks: list[str], lang: Lang) -> list[str]:
        """Which of the asked-for facts (fee, time, address, …) the unit does not state."""
        ...

    def quote(self, hit: Hit, n: int, lang: Lang, asks: list[str], primary: bool) -> Quoted:
        """The lines that answer from this unit, marked `[n]`."""
        ...

    def context_text(self, unit: Unit, lang: Lang) -> str:
        """The unit as plain text for an LLM prompt, in `lang` where it has it."""
        ...


# libyaml's safe loader where PyYAML was built with it (the wheels are): the same
# documents, read about 10x faster (the pure-Python parser took 3.5 s of a cold ingest).
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """Parse one YAML file, naming the file (and line) when it is malformed."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except UnicodeDecodeError as exc:
        raise KnowledgeFileError(path, "", "not UTF-8 text") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        raise KnowledgeFileError(path, where, f"not valid YAML ({exc})") from exc


M = TypeVar("M", bound=BaseModel)


def validate_as(model: type[M], data: Any, path: Path | str) -> M:
    """`data` (from a file or the store) as `model`; errors name the file and field."""
    if not isinstance(data, dict):
        raise validation_error(Path(path), ValueError("expected a mapping at the top level"))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(Path(path), exc) from exc


def validation_error(path: Path, exc: Exception) -> KnowledgeFileError:
    """A pydantic ValidationError as a KnowledgeFileError naming the first bad field."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        msg = first.get("msg", "invalid")
        if first.get("type") == "extra_forbidden":
            msg = "unknown field"
        return KnowledgeFileError(path, where, msg)
    return KnowledgeFileError(path, "", str(exc))
