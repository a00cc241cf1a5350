"""Curated knowledge entries (entry:<slug>) that rest on plan refs."""
