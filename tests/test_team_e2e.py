"""Lead assignment with a real worker: claim timeouts walk the fallback chain to Jorge; a claim
stops it. And the sweep assigns leads that waited for room."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agents.types import Facts, Lead
from bot.jobs import JobContext, assign_lead, sweep
from bot.outbound import DryRunSender
from bot.settings import load_settings
from bot.wiring import build
from tests.support.fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from tests.support.fake_twilio import FakeTwilio
from tests.support.product import Product
from tests.test_followups import RecordingQueue
from tests.test_slack_e2e import CHANNEL, interact, wait_for

TEAM_IDS = {"U0JORGE001", "U0MARIA002", "U0KEVIN003", "U0SOFIA004", "U0DANA0005"}


@pytest.fixture
def product(redis_url: str, twilio: FakeTwilio, slack: FakeSlack, tmp_path: Path) -> Iterator[Product]:
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack.url,
           "JORGE_SLACK_CHANNEL": CHANNEL, "JORGE_CLAIM_TIMEOUT": "1s"}  # fmt: skip
    running = Product(redis_url=redis_url, logs=tmp_path, twilio=twilio, extra_env=env).start_web()
    running.start_worker()
    yield running
    running.stop()


def offers(slack: FakeSlack, phone: str) -> list[str]:
    """The members (DM channels) a lead was offered to, in order."""
    return [m["channel"] for m in slack.called("chat.postMessage")
            if m["channel"] in TEAM_IDS and phone in json.dumps(m.get("blocks"))]  # fmt: skip


def test_unclaimed_leads_go_to_the_next_best_and_after_two_misses_to_jorge(product: Product, slack: FakeSlack) -> None:
    lead = "+1909" + str(time.time_ns())[-7:]
    product.post_sms(lead, "Hi, looking for a 3 bed in Fontana under 500k")
    chain = wait_for(lambda: offers(slack, lead) if len(offers(slack, lead)) >= 3 else None, seconds=20)
    assert len(set(chain[:3])) == 3 and chain[2] == "U0JORGE001" and "U0JORGE001" not in chain[:2]
    message = next(m for m in slack.called("chat.postMessage") if m["channel"] == chain[0])
    assert "Why you: expertise" in json.dumps(message["blocks"]) and "claim_lead" in json.dumps(message["blocks"])
    product.settle(2.0)
    assert len(offers(slack, lead)) == 3  # Jorge is the end of the chain
    assert product.lead_json(lead)["assigned_to"] == "Jorge"


def test_a_claim_stops_the_chain(product: Product, slack: FakeSlack) -> None:
    lead = "+1909" + str(time.time_ns())[-7:]
    product.post_sms(lead, "Thinking of selling my house in Upland")
    first = wait_for(lambda: offers(slack, lead))[0]
    interact(product, {
        "type": "block_actions", "user": {"id": first}, "team": {"id": "T1"}, "api_app_id": "A1", "token": "x",
        "trigger_id": "t", "channel": {"id": first}, "container": {"type": "message", "channel_id": first},
        "actions": [{"action_id": "claim_lead", "block_id": f"claim:{lead}", "value": lead, "type": "button"}],
    })  # fmt: skip
    wait_for(lambda: any("is yours" in e["text"] for e in slack.called("chat.postEphemeral") if e["user"] == first))
    product.settle(2.5)
    assert offers(slack, lead) == [first]


async def test_the_sweep_assigns_leads_that_waited_for_room(
    redis_url: str, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("JORGE_NAMESPACE", prefix)
    services = build(load_settings(), sender=DryRunSender(echo=False))
    context = JobContext(services, RecordingQueue())
    board = services.board
    for state in await board.states():  # everyone is at capacity
        for _ in range(state.member.capacity):
            await board.force(state.member)
    phone = "+19095550177"
    await services.store.save(Lead(phone=phone, facts=Facts(price=500_000)))
    await assign_lead(context, phone)
    assert await board.unassigned() == [phone]
    maria = next(m for m in board.team if m.name == "Maria Lopez")
    await board.release(maria)  # Maria closes a lead
    await sweep(context)
    assert await board.unassigned() == []
    lead = await services.store.get(phone)
    assert lead is not None and lead.assigned_to == "Maria Lopez"
    await services.redis.aclose()
