"""The team board on Redis: members' live numbers, assignments, claims, outcomes and rebalancing.

    <prefix>:{team}:<measure>       hash  slack id -> number, for open, won, lost, last_assigned,
                                          away, commission_won, claims, claim_seconds
    <prefix>:{team}:unassigned      zset  phone -> when it waited for room (the sweep's work list)
    <prefix>:{team}:persona:<name>  hash  won, lost, commission_won
    <prefix>:lead:{phone}:claim     hash  member (slack id), attempt, tried (JSON), since

One hash per measure (not per member) lets an assignment read the whole team in one round trip;
the `{team}` hash tag keeps those keys in one Redis Cluster slot, so a slot is reserved (open <
capacity) and the lead leaves the waiting list in one atomic script: two workers assigning at
once never exceed a capacity.
"""

from __future__ import annotations

import json
import time as clock
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from agents.assignment import Assignment, MemberState, Weights, choose
from agents.priority import COMMISSION_RATE
from agents.schedule import TEAM_ZONE  # members' working hours are in the team's time zone
from agents.team import TeamMember
from agents.types import Lead
from bot.store.leads import LeadStore

# KEYS: open, last_assigned, unassigned. ARGV: member, capacity, now, phone.
_RESERVE = """
local open = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if open >= tonumber(ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
if ARGV[4] ~= '' then redis.call('ZREM', KEYS[3], ARGV[4]) end
return 1
"""
_RELEASE = """
local open = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if open > 0 then redis.call('HINCRBY', KEYS[1], ARGV[1], -1) end
return 1
"""
# Take a pending claim off the lead in one step (the click and the claim timeout race for it):
# the claim's fields, or nothing when there is none or it is not the offer (member, attempt) named.
_TAKE_CLAIM = """
local claim = redis.call('HGETALL', KEYS[1])
if #claim == 0 then return claim end
if ARGV[1] ~= '' and (redis.call('HGET', KEYS[1], 'member') ~= ARGV[1]
                      or redis.call('HGET', KEYS[1], 'attempt') ~= ARGV[2]) then
  return {}
end
redis.call('DEL', KEYS[1])
return claim
"""
MEASURES = ("open", "won", "lost", "last_assigned", "away", "commission_won", "claims", "claim_seconds")
MISSES_BEFORE_JORGE = 2


@dataclass(frozen=True)
class Move:
    phone: str
    source: TeamMember
    target: TeamMember


class TeamBoard:
    def __init__(self, store: LeadStore, team: Sequence[TeamMember], weights: Weights | None = None) -> None:
        self.store = store
        self.redis = store.redis
        self.team = list(team)
        self.weights = weights or Weights()
        self._hours = {m.slack_user_id: m.hours for m in self.team}
        self._reserve_script = self.redis.register_script(_RESERVE)
        self._release_script = self.redis.register_script(_RELEASE)
        self._take_claim_script = self.redis.register_script(_TAKE_CLAIM)

    def _key(self, measure: str) -> str:
        return f"{self.store.prefix}:{{team}}:{measure}"

    @property
    def _unassigned(self) -> str:
        return self._key("unassigned")

    def by_id(self, slack_id: str) -> TeamMember | None:
        return next((m for m in self.team if m.slack_user_id == slack_id), None)

    def by_name(self, name: str | None) -> TeamMember | None:
        return next((m for m in self.team if m.name == name), None)

    async def states(self) -> list[MemberState]:
        async with self.redis.pipeline(transaction=False) as pipe:
            for measure in ("open", "won", "lost", "last_assigned", "away"):
                pipe.hgetall(self._key(measure))
            opened, won, lost, last, away = await pipe.execute()
        return [
            MemberState(
                member=member,
                open_leads=int(opened.get(member.slack_user_id, 0)),
                won=int(won.get(member.slack_user_id, 0)),
                lost=int(lost.get(member.slack_user_id, 0)),
                last_assigned=float(last.get(member.slack_user_id, 0)),
                away=away.get(member.slack_user_id) == "1",
            )
            for member in self.team
        ]

    async def assign(
        self, lead: Lead, *, exclude: Sequence[str] = (), moment: datetime | None = None
    ) -> Assignment | None:
        """Reserve a slot with the best eligible member; None when nobody has room."""
        excluded = list(exclude)
        for _ in range(len(self.team)):
            assignment = choose(
                lead, await self.states(), self.weights, moment=moment or datetime.now(ZoneInfo(TEAM_ZONE)),
                hours=self._hours, exclude=excluded,
            )  # fmt: skip
            if assignment is None:
                await self.redis.zadd(self._unassigned, {lead.phone: clock.time()}, nx=True)
                return None
            member = assignment.member
            if await self._reserve(member, member.capacity, lead.phone):
                return assignment
            excluded.append(member.slack_user_id)  # filled up meanwhile: try the next best
        return None

    async def _reserve(self, member: TeamMember, capacity: int, phone: str = "") -> bool:
        keys = [self._key("open"), self._key("last_assigned"), self._unassigned]
        args = [member.slack_user_id, str(capacity), str(clock.time()), phone]
        return bool(await self._reserve_script(keys=keys, args=args))

    async def force(self, member: TeamMember) -> None:
        """Give a lead to `member` even past capacity (after two missed claims, it goes to Jorge)."""
        await self._reserve(member, 10**9)

    async def release(self, member: TeamMember | None) -> None:
        if member is not None:
            await self._release_script(keys=[self._key("open")], args=[member.slack_user_id])

    # claims ------------------------------------------------------------------------------

    def _claim_key(self, phone: str) -> str:
        return f"{self.store.lead_key(phone)}:claim"

    async def offer(self, phone: str, member: TeamMember, attempt: int, tried: Sequence[str]) -> None:
        await self.redis.hset(
            self._claim_key(phone),
            mapping={
                "member": member.slack_user_id,
                "attempt": str(attempt),
                "tried": json.dumps(list(tried)),
                "since": str(clock.time()),
            },
        )
        await self.store.set_fields(phone, assigned_to=member.name)

    async def pending_claim(self, phone: str) -> dict[str, str] | None:
        claim = await self.redis.hgetall(self._claim_key(phone))
        return dict(claim) or None

    async def take_claim(self, phone: str, member_id: str = "", attempt: str = "") -> dict[str, str] | None:
        """Remove the lead's pending claim and return it; with `member_id` and `attempt`, only if it
        is still that offer. Whoever takes it acts on it: a click and a claim timeout never both do."""
        flat = await self._take_claim_script(keys=[self._claim_key(phone)], args=[member_id, attempt])
        return dict(zip(flat[::2], flat[1::2], strict=True)) or None

    async def claim(self, phone: str, member: TeamMember) -> bool:
        """`member` claims the lead: True when they were the one it was offered to (or it was open)."""
        claim = await self.take_claim(phone)
        if claim is None:
            return False
        if claim["member"] != member.slack_user_id:
            await self.release(self.by_id(claim["member"]))
            await self.force(member)
        waited = clock.time() - float(claim["since"])
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(self._key("claims"), member.slack_user_id, 1)
            pipe.hincrbyfloat(self._key("claim_seconds"), member.slack_user_id, waited)
            await pipe.execute()
        await self.store.set_fields(phone, assigned_to=member.name)
        return True

    async def clear_claim(self, phone: str) -> None:
        await self.redis.delete(self._claim_key(phone))

    # outcomes, presence, rebalancing -------------------------------------------------------

    async def outcome(self, lead: Lead, won: bool, price: int | None) -> TeamMember | None:
        member = self.by_name(lead.assigned_to)
        persona = lead.persona.value if lead.persona else "none"
        commission = round((price or lead.facts.price or 0) * COMMISSION_RATE) if won else 0
        field = "won" if won else "lost"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(self._key(f"persona:{persona}"), field, 1)
            pipe.hincrby(self._key(f"persona:{persona}"), "commission_won", commission)
            if member is not None:
                pipe.hincrby(self._key(field), member.slack_user_id, 1)
                pipe.hincrby(self._key("commission_won"), member.slack_user_id, commission)
            await pipe.execute()
        await self.release(member)
        return member

    async def set_away(self, member: TeamMember, away: bool) -> None:
        await self.redis.hset(self._key("away"), member.slack_user_id, "1" if away else "0")

    async def numbers(self, member: TeamMember) -> dict[str, float]:
        async with self.redis.pipeline(transaction=False) as pipe:
            for measure in MEASURES:
                pipe.hget(self._key(measure), member.slack_user_id)
            values = await pipe.execute()
        return {m: float(v) for m, v in zip(MEASURES, values, strict=True) if v is not None and m != "away"}

    async def persona_numbers(self, persona: str) -> dict[str, int]:
        return {k: int(v) for k, v in (await self.redis.hgetall(self._key(f"persona:{persona}"))).items()}

    async def unassigned(self) -> list[str]:
        return list(await self.redis.zrange(self._unassigned, 0, -1))

    async def forget_unassigned(self, phone: str) -> None:
        await self.redis.zrem(self._unassigned, phone)

    def plan_rebalance(self, states: Sequence[MemberState], leads: Sequence[Lead]) -> list[Move]:
        """Moves from members above the team's average load to members below it."""
        load = {s.member.slack_user_id: s.open_leads / s.member.capacity for s in states}
        average = sum(s.open_leads for s in states) / max(sum(s.member.capacity for s in states), 1)
        over = [s for s in states if load[s.member.slack_user_id] > average + 0.15]
        under = [s for s in states if load[s.member.slack_user_id] < average and not s.away]
        donors = sorted(over, key=lambda s: -s.open_leads)
        takers = sorted(under, key=lambda s: s.open_leads)
        moves: list[Move] = []
        for donor in donors:
            mine = [lead for lead in leads if lead.assigned_to == donor.member.name]
            excess = donor.open_leads - round(average * donor.member.capacity)
            for lead in mine[: max(excess, 0)]:
                taker = next((t for t in takers if t.room > 0), None)
                if taker is None:
                    break
                moves.append(Move(lead.phone, donor.member, taker.member))
                taker.open_leads += 1
        return moves

    async def apply(self, moves: Sequence[Move]) -> None:
        for move in moves:
            await self.release(move.source)
            await self.force(move.target)
            await self.store.set_fields(move.phone, assigned_to=move.target.name)
