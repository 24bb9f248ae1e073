"""The conversation pipeline on a real Redis: state across turns, guards, and exactly-once approvals."""

from __future__ import annotations

import asyncio

import pytest

from agents.brain import RuleBrain
from agents.errors import AlreadyHandled, EditRejected
from agents.types import Owner, Persona
from bot.configuration.config import load_config
from bot.conversation import Conversation
from bot.runtime.wiring import build_overseer
from bot.store.leads import LeadStore
from bot.transport.outbound import DryRunSender

PHONE = "+19095550142"


@pytest.fixture
def sender() -> DryRunSender:
    return DryRunSender(echo=False)


@pytest.fixture
def conversation(store: LeadStore, sender: DryRunSender) -> Conversation:
    config = load_config()
    return Conversation(store, RuleBrain(build_overseer(config)), sender, allowed_contacts=config.contacts())


async def test_three_turn_buyer_conversation_accumulates_facts_and_never_repeats_a_question(
    conversation: Conversation, store: LeadStore
) -> None:
    first = await conversation.receive(PHONE, "Hi! Looking for a 3 bed in Fontana")
    second = await conversation.receive(PHONE, "somewhere under 550k")
    third = await conversation.receive(PHONE, "yes we're pre-approved")

    lead = await store.get(PHONE)
    assert lead is not None
    assert lead.persona is Persona.BUYER
    assert (lead.market, lead.facts.bedrooms, lead.facts.price, lead.facts.preapproved) == ("fontana", 3, 550_000, True)
    questions = [turn.decision.question for turn in (first, second, third)]
    assert questions == ["budget", "preapproved", "timeline"]
    assert lead.asked == questions
    replies = [turn.reply for turn in (first, second, third)]
    assert all(replies) and len(set(replies)) == 3
    assert "assistant" in (replies[0] or "") and "assistant" not in (replies[1] or "")

    messages = await store.messages(PHONE)
    assert [m.direction for m in messages] == ["in", "out"] * 3
    assert messages[1].decision is not None and messages[1].decision["persona"] == "buyer_specialist"


async def test_a_question_already_answered_is_not_asked(conversation: Conversation) -> None:
    turn = await conversation.receive(PHONE, "3br in Ontario, budget 600k, pre-approved, moving next month")
    # Nothing left to qualify: a concrete next step instead of a script question.
    assert turn.decision.question == "step:listings"
    assert turn.reply and turn.reply.endswith("Want me to have the team send you homes that match?")


async def test_persona_sticks_across_small_talk(conversation: Conversation, store: LeadStore) -> None:
    await conversation.receive(PHONE, "We want to sell our house in Upland")
    await conversation.receive(PHONE, "ok sounds good")
    lead = await store.get(PHONE)
    assert lead is not None and lead.persona is Persona.LISTING


async def test_the_window_read_for_a_decision_is_bounded(conversation: Conversation, store: LeadStore) -> None:
    for i in range(20):
        await conversation.receive(PHONE, f"message {i}")
    assert len(await store.recent(PHONE)) == store.window
    assert sum(m.direction == "in" for m in await store.messages(PHONE)) == 20


async def test_bot_replies_stop_at_the_daily_cap(conversation: Conversation, sender: DryRunSender) -> None:
    turns = [await conversation.receive(PHONE, f"question number {i}") for i in range(12)]
    assert sum(turn.reply is not None for turn in turns) == 10
    assert turns[-1].silenced == "daily message cap reached"
    assert len(sender.sent) == 10


async def test_the_kill_switch_stops_bot_replies(conversation: Conversation, store: LeadStore) -> None:
    await store.set_kill_switch(True)
    turn = await conversation.receive(PHONE, "hello there")
    assert turn.reply is None and turn.silenced == "kill switch is on"
    stop = await conversation.receive(PHONE, "STOP")
    assert stop.reply  # the opt-out confirmation still goes out
    await store.set_kill_switch(False)


async def test_a_burst_of_texts_gets_one_reply(
    conversation: Conversation, store: LeadStore, sender: DryRunSender
) -> None:
    for text in ["hi", "looking in Fontana", "3 bedrooms", "under 550k"]:
        assert await conversation.record_inbound(PHONE, text, sid=f"SM{text.replace(' ', '')}")
    turn = await conversation.process(PHONE)
    assert turn is not None and len(sender.sent) == 1
    assert (turn.lead.market, turn.lead.facts.bedrooms, turn.lead.facts.price) == ("fontana", 3, 550_000)
    assert await conversation.process(PHONE) is None  # nothing left pending


async def test_a_replayed_message_sid_is_stored_once(conversation: Conversation, store: LeadStore) -> None:
    assert await conversation.record_inbound(PHONE, "hello", sid="SM1")
    assert not await conversation.record_inbound(PHONE, "hello", sid="SM1")
    assert len(await store.messages(PHONE)) == 1 and len(await store.pending(PHONE)) == 1


async def test_stop_at_the_end_of_a_burst_silences_the_rest(conversation: Conversation, sender: DryRunSender) -> None:
    await conversation.record_inbound(PHONE, "is the Upland house available?", sid="SMa")
    await conversation.record_inbound(PHONE, "actually STOP", sid="SMb")
    await conversation.record_inbound(PHONE, "stop", sid="SMc")
    turn = await conversation.process(PHONE)
    assert turn is not None and turn.lead.opted_out
    assert [s.body for s in sender.sent] == [turn.reply]  # only the opt-out confirmation


async def test_stop_then_nothing_until_start(conversation: Conversation, sender: DryRunSender) -> None:
    stop = await conversation.receive(PHONE, "STOP")
    assert stop.reply and "START" in stop.reply
    sent_before = len(sender.sent)
    quiet = await conversation.receive(PHONE, "is the Haven house still available?")
    assert quiet.reply is None and quiet.silenced == "opted out"
    assert len(sender.sent) == sent_before
    await conversation.receive(PHONE, "START")
    again = await conversation.receive(PHONE, "is the Haven house still available?")
    assert again.reply


async def test_one_leads_keys_share_a_cluster_hash_tag(store: LeadStore, conversation: Conversation) -> None:
    await conversation.receive(PHONE, "hello")
    keys = [key async for key in store.redis.scan_iter(match=f"{store.prefix}:lead:*")]
    assert keys and all(f"{{{PHONE}}}" in key for key in keys)


async def test_escalation_holds_the_draft_and_sends_a_holding_reply(conversation: Conversation) -> None:
    turn = await conversation.receive(PHONE, "We got an offer at 640k, should we counter?")
    assert turn.escalation is not None and turn.lead.owner is Owner.AWAITING_APPROVAL
    assert turn.reply and turn.reply != turn.decision.draft
    later = await conversation.receive(PHONE, "hello?")
    assert later.reply is None and later.silenced == "waiting for Jorge's approval"


async def test_two_concurrent_approvals_send_one_sms(conversation: Conversation, sender: DryRunSender) -> None:
    turn = await conversation.receive(PHONE, "Can I talk to Jorge about selling?")
    assert turn.escalation is not None
    before = len(sender.sent)
    results = await asyncio.gather(
        conversation.approvals.approve(turn.escalation.id, "Jorge"),
        conversation.approvals.approve(turn.escalation.id, "Maria"),
        return_exceptions=True,
    )
    assert sum(isinstance(r, AlreadyHandled) for r in results) == 1
    assert len(sender.sent) == before + 1
    assert sender.sent[-1].body == turn.decision.draft
    with pytest.raises(AlreadyHandled, match="already handled by"):
        await conversation.approvals.take_over(turn.escalation.id, "Kevin")


async def test_an_edit_that_fails_the_quality_gate_is_not_sent(
    conversation: Conversation, sender: DryRunSender
) -> None:
    turn = await conversation.receive(PHONE, "what's your commission?")
    assert turn.escalation is not None
    before = len(sender.sent)
    with pytest.raises(EditRejected):
        await conversation.approvals.approve(turn.escalation.id, "Jorge", text="It's a safe neighborhood, guaranteed!")
    assert len(sender.sent) == before
    await conversation.approvals.approve(turn.escalation.id, "Jorge", text="Jorge will call you about fees today.")
    assert sender.sent[-1].body == "Jorge will call you about fees today."


async def test_take_over_silences_the_bot(conversation: Conversation, store: LeadStore) -> None:
    turn = await conversation.receive(PHONE, "I want to speak with a real person")
    assert turn.escalation is not None
    await conversation.approvals.take_over(turn.escalation.id, "Maria")
    lead = await store.get(PHONE)
    assert lead is not None and (lead.owner, lead.assigned_to) == (Owner.HUMAN, "Maria")
    quiet = await conversation.receive(PHONE, "thanks, also 3 bedrooms")
    assert quiet.reply is None and quiet.silenced == "a person owns this lead"


async def test_a_persona_handoff_posts_a_context_packet_in_the_leads_thread(store: LeadStore) -> None:
    from bot.transport.slack import DryRunNotifier, Posted

    class Threaded(DryRunNotifier):
        async def prompt(self, lead, escalation, history):  # type: ignore[no-untyped-def]
            await super().prompt(lead, escalation, history)
            return Posted(channel="C1", ts="1700000000.000001")

    notifier = Threaded()
    config = load_config()
    conversation = Conversation(store, RuleBrain(build_overseer(config)), DryRunSender(echo=False), notifier=notifier)
    turn = await conversation.receive(PHONE, "Can Jorge call me about buying in Fontana?")
    assert turn.escalation is not None
    await conversation.approvals.approve(turn.escalation.id, "Jorge")
    await conversation.receive(PHONE, "Also, has escrow opened on the other house yet?")
    packets = [p["text"] for p in notifier.posts if p["kind"] == "thread" and "Persona handoff" in p["text"]]
    assert packets and "buyer_specialist → transaction_coordinator" in packets[0]
    assert "Open questions" in packets[0] and "Persona history" in packets[0]
