"""What the AI gateway conformance modules share: the provider fakes running on loopback, and
endpoints the admin creates through the gateway's admin API, pointing at those fakes.

The fakes are the project's own (libs/ai/fakes, written from each provider's API reference), run by
libs/ai/fakes/src/serve.ts; the gateway reaches them on 127.0.0.1, which the test stack allows
(`AI_UPSTREAM_ALLOW_CIDRS`), as a deployment would allow an internal model server.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from helpers import raw_request, unique

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class ProviderFakes:
    urls: dict[str, str]
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def start_fakes() -> ProviderFakes:
    proc = subprocess.Popen(
        ["node", "-r", "ts-node/register/transpile-only", "-r", "tsconfig-paths/register", "libs/ai/fakes/src/serve.ts"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "TS_NODE_PROJECT": str(ROOT / "tsconfig.base.json")},
    )
    line = proc.stdout.readline() if proc.stdout else ""
    if not line:
        proc.kill()
        raise RuntimeError("the provider fakes did not start (libs/ai/fakes/src/serve.ts)")
    return ProviderFakes(urls=json.loads(line), process=proc)


def admin_post(path: str, body: dict) -> dict:
    r = raw_request("POST", path, json=body)
    assert r.status_code == 201, f"POST {path}: {r.status_code} {r.text}"
    return r.json()


def create_secret(provider: str, value: str | dict) -> str:
    return admin_post("/api/gateway/ai/secrets", {"name": unique(f"{provider}-key"), "provider": provider, "value": value})[
        "secretId"
    ]


def create_endpoint(task: str, targets: list[dict], **extra) -> str:
    name = unique(task.rsplit("/", 1)[-1])
    admin_post("/api/gateway/ai/endpoints", {"name": name, "task": task, "targets": targets, **extra})
    return name


# Every provider adapter, each reached through its own fake: (upstream chat model, embeddings model
# or None where the provider has no embeddings API).
PROVIDERS: dict[str, tuple[str, str | None]] = {
    "openai": ("gpt-4o-mini", "text-embedding-3-small"),
    "azure_openai": ("gpt-4o-mini-deployment", "embedding-deployment"),
    "openai_compatible": ("llama3.1:8b", "nomic-embed-text"),
    "mistral": ("mistral-small-latest", "mistral-embed"),
    "anthropic": ("claude-sonnet-4-5", None),
    "gemini": ("gemini-2.0-flash", "text-embedding-004"),
    "cohere": ("command-r-plus-08-2024", "embed-english-v3.0"),
    "bedrock": ("anthropic.claude-3-5-sonnet-20240620-v1:0", "cohere.embed-english-v3"),
}


def provider_target(provider: str, fakes: dict[str, str], model: str) -> dict:
    """A target on `provider`'s fake with a freshly stored credential of the shape it takes."""
    base = {
        "openai": f"{fakes.get('openai')}/v1",
        "azure_openai": fakes.get("openai"),
        "openai_compatible": f"{fakes.get('openai')}/compat/v1",
        "mistral": f"{fakes.get('mistral')}/v1",
    }.get(provider, fakes.get(provider))
    options = {"azure_openai": {"api_version": "2024-10-21"}, "bedrock": {"region": "us-east-1"}}.get(provider)
    value: str | dict = (
        {"aws_access_key_id": "AKIAFAKECONFORMANCE1", "aws_secret_access_key": "fake-secret-access-key-for-conformance"}
        if provider == "bedrock"
        else f"{provider}-conformance-key-0001"
    )
    return {
        "provider": provider,
        "model": model,
        "secretId": create_secret(provider, value),
        "baseUrl": base,
        **({"options": options} if options else {}),
    }
