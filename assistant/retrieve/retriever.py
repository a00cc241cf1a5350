"""The searcher as a LangChain retriever: one Document per unit, best first."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict


class HybridRetriever(BaseRetriever):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: Any
    k: int = 5

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        result = self.searcher.search(query, k=self.k)
        return [
            Document(
                id=h.unit.ref,
                page_content=h.unit.text,
                metadata={
                    "ref": h.unit.ref,
                    "kind": h.unit.kind,
                    "title": h.unit.title,
                    "title_en": h.unit.title_en,
                    "source_refs": list(h.unit.source_refs),
                    "score": h.score,
                    "relevance": result.relevance,
                },
            )
            for h in result.hits
        ]
