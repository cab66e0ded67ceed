"""MLflow's deployments client (`mlflow.deployments.get_deploy_client(<gateway>)`, authenticated
by MLFLOW_TRACKING_TOKEN as the tracking client is) against Custos' AI endpoints, MLflow 3's
gateway invocation routes, and the integration guide's curl call exactly as written.
"""

from __future__ import annotations

import json
import subprocess

import pytest
import requests
from mlflow.deployments import get_deploy_client

from ai_gateway_setup import PROVIDERS, create_endpoint, provider_target
from helpers import admin_key, tracking_uri


@pytest.fixture(scope="module")
def endpoints(ai_fakes):
    return {
        "chat": create_endpoint("llm/v1/chat", [provider_target("openai", ai_fakes, "gpt-4o-mini")]),
        "embeddings": create_endpoint("llm/v1/embeddings", [provider_target("openai", ai_fakes, "text-embedding-3-small")]),
        "completions": create_endpoint("llm/v1/completions", [provider_target("openai", ai_fakes, "gpt-3.5-turbo-instruct")]),
    }


@pytest.fixture(scope="module", params=list(PROVIDERS))
def any_chat(request, ai_fakes) -> str:
    return create_endpoint("llm/v1/chat", [provider_target(request.param, ai_fakes, PROVIDERS[request.param][0])])


@pytest.fixture(scope="module")
def deploy():
    return get_deploy_client(tracking_uri())


def test_list_and_get_endpoints(deploy, endpoints):
    listed = {e.name: e for e in deploy.list_endpoints()}
    assert listed[endpoints["chat"]].endpoint_type == "llm/v1/chat"
    assert listed[endpoints["embeddings"]].endpoint_type == "llm/v1/embeddings"
    got = deploy.get_endpoint(endpoints["chat"])
    assert got.name == endpoints["chat"] and got.endpoint_type == "llm/v1/chat"
    # The client resolves the invocation URL against the gateway it was given.
    assert got.endpoint_url == f"{tracking_uri()}/endpoints/{endpoints['chat']}/invocations"


def test_predict_chat_on_every_provider(deploy, any_chat):
    reply = deploy.predict(endpoint=any_chat, inputs={"messages": [{"role": "user", "content": "Hello AI"}], "temperature": 0.1})
    assert reply["choices"][0]["message"]["content"]
    assert reply["usage"]["total_tokens"] > 0


def test_predict_completions_and_embeddings(deploy, endpoints):
    completion = deploy.predict(endpoint=endpoints["completions"], inputs={"prompt": "Say hello", "max_tokens": 8})
    assert completion["choices"][0]["text"]
    embedded = deploy.predict(endpoint=endpoints["embeddings"], inputs={"input": ["a", "b"]})
    assert len(embedded["data"]) == 2 and embedded["data"][1]["embedding"]


def test_the_integration_guides_curl_call_as_written(any_chat):
    body = '{"messages":[{"role":"user","content":"Hello AI"}],"parameters":{"strategy":"efficiency"}}'
    out = subprocess.run(
        [
            "curl", "-sS", "-D", "-",
            f"{tracking_uri()}/endpoints/{any_chat}/invocations",
            "-H", f"Authorization: Bearer {admin_key()}",
            "-H", "Content-Type: application/json",
            "-d", body,
        ],
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout
    # text=True reads curl's CRLF line ends as "\n"
    head, _, payload = out.partition("\n\n")
    assert head.startswith("HTTP/1.1 200")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head.split("\n")[1:])}
    # `parameters` is merged into the call; `strategy` is no chat parameter, so the endpoint's
    # default policy drops it and says so.
    assert "strategy" in headers.get("x-custos-dropped-params", "")
    assert json.loads(payload)["choices"][0]["message"]["content"]


def test_mlflow3_gateway_routes(endpoints):
    auth = {"Authorization": f"Bearer {admin_key()}"}
    messages = [{"role": "user", "content": "Hello AI"}]
    invoked = requests.post(f"{tracking_uri()}/gateway/{endpoints['chat']}/mlflow/invocations", json={"messages": messages}, headers=auth, timeout=60)
    assert invoked.status_code == 200, invoked.text
    assert invoked.json()["choices"][0]["message"]["content"]
    openai_style = requests.post(
        f"{tracking_uri()}/gateway/mlflow/v1/chat/completions", json={"model": endpoints["chat"], "messages": messages}, headers=auth, timeout=60
    )
    assert openai_style.status_code == 200, openai_style.text
    assert openai_style.json()["object"] == "chat.completion"


def test_mlflow_dialect_errors(endpoints):
    auth = {"Authorization": f"Bearer {admin_key()}"}
    missing = requests.post(f"{tracking_uri()}/endpoints/conformance-no-such-endpoint/invocations", json={"messages": []}, headers=auth, timeout=60)
    assert missing.status_code == 404
    assert missing.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    bad = requests.post(f"{tracking_uri()}/endpoints/{endpoints['chat']}/invocations", data=b'{"messages": ', headers={**auth, "Content-Type": "application/json"}, timeout=60)
    assert bad.status_code == 400
    assert bad.json()["error_code"] == "INVALID_PARAMETER_VALUE"
