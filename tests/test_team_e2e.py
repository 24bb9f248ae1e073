"""Lead assignment with a real worker (the app and an arq worker in this event loop,
tests/support/inprocess.py): claim timeouts walk the fallback chain to Jorge; a claim stops it.
And the sweep assigns leads that waited for room."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from agents.types import Facts, Lead
from bot.configuration.settings import load_settings
from bot.runtime.jobs import JobContext, assign_lead, sweep
from bot.runtime.wiring import build
from bot.transport.outbound import DryRunSender
from tests.support.fake_slack import FakeSlack
from tests.support.fake_twilio import FakeTwilio
from tests.support.inprocess import JORGE, Running, new_phone, running, until
from tests.test_followups import RecordingQueue

TEAM_IDS = {"U0JORGE001", "U0MARIA002", "U0KEVIN003", "U0SOFIA004", "U0DANA0005"}


@pytest.fixture
async def app(redis_url: str, prefix: str, twilio: FakeTwilio, slack: FakeSlack) -> AsyncIterator[Running]:
    async with running(redis_url, prefix, twilio, slack, jorge_claim_timeout="300ms") as product:
        yield product


def offers(app: Running, phone: str) -> list[str]:
    """The members (DM channels) a lead was offered to, in order."""
    return [m["channel"] for m in app.slack.called("chat.postMessage")
            if m["channel"] in TEAM_IDS and phone in json.dumps(m.get("blocks"))]  # fmt: skip


async def timed_out(app: Running, phone: str, attempt: int, member: str) -> bool:
    """Whether the claim timeout of offer `attempt` to `member` has run (arq keeps its result)."""
    return bool(await app.redis.exists(f"arq:result:claim:{phone}:{attempt}:{member}"))


async def timeouts_waiting(app: Running, phone: str) -> list[str]:
    """The claim timeouts of `phone` still in the queue (due or not)."""
    queued = await app.redis.zrange(f"{app.settings.jorge_namespace}:queue", 0, -1)
    return [job for job in queued if job.startswith(f"claim:{phone}:")]


async def test_unclaimed_leads_go_to_the_next_best_and_after_two_misses_to_jorge(app: Running) -> None:
    lead = new_phone()
    await app.sms(lead, "Hi, looking for a 3 bed in Fontana under 500k")
    chain = await until(lambda: offers(app, lead) if len(offers(app, lead)) >= 3 else None)
    assert len(set(chain[:3])) == 3 and chain[2] == JORGE and JORGE not in chain[:2]
    message = next(m for m in app.slack.called("chat.postMessage") if m["channel"] == chain[0])
    assert "Why you: expertise" in json.dumps(message["blocks"]) and "claim_lead" in json.dumps(message["blocks"])
    await until(lambda: timed_out(app, lead, 1, chain[1]))  # the job that offered it to Jorge is done
    assert await timeouts_waiting(app, lead) == []  # Jorge is the end of the chain: no timeout for him
    await app.idle()
    assert len(offers(app, lead)) == 3
    lead_state = await app.store.get(lead)
    assert lead_state is not None and lead_state.assigned_to == "Jorge"


async def test_a_claim_stops_the_chain(redis_url: str, prefix: str, twilio: FakeTwilio, slack: FakeSlack) -> None:
    # a timeout long enough for the claim to come first
    async with running(redis_url, prefix, twilio, slack, jorge_claim_timeout="1s") as app:
        lead = new_phone()
        await app.sms(lead, "Thinking of selling my house in Upland")
        first = (await until(lambda: offers(app, lead)))[0]
        await app.interact({
            "type": "block_actions", "user": {"id": first}, "team": {"id": "T1"}, "api_app_id": "A1", "token": "x",
            "trigger_id": "t", "channel": {"id": first}, "container": {"type": "message", "channel_id": first},
            "actions": [{"action_id": "claim_lead", "block_id": f"claim:{lead}", "value": lead, "type": "button"}],
        })  # fmt: skip
        await until(lambda: any("is yours" in e["text"] for e in app.slack.called("chat.postEphemeral")
                                if e["user"] == first))  # fmt: skip
        await until(lambda: timed_out(app, lead, 0, first))  # the timeout came, and found the lead claimed
        await app.idle()
        assert offers(app, lead) == [first]


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
