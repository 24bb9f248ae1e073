"""The conversation pipeline for one lead: inbound → decision → send-time guards → reply or
escalation. The brain decides; this module applies the decision to the lead and sends.

Inbound texts are recorded first (`record_inbound`, in the webhook) and answered later
(`process`, in a job): everything pending for a lead is answered together, so a burst of texts
gets one reply. Escalated drafts are held until a person approves, edits or takes over, each
exactly once.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from agents.brain import Brain, apply_decision
from agents.errors import EditRejected, TaskDone, UnknownLead
from agents.keywords import keyword_action
from agents.markets import Market
from agents.promises import promises
from agents.quality import check_reply
from agents.types import Action, Appointment, Decision, Escalation, Language, Lead, Message, Owner, Task
from agents.voice import followup, keyword_reply
from bot.conversation.approvals import Approvals
from bot.conversation.outbox import OPT_OUT_CODE, STALE_SEND, Guards, Outbox
from bot.conversation.threads import Threads
from bot.store.leads import LeadStore, PreparedJob, now, today
from bot.telemetry.metrics import ESCALATIONS
from bot.transport.outbound import Sender, mask_phone
from bot.transport.slack import Notifier
from bot.transport.slack_blocks import appointment_line, context_packet, escape, lead_label

log = logging.getLogger("jorge.conversation")

_OPT_OUT_TYPES = {"STOP": Action.OPT_OUT, "START": Action.OPT_IN, "HELP": Action.HELP}


@dataclass(frozen=True)
class Turn:
    """What one batch of inbound messages led to."""

    lead: Lead
    decision: Decision
    reply: str | None  # what the lead was sent now, if anything
    escalation: Escalation | None = None
    silenced: str | None = None  # why nothing was sent, when nothing was
    events: list[str] = field(default_factory=list)  # escalated, appointment, task, opted_out, opted_in


class Conversation:
    """Answers a lead's texts; its parts send (`outbox`), hold drafts for a person (`approvals`)
    and keep the lead's Slack thread (`threads`)."""

    def __init__(
        self,
        store: LeadStore,
        brain: Brain,
        sender: Sender,
        *,
        allowed_contacts: Sequence[str] = (),
        guards: Guards | None = None,
        notifier: Notifier | None = None,
        backstop: str = "Jorge",
        member_ids: Mapping[str, str] | None = None,
        stale_send: float = STALE_SEND,
    ) -> None:
        self.store = store
        self.brain = brain
        self.allowed_contacts = tuple(allowed_contacts)
        self.guards = guards = guards or Guards()
        self.threads = Threads(store, notifier, backstop=backstop, member_ids=member_ids)
        self.outbox = Outbox(store, sender, self.threads, guards, stale_send)
        self.approvals = Approvals(store, self.outbox, self.threads, tuple(allowed_contacts))

    async def record_inbound(
        self,
        phone: str,
        body: str,
        *,
        sid: str | None = None,
        media: Sequence[str] = (),
        opt_out_type: str | None = None,
        job: PreparedJob | None = None,
    ) -> bool:
        """Store one inbound text for answering (and enqueue `job` with it); False when its
        MessageSid was seen before."""
        message = Message(
            direction="in", body=body, at=now(), sid=sid, media=list(media), opt_out_type=opt_out_type or None
        )
        return await self.store.record_inbound(phone, message, today(), job)

    async def receive(self, phone: str, text: str, *, sid: str | None = None) -> Turn:
        """Record one text and answer it at once (the terminal chat; webhooks use a job)."""
        await self.record_inbound(phone, text, sid=sid)
        turn = await self.process(phone)
        assert turn is not None  # the message just recorded is pending
        return turn

    async def process(self, phone: str, pending: list[Message] | None = None) -> Turn | None:
        """Answer everything pending for this lead (`pending`, if the caller read it already).
        The caller holds the lead's lock."""
        if pending is None:
            pending = await self.store.pending(phone)
        if not pending:
            return None
        lead, history = await self.store.get_with_recent(phone)
        batch_key = pending[-1].sid or pending[-1].at.isoformat()
        turn: Turn | None = None
        segments = _segments(pending)
        for index, (messages, _action) in enumerate(segments):
            opted_out_later = any(a is Action.OPT_OUT for _, a in segments[index + 1 :])
            turn = await self._answer(lead, messages, history, key=f"{batch_key}:{index}", quiet=opted_out_later)
            lead = turn.lead
        await self.store.drop_pending(phone, len(pending))
        return turn

    async def _answer(
        self, lead: Lead, messages: list[Message], history: Sequence[Message], *, key: str, quiet: bool
    ) -> Turn:
        text = "\n".join(m.body for m in messages if m.body.strip())
        decision = await self.brain.decide(lead, text, history)
        for kind, tokens in (decision.usage or {}).items():
            await self.store.count(f"tokens_{kind}", today(), tokens)
        carrier_action = _OPT_OUT_TYPES.get((messages[-1].opt_out_type or "").upper())
        if carrier_action is not None:
            # Twilio Advanced Opt-Out already answered the lead; record the action, send nothing.
            decision = decision.model_copy(update={"action": carrier_action, "escalate": False, "reasons": []})
            silenced: str | None = "answered by the carrier"
        elif decision.action is Action.OPT_OUT and lead.opted_out and _opt_out_confirmed(history):
            silenced = "already opted out and told so"  # "and delete my number" after STOP: no second text
        else:
            silenced = "opted out later in the same burst" if quiet else await self._silence(lead, decision)
        reply = None if silenced else decision.reply
        if silenced in _THREADED and text:
            lead = await self.threads.post(lead, f"{lead_label(lead)} texted: {escape(text)}")
        if decision.action is Action.OPT_OUT:  # at once: a retry still in the outbox must see it
            await self.outbox.mark_opted_out(lead.phone)
        if reply is not None:
            first_reply = lead.replies_sent == 0
            kind = "reply" if decision.action is Action.REPLY else "confirmation"
            reply = await self.outbox.send(lead, reply, decision, key=key, kind=kind)
            if reply is not None and first_reply:
                await self.store.timing("first_response", today(), (now() - messages[0].at).total_seconds())
            if reply is None:
                silenced = "not delivered"
                stored = await self.store.get(lead.phone)  # a carrier opt-out was just recorded
                lead = lead.model_copy(update={"opted_out": bool(stored and stored.opted_out)})
        events: list[str] = []
        if decision.action in (Action.OPT_OUT, Action.OPT_IN):
            events.append("opted_out" if decision.action is Action.OPT_OUT else "opted_in")
            await self.store.record_event(lead.phone, events[-1])
        if decision.appointment is not None and decision.action is Action.REPLY and not lead.opted_out:
            saved = await self._record_appointment(lead, decision.appointment)
            decision = decision.model_copy(update={"appointment": saved})
            events.append("appointment")
        if decision.preference:
            lead = await self.threads.post(lead, f"{lead_label(lead)} prefers: {escape(decision.preference)}")
        before = lead.persona
        lead = apply_decision(lead, decision, replied=reply is not None)
        lead = await self.store.save(lead)
        if "not_interested" in decision.acts and not lead.followups_stopped:
            await self.store.set_fields(lead.phone, followups_stopped=True)  # "not interested": no check-ins
            lead = lead.model_copy(update={"followups_stopped": True})
        if before is not None and lead.persona != before and lead.slack_thread:
            title = f"*Persona handoff*: {before.value} → {lead.persona.value if lead.persona else '-'}"
            await self.threads.post(lead, context_packet(lead, title, f"the lead wrote: {escape(text[:200])}"))
        escalation = None
        if decision.escalate and lead.owner is Owner.BOT and not lead.opted_out:
            escalation = await self.approvals.escalate(lead, decision)
            ESCALATIONS.inc()
            await self.store.count("escalations", today())
            await self.store.record_event(lead.phone, "escalated", escalation=escalation.id)
            events.append("escalated")
            await self.store.set_owner(lead.phone, Owner.AWAITING_APPROVAL)
            await self.store.set_fields(lead.phone, pending_escalation=escalation.id)
            lead = lead.model_copy(update={"owner": Owner.AWAITING_APPROVAL, "pending_escalation": escalation.id})
            lead = await self.threads.post_prompt(lead, escalation)
        if reply is not None or escalation is not None:
            for task_text in _tasks(decision, reply, backed=escalation is not None):
                lead = await self._record_task(lead, task_text)
                events.append("task")
        if decision.unanswered and "task" in events:
            await self.store.count("unanswered", today())
        return Turn(lead=lead, decision=decision, reply=reply, escalation=escalation, silenced=silenced,
                    events=list(dict.fromkeys(events)))  # fmt: skip

    async def deliver(self, phone: str, key: str) -> str | None:
        """Settle a due outbound text (the outbox sweep); an approved draft's prompt then says how
        it fared."""
        sent = await self.outbox.settle(phone, key)
        if key.startswith("esc:"):
            await self.approvals.delivered(await self.approvals.escalation(key.removeprefix("esc:")))
        return sent

    async def _record_task(self, lead: Lead, text: str) -> Lead:
        task = await self.store.add_task(lead.phone, text, lead.assigned_to)
        await self.store.record_event(lead.phone, "task", task=task.id, text=text)
        return await self.threads.post_task(lead, task)

    async def _record_appointment(self, lead: Lead, appointment: Appointment) -> Appointment:
        saved = await self.store.save_appointment(lead.phone, appointment)
        await self.store.record_event(lead.phone, "appointment", appointment=saved.id, status=saved.status)
        owner = self.threads.mention(self.threads.owner_of(lead, saved.owner))
        await self.threads.note(lead.phone, appointment_line(saved, owner))
        return saved

    async def finish_task(self, task_id: str, by: str) -> Task:
        """Mark a task done, once; AlreadyHandled-like errors come back as UnknownLead or TaskDone."""
        try:
            task, first = await self.store.finish_task(task_id, by)
        except KeyError:
            raise UnknownLead(f"no task {task_id!r}") from None
        if not first:
            raise TaskDone(task)
        await self.store.record_event(task.phone, "task_done", task=task.id, by=by)
        return task

    async def _silence(self, lead: Lead, decision: Decision) -> str | None:
        """Why the bot must not answer, or None when it may (the send-time guards)."""
        if decision.action is Action.OPT_OUT:
            return None  # the one confirmation carriers require
        kill, sent_today = await self.store.send_limits(lead.phone, today())
        if self.guards.kill_switch or kill:
            return "kill switch is on"
        if decision.action in (Action.OPT_IN, Action.HELP):
            return None
        if lead.opted_out:
            return "opted out"
        if lead.owner is Owner.HUMAN:
            return "a person owns this lead"
        if lead.owner is Owner.AWAITING_APPROVAL:
            return "waiting for Jorge's approval"
        if lead.paused:
            return "paused"
        if sent_today >= self.guards.daily_cap:
            return "daily message cap reached"
        return None

    async def send_as_person(self, phone: str, text: str, by: str) -> str:
        """A team member texts the lead: the bot stays quiet for this lead until /jorge resume.
        Returns the text's outbox key (the `deliver` job sends it)."""
        lead = await self.store.get(phone)
        if lead is None:
            raise UnknownLead(f"no lead {phone}")
        if lead.opted_out:
            raise EditRejected(f"{lead_label(lead)} opted out (STOP); nothing was sent")
        if await self.outbox.kill_switch_on(phone):
            raise EditRejected("the kill switch is on (/jorge pause-all): nothing was sent")
        await self.store.set_owner(phone, Owner.HUMAN, assigned_to=by)
        # Queued in the outbox (which sends and retries it); the caller starts the send at once,
        # so the Slack command answers without waiting for Twilio.
        key = f"person:{secrets.token_hex(8)}"
        await self.outbox.send(lead, text, None, key=key, kind="person", now_=False)
        await self.threads.note(phone, f"{by} texted {lead_label(lead)}: {escape(text)}")
        return key

    async def follow_up(self, lead: Lead, market: Market | None, *, step: int, last: bool, key: str) -> str | None:
        """Send one check-in after silence, if every guard allows it; returns what was sent."""
        decision = Decision(
            action=Action.REPLY, language=lead.language or Language.EN, persona=lead.persona,
            market=lead.market, facts=lead.facts, notes=[f"follow-up {step + 1}"],
        )  # fmt: skip
        silenced = await self._silence(lead, decision)
        if silenced is not None:
            log.info("follow-up to %s not sent: %s", mask_phone(lead.phone), silenced)
            return None
        text = followup(lead, market, step=step, last=last)
        problems = check_reply(text, lead_phone=lead.phone, allowed_contacts=self.allowed_contacts)
        if problems:
            log.warning("follow-up to %s held by the quality gate: %s", mask_phone(lead.phone), "; ".join(problems))
            return None
        return await self.outbox.send(lead, text, decision.model_copy(update={"reply": text}), key=key, kind="followup")

    async def record_status(self, sid: str, status: str, error_code: str | None = None) -> bool:
        """A delivery status from the carrier; False when the message is not ours."""
        phone = await self.store.phone_for_sid(sid)
        if phone is None:
            return False
        await self.store.set_status(phone, sid, status)
        if error_code == OPT_OUT_CODE:
            await self.outbox.mark_opted_out(phone)
        return True


_THREADED = frozenset({"a person owns this lead", "waiting for Jorge's approval", "paused"})


def _tasks(decision: Decision, reply: str | None, *, backed: bool) -> list[str]:
    """What the reply says a person will do. A reply that promises without a task, an appointment
    or an escalation behind it gets a task to follow up on exactly what it said."""
    tasks = list(decision.tasks)
    said = decision.draft if backed else (reply or "")
    if not tasks and not backed and decision.appointment is None and promises(said):
        tasks.append(f"Follow up on what the assistant told the lead: \u201c{said}\u201d")
    return tasks


def _opt_out_confirmed(history: Sequence[Message]) -> bool:
    """The lead was told they are unsubscribed, and has not opted in since."""
    told = {keyword_reply(Action.OPT_OUT, language) for language in Language}
    for message in reversed(history):
        if message.direction == "out" and message.body in told:
            return True
        if message.direction == "in" and keyword_action(message.body) is Action.OPT_IN:
            return False
    return False


def _segments(pending: list[Message]) -> list[tuple[list[Message], Action | None]]:
    """Pending texts split so each keyword stands alone and ordinary texts are answered together."""
    out: list[tuple[list[Message], Action | None]] = []
    for message in pending:
        action = _OPT_OUT_TYPES.get((message.opt_out_type or "").upper()) or keyword_action(message.body)
        if action is not None or not out or out[-1][1] is not None:
            out.append(([message], action))
        else:
            out[-1][0].append(message)
    return out
