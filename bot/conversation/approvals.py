"""Held drafts: an escalation waits for a person, who approves it (as drafted or edited), takes
the lead over or releases it back to the bot, each exactly once (the first click wins, later ones
are told who decided). An approved text goes out through the outbox; its prompt says how it fared."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from agents.errors import AlreadyHandled, EditRejected, UnknownLead
from agents.quality import check_reply
from agents.types import Decision, Escalation, Lead, Owner
from bot.conversation.outbox import Outbox
from bot.conversation.threads import Threads
from bot.store.leads import LeadStore, now, today
from bot.transport.slack_blocks import lead_label


@dataclass
class Approvals:
    store: LeadStore
    outbox: Outbox  # an approved text goes out through it
    threads: Threads  # the prompts and the lead's thread
    allowed_contacts: Sequence[str] = ()  # what an edited text may mention

    async def escalate(self, lead: Lead, decision: Decision) -> Escalation:
        escalation = Escalation(
            id=secrets.token_hex(6),
            phone=lead.phone,
            reasons=decision.reasons,
            draft=decision.draft,
            decision=decision.route_view(),
            created_at=now(),
        )
        await self.store.save_escalation(escalation)
        return escalation

    async def escalation(self, escalation_id: str) -> Escalation:
        escalation = await self.store.escalation(escalation_id)
        if escalation is None:
            raise UnknownLead(f"no escalation {escalation_id!r}")
        return escalation

    async def _claim(self, escalation_id: str, by: str, state: str, text: str | None) -> Escalation:
        """Mark the escalation decided, atomically: the first caller wins, the rest are told who did."""
        claimed = await self.store.claim_escalation(
            escalation_id, by, state=state, decided_by=by, decided_at=now().isoformat(), final_text=text
        )
        if claimed is None:
            raise UnknownLead(f"no escalation {escalation_id!r}")
        if not claimed:
            raise AlreadyHandled(await self.escalation(escalation_id))
        escalation = await self.escalation(escalation_id)
        await self.store.set_fields(escalation.phone, pending_escalation=None)
        waited = (now() - escalation.created_at).total_seconds()
        await self.store.timing("approval", today(), waited)
        return escalation

    async def approve(self, escalation_id: str, by: str, text: str | None = None) -> Escalation:
        """Send the held draft (or an edited text that passes the quality gate)."""
        current = await self.escalation(escalation_id)
        if text is not None:
            problems = check_reply(text, lead_phone=current.phone, allowed_contacts=self.allowed_contacts)
            if problems:
                raise EditRejected("; ".join(problems))
        if await self.outbox.kill_switch_on(current.phone):
            raise EditRejected("the kill switch is on (/jorge pause-all): nothing was sent; approve after resume-all")
        escalation = await self._claim(escalation_id, by, "edited" if text is not None else "approved", text)
        lead = await self.store.get_or_new(escalation.phone)
        await self.store.set_owner(escalation.phone, Owner.BOT)
        if lead.opted_out:
            return await self.delivered(escalation, "not sent: the lead has opted out")
        # Through the outbox: a Twilio hiccup now is retried there, so an approved draft is never lost.
        await self.outbox.send(lead, text if text is not None else escalation.draft, None, key=f"esc:{escalation.id}")
        return await self.delivered(escalation)

    async def delivered(self, escalation: Escalation, delivery: str | None = None) -> Escalation:
        """Record how the approved text fared (from its outbox state unless given) on the escalation
        and in its Slack prompt."""
        if delivery is None:
            draft = await self.store.outbound_draft(escalation.phone, f"esc:{escalation.id}")
            state = draft.state if draft is not None else "failed"
            delivery = {"sent": "sent", "failed": "not sent: Twilio refused it", "cancelled": "not sent: cancelled"
                        " by an opt-out or the kill switch"}.get(state, "retrying")  # fmt: skip
        if delivery != escalation.delivery:
            await self.store.update_escalation(escalation.id, delivery=delivery)
            escalation = escalation.model_copy(update={"delivery": delivery})
            await self.threads.update_prompt(escalation)
        return escalation

    async def release(self, escalation_id: str, by: str) -> Escalation:
        """An approver hands a held lead back to the bot without sending the draft: the prompt says
        so, and a later click on it is told who released it."""
        escalation = await self._claim(escalation_id, by, "released", None)
        await self.store.set_owner(escalation.phone, Owner.BOT)
        await self.threads.update_prompt(escalation)
        return escalation

    async def take_over(self, escalation_id: str, by: str) -> Escalation:
        """A person takes the lead: the bot stays quiet for it from now on."""
        escalation = await self._claim(escalation_id, by, "taken_over", None)
        await self.store.set_owner(escalation.phone, Owner.HUMAN, assigned_to=by)
        await self.threads.update_prompt(escalation)
        quiet = f"{by} took over: the bot stays quiet for this lead until /jorge resume."
        await self.threads.note(escalation.phone, quiet)
        return escalation

    async def remind(self, escalation_id: str) -> None:
        """Nudge the thread of a prompt that is still waiting."""
        escalation = await self.escalation(escalation_id)
        if escalation.state != "pending":
            return
        waited = round((now() - escalation.created_at).total_seconds() / 60)
        lead = await self.store.get_or_new(escalation.phone)
        await self.threads.post(lead, f"Reminder: {lead_label(lead)} has waited {waited} min for an approval.")
