"""The stock `anthropic` Python SDK pointed at Custos (`base_url=<gateway>`): Messages, plain and
streamed, with tools, against a chat endpoint on every provider adapter (any chat endpoint speaks
Anthropic's dialect). The SDK's own key setting (`x-api-key`) and
its bearer setting (`auth_token`) both carry a Custos API key.
"""

from __future__ import annotations

import anthropic
import pytest

from ai_gateway_setup import PROVIDERS, create_endpoint, provider_target
from helpers import admin_key, tracking_uri

WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Current weather for a city",
    "input_schema": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]},
}


@pytest.fixture(scope="module", params=list(PROVIDERS))
def chat_endpoint(request, ai_fakes) -> str:
    """A chat endpoint on each provider adapter in turn: Anthropic's dialect in front of any of them."""
    return create_endpoint("llm/v1/chat", [provider_target(request.param, ai_fakes, PROVIDERS[request.param][0])])


@pytest.fixture(scope="module")
def sdk() -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=tracking_uri(), api_key=admin_key(), max_retries=0, timeout=60)


def ask(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


def test_messages_answer_in_anthropic_shape(sdk, chat_endpoint):
    reply = sdk.messages.create(model=chat_endpoint, max_tokens=64, system="Be brief.", messages=ask("Hello AI"))
    assert reply.type == "message" and reply.role == "assistant"
    assert reply.content[0].type == "text" and reply.content[0].text
    assert reply.stop_reason == "end_turn"
    assert reply.usage.input_tokens > 0 and reply.usage.output_tokens > 0


def test_streamed_messages_carry_the_same_text(sdk, chat_endpoint):
    whole = sdk.messages.create(model=chat_endpoint, max_tokens=64, messages=ask("Hello AI")).content[0].text
    with sdk.messages.stream(model=chat_endpoint, max_tokens=64, messages=ask("Hello AI")) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == whole
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens > 0


def test_raw_stream_events_follow_anthropics_order(sdk, chat_endpoint):
    kinds = [e.type for e in sdk.messages.create(model=chat_endpoint, max_tokens=64, messages=ask("Hi"), stream=True)]
    assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
    assert "content_block_start" in kinds and "content_block_delta" in kinds and "message_delta" in kinds
    assert kinds.index("content_block_stop") < kinds.index("message_delta")


def test_tool_use_round_trip(sdk, chat_endpoint):
    reply = sdk.messages.create(model=chat_endpoint, max_tokens=64, messages=ask("Weather in Paris?"), tools=[WEATHER_TOOL])
    assert reply.stop_reason == "tool_use"
    use = next(b for b in reply.content if b.type == "tool_use")
    assert use.name == "get_weather" and isinstance(use.input, dict) and use.id
    follow_up = sdk.messages.create(
        model=chat_endpoint,
        max_tokens=64,
        tools=[WEATHER_TOOL],
        messages=[
            *ask("Weather in Paris?"),
            {"role": "assistant", "content": [b.model_dump() for b in reply.content]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use.id, "content": "18 degrees"}]},
        ],
    )
    assert follow_up.content[0].type == "text"


def test_bearer_auth_token_works_too(chat_endpoint):
    bearer = anthropic.Anthropic(base_url=tracking_uri(), auth_token=admin_key(), max_retries=0)
    assert bearer.messages.create(model=chat_endpoint, max_tokens=16, messages=ask("Hi")).content


def test_unknown_endpoint_is_the_sdks_not_found(sdk):
    with pytest.raises(anthropic.NotFoundError) as info:
        sdk.messages.create(model="conformance-no-such-endpoint", max_tokens=16, messages=ask("Hi"))
    assert info.value.body["type"] == "error"
    assert info.value.body["error"]["type"] == "not_found_error"


def test_bad_input_is_the_sdks_bad_request(sdk, chat_endpoint):
    with pytest.raises(anthropic.BadRequestError) as info:
        sdk.messages.create(model=chat_endpoint, max_tokens="many", messages=ask("Hi"))  # type: ignore[arg-type]
    assert info.value.body["error"]["type"] == "invalid_request_error"


def test_wrong_key_is_the_sdks_authentication_error():
    bad = anthropic.Anthropic(base_url=tracking_uri(), api_key="cus_not_a_real_key", max_retries=0)
    with pytest.raises(anthropic.AuthenticationError) as info:
        bad.messages.create(model="any", max_tokens=16, messages=ask("Hi"))
    assert info.value.body["error"]["type"] == "authentication_error"
