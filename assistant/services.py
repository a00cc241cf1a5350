"""build_services(settings) → Services: the only place the parts are wired together."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from assistant.answer import Composer, ExtractiveComposer
from assistant.chat import Assistant
from assistant.config import Settings

if TYPE_CHECKING:
    from assistant.knowledge.feedback import FeedbackStore
from assistant.glossary import Glossary
from assistant.index.store import Index, Progress, open_index
from assistant.ingest.pipeline import IngestReport, ingest
from assistant.providers.embeddings import BaseEmbeddings, make_embeddings
from assistant.retrieve import HybridRetriever, HybridSearcher


@dataclass
class Services:
    """Lazily built parts; opening the index is deferred until something needs it."""

    settings: Settings

    @cached_property
    def embeddings(self) -> BaseEmbeddings:
        return make_embeddings(self.settings)

    @cached_property
    def glossary(self) -> Glossary:
        return Glossary.load(self.settings.kb_dir / "glossary.yaml")

    @cached_property
    def synonyms(self) -> Glossary:
        return Glossary.load(self.settings.kb_dir / "synonyms_zh.yaml")

    @cached_property
    def index(self) -> Index:
        return open_index(self.settings, self.embeddings)

    @cached_property
    def searcher(self) -> HybridSearcher:
        return HybridSearcher(
            self.index,
            self.embeddings,
            self.glossary,
            self.synonyms,
            candidates=self.settings.candidates,
        )

    @cached_property
    def retriever(self) -> HybridRetriever:
        return HybridRetriever(searcher=self.searcher, k=self.settings.top_k)

    @cached_property
    def composer(self) -> Composer:
        if self.settings.llm_mode == "openai":
            from assistant.llm_answer import LLMComposer
            from assistant.providers.llm import make_chat_model

            return LLMComposer(make_chat_model(self.settings), fallback=ExtractiveComposer())
        return ExtractiveComposer()

    @cached_property
    def assistant(self) -> Assistant:
        return Assistant(
            self.searcher,
            self.composer,
            thresholds={lang: self.settings.refusal_threshold(lang) for lang in ("zh", "en")},
            max_chars=self.settings.max_question_chars,
            top_k=self.settings.top_k,
        )

    @cached_property
    def feedback(self) -> FeedbackStore:
        from assistant.knowledge.feedback import FeedbackStore

        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return FeedbackStore(self.settings.db_url)

    @cached_property
    def entry_refs(self) -> dict[str, list[str]]:
        from assistant.knowledge.entries import load_entry_refs

        return load_entry_refs(self.settings.kb_dir / "entries")

    def known_refs(self) -> set[str]:
        return set(self.index.units) | set(self.entry_refs)

    def map_refs(self, refs: list[str]) -> list[str]:
        """Replace each entry ref by the plan refs it rests on, keeping rank order."""
        out: list[str] = []
        for ref in refs:
            for r in self.entry_refs.get(ref, [ref]):
                if r not in out:
                    out.append(r)
        return out

    def ingest(self, rebuild: bool = False, progress: Progress | None = None) -> IngestReport:
        kwargs = {"progress": progress} if progress else {}
        report = ingest(self.settings, self.embeddings, rebuild=rebuild, **kwargs)
        for name in ("index", "searcher", "retriever", "assistant"):
            self.__dict__.pop(name, None)  # reopen on the new build
        return report


def build_services(settings: Settings | None = None) -> Services:
    return Services(settings or Settings())
