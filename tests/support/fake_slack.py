"""A fake Slack Web API on 127.0.0.1 that records what the real slack_sdk client sends."""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from aiohttp import web

from tests.support.server import ThreadedServer

BOT_TOKEN = "xoxb-test-token"
SIGNING_SECRET = "test-signing-secret"


def click_payload(action_id: str, escalation_id: str, user: str, channel: str) -> dict[str, Any]:
    """The block_actions payload Slack posts when `user` clicks a button of an approval prompt."""
    return {
        "type": "block_actions", "user": {"id": user, "username": user}, "team": {"id": "T1"},
        "api_app_id": "A1", "token": "x", "trigger_id": f"trigger-{user}", "channel": {"id": channel},
        "container": {"type": "message", "channel_id": channel, "message_ts": "1"},
        "actions": [{"action_id": action_id, "block_id": f"escalation:{escalation_id}", "value": escalation_id,
                     "type": "button", "action_ts": "1"}],
    }  # fmt: skip


@dataclass
class Call:
    method: str
    args: dict[str, Any]


@dataclass
class FakeSlack:
    port: int = 0
    calls: list[Call] = field(default_factory=list)
    _ts: count[int] = field(default_factory=lambda: count(1))
    _held: dict[str, threading.Event] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def called(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [call.args for call in self.calls if call.method == method]

    @property
    def response_url(self) -> str:
        """Where a slash command's delayed answers go (recorded as method "response_url")."""
        return f"http://127.0.0.1:{self.port}/respond/1"

    def hold(self, method: str) -> threading.Event:
        """Calls to `method` wait (unanswered) until the returned event is set."""
        gate = threading.Event()
        with self._lock:
            self._held[method] = gate
        return gate

    async def _respond(self, request: web.Request) -> web.Response:
        with self._lock:
            self.calls.append(Call("response_url", await request.json()))
        return web.Response(text="ok")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        gate = self._held.get(method)
        if gate is not None:
            await asyncio.get_running_loop().run_in_executor(None, gate.wait)
        if request.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if request.content_type == "application/json":
            args = await request.json()
        else:
            args = dict(await request.post())
            for key in ("blocks", "view"):
                if isinstance(args.get(key), str):
                    args[key] = json.loads(args[key])
        with self._lock:
            self.calls.append(Call(method, args))
            ts = f"1700000000.{next(self._ts):06d}"
        if method == "auth.test":
            return web.json_response({"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "team": "t"})
        if method == "chat.postMessage":
            return web.json_response({"ok": True, "channel": args.get("channel"), "ts": ts, "message": {"ts": ts}})
        if method == "chat.postEphemeral":
            return web.json_response({"ok": True, "message_ts": ts})
        if method == "views.open":
            return web.json_response({"ok": True, "view": {"id": "V1", **(args.get("view") or {})}})
        return web.json_response({"ok": True, "channel": args.get("channel"), "ts": args.get("ts", ts)})

    def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_post("/respond/{id}", self._respond)
        self._server = ThreadedServer(app)
        self.port = self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()
