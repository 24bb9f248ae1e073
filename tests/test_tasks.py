"""Tasks: what a reply promised lands in the lead's Slack thread with a Done button, is listed by
`/jorge tasks`, and is marked done exactly once. Slack-bolt in-process with signed requests, a fake
Slack Web API over HTTP, real Redis."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.configuration.settings import load_settings
from bot.runtime.wiring import Services, build
from bot.team.desk import Desk
from bot.transport.outbound import DryRunSender
from handlers.slack import slack_app
from tests.support.fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from tests.support.inprocess import until

CHANNEL, JORGE, MARIA = "C0APPROVALS", "U0JORGE001", "U0MARIA002"
PHONE = "+19095550166"


@pytest.fixture
async def services(redis_url: str, prefix: str, slack: FakeSlack) -> AsyncIterator[Services]:
    slack.calls.clear()
    settings = load_settings(redis_url=redis_url, jorge_namespace=prefix, slack_bot_token=BOT_TOKEN,
                             slack_signing_secret=SIGNING_SECRET, slack_api_url=slack.url,
                             jorge_slack_channel=CHANNEL)  # fmt: skip
    built = build(settings, sender=DryRunSender(echo=False))
    yield built
    await built.redis.aclose()


def _signed(payload: dict[str, Any]) -> AsyncBoltRequest:
    body = urlencode({"payload": json.dumps(payload)})
    ts = str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=ts, body=body)
    headers = {"x-slack-request-timestamp": [ts], "x-slack-signature": [signature],
               "content-type": ["application/x-www-form-urlencoded"]}  # fmt: skip
    return AsyncBoltRequest(body=body, headers=headers)


def _done_click(task_id: str, user: str) -> AsyncBoltRequest:
    return _signed({
        "type": "block_actions", "user": {"id": user, "username": user}, "team": {"id": "T1"}, "api_app_id": "A1",
        "token": "x", "trigger_id": "t", "channel": {"id": CHANNEL},
        "container": {"type": "message", "channel_id": CHANNEL, "message_ts": "1700000000.000009"},
        "actions": [{"action_id": "task_done", "block_id": f"task:{task_id}", "value": task_id, "type": "button",
                     "action_ts": "1"}],
    })  # fmt: skip


async def test_a_promised_intro_becomes_a_task_in_the_thread_and_is_done_once(
    services: Services, slack: FakeSlack
) -> None:
    conversation = services.conversation
    await conversation.receive(PHONE, "what credit score do i need to buy a house?")
    turn = await conversation.receive(PHONE, "yes please")
    assert "task" in turn.events
    (task,) = await services.store.tasks(PHONE)

    posted = [c for c in slack.called("chat.postMessage") if "task_done" in json.dumps(c.get("blocks") or [])]
    assert len(posted) == 1 and posted[0]["thread_ts"] and task.text in json.dumps(posted[0]["blocks"])
    assert "<@U0JORGE001>" in json.dumps(posted[0]["blocks"])  # nobody has claimed the lead yet: Jorge has it

    desk = Desk(conversation, services.config, services.board)
    assert task.text in await desk.command(JORGE, "tasks")
    assert await desk.command(MARIA, "tasks") == "No open tasks for you."
    assert task.text in await desk.command(MARIA, "tasks all")

    assert services.slack is not None
    app = slack_app(desk, services.slack, SIGNING_SECRET, services.store)
    # Bolt acknowledges a click first and runs its listener after: await what each click posts.
    first = await app.async_dispatch(_done_click(task.id, MARIA))
    updates = await until(lambda: slack.called("chat.update"))
    second = await app.async_dispatch(_done_click(task.id, JORGE))  # a later click on the same button
    await until(lambda: any("Already done by Maria Lopez" in e["text"] for e in slack.called("chat.postEphemeral")))
    assert (first.status, second.status) == (200, 200)
    (done,) = await services.store.tasks(PHONE)
    assert done.done and done.done_by == "Maria Lopez"
    assert len(slack.called("chat.update")) == 1 and "Done by Maria Lopez" in json.dumps(updates[0]["blocks"])
    assert await desk.command(JORGE, "tasks all") == "No open tasks."


async def test_an_appointment_request_is_posted_for_its_owner(services: Services, slack: FakeSlack) -> None:
    turn = await services.conversation.receive(PHONE, "Can you show me 1234 Haven Ave this Saturday at 2?")
    assert "appointment" in turn.events
    texts = [c.get("text", "") for c in slack.called("chat.postMessage")]
    assert any("Showing" in t and "saturday 2 pm" in t and "1234 Haven Ave" in t for t in texts), texts
