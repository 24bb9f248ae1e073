"""The whole product in the test's own event loop: the web app (through httpx's ASGITransport,
its lifespan run by asgi-lifespan) and an arq worker on the same real Redis, against the fake
Twilio and Slack servers. Requests are signed as Twilio and Slack sign them. For what a process
boundary proves (signals, restarts, two workers, uvicorn) see tests/support/product.py."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx
from arq.worker import Worker
from asgi_lifespan import LifespanManager
from redis.asyncio import Redis
from twilio.request_validator import RequestValidator

from bot.configuration.settings import Settings, load_settings
from bot.runtime.worker import build_worker
from bot.store.leads import LeadStore
from jorge.app import create_app
from tests.support.fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, click_payload
from tests.support.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio

BASE_URL = "http://jorge.test"
FROM_NUMBER = "+19095550000"
API_TOKEN = "test-api-token"
CHANNEL = "C0APPROVALS"
JORGE = "U0JORGE001"  # the approver in the shipped example team
MARIA = "U0MARIA002"  # a team member, not an approver
T = TypeVar("T")


def slack_signature(timestamp: str, body: bytes) -> str:
    """X-Slack-Signature as Slack computes it: v0, HMAC-SHA256 of "v0:<timestamp>:<raw body>"."""
    return (
        "v0=" + hmac.new(SIGNING_SECRET.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    )


def new_sid() -> str:
    return "SM" + uuid.uuid4().hex


def new_phone() -> str:
    return "+1909" + str(time.time_ns())[-7:]


async def until(check: Callable[[], Awaitable[T | None] | T | None], seconds: float = 15.0) -> T:
    """Await `check` until it gives something truthy (an event, polled every 20 ms)."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value  # type: ignore[return-value]
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.02)


@dataclass
class Running:
    client: httpx.AsyncClient
    settings: Settings
    store: LeadStore
    redis: Redis
    twilio: FakeTwilio
    slack: FakeSlack
    worker: Worker | None = None
    _task: asyncio.Task[None] | None = None

    def start_worker(self) -> None:
        """An arq worker in this event loop, as `jorge worker` runs one."""
        self.worker = build_worker(self.settings, signals=False)
        self._task = asyncio.create_task(self.worker.async_run())

    async def stop_worker(self) -> None:
        if self.worker is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self.worker.close()
            if self._task is not None:
                self._task.cancel()
            self.worker, self._task = None, None

    async def sms(self, phone: str, body: str, **extra: str) -> httpx.Response:
        params = {"From": phone, "To": FROM_NUMBER, "MessageSid": new_sid(), "AccountSid": ACCOUNT_SID,
                  "NumMedia": "0", "Body": body, **extra}  # fmt: skip
        signature = RequestValidator(AUTH_TOKEN).compute_signature(BASE_URL + "/twilio/sms", params)
        return await self.client.post("/twilio/sms", data=params, headers={"X-Twilio-Signature": signature})

    async def slack_post(self, body: str | bytes, content_type: str, **headers: str) -> httpx.Response:
        ts = str(int(time.time()))
        raw = body.encode() if isinstance(body, str) else body
        signature = slack_signature(ts, raw)
        sent = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature, "Content-Type": content_type}
        return await self.client.post("/slack/events", content=raw, headers={**sent, **headers})

    async def interact(self, payload: dict[str, Any]) -> httpx.Response:
        return await self.slack_post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    async def click(self, action_id: str, value: str, user: str) -> httpx.Response:
        return await self.interact(click_payload(action_id, value, user, CHANNEL))

    async def slash(self, text: str, user: str = MARIA, response_url: str = "https://hooks.slack.invalid/x") -> str:
        body = urlencode({
            "command": "/jorge", "text": text, "user_id": user, "user_name": user, "team_id": "T1",
            "channel_id": CHANNEL, "trigger_id": "t", "response_url": response_url, "token": "x",
        })  # fmt: skip
        response = await self.slack_post(body, "application/x-www-form-urlencoded")
        assert response.status_code == 200, response.text
        return str(response.json().get("text", "")) if response.text else ""

    async def thread_message(self, thread_ts: str, text: str, user: str = JORGE) -> httpx.Response:
        body = json.dumps({
            "type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": f"Ev{uuid.uuid4().hex[:8]}",
            "event_time": 1, "event": {"type": "message", "channel": CHANNEL, "user": user, "text": text,
                                       "ts": "2.0", "thread_ts": thread_ts},
        })  # fmt: skip
        return await self.slack_post(body, "application/json")

    async def texts(self, phone: str, count: int = 1) -> list[str]:
        """The bodies of the first `count` SMS sent to `phone`, once that many have gone out."""
        return [sms.body for sms in await until(lambda: len(self.twilio.to(phone)) >= count and self.twilio.to(phone))]

    async def prompt(self, phone: str) -> str:
        """The escalation id of the approval prompt posted for `phone`."""
        masked = phone[:5] + "***" + phone[-4:]

        def find() -> str | None:
            for args in self.slack.called("chat.postMessage"):
                blocks = args.get("blocks") or []
                if masked in json.dumps(blocks) and any(b.get("type") == "actions" for b in blocks):
                    return str(next(b for b in blocks if b["type"] == "actions")["elements"][0]["value"])
            return None

        return await until(find)

    async def idle(self) -> None:
        """Until the worker has nothing due and nothing running (then assert what did not happen)."""
        assert self.worker is not None
        queue = f"{self.settings.jorge_namespace}:queue"

        async def quiet() -> bool:
            due = await self.redis.zcount(queue, "-inf", time.time() * 1000)
            return due == 0 and not self.worker.tasks  # type: ignore[union-attr]

        await until(quiet)
        await until(quiet)  # twice: a job that just finished may have enqueued the next


@asynccontextmanager
async def running(
    redis_url: str, prefix: str, twilio: FakeTwilio, slack: FakeSlack, *, worker: bool = True, **overrides: Any
) -> AsyncIterator[Running]:
    """The product in this event loop; fresh fake call logs; keys under `prefix`."""
    twilio.reset()
    slack.calls.clear()
    settings = load_settings(
        redis_url=redis_url, jorge_namespace=prefix, public_base_url=BASE_URL, twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN, twilio_from_number=FROM_NUMBER, twilio_api_base_url=twilio.url,
        slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET, slack_api_url=slack.url,
        jorge_slack_channel=CHANNEL, jorge_api_token=API_TOKEN, jorge_coalesce_window="0s", **overrides,
    )  # fmt: skip
    app = create_app(settings)
    redis = Redis.from_url(redis_url, decode_responses=True)
    product: Running | None = None
    try:
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
                product = Running(client, settings, LeadStore(redis, prefix=prefix), redis, twilio, slack)
                if worker:
                    product.start_worker()
                yield product
    finally:
        if product is not None:
            await product.stop_worker()
        keys = [key async for key in redis.scan_iter(match=f"{prefix}:*", count=500)]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()
