"""Turning knowledge_base/ into units, chunks and indexes."""
