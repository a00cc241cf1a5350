"""Hybrid, language-aware retrieval over every kind and both languages."""

from assistant.retrieve.fusion import fuse, minmax, relevance_of
from assistant.retrieve.search import HybridSearcher, Retrieval

__all__ = ["HybridSearcher", "Retrieval", "fuse", "minmax", "relevance_of"]
