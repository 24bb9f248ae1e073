"""The conversation pipeline for one lead: inbound → decision → guards → reply or escalation.

The brain decides; this module applies the decision to the lead's state and sends, holding
escalated drafts until a person approves, edits or takes over (each exactly once).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from agents.brain import Brain, apply_decision
from agents.quality import check_reply
from agents.types import Action, Decision, Escalation, Lead, Message, Owner
from bot.errors import JorgeError, UnknownLead
from bot.outbound import Sender
from bot.store import LeadStore, now


class AlreadyHandled(JorgeError):
    """The escalation was decided before; `escalation.decided_by` says by whom."""

    def __init__(self, escalation: Escalation) -> None:
        super().__init__(f"already handled by {escalation.decided_by}")
        self.escalation = escalation


class EditRejected(JorgeError):
    """An edited reply failed the quality gate; nothing was sent."""


@dataclass(frozen=True)
class Turn:
    """What one inbound message led to."""

    lead: Lead
    decision: Decision
    reply: str | None  # what the lead was sent now, if anything
    escalation: Escalation | None = None
    silenced: str | None = None  # why nothing was sent, when nothing was


class Conversation:
    def __init__(self, store: LeadStore, brain: Brain, sender: Sender, *, allowed_contacts: Sequence[str] = ()) -> None:
        self.store = store
        self.brain = brain
        self.sender = sender
        self.allowed_contacts = tuple(allowed_contacts)

    async def receive(self, phone: str, text: str, *, sid: str | None = None) -> Turn:
        """Store one inbound text and answer it."""
        lead = await self.store.get_or_new(phone)
        await self.store.append(phone, Message(direction="in", body=text, at=now(), sid=sid))
        history = await self.store.recent(phone)
        decision = await self.brain.decide(lead, text, history)
        silenced = self._silence(lead, decision)
        escalation = None
        reply = None if silenced else decision.reply
        if reply is not None:
            await self._send(lead.phone, reply, decision)
        lead = apply_decision(lead, decision, replied=reply is not None)
        lead = await self.store.save(lead)
        if decision.escalate and not silenced:
            escalation = await self._escalate(lead, decision)
            await self.store.set_owner(phone, Owner.AWAITING_APPROVAL)
            lead = lead.model_copy(update={"owner": Owner.AWAITING_APPROVAL})
        return Turn(lead=lead, decision=decision, reply=reply, escalation=escalation, silenced=silenced)

    @staticmethod
    def _silence(lead: Lead, decision: Decision) -> str | None:
        """Why the bot must not answer, or None when it may."""
        if decision.action in (Action.OPT_OUT, Action.OPT_IN, Action.HELP):
            return None  # carriers require these answers
        if lead.opted_out:
            return "opted out"
        if lead.owner is Owner.HUMAN:
            return "a person owns this lead"
        if lead.owner is Owner.AWAITING_APPROVAL:
            return "waiting for Jorge's approval"
        return None

    async def _send(self, phone: str, body: str, decision: Decision | None) -> None:
        key = secrets.token_hex(8)
        sent = await self.sender.send(to=phone, body=body, key=key)
        view = decision.route_view() if decision else None
        await self.store.append(
            phone, Message(direction="out", body=body, at=now(), status=sent.status, sid=sent.sid, decision=view)
        )

    def _escalation_key(self, escalation_id: str) -> str:
        return f"{self.store.prefix}:escalation:{escalation_id}"

    async def _escalate(self, lead: Lead, decision: Decision) -> Escalation:
        escalation = Escalation(
            id=secrets.token_hex(6),
            phone=lead.phone,
            reasons=decision.reasons,
            draft=decision.draft,
            decision=decision.route_view(),
            created_at=now(),
        )
        fields = {name: json.dumps(value) for name, value in escalation.model_dump(mode="json").items()}
        await self.store.redis.hset(self._escalation_key(escalation.id), mapping=fields)
        return escalation

    async def escalation(self, escalation_id: str) -> Escalation:
        raw = await self.store.redis.hgetall(self._escalation_key(escalation_id))
        if not raw:
            raise UnknownLead(f"no escalation {escalation_id!r}")
        return Escalation.model_validate({k: json.loads(v) for k, v in raw.items()})

    async def _claim(self, escalation_id: str, by: str, state: str, text: str | None) -> Escalation:
        """Mark the escalation decided, atomically: the first caller wins, the rest are told who did."""
        key = self._escalation_key(escalation_id)
        if not await self.store.redis.exists(key):
            raise UnknownLead(f"no escalation {escalation_id!r}")
        won = await self.store.redis.hsetnx(key, "claimed_by", json.dumps(by))
        if not won:
            raise AlreadyHandled(await self.escalation(escalation_id))
        update = {"state": state, "decided_by": by, "decided_at": now().isoformat(), "final_text": text}
        await self.store.redis.hset(key, mapping={k: json.dumps(v) for k, v in update.items()})
        return await self.escalation(escalation_id)

    async def approve(self, escalation_id: str, by: str, text: str | None = None) -> Escalation:
        """Send the held draft (or an edited text that passes the quality gate)."""
        current = await self.escalation(escalation_id)
        if text is not None:
            problems = check_reply(text, lead_phone=current.phone, allowed_contacts=self.allowed_contacts)
            if problems:
                raise EditRejected("; ".join(problems))
        escalation = await self._claim(escalation_id, by, "edited" if text is not None else "approved", text)
        body = text if text is not None else escalation.draft
        await self._send(escalation.phone, body, None)
        await self.store.set_owner(escalation.phone, Owner.BOT)
        return escalation

    async def take_over(self, escalation_id: str, by: str) -> Escalation:
        """A person takes the lead: the bot stays quiet for it from now on."""
        escalation = await self._claim(escalation_id, by, "taken_over", None)
        await self.store.set_owner(escalation.phone, Owner.HUMAN, assigned_to=by)
        return escalation
