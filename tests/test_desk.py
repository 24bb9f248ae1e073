"""The team desk on real Redis: outcomes, presence, rebalancing and stats (in-process)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from agents.types import Facts, Lead, Persona
from bot.configuration.settings import load_settings
from bot.runtime.wiring import Services, build
from bot.store.leads import today
from bot.team.desk import Desk
from bot.transport.outbound import DryRunSender

JORGE, MARIA, KEVIN = "U0JORGE001", "U0MARIA002", "U0KEVIN003"


@pytest.fixture
async def services(redis_url: str, prefix: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Services]:
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("JORGE_NAMESPACE", prefix)
    built = build(load_settings(), sender=DryRunSender(echo=False))
    yield built
    await built.redis.aclose()


@pytest.fixture
def desk(services: Services) -> Desk:
    return Desk(services.conversation, services.config, services.board)


async def _lead(services: Services, phone: str, member: str, price: int = 600_000) -> None:
    await services.store.save(Lead(phone=phone, persona=Persona.BUYER, facts=Facts(price=price)))
    owner = services.board.by_name(member)
    assert owner is not None
    await services.board.force(owner)
    await services.store.set_fields(phone, assigned_to=member)


async def test_won_and_lost_update_success_and_commission(services: Services, desk: Desk) -> None:
    await _lead(services, "+19095550001", "Maria Lopez")
    await _lead(services, "+19095550002", "Maria Lopez")
    assert "about $39,000" in await desk.command(MARIA, "won +19095550001 650k")
    assert "Lost" in await desk.command(MARIA, "lost +19095550002 went with a cousin")
    maria = services.board.by_name("Maria Lopez")
    assert maria is not None
    numbers = await services.board.numbers(maria)
    assert (numbers["won"], numbers["lost"], numbers["open"], numbers["commission_won"]) == (1, 1, 0, 39_000)
    lead = await services.store.get("+19095550001")
    assert lead is not None and lead.outcome == "won" and lead.followups_stopped
    workload = await desk.command(MARIA, "workload")
    assert "Maria Lopez: 0/25 · 1/1 · $39,000" in workload
    assert "buyer_specialist 1/1" in await desk.command(MARIA, "stats")


async def test_away_members_get_no_new_leads(services: Services, desk: Desk) -> None:
    assert "away" in await desk.command(KEVIN, "away")
    states = {s.member.name: s for s in await services.board.states()}
    assert states["Kevin Tran"].away
    assert "(away)" in await desk.command(KEVIN, "workload")
    assert "Welcome back" in await desk.command(KEVIN, "back")


async def test_rebalance_is_proposed_and_applied_by_an_approver(services: Services, desk: Desk) -> None:
    for i in range(12):
        await _lead(services, f"+1909555010{i:02d}", "Maria Lopez")
    proposal = await desk.command(MARIA, "rebalance")
    assert "Maria Lopez →" in proposal
    proposal_id = proposal.split("rebalance apply ")[1].split("`")[0]
    assert "approver" in await desk.command(MARIA, f"rebalance apply {proposal_id}")
    assert "Moved" in await desk.command(JORGE, f"rebalance apply {proposal_id}")
    states = {s.member.name: s.open_leads for s in await services.board.states()}
    assert states["Maria Lopez"] < 12 and sum(states.values()) == 12


async def test_stats_show_claude_tokens_and_cost(services: Services, desk: Desk) -> None:
    await services.store.count("tokens_input", today(), 1_000_000)
    stats = await desk.command(MARIA, "stats")
    assert "Claude tokens: input 1,000,000" in stats and "about $3.00" in stats



async def test_a_claim_is_taken_once_by_the_click_or_the_timeout(services: Services) -> None:
    board, phone = services.board, "+19095551234"
    await services.store.save(Lead(phone=phone))
    maria = board.by_id(MARIA)
    assert maria is not None
    await board.offer(phone, maria, 0, [])
    assert await board.take_claim(phone, MARIA, "1") is None  # not the pending offer: left alone
    taken = await board.take_claim(phone, MARIA, "0")  # the timeout takes it ...
    assert taken is not None and (taken["member"], taken["attempt"]) == (MARIA, "0")
    assert await board.pending_claim(phone) is None
    assert not await board.claim(phone, maria)  # ... so a click that comes after it claims nothing
    await board.offer(phone, maria, 1, [])
    assert await board.claim(phone, maria)  # the click first ...
    assert await board.take_claim(phone, MARIA, "1") is None  # ... and the timeout finds nothing
