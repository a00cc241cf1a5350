"""One-Window Assistant: a bilingual, cited assistant over Haikou's business-environment plan."""

__version__ = "0.1.0"
