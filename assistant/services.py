"""build_services(settings) → Services: the only place the parts are wired together."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from assistant.answer import Composer, ExtractiveComposer
from assistant.answer.scope import Places, Scope, ScopeModel
from assistant.chat import Assistant
from assistant.config import Settings
from assistant.documents.handoff import Contacts
from assistant.index.store import Index, Progress, open_index
from assistant.ingest.pipeline import IngestReport, ingest
from assistant.providers.embeddings import BaseEmbeddings, make_embeddings
from assistant.retrieve import HybridSearcher
from assistant.retrieve.expansion import Glossary
from assistant.retrieve.retriever import HybridRetriever

if TYPE_CHECKING:
    from assistant.knowledge.feedback import FeedbackStore

log = logging.getLogger(__name__)


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
            from assistant.answer.llm import LLMComposer
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
            contacts=Contacts.from_units(self.index.units),
            scope=self.scope,
        )

    @cached_property
    def scope(self) -> Scope | None:
        """The shipped scope classifier, if it was trained with this embedding model."""
        model = ScopeModel.load(self.settings.kb_dir / "scope" / "classifier.json")
        if model is None or model.embedding_model != self.embeddings.model_id:
            if model is not None:
                log.warning(
                    "the scope classifier was trained with %s, not %s; refusing by the "
                    "relevance threshold instead (retrain: `assistant scope train`)",
                    model.embedding_model,
                    self.embeddings.model_id,
                )
            return None
        return Scope(model, Places.load(self.settings.kb_dir / "scope" / "places.yaml"))

    @cached_property
    def feedback(self) -> FeedbackStore:
        from assistant.knowledge.feedback import FeedbackStore

        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return FeedbackStore(self.settings.db_url)

    def known_refs(self) -> set[str]:
        return set(self.index.units)

    def covers(self, ref: str) -> list[str]:
        """The refs a retrieved unit stands for: itself and the plan refs it rests on."""
        unit = self.index.units.get(ref)
        return [ref, *(unit.source_refs if unit else [])]

    def ingest(self, rebuild: bool = False, progress: Progress | None = None) -> IngestReport:
        kwargs = {"progress": progress} if progress else {}
        report = ingest(self.settings, self.embeddings, rebuild=rebuild, **kwargs)
        for name in ("index", "searcher", "retriever", "assistant", "scope"):
            self.__dict__.pop(name, None)  # reopen on the new build
        return report


def build_services(settings: Settings | None = None) -> Services:
    return Services(settings or Settings())
