"""Chat-model seam: any OpenAI-compatible endpoint (DeepSeek, Qwen, vLLM, Ollama) via LangChain."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.config import Settings


def make_chat_model(settings: Settings) -> BaseChatModel:
    """The configured chat model; nothing is downloaded, the operator runs the endpoint."""
    if not settings.llm_base_url or not settings.llm_model:
        raise ValueError(
            "ASSISTANT_LLM_MODE=openai needs ASSISTANT_LLM_BASE_URL and ASSISTANT_LLM_MODEL "
            "(an OpenAI-compatible endpoint you run, e.g. vLLM or Ollama)."
        )
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key or "not-needed",  # type: ignore[arg-type]
        model=settings.llm_model,
        timeout=settings.llm_timeout_s,
        temperature=0,
        max_retries=1,
    )
