"""The stock `openai` Python SDK pointed at Custos (`base_url=<gateway>/v1`, the API key as its
`api_key`), as an app would: chat (plain, streamed, with tools), completions, embeddings, the model
list, and errors as the SDK's own exception types. `model` is the Custos endpoint's name.
"""

from __future__ import annotations

import json

import openai
import pytest

from ai_gateway_setup import PROVIDERS, create_endpoint, provider_target
from helpers import admin_key, tracking_uri

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]},
    },
}


EMBEDDING_PROVIDERS = [p for p, (_, embed) in PROVIDERS.items() if embed]
COMPLETION_PROVIDERS = ["openai", "azure_openai", "openai_compatible", "anthropic", "bedrock"]


@pytest.fixture(scope="module", params=list(PROVIDERS))
def chat(request, ai_fakes) -> str:
    """A chat endpoint on each provider adapter in turn, through that provider's fake."""
    return create_endpoint("llm/v1/chat", [provider_target(request.param, ai_fakes, PROVIDERS[request.param][0])])


@pytest.fixture(scope="module", params=EMBEDDING_PROVIDERS)
def embeddings(request, ai_fakes) -> str:
    return create_endpoint("llm/v1/embeddings", [provider_target(request.param, ai_fakes, PROVIDERS[request.param][1])])


@pytest.fixture(scope="module", params=COMPLETION_PROVIDERS)
def completions(request, ai_fakes) -> str:
    return create_endpoint("llm/v1/completions", [provider_target(request.param, ai_fakes, PROVIDERS[request.param][0])])


@pytest.fixture(scope="module")
def sdk() -> openai.OpenAI:
    # The SDK retries 429/5xx twice by default; the error tests want the gateway's first answer.
    return openai.OpenAI(base_url=f"{tracking_uri()}/v1", api_key=admin_key(), max_retries=0, timeout=60)


def ask(text: str) -> list[dict]:
    return [{"role": "system", "content": "Be brief."}, {"role": "user", "content": text}]


def test_chat_answers_in_openai_shape(sdk, chat):
    reply = sdk.chat.completions.create(model=chat, messages=ask("Hello AI"))
    assert reply.object == "chat.completion"
    assert reply.choices[0].message.role == "assistant"
    assert reply.choices[0].message.content
    assert reply.choices[0].finish_reason == "stop"
    assert reply.usage.prompt_tokens > 0 and reply.usage.completion_tokens > 0
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens


def test_streamed_chat_carries_the_same_text_and_usage_last(sdk, chat):
    whole = sdk.chat.completions.create(model=chat, messages=ask("Hello AI")).choices[0].message.content
    chunks = list(
        sdk.chat.completions.create(
            model=chat, messages=ask("Hello AI"), stream=True, stream_options={"include_usage": True}
        )
    )
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["stop"]
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_tool_calls_come_back_as_the_sdk_types(sdk, chat):
    reply = sdk.chat.completions.create(
        model=chat, messages=ask("Weather in Paris?"), tools=[WEATHER_TOOL], tool_choice="auto"
    )
    choice = reply.choices[0]
    assert choice.finish_reason == "tool_calls"
    call = choice.message.tool_calls[0]
    assert call.type == "function" and call.function.name == "get_weather" and call.id
    assert isinstance(json.loads(call.function.arguments), dict)
    # The tool's answer goes back as a `tool` message and the conversation continues.
    follow_up = sdk.chat.completions.create(
        model=chat,
        messages=[
            *ask("Weather in Paris?"),
            {"role": "assistant", "content": None, "tool_calls": [call.model_dump()]},
            {"role": "tool", "tool_call_id": call.id, "content": '{"celsius": 18}'},
        ],
        tools=[WEATHER_TOOL],
    )
    assert follow_up.choices[0].message.content


def test_streamed_tool_call_arguments_reassemble(sdk, chat):
    name, arguments = "", ""
    for chunk in sdk.chat.completions.create(model=chat, messages=ask("Weather?"), tools=[WEATHER_TOOL], stream=True):
        for call in (chunk.choices[0].delta.tool_calls or []) if chunk.choices else []:
            name += call.function.name or "" if call.function else ""
            arguments += call.function.arguments or "" if call.function else ""
    assert name == "get_weather"
    assert isinstance(json.loads(arguments), dict)


def test_completions(sdk, completions):
    reply = sdk.completions.create(model=completions, prompt="Say hello", max_tokens=16)
    assert reply.object == "text_completion"
    assert reply.choices[0].text
    assert reply.usage.prompt_tokens > 0


def test_embeddings_one_vector_per_input(sdk, embeddings):
    reply = sdk.embeddings.create(model=embeddings, input=["first text", "second text"])
    assert [d.index for d in reply.data] == [0, 1]
    assert all(len(d.embedding) > 0 and all(isinstance(x, float) for x in d.embedding) for d in reply.data)
    assert reply.usage.prompt_tokens > 0


def test_model_list_names_the_endpoints(sdk, chat):
    assert chat in {m.id for m in sdk.models.list()}


def test_unknown_endpoint_is_the_sdks_not_found(sdk):
    with pytest.raises(openai.NotFoundError) as info:
        sdk.chat.completions.create(model="conformance-no-such-endpoint", messages=ask("hi"))
    assert info.value.status_code == 404
    assert info.value.body and info.value.body.get("message")


def test_wrong_task_and_bad_input_are_bad_requests(sdk, chat):
    with pytest.raises(openai.BadRequestError):
        sdk.embeddings.create(model=chat, input="chat endpoints do not embed")
    with pytest.raises(openai.BadRequestError) as info:
        sdk.chat.completions.create(model=chat, messages="not a list")  # type: ignore[arg-type]
    assert info.value.status_code == 400


def test_wrong_key_is_the_sdks_authentication_error():
    bad = openai.OpenAI(base_url=f"{tracking_uri()}/v1", api_key="cus_not_a_real_key", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.models.list()
