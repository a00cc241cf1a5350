"""Derived indexes (dense vectors in Chroma, BM25 over jieba tokens) and their manifest."""
