"""Slack end to end: the app and an arq worker in this event loop (tests/support/inprocess.py) with
signed Slack requests (events, block_actions, view_submission, slash commands) against a fake
Slack Web API and a fake Twilio, on real Redis."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
from slack_sdk.signature import SignatureVerifier

from tests.support.fake_slack import FakeSlack
from tests.support.fake_twilio import FakeTwilio
from tests.support.inprocess import (
    API_TOKEN,
    CHANNEL,
    JORGE,
    MARIA,
    Running,
    new_phone,
    running,
    slack_signature,
    until,
)

STRANGER = "U0STRANGER"
OFFER = "We got an offer at 640k, should we counter?"


@pytest.fixture
async def app(redis_url: str, prefix: str, twilio: FakeTwilio, slack: FakeSlack) -> AsyncIterator[Running]:
    async with running(redis_url, prefix, twilio, slack) as product:
        yield product


def prompt_message(app: Running, lead: str) -> dict[str, Any] | None:
    """The approval prompt posted for a lead (its phone is masked in it)."""
    masked = lead[:5] + "***" + lead[-4:]
    for args in app.slack.called("chat.postMessage"):
        blocks = args.get("blocks") or []
        if masked in json.dumps(blocks) and any(b.get("type") == "actions" for b in blocks):
            return args
    return None


def updates(app: Running, lead: str) -> list[dict[str, Any]]:
    """The updates (chat.update) of a lead's approval prompt, oldest first."""
    masked = lead[:5] + "***" + lead[-4:]
    return [args for args in app.slack.called("chat.update") if masked in json.dumps(args.get("blocks"))]


def ephemerals(app: Running, text: str) -> list[str]:
    return [e["text"] for e in app.slack.called("chat.postEphemeral") if text in e["text"]]


async def lead_json(app: Running, lead: str) -> dict[str, Any]:
    """The lead as GET /api/leads/{phone} shows it."""
    response = await app.client.get(
        f"/api/leads/{quote(lead, safe='')}", headers={"Authorization": f"Bearer {API_TOKEN}"}
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


async def escalate(app: Running, text: str = OFFER) -> tuple[str, str]:
    lead = new_phone()
    await app.sms(lead, text)
    await app.texts(lead)  # the holding reply
    escalation_id = await app.prompt(lead)
    await app.idle()  # and the rest of the turn: the lead is offered to a teammate after the prompt
    return lead, escalation_id


async def test_an_escalation_posts_a_prompt_with_three_buttons(app: Running) -> None:
    lead, escalation_id = await escalate(app)
    message = prompt_message(app, lead)
    assert message is not None and message["channel"] == CHANNEL
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        ("approve_reply", escalation_id), ("edit_reply", escalation_id), ("take_over", escalation_id)
    ]  # fmt: skip
    text = json.dumps(message["blocks"])
    assert "negotiation" in text and "Drafted reply" in text and "$38,400" in text  # 6% of 640k
    assert lead not in text  # the phone is masked


async def test_approve_by_an_approver_sends_one_sms_and_updates_the_prompt(app: Running) -> None:
    lead, escalation_id = await escalate(app)
    assert (await app.click("approve_reply", escalation_id, JORGE)).status_code == 200
    messages = await app.texts(lead, 2)
    assert "offer" in messages[1]
    await until(lambda: any("Approved & sent by Jorge" in json.dumps(u) for u in updates(app, lead)))
    last = updates(app, lead)[-1]
    assert all(b["type"] != "actions" for b in last["blocks"]) and "Approved & sent by Jorge" in json.dumps(last)
    await app.click("approve_reply", escalation_id, JORGE)  # a double click
    await until(lambda: ephemerals(app, "Already handled by Jorge"))
    await app.idle()
    assert len(app.twilio.to(lead)) == 2


async def test_approve_by_a_non_approver_is_refused_and_sends_nothing(app: Running) -> None:
    lead, escalation_id = await escalate(app)
    for user in (MARIA, STRANGER):
        assert (await app.click("approve_reply", escalation_id, user)).status_code == 200
    await until(lambda: len(ephemerals(app, "Only ")) >= 2)
    await app.idle()
    assert len(app.twilio.to(lead)) == 1  # only the holding reply
    refusals = ephemerals(app, "")
    assert "Only an approver (Jorge) can do that." in refusals
    assert "Only members of Jorge's team can do that." in refusals


async def test_two_concurrent_approvals_send_one_sms(app: Running) -> None:
    lead, escalation_id = await escalate(app)
    clicks = await asyncio.gather(*(app.click("approve_reply", escalation_id, JORGE) for _ in range(4)))
    assert [click.status_code for click in clicks] == [200] * 4
    await app.texts(lead, 2)
    await until(lambda: len(ephemerals(app, "Already handled")) >= 3)  # the three that lost are told
    await app.idle()
    assert len(app.twilio.to(lead)) == 2


async def test_edit_opens_a_modal_and_sends_the_edited_text(app: Running) -> None:
    lead, escalation_id = await escalate(app, "What's your commission to list our house?")
    await app.click("edit_reply", escalation_id, JORGE)
    view = await until(lambda: [v for v in app.slack.called("views.open")
                                if v["view"]["private_metadata"] == escalation_id])  # fmt: skip
    modal = view[-1]["view"]
    assert modal["callback_id"] == "edit_reply_modal" and modal["blocks"][0]["element"]["initial_value"]

    async def submit(text: str) -> httpx.Response:
        return await app.interact({
            "type": "view_submission", "user": {"id": JORGE}, "team": {"id": "T1"}, "api_app_id": "A1",
            "token": "x", "trigger_id": "t",
            "view": {"id": "V1", "type": "modal", "callback_id": "edit_reply_modal", "private_metadata": escalation_id,
                     "state": {"values": {"reply": {"text": {"type": "plain_text_input", "value": text}}}}},
        })  # fmt: skip

    refused = await submit("It's a safe neighborhood and prices are guaranteed to rise!")
    assert refused.status_code == 200 and refused.json()["response_action"] == "errors"
    await app.idle()
    assert len(app.twilio.to(lead)) == 1
    assert (await submit("Jorge here: happy to walk you through our fees on a call today.")).status_code == 200
    messages = await app.texts(lead, 2)
    assert messages[1] == "Jorge here: happy to walk you through our fees on a call today."


async def test_take_over_silences_the_bot_and_threads_the_next_text(app: Running) -> None:
    lead, escalation_id = await escalate(app, "I want to talk to a real person please")
    await app.click("take_over", escalation_id, MARIA)

    async def owned_by_a_human() -> bool:
        return (await lead_json(app, lead))["owner"] == "human"

    await until(owned_by_a_human)
    assert (await lead_json(app, lead))["assigned_to"] == "Maria Lopez"
    await app.sms(lead, "Also we need 4 bedrooms")
    posts = lambda: app.slack.called("chat.postMessage")  # noqa: E731
    threaded = await until(lambda: [m for m in posts() if m.get("thread_ts") and "4 bedrooms" in m.get("text", "")])
    await app.idle()
    assert len(app.twilio.to(lead)) == 1  # the holding reply only: the bot is quiet
    thread_ts = (await lead_json(app, lead)).get("slack_thread")
    assert thread_ts and threaded[-1]["thread_ts"] == thread_ts


async def test_a_thread_message_with_send_texts_the_lead_and_notes_stay_internal(app: Running) -> None:
    lead, escalation_id = await escalate(app, "Can Jorge call me today?")
    await app.click("take_over", escalation_id, JORGE)

    async def thread() -> str | None:
        return (await lead_json(app, lead)).get("slack_thread")

    thread_ts = await until(thread)
    assert (await app.thread_message(thread_ts, "internal: she prefers mornings")).status_code == 200
    await app.idle()
    assert len(app.twilio.to(lead)) == 1
    send = json.dumps({
        "type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": "Ev2", "event_time": 1,
        "event": {"type": "message", "channel": CHANNEL, "user": JORGE, "text": "send: Hi, it's Jorge. I'll call you"
                  " at 10am.", "ts": "2.0", "thread_ts": thread_ts},
    })  # fmt: skip
    assert (await app.slack_post(send, "application/json")).status_code == 200
    assert (await app.slack_post(send, "application/json")).status_code == 200  # Slack's retry
    messages = await app.texts(lead, 2)
    await app.idle()
    assert len(app.twilio.to(lead)) == 2 and messages[1] == "Hi, it's Jorge. I'll call you at 10am."
    assert all("mornings" not in sms.body for sms in app.twilio.to(lead))  # the note stayed in Slack


async def test_bad_and_stale_slack_signatures_are_rejected(app: Running) -> None:
    body = urlencode({"command": "/jorge", "text": "help", "user_id": JORGE, "team_id": "T1"})
    form = "application/x-www-form-urlencoded"

    async def post(timestamp: str, signature: str) -> int:
        headers = {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature, "Content-Type": form}
        return (await app.client.post("/slack/events", content=body, headers=headers)).status_code

    ts = str(int(time.time()))
    assert await post(ts, SignatureVerifier("wrong").generate_signature(timestamp=ts, body=body)) == 401
    stale = str(int(time.time()) - 6 * 60)
    assert await post(stale, slack_signature(stale, body.encode())) == 401
    assert await post(ts, slack_signature(ts, body.encode())) == 200  # the same request, signed now, is taken


async def test_jorge_commands(app: Running) -> None:
    lead = new_phone()
    await app.sms(lead, "Looking for a 3 bed in Ontario around 600k, pre-approved, moving this month")
    await app.texts(lead)
    await app.idle()  # the lead has been offered to a teammate
    assert "leads [mine|unassigned|hot]" in await app.slash("help")
    assert lead in await app.slash("leads")
    assert lead in await app.slash("leads hot")
    summary = await app.slash(f"lead {lead}")
    assert "buyer_specialist" in summary and "price: 600000" in summary and "Looking for a 3 bed" in summary
    assert "assigned to Kevin Tran" in await app.slash(f"assign {lead} <@U0KEVIN003|kevin>")
    assert await app.slash("leads unassigned") == "No unassigned leads."
    assert "Handed" in await app.slash(f"handoff {lead} @Sofia prefers Spanish, wants a call after 5")
    packet = await until(lambda: [m for m in app.slack.called("chat.postMessage") if "Handoff" in m.get("text", "")])
    assert "Open questions" in packet[-1]["text"] and "prefers Spanish" in packet[-1]["text"]
    workload = await app.slash("workload")
    assert "Kevin Tran: 0/30" in workload and "Sofia Ramirez: 1/20" in workload
    assert "paused" in await app.slash(f"pause {lead}")
    await app.sms(lead, "hello?")
    await app.idle()
    assert len(app.twilio.to(lead)) == 1
    assert "answers" in await app.slash(f"resume {lead}")
    assert "Sent" in await app.slash(f"reply {lead} Hi! This is Maria from Jorge's team.")
    assert (await app.texts(lead, 2))[1] == "Hi! This is Maria from Jorge's team."
    assert "You have" in await app.slash(f"take {lead}")
    stats = await app.slash("stats")
    assert "inbound texts" in stats and "median first response" in stats
    assert "approver" in await app.slash("pause-all")  # Maria may not
    assert "Kill switch ON" in await app.slash("pause-all", user=JORGE)
    assert "Kill switch off" in await app.slash("resume-all", user=JORGE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("frobnicate", "Unknown command `frobnicate`"),
        ("lead", "Usage: `/jorge lead <phone>`"),
        ("lead +19990001111", "No lead +19990001111"),
        ("lead banana", "is not a phone number"),
        ("assign +19990001111", "Usage: `/jorge assign <lead> @member`"),
        ("leads everyone", "Usage: `/jorge leads [mine|unassigned|hot]`"),
        ("reply", "Usage: `/jorge reply <lead> <text>`"),
    ],
)
async def test_jorge_usage_errors(app: Running, text: str, expected: str) -> None:
    assert expected in await app.slash(text)


async def test_jorge_refuses_people_outside_the_team(app: Running) -> None:
    assert "Only members of Jorge's team" in await app.slash("leads", user=STRANGER)


async def test_an_undecided_prompt_gets_a_reminder_in_its_thread(
    redis_url: str, prefix: str, twilio: FakeTwilio, slack: FakeSlack
) -> None:
    async with running(redis_url, prefix, twilio, slack, jorge_approval_reminder="200ms") as app:
        lead, escalation_id = await escalate(app, "Can we ask the seller for a 10k credit?")

        async def thread() -> str | None:
            return (await lead_json(app, lead)).get("slack_thread")

        thread_ts = await until(thread)
        reminder = await until(lambda: [m for m in app.slack.called("chat.postMessage")
                                        if m.get("thread_ts") == thread_ts and "Reminder" in m["text"]])  # fmt: skip
        assert "waited" in reminder[0]["text"]
        await app.click("approve_reply", escalation_id, JORGE)  # the prompt is the thread's root: its update
        update = await until(lambda: updates(app, lead))  # goes to the message the thread hangs on
        assert update[0]["ts"] == thread_ts
