"""The outbox: every outbound text is sent exactly once, through Twilio failing, timing out,
accepting late, or a worker dying halfway; never to a lead who opted out in the meantime.
Real Redis, the real twilio SDK against the fake Twilio API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from agents.brain import RuleBrain
from agents.types import Lead
from bot.configuration.config import load_config
from bot.conversation import Conversation, Guards
from bot.runtime.wiring import build_overseer
from bot.store.leads import LeadStore, OutboundDraft
from bot.transport.twilio import TwilioSender
from tests.support.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio

CONFIG = load_config()


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    server = FakeTwilio().start()
    yield server
    server.stop()


@pytest.fixture
async def sender(fake: FakeTwilio) -> AsyncIterator[TwilioSender]:
    twilio = TwilioSender(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, from_number="+19095550000",
                          api_base_url=fake.url, timeout=0.5)  # fmt: skip
    yield twilio
    await twilio.close()


@pytest.fixture
def conversation(store: LeadStore, sender: TwilioSender) -> Conversation:
    # stale_send=0: a send that may have gone out is looked up at once (no waiting in tests).
    return Conversation(store, RuleBrain(build_overseer(CONFIG)), sender, guards=Guards(daily_cap=100), stale_send=0)


async def _lead(store: LeadStore, phone: str) -> Lead:
    return await store.save(Lead(phone=phone))


async def _settle(conversation: Conversation) -> None:
    """What the outbox sweep does once each text's backoff has elapsed: every open text gets its attempt."""
    store = conversation.store
    for phone, key, _ in await store.due_sends(float("inf")):
        await store.redis.hset(f"{store.lead_key(phone)}:outbox:{key}", "due", 0)  # the backoff, elapsed
        await conversation.deliver(phone, key)


async def test_a_500_that_twilio_did_not_take_is_sent_again_once(
    conversation: Conversation, store: LeadStore, fake: FakeTwilio
) -> None:
    phone = "+19095550201"
    fake.fail(phone, 500, 20500)
    lead = await _lead(store, phone)
    assert await conversation.outbox.send(lead, "Hello there", None, key="k1") == "Hello there"
    assert fake.to(phone) == [] and await store.due_sends(float("inf"))
    await _settle(conversation)
    await _settle(conversation)
    assert [s.body for s in fake.to(phone)] == ["Hello there"]
    assert await store.due_sends(float("inf")) == []
    assert [m.body for m in await store.messages(phone) if m.direction == "out"] == ["Hello there"]


async def test_a_text_twilio_took_before_erroring_is_recorded_not_sent_twice(
    conversation: Conversation, store: LeadStore, fake: FakeTwilio
) -> None:
    phone = "+19095550202"
    fake.accept_then(phone, 500)
    lead = await _lead(store, phone)
    await conversation.outbox.send(lead, "Only once, please", None, key="k2")
    await _settle(conversation)
    await _settle(conversation)
    assert [s.body for s in fake.to(phone)] == ["Only once, please"]
    (message,) = [m for m in await store.messages(phone) if m.direction == "out"]
    assert message.sid == fake.to(phone)[0].sid  # found in Twilio's message list and recorded


async def test_a_send_accepted_after_the_client_timed_out_is_not_sent_again(
    conversation: Conversation, store: LeadStore, fake: FakeTwilio
) -> None:
    phone = "+19095550203"
    fake.accept_then(phone, 201, delay=1.5)  # Twilio answers long after the 0.5 s client timeout
    lead = await _lead(store, phone)
    await conversation.outbox.send(lead, "Late but taken", None, key="k3")
    await _settle(conversation)
    assert [s.body for s in fake.to(phone)] == ["Late but taken"]
    assert await store.due_sends(float("inf")) == []


async def test_a_429_waits_and_sends_once(conversation: Conversation, store: LeadStore, fake: FakeTwilio) -> None:
    phone = "+19095550204"
    fake.fail(phone, 429, 20429, times=2)
    lead = await _lead(store, phone)
    await conversation.outbox.send(lead, "Rate limited", None, key="k4")
    for _ in range(3):
        await _settle(conversation)
    assert [s.body for s in fake.to(phone)] == ["Rate limited"]


async def test_an_attempt_a_killed_worker_left_is_looked_up_then_sent(
    conversation: Conversation, store: LeadStore, fake: FakeTwilio
) -> None:
    phone = "+19095550205"
    await _lead(store, phone)
    # A worker began the send and died before Twilio answered: the record says "sending".
    assert (await store.begin_send(phone, "k5", OutboundDraft(body="Never reached Twilio"), 0))[0] == "send"
    await _settle(conversation)
    assert [s.body for s in fake.to(phone)] == ["Never reached Twilio"]
    await _settle(conversation)
    assert len(fake.to(phone)) == 1


async def test_a_lead_who_opts_out_before_the_retry_gets_nothing(
    conversation: Conversation, store: LeadStore, fake: FakeTwilio
) -> None:
    phone = "+19095550206"
    fake.fail(phone, 503, 20503)
    lead = await _lead(store, phone)
    await conversation.outbox.send(lead, "Any news?", None, key="k6")
    await store.set_fields(phone, opted_out=True)
    await _settle(conversation)
    assert fake.to(phone) == [] and await store.due_sends(float("inf")) == []


async def test_a_retried_decision_sends_the_first_body(
    conversation: Conversation, store: LeadStore, fake: FakeTwilio
) -> None:
    phone = "+19095550207"
    fake.fail(phone, 500, 20500)
    lead = await _lead(store, phone)
    await conversation.outbox.send(lead, "First draft", None, key="k7")
    await conversation.outbox.send(lead, "A different second draft", None, key="k7")  # a retried job drafted again
    await _settle(conversation)
    assert [s.body for s in fake.to(phone)] == ["First draft"]
