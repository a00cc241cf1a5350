"""build_services(settings) → Services: the only place the parts are wired together."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from assistant.answer import Composer, ExtractiveComposer
from assistant.answer.owncase import OWN_CASE_FILE, OwnCaseModel
from assistant.answer.scope import EVIDENCE, Places, Scope, ScopeModel
from assistant.chat import Assistant
from assistant.config import Settings
from assistant.documents.handoff import Contacts
from assistant.index.store import Index, IndexNotReadyError, Progress, open_index
from assistant.ingest.pipeline import IngestReport, ingest
from assistant.providers.embeddings import BaseEmbeddings, make_embeddings
from assistant.retrieve import HybridSearcher
from assistant.retrieve.adapter import ADAPTER_FILE, QueryAdapter, load_adapter
from assistant.retrieve.expansion import Glossary
from assistant.retrieve.retriever import HybridRetriever

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from assistant.knowledge.accounts import Accounts
    from assistant.knowledge.feedback import FeedbackStore
    from assistant.knowledge.queue import Queue
    from assistant.knowledge.store import CurationStore
    from assistant.knowledge.sync import KnowledgeSync
    from assistant.privacy import Redactor

log = logging.getLogger(__name__)
# Parts rebuilt when the index changes (a new build, or published knowledge).
INDEX_DEPENDENTS = ("index", "searcher", "retriever", "assistant")


@dataclass
class Services:
    """Lazily built parts; opening the index is deferred until something needs it."""

    settings: Settings
    _swap_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

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
    def query_adapter(self) -> QueryAdapter | None:
        """The shipped query adapter, if it is on and was trained for this embedding model."""
        if not self.settings.query_adapter:
            return None
        return load_adapter(self.settings.kb_dir / ADAPTER_FILE, self.embeddings.model_id)

    @cached_property
    def searcher(self) -> HybridSearcher:
        return HybridSearcher(
            self.index,
            self.embeddings,
            self.glossary,
            self.synonyms,
            candidates=self.settings.candidates,
            adapter=self.query_adapter,
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
            own_case=self.own_case,
        )

    @cached_property
    def scope(self) -> Scope | None:
        """The shipped scope classifier, if it was trained with this embedding model, this
        evidence and this query adapter (its numbers read features they made)."""
        model = ScopeModel.load(self.settings.kb_dir / "scope" / "classifier.json")
        if model is None:
            return None
        adapter = self.query_adapter
        made_with = (model.embedding_model, model.evidence, model.query_adapter)
        serving = (self.embeddings.model_id, list(EVIDENCE), adapter.digest if adapter else "")
        if made_with != serving:
            log.warning(
                "the scope classifier was trained with %s on evidence %s (query adapter %s), "
                "not %s on %s (query adapter %s); refusing by the relevance threshold instead "
                "(retrain: `make calibrate`)",
                made_with[0],
                made_with[1],
                made_with[2][:12] or "none",
                serving[0],
                serving[1],
                serving[2][:12] or "none",
            )
            return None
        return Scope(model, Places.load(self.settings.kb_dir / "scope" / "places.yaml"))

    @cached_property
    def own_case(self) -> OwnCaseModel | None:
        """The shipped own-case detector (it reads no vector, so any model will do)."""
        path = self.settings.kb_dir / OWN_CASE_FILE
        model = OwnCaseModel.load(path)
        if model is None and path.exists():
            log.warning("the own-case detector %s cannot be read; retrain: `make calibrate`", path)
        return model

    # -- the database: feedback, curated knowledge, accounts, the queue ----------------

    @cached_property
    def db(self) -> Engine:
        from assistant.db.engine import make_engine

        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return make_engine(self.settings.db_url)

    @cached_property
    def feedback(self) -> FeedbackStore:
        from assistant.knowledge.feedback import FeedbackStore

        return FeedbackStore(self.db, self.redactor.redact)

    @cached_property
    def curation(self) -> CurationStore:
        from assistant.knowledge.store import CurationStore
        from assistant.knowledge.validation import Validator

        return CurationStore(self.db, Validator(self.settings.kb_dir, self.db))

    @cached_property
    def accounts(self) -> Accounts:
        from assistant.knowledge.accounts import Accounts

        return Accounts(self.db, session_hours=self.settings.staff_session_hours)

    @cached_property
    def queue(self) -> Queue:
        from assistant.knowledge.queue import Queue

        return Queue(self.db, self.embeddings.embed_query_array, self.redactor.redact)

    @cached_property
    def redactor(self) -> Redactor:
        """Personal data out of what is stored; contacts the knowledge base publishes stay."""
        from assistant.ingest.corpus import load_corpus
        from assistant.privacy import Redactor, public_contacts

        units = load_corpus(self.settings.kb_dir).units
        texts = [u.text for u in units] + [s.en for u in units for s in u.sentences]
        return Redactor(public_contacts(texts))

    @cached_property
    def knowledge_sync(self) -> KnowledgeSync:
        from assistant.knowledge.seeding import seed_if_empty
        from assistant.knowledge.sync import KnowledgeSync

        # An empty store means "not set up yet", never "nothing is published": seed it
        # from the shipped files before the index is brought in step with it.
        seed_if_empty(self.curation, self.settings.kb_dir)
        return KnowledgeSync(self.curation, lambda: self.index, self.swap_index, self.embeddings)

    def sync_knowledge(self, force: bool = False) -> Any:
        """Serve the current build (a new one an ingest made elsewhere, once it verifies)
        and bring it up to the published knowledge; cheap when nothing changed."""
        try:
            self._follow_current_build()
            sync = self.knowledge_sync
            return sync.sync() if force else sync.maybe_sync()
        except IndexNotReadyError:
            return None

    def _follow_current_build(self) -> None:
        from assistant.index.store import current_build, release_build

        index = self.__dict__.get("index")
        latest = current_build(self.settings.index_dir)
        if index is None or latest is None or latest == index.root:
            return
        try:
            fresh = open_index(self.settings, self.embeddings)
        except IndexNotReadyError as exc:  # keep serving the last good build
            log.error("not switching to the new build %s: %s", latest.name, exc)
            return
        old = index.root
        self.swap_index(fresh)
        self.__dict__.pop("knowledge_sync", None)
        release_build(old)

    def warm_up(self) -> None:
        """Open the index, clear builds an interrupted ingest left, catch up with the store
        and load what the first question needs (jieba, OpenCC, the model)."""
        from assistant.index.build import prune

        index = self.index
        prune(self.settings, keep=index.root.name)
        self.sync_knowledge(force=True)
        self.assistant.ask("营商环境")

    def swap_index(self, index: Index) -> None:
        """Serve a new index; requests already running finish on the old one."""
        with self._swap_lock:
            for name in INDEX_DEPENDENTS:
                self.__dict__.pop(name, None)
            self.__dict__["index"] = index

    # -- refs ---------------------------------------------------------------------

    def known_refs(self) -> set[str]:
        return set(self.index.units)

    def covers(self, ref: str) -> list[str]:
        """The refs a retrieved unit stands for: itself and the plan refs it rests on."""
        unit = self.index.units.get(ref)
        return [ref, *(unit.source_refs if unit else [])]

    def ingest(self, rebuild: bool = False, progress: Progress | None = None) -> IngestReport:
        """Seed an empty store from the shipped YAML, then index the plan and what is live."""
        from assistant.index.store import release_build
        from assistant.ingest.corpus import load_corpus
        from assistant.knowledge.seeding import seed_if_empty
        from assistant.knowledge.sync import live_units

        # The shipped files are checked every time (a bad file fails ingest, naming the
        # file and field), though after the first import the store is what is indexed.
        load_corpus(self.settings.kb_dir)
        seed_if_empty(self.curation, self.settings.kb_dir)
        serving = self.__dict__.get("index")
        if serving is not None:
            release_build(serving.root)  # this process stops serving it: it may be pruned
        kwargs: dict[str, Any] = {"progress": progress} if progress else {}
        report = ingest(
            self.settings,
            self.embeddings,
            rebuild=rebuild,
            curated=lambda plan: live_units(self.curation, plan),
            knowledge_revision=self.curation.revision(),
            **kwargs,
        )
        with self._swap_lock:
            for name in (*INDEX_DEPENDENTS, "knowledge_sync"):
                self.__dict__.pop(name, None)  # reopen on the new build
        return report


def build_services(settings: Settings | None = None) -> Services:
    return Services(settings or Settings())
