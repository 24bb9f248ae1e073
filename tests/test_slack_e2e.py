"""Slack end to end: the real app with signed Slack requests (events, block_actions,
view_submission, slash commands) against a fake Slack Web API and a fake Twilio, real Redis and
a real worker."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from slack_sdk.signature import SignatureVerifier

from tests.support.fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, click_payload
from tests.support.fake_twilio import FakeTwilio
from tests.support.product import Product

CHANNEL = "C0APPROVALS"
JORGE = "U0JORGE001"  # approver in the shipped example team
MARIA = "U0MARIA002"  # team member, not an approver
STRANGER = "U0STRANGER"


@pytest.fixture
def product(redis_url: str, twilio: FakeTwilio, slack: FakeSlack, tmp_path: Path) -> Iterator[Product]:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.url,
        "JORGE_SLACK_CHANNEL": CHANNEL,
    }
    running = Product(redis_url=redis_url, logs=tmp_path, twilio=twilio, extra_env=env).start_web()
    running.start_worker()
    yield running
    running.stop()


def phone() -> str:
    return "+1909" + str(time.time_ns())[-7:]


def slack_post(product: Product, body: str, content_type: str, *, timestamp: int | None = None,
               secret: str = SIGNING_SECRET, headers: dict[str, str] | None = None) -> httpx.Response:  # fmt: skip
    ts = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    all_headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature, "Content-Type": content_type}
    return httpx.post(product.base_url + "/slack/events", content=body, headers={**all_headers, **(headers or {})})


def interact(product: Product, payload: dict[str, Any]) -> httpx.Response:
    return slack_post(product, urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def click(product: Product, action_id: str, escalation_id: str, user: str) -> httpx.Response:
    return interact(product, click_payload(action_id, escalation_id, user, CHANNEL))


def slash(product: Product, text: str, user: str = MARIA) -> str:
    body = urlencode({
        "command": "/jorge", "text": text, "user_id": user, "user_name": user, "team_id": "T1",
        "channel_id": CHANNEL, "trigger_id": "t", "response_url": "https://hooks.slack.invalid/x", "token": "x",
    })  # fmt: skip
    response = slack_post(product, body, "application/x-www-form-urlencoded")
    assert response.status_code == 200, response.text
    return str(response.json().get("text", "")) if response.text else ""


def wait_for(check: Any, seconds: float = 15.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def prompt_for(slack: FakeSlack, lead_phone: str) -> tuple[str, dict[str, Any]]:
    """The escalation id and message of the approval prompt posted for a lead."""
    masked = lead_phone[:5] + "***" + lead_phone[-4:]

    def find() -> tuple[str, dict[str, Any]] | None:
        for args in slack.called("chat.postMessage"):
            blocks = args.get("blocks") or []
            if masked in json.dumps(blocks) and any(b.get("type") == "actions" for b in blocks):
                actions = next(b for b in blocks if b["type"] == "actions")
                return actions["elements"][0]["value"], args
        return None

    found: tuple[str, dict[str, Any]] = wait_for(find)
    return found


def escalate(
    product: Product, slack: FakeSlack, text: str = "We got an offer at 640k, should we counter?"
) -> tuple[str, str]:
    lead = phone()
    product.post_sms(lead, text)
    product.wait_for_sms(lead)  # the holding reply
    escalation_id, _ = prompt_for(slack, lead)
    return lead, escalation_id


def test_an_escalation_posts_a_prompt_with_three_buttons(product: Product, slack: FakeSlack) -> None:
    lead, escalation_id = escalate(product, slack)
    _, message = prompt_for(slack, lead)
    assert message["channel"] == CHANNEL
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        ("approve_reply", escalation_id), ("edit_reply", escalation_id), ("take_over", escalation_id)
    ]  # fmt: skip
    text = json.dumps(message["blocks"])
    assert "negotiation" in text and "Drafted reply" in text and "$38,400" in text  # 6% of 640k
    assert lead not in text  # the phone is masked


def test_approve_by_an_approver_sends_one_sms_and_updates_the_prompt(product: Product, slack: FakeSlack) -> None:
    lead, escalation_id = escalate(product, slack)
    assert click(product, "approve_reply", escalation_id, JORGE).status_code == 200
    messages = product.wait_for_sms(lead, 2)
    assert "offer" in messages[1].body
    update = wait_for(lambda: [u for u in slack.called("chat.update") if escalation_id not in json.dumps(u) or True])
    last = update[-1]
    assert all(b["type"] != "actions" for b in last["blocks"]) and "Approved & sent by Jorge" in json.dumps(last)
    click(product, "approve_reply", escalation_id, JORGE)  # a double click
    product.settle(1.5)
    assert len(product.twilio.to(lead)) == 2
    assert any("Already handled by Jorge" in e["text"] for e in slack.called("chat.postEphemeral"))


def test_approve_by_a_non_approver_is_refused_and_sends_nothing(product: Product, slack: FakeSlack) -> None:
    lead, escalation_id = escalate(product, slack)
    for user in (MARIA, STRANGER):
        assert click(product, "approve_reply", escalation_id, user).status_code == 200
    product.settle(1.5)
    assert len(product.twilio.to(lead)) == 1  # only the holding reply
    refusals = [e["text"] for e in slack.called("chat.postEphemeral")]
    assert "Only an approver (Jorge) can do that." in refusals
    assert "Only members of Jorge's team can do that." in refusals


def test_two_concurrent_approvals_send_one_sms(product: Product, slack: FakeSlack) -> None:
    lead, escalation_id = escalate(product, slack)
    threads = [threading.Thread(target=click, args=(product, "approve_reply", escalation_id, JORGE)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    product.wait_for_sms(lead, 2)
    product.settle(1.5)
    assert len(product.twilio.to(lead)) == 2


def test_edit_opens_a_modal_and_sends_the_edited_text(product: Product, slack: FakeSlack) -> None:
    lead, escalation_id = escalate(product, slack, "What's your commission to list our house?")
    click(product, "edit_reply", escalation_id, JORGE)
    view = wait_for(lambda: [v for v in slack.called("views.open") if v["view"]["private_metadata"] == escalation_id])
    modal = view[-1]["view"]
    assert modal["callback_id"] == "edit_reply_modal" and modal["blocks"][0]["element"]["initial_value"]

    def submit(text: str) -> httpx.Response:
        return interact(product, {
            "type": "view_submission", "user": {"id": JORGE}, "team": {"id": "T1"}, "api_app_id": "A1",
            "token": "x", "trigger_id": "t",
            "view": {"id": "V1", "type": "modal", "callback_id": "edit_reply_modal", "private_metadata": escalation_id,
                     "state": {"values": {"reply": {"text": {"type": "plain_text_input", "value": text}}}}},
        })  # fmt: skip

    refused = submit("It's a safe neighborhood and prices are guaranteed to rise!")
    assert refused.status_code == 200 and refused.json()["response_action"] == "errors"
    product.settle(1.0)
    assert len(product.twilio.to(lead)) == 1
    assert submit("Jorge here: happy to walk you through our fees on a call today.").status_code == 200
    messages = product.wait_for_sms(lead, 2)
    assert messages[1].body == "Jorge here: happy to walk you through our fees on a call today."


def test_take_over_silences_the_bot_and_threads_the_next_text(product: Product, slack: FakeSlack) -> None:
    lead, escalation_id = escalate(product, slack, "I want to talk to a real person please")
    click(product, "take_over", escalation_id, MARIA)
    wait_for(lambda: product.lead_json(lead)["owner"] == "human")
    assert product.lead_json(lead)["assigned_to"] == "Maria Lopez"
    product.post_sms(lead, "Also we need 4 bedrooms")
    product.settle(2.0)
    assert len(product.twilio.to(lead)) == 1  # the holding reply only: the bot is quiet
    thread_ts = product.lead_json(lead).get("slack_thread")
    threaded = wait_for(lambda: [m for m in slack.called("chat.postMessage")
                                 if m.get("thread_ts") and "Also we need 4 bedrooms" in m.get("text", "")])  # fmt: skip
    assert threaded[-1]["thread_ts"] == thread_ts


def test_a_thread_message_with_send_texts_the_lead_and_notes_stay_internal(product: Product, slack: FakeSlack) -> None:
    lead, escalation_id = escalate(product, slack, "Can Jorge call me today?")
    click(product, "take_over", escalation_id, JORGE)
    thread_ts = wait_for(lambda: product.lead_json(lead).get("slack_thread"))

    def event(text: str, event_id: str) -> httpx.Response:
        body = json.dumps({
            "type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": event_id, "event_time": 1,
            "event": {"type": "message", "channel": CHANNEL, "user": JORGE, "text": text, "ts": "2.0",
                      "thread_ts": thread_ts},
        })  # fmt: skip
        return slack_post(product, body, "application/json")

    assert event("internal: she prefers mornings", "Ev1").status_code == 200
    product.settle(1.0)
    assert len(product.twilio.to(lead)) == 1
    assert event("send: Hi, it's Jorge. I'll call you at 10am.", "Ev2").status_code == 200
    assert event("send: Hi, it's Jorge. I'll call you at 10am.", "Ev2").status_code == 200  # Slack's retry
    messages = product.wait_for_sms(lead, 2)
    product.settle(1.0)
    assert len(product.twilio.to(lead)) == 2 and messages[1].body == "Hi, it's Jorge. I'll call you at 10am."


def test_bad_and_stale_slack_signatures_are_rejected(product: Product) -> None:
    body = urlencode({"command": "/jorge", "text": "help", "user_id": JORGE, "team_id": "T1"})
    assert slack_post(product, body, "application/x-www-form-urlencoded", secret="wrong").status_code == 401
    stale = int(time.time()) - 6 * 60
    assert slack_post(product, body, "application/x-www-form-urlencoded", timestamp=stale).status_code == 401


def test_jorge_commands(product: Product, slack: FakeSlack) -> None:
    lead = phone()
    product.post_sms(lead, "Looking for a 3 bed in Ontario around 600k, pre-approved, moving this month")
    product.wait_for_sms(lead)
    assert "leads [mine|unassigned|hot]" in slash(product, "help")
    assert lead in slash(product, "leads")
    assert lead in slash(product, "leads hot")
    summary = slash(product, f"lead {lead}")
    assert "buyer_specialist" in summary and "price: 600000" in summary and "Looking for a 3 bed" in summary
    assert "assigned to Kevin Tran" in slash(product, f"assign {lead} <@U0KEVIN003|kevin>")
    assert lead in slash(product, "leads unassigned") or "No unassigned" in slash(product, "leads unassigned")
    assert "Handed" in slash(product, f"handoff {lead} @Sofia prefers Spanish, wants a call after 5")
    packet = wait_for(lambda: [m for m in slack.called("chat.postMessage") if "Handoff" in m.get("text", "")])
    assert "Open questions" in packet[-1]["text"] and "prefers Spanish" in packet[-1]["text"]
    assert "Kevin Tran: 0/30" in slash(product, "workload") or "Sofia Ramirez: 1/20" in slash(product, "workload")
    assert "paused" in slash(product, f"pause {lead}")
    product.post_sms(lead, "hello?")
    product.settle(1.5)
    assert len(product.twilio.to(lead)) == 1
    assert "answers" in slash(product, f"resume {lead}")
    assert "Sent" in slash(product, f"reply {lead} Hi! This is Maria from Jorge's team.")
    assert product.wait_for_sms(lead, 2)[1].body == "Hi! This is Maria from Jorge's team."
    assert "You have" in slash(product, f"take {lead}")
    stats = slash(product, "stats")
    assert "inbound texts" in stats and "median first response" in stats
    assert "approver" in slash(product, "pause-all")  # Maria may not
    assert "Kill switch ON" in slash(product, "pause-all", user=JORGE)
    assert "Kill switch off" in slash(product, "resume-all", user=JORGE)


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
def test_jorge_usage_errors(product: Product, text: str, expected: str) -> None:
    assert expected in slash(product, text)


def test_jorge_refuses_people_outside_the_team(product: Product) -> None:
    assert "Only members of Jorge's team" in slash(product, "leads", user=STRANGER)


def test_an_undecided_prompt_gets_a_reminder_in_its_thread(
    redis_url: str, twilio: FakeTwilio, slack: FakeSlack, tmp_path: Path
) -> None:
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack.url,
           "JORGE_SLACK_CHANNEL": CHANNEL, "JORGE_APPROVAL_REMINDER": "1s"}  # fmt: skip
    product = Product(redis_url=redis_url, logs=tmp_path, twilio=twilio, extra_env=env).start_web()
    product.start_worker()
    try:
        lead, _ = escalate(product, slack, "Can we ask the seller for a 10k credit?")
        thread_ts = wait_for(lambda: product.lead_json(lead).get("slack_thread"))
        posts = lambda: slack.called("chat.postMessage")  # noqa: E731
        reminder = wait_for(lambda: [m for m in posts() if m.get("thread_ts") == thread_ts and "Reminder" in m["text"]])
        assert "waited" in reminder[0]["text"]
        assert thread_ts  # the prompt is the thread's root
    finally:
        product.stop()
