"""The OpenAI-compatible endpoint driven by the real `openai` SDK and LangChain's ChatOpenAI,
against a real `assistant serve` process."""

from __future__ import annotations

import os

import pytest

from tests.integration.conftest import start_server, stop

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def base_url(persistent_services, tmp_path_factory):
    db = tmp_path_factory.mktemp("openai-db") / "store.db"
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(persistent_services.settings.data_dir),
        "ASSISTANT_DATABASE_URL": f"sqlite:///{db}",
    }
    proc, url = start_server(env, db.with_suffix(".log"))
    yield f"{url}/v1"
    stop(proc)


def test_the_openai_sdk_lists_the_model_and_chats(base_url):
    from openai import OpenAI

    client = OpenAI(base_url=base_url, api_key="not-needed")
    assert [m.id for m in client.models.list()] == ["one-window-assistant"]
    reply = client.chat.completions.create(
        model="one-window-assistant",
        messages=[
            {"role": "user", "content": "Is there a fast lane at customs for fresh seafood?"}
        ],
    )
    assert "[1]" in reply.choices[0].message.content
    assert reply.usage is not None and reply.usage.completion_tokens > 0
    streamed = client.chat.completions.create(
        model="one-window-assistant",
        messages=[{"role": "user", "content": "外籍人士在海口生活有什么便利?"}],
        stream=True,
    )
    text = "".join(chunk.choices[0].delta.content or "" for chunk in streamed if chunk.choices)
    assert "[1]" in text and "AI" in text


def test_langchain_chat_openai_works_against_it(base_url):
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(base_url=base_url, api_key="not-needed", model="one-window-assistant")
    message = model.invoke("我们是小微企业,接电要花钱吗?")
    assert "[1]" in str(message.content)
    parts = [str(chunk.content) for chunk in model.stream("What's a good recipe for hot pot?")]
    assert "12345" in "".join(parts)
