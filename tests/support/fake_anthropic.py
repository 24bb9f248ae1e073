"""A fake Anthropic Messages API on 127.0.0.1: records requests, answers with tool_use
responses, errors (429, 500, 529), slow responses or malformed tool input, as scripted."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.support.server import ThreadedServer

API_KEY = "sk-ant-test"


def tool_input(**overrides: Any) -> dict[str, Any]:
    base = {
        "action": "reply",
        "persona": "buyer_specialist",
        "reasons": [],
        "market": None,
        "facts": {},
        "language": "en",
        "reply": "Happy to help you find a home. What area do you like best?",
        "confidence": 0.9,
    }
    return {**base, **overrides}


@dataclass
class FakeAnthropic:
    port: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)
    script: deque[tuple[str, Any]] = field(default_factory=deque)
    default: dict[str, Any] = field(default_factory=tool_input)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def then(self, kind: str, value: Any = None) -> FakeAnthropic:
        """Queue the next answer: ("tool", input), ("status", code), ("slow", seconds), ("malformed", None)."""
        with self._lock:
            self.script.append((kind, value))
        return self

    async def _messages(self, request: web.Request) -> web.Response:
        body = await request.json()
        authorised = request.headers.get("x-api-key") == API_KEY or request.headers.get("Authorization") == (
            f"Bearer {API_KEY}"
        )
        with self._lock:
            self.requests.append(body)
            kind, value = self.script.popleft() if self.script else ("tool", self.default)
        if not authorised or kind == "auth":
            error = {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}
            return web.json_response(error, status=401)
        if kind == "status":
            error = {"type": "error", "error": {"type": "api_error", "message": f"fake {value}"}}
            return web.json_response(error, status=value)
        if kind == "slow":
            await asyncio.sleep(value)
            kind, value = "tool", self.default
        tool = {"type": "tool_use", "id": "toolu_1", "name": "record_decision", "input": value}
        if kind == "malformed":
            tool["input"] = {"persona": "astronaut", "reply": ""}
        usage = {"input_tokens": 420, "output_tokens": 80, "cache_creation_input_tokens": 0,
                 "cache_read_input_tokens": 1800}  # fmt: skip
        return web.json_response({
            "id": "msg_1", "type": "message", "role": "assistant", "model": body.get("model", "x"),
            "content": [tool], "stop_reason": "tool_use", "stop_sequence": None, "usage": usage,
        })  # fmt: skip

    def start(self) -> FakeAnthropic:
        app = web.Application()
        app.router.add_post("/v1/messages", self._messages)
        self._server = ThreadedServer(app)
        self.port = self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()
