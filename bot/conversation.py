"""The conversation pipeline for one lead: inbound → decision → send-time guards → reply or
escalation. The brain decides; this module applies the decision to the lead and sends.

Inbound texts are recorded first (`record_inbound`, in the webhook) and answered later
(`process`, in a job): everything pending for a lead is answered together, so a burst of texts
gets one reply. Escalated drafts are held until a person approves, edits or takes over, each
exactly once.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import secrets
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from agents.brain import Brain, apply_decision
from agents.errors import (
    AlreadyHandled,
    EditRejected,
    PermanentDeliveryError,
    TaskDone,
    TemporaryDeliveryError,
    UnknownLead,
)
from agents.keywords import keyword_action
from agents.markets import Market
from agents.promises import promises
from agents.quality import check_reply
from agents.schedule import TEAM_ZONE
from agents.team import TeamMember
from agents.types import Action, Appointment, Decision, Escalation, Language, Lead, Message, Owner, Task
from agents.voice import followup, keyword_reply
from bot.metrics import ESCALATIONS, NOTIFY_FAILURES, OUTBOUND
from bot.notify import DryRunNotifier, Notifier, Posted
from bot.outbound import Sender, Sent, mask_phone
from bot.slack_blocks import appointment_line, context_packet, escape, lead_label, task_message
from bot.store import LeadStore, OutboundDraft, PreparedJob, now

log = logging.getLogger("jorge.conversation")

OPT_OUT_CODE = "21610"  # Twilio: the recipient has opted out at the carrier
STALE_SEND = 30.0  # seconds: an attempt unanswered this long is looked up at the carrier, then retried
MAX_SEND_ATTEMPTS = 12  # then the text is given up on and the lead's thread says so
_OPT_OUT_TYPES = {"STOP": Action.OPT_OUT, "START": Action.OPT_IN, "HELP": Action.HELP}





@dataclass(frozen=True)
class Guards:
    """Send-time limits on bot messages."""

    daily_cap: int = 10
    kill_switch: bool = False


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
    def __init__(
        self,
        store: LeadStore,
        brain: Brain,
        sender: Sender,
        *,
        allowed_contacts: Sequence[str] = (),
        guards: Guards = Guards(),
        notifier: Notifier | None = None,
        backstop: str = "Jorge",
        member_ids: Mapping[str, str] | None = None,
        stale_send: float = STALE_SEND,
    ) -> None:
        self.store = store
        self.brain = brain
        self.sender = sender
        self.allowed_contacts = tuple(allowed_contacts)
        self.guards = guards
        self.notifier: Notifier = notifier or DryRunNotifier()
        self.backstop = backstop  # who acts for a lead nobody owns yet (Jorge)
        self.member_ids = dict(member_ids or {})  # team member name -> Slack user id, for mentions
        self.stale_send = stale_send

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
            lead = await self._post_thread(lead, f"{lead_label(lead)} texted: {escape(text)}")
        if decision.action is Action.OPT_OUT:  # at once: a retry still in the outbox must see it
            await self._mark_opted_out(lead.phone)
        if reply is not None:
            first_reply = lead.replies_sent == 0
            kind = "reply" if decision.action is Action.REPLY else "confirmation"
            reply = await self._send(lead, reply, decision, key=key, kind=kind)
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
            lead = await self._post_thread(lead, f"{lead_label(lead)} prefers: {escape(decision.preference)}")
        before = lead.persona
        lead = apply_decision(lead, decision, replied=reply is not None)
        lead = await self.store.save(lead)
        if "not_interested" in decision.acts and not lead.followups_stopped:
            await self.store.set_fields(lead.phone, followups_stopped=True)  # "not interested": no check-ins
            lead = lead.model_copy(update={"followups_stopped": True})
        if before is not None and lead.persona != before and lead.slack_thread:
            title = f"*Persona handoff*: {before.value} → {lead.persona.value if lead.persona else '-'}"
            await self._post_thread(lead, context_packet(lead, title, f"the lead wrote: {escape(text[:200])}"))
        escalation = None
        if decision.escalate and lead.owner is Owner.BOT and not lead.opted_out:
            escalation = await self._escalate(lead, decision)
            ESCALATIONS.inc()
            await self.store.count("escalations", today())
            await self.store.record_event(lead.phone, "escalated", escalation=escalation.id)
            events.append("escalated")
            await self.store.set_owner(lead.phone, Owner.AWAITING_APPROVAL)
            await self.store.set_fields(lead.phone, pending_escalation=escalation.id)
            lead = lead.model_copy(update={"owner": Owner.AWAITING_APPROVAL, "pending_escalation": escalation.id})
            lead = await self._post_prompt(lead, escalation)
        if reply is not None or escalation is not None:
            for task_text in _tasks(decision, reply, backed=escalation is not None):
                lead = await self._record_task(lead, task_text)
                events.append("task")
        if decision.unanswered and "task" in events:
            await self.store.count("unanswered", today())
        return Turn(lead=lead, decision=decision, reply=reply, escalation=escalation, silenced=silenced,
                    events=list(dict.fromkeys(events)))  # fmt: skip

    # Tasks and appointment requests ---------------------------------------------------------

    def owner_of(self, lead: Lead, task_owner: str | None = None) -> str:
        """Who a task or an appointment request is in front of: its own owner, else the lead's
        assignee, else Jorge (the backstop for leads nobody has claimed)."""
        return task_owner or lead.assigned_to or self.backstop

    def mention(self, name: str) -> str:
        member_id = self.member_ids.get(name)
        return f"<@{member_id}>" if member_id else name

    async def _record_task(self, lead: Lead, text: str) -> Lead:
        task = await self.store.add_task(lead.phone, text, lead.assigned_to)
        await self.store.record_event(lead.phone, "task", task=task.id, text=text)
        owner = self.mention(self.owner_of(lead, task.owner))
        blocks = task_message(task, owner)
        posted = await self._notify("task", self.notifier.thread(lead, f"Task for {owner}: {escape(text)}", blocks))
        return await self._remember_thread(lead, posted)

    async def _record_appointment(self, lead: Lead, appointment: Appointment) -> Appointment:
        saved = await self.store.save_appointment(lead.phone, appointment)
        await self.store.record_event(lead.phone, "appointment", appointment=saved.id, status=saved.status)
        await self.note(lead.phone, appointment_line(saved, self.mention(self.owner_of(lead, saved.owner))))
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

    async def _send(
        self, lead: Lead, body: str, decision: Decision | None, *, key: str, kind: str = "reply", now_: bool = True
    ) -> str | None:
        """Send `body` once under `key`, through the outbox: the body when it went out or is on
        its way (a temporary failure is retried by the outbox sweep), None when it never will.
        `now_=False` leaves the attempt to the sweep (a Slack command must answer within 3 s)."""
        view = json.dumps(decision.route_view()) if decision else ""
        draft = OutboundDraft(body=body, view=view, counter="replies" if decision else "human_sends", kind=kind)
        if not now_:
            await self.store.queue_send(lead.phone, key, draft)
            return body
        return await self._attempt(lead.phone, key, draft)

    async def deliver(self, phone: str, key: str) -> str | None:
        """Settle a due outbound text (the outbox sweep); an approved draft's prompt then says how
        it fared."""
        sent = await self._settle(phone, key)
        if key.startswith("esc:"):
            await self._delivered(await self.escalation(key.removeprefix("esc:")))
        return sent

    async def _settle(self, phone: str, key: str) -> str | None:
        """Guards first (an opt-out or the kill switch since it was queued cancels it; an opt-out
        confirmation always goes), then one attempt."""
        draft = await self.store.outbound_draft(phone, key)
        if draft is None or draft.state in ("sent", "failed", "cancelled"):
            return None
        if draft.kind != "confirmation":
            lead = await self.store.get(phone)
            kill, _ = await self.store.send_limits(phone, today())
            if lead is None or lead.opted_out or kill or self.guards.kill_switch:
                await self.store.settle_send(phone, key, "cancelled")
                log.info("outbound %s to %s cancelled: opted out or kill switch", key, mask_phone(phone))
                return None
        if draft.attempts >= MAX_SEND_ATTEMPTS:
            await self.store.settle_send(phone, key, "failed")
            await self.note(phone, f"A text could not be delivered after {draft.attempts} attempts: {draft.body}")
            return None
        return await self._attempt(phone, key, draft)

    async def _attempt(self, phone: str, key: str, draft: OutboundDraft) -> str | None:
        step, body, since = await self.store.begin_send(phone, key, draft, self.stale_send)
        if step in ("failed", "cancelled"):
            return None
        if step in ("sent", "busy"):  # done before, or an attempt is in flight / not due: the outbox settles it
            return body
        draft = dataclasses.replace(draft, body=body)
        if step == "check":  # an earlier attempt may have reached the carrier: never send it twice
            try:
                found = await self.sender.lookup(to=phone, body=body, since=datetime.fromtimestamp(since, UTC))
            except TemporaryDeliveryError:
                await self._retry_later(phone, key, "unknown")
                return body
            if found is not None:
                log.info("outbound %s to %s had gone out (%s); recorded, not sent again", key, mask_phone(phone),
                         found.sid)  # fmt: skip
                await self._sent(phone, key, draft, found)
                return body
        try:
            sent = await self.sender.send(to=phone, body=body, key=key)
        except PermanentDeliveryError as error:
            await self.store.settle_send(phone, key, "failed")
            message = Message(direction="out", body=body, at=now(), status="failed", key=key,
                              decision=json.loads(draft.view) if draft.view else None, error=str(error))  # fmt: skip
            await self.store.append(phone, message)
            if getattr(error, "code", None) == OPT_OUT_CODE:
                await self._mark_opted_out(phone)
            log.warning("outbound to %s failed for good: %s", mask_phone(phone), error)
            return None
        except TemporaryDeliveryError as error:
            await self._retry_later(phone, key, "unknown" if error.maybe_sent else "retry", wait=not error.answered)
            log.warning("outbound %s to %s not settled (%s); the outbox retries it", key, mask_phone(phone), error)
            return body
        await self._sent(phone, key, draft, sent)
        return body

    async def _retry_later(self, phone: str, key: str, state: str, *, wait: bool = False) -> None:
        """Try again after a backoff; `wait`: the last attempt got no answer, so it is looked up
        only once the carrier has surely finished with it."""
        draft = await self.store.outbound_draft(phone, key)
        delay = float(min(2 ** max((draft.attempts if draft else 1) - 1, 0), 300))
        if wait:
            delay = max(delay, self.stale_send)
        await self.store.settle_send(phone, key, state, due=now().timestamp() + delay)

    async def _sent(self, phone: str, key: str, draft: OutboundDraft, sent: Sent) -> None:
        await self.store.settle_send(phone, key, "sent", sid=sent.sid or "")
        message = Message(direction="out", body=draft.body, at=now(), status=sent.status, sid=sent.sid, key=key,
                          decision=json.loads(draft.view) if draft.view else None)  # fmt: skip
        await self.store.record_outbound(phone, message, today(), draft.counter)
        OUTBOUND.labels(status=sent.status).inc()

    # Slack ---------------------------------------------------------------------------------

    async def _notify(self, action: str, call: Awaitable[Posted | None]) -> Posted | None:
        """Slack is a side channel: its failure must not undo a reply already sent to a lead."""
        try:
            return await call
        except Exception:
            NOTIFY_FAILURES.labels(action=action).inc()
            log.exception("Slack %s failed", action)
            return None

    async def _remember_thread(self, lead: Lead, posted: Posted | None) -> Lead:
        if posted is None or lead.slack_thread:
            return lead
        await self.store.set_fields(lead.phone, slack_thread=posted.ts)
        await self.store.link_thread(posted.ts, lead.phone)
        return lead.model_copy(update={"slack_thread": posted.ts})

    async def _post_thread(self, lead: Lead, text: str) -> Lead:
        return await self._remember_thread(lead, await self._notify("thread", self.notifier.thread(lead, text)))

    async def _post_prompt(self, lead: Lead, escalation: Escalation) -> Lead:
        history = await self.store.recent(lead.phone)
        posted = await self._notify("prompt", self.notifier.prompt(lead, escalation, history))
        if posted is not None:
            await self.store.update_escalation(escalation.id, slack_channel=posted.channel, slack_ts=posted.ts)
        return await self._remember_thread(lead, posted)

    async def _update_prompt(self, escalation: Escalation) -> None:
        lead = await self.store.get_or_new(escalation.phone)
        history = await self.store.recent(escalation.phone)
        await self._notify("update", _none(self.notifier.update(lead, escalation, history)))

    async def notify_assigned(self, lead: Lead, member: TeamMember, why: str, minutes: int) -> None:
        await self._notify("assigned", _none(self.notifier.assigned(lead, member, why, minutes)))
        await self._post_thread(lead, f"Assigned to <@{member.slack_user_id}> ({why}).")

    async def note(self, phone: str, text: str) -> None:
        """Post a line into the lead's Slack thread (starting one if needed)."""
        await self._post_thread(await self.store.get_or_new(phone), text)

    async def remind(self, escalation_id: str) -> None:
        """Nudge the thread of a prompt that is still waiting."""
        escalation = await self.escalation(escalation_id)
        if escalation.state != "pending":
            return
        waited = round((now() - escalation.created_at).total_seconds() / 60)
        lead = await self.store.get_or_new(escalation.phone)
        await self._post_thread(lead, f"Reminder: {lead_label(lead)} has waited {waited} min for an approval.")

    async def send_as_person(self, phone: str, text: str, by: str) -> str:
        """A team member texts the lead: the bot stays quiet for this lead until /jorge resume.
        Returns the text's outbox key (the `deliver` job sends it)."""
        lead = await self.store.get(phone)
        if lead is None:
            raise UnknownLead(f"no lead {phone}")
        if lead.opted_out:
            raise EditRejected(f"{lead_label(lead)} opted out (STOP); nothing was sent")
        if await self.kill_switch_on(phone):
            raise EditRejected("the kill switch is on (/jorge pause-all): nothing was sent")
        await self.store.set_owner(phone, Owner.HUMAN, assigned_to=by)
        # Queued in the outbox (which sends and retries it); the caller starts the send at once,
        # so the Slack command answers without waiting for Twilio.
        key = f"person:{secrets.token_hex(8)}"
        await self._send(lead, text, None, key=key, kind="person", now_=False)
        await self.note(phone, f"{by} texted {lead_label(lead)}: {escape(text)}")
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
        return await self._send(lead, text, decision.model_copy(update={"reply": text}), key=key, kind="followup")

    async def kill_switch_on(self, phone: str) -> bool:
        kill, _ = await self.store.send_limits(phone, today())
        return kill or self.guards.kill_switch

    async def _mark_opted_out(self, phone: str) -> None:
        await self.store.set_fields(phone, opted_out=True)

    async def record_status(self, sid: str, status: str, error_code: str | None = None) -> bool:
        """A delivery status from the carrier; False when the message is not ours."""
        phone = await self.store.phone_for_sid(sid)
        if phone is None:
            return False
        await self.store.set_status(phone, sid, status)
        if error_code == OPT_OUT_CODE:
            await self._mark_opted_out(phone)
        return True

    # Escalations ---------------------------------------------------------------------------

    async def _escalate(self, lead: Lead, decision: Decision) -> Escalation:
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
        if await self.kill_switch_on(current.phone):
            raise EditRejected("the kill switch is on (/jorge pause-all): nothing was sent; approve after resume-all")
        escalation = await self._claim(escalation_id, by, "edited" if text is not None else "approved", text)
        lead = await self.store.get_or_new(escalation.phone)
        await self.store.set_owner(escalation.phone, Owner.BOT)
        if lead.opted_out:
            return await self._delivered(escalation, "not sent: the lead has opted out")
        # Through the outbox: a Twilio hiccup now is retried there, so an approved draft is never lost.
        await self._send(lead, text if text is not None else escalation.draft, None, key=f"esc:{escalation.id}")
        return await self._delivered(escalation)

    async def _delivered(self, escalation: Escalation, delivery: str | None = None) -> Escalation:
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
            await self._update_prompt(escalation)
        return escalation

    async def release(self, escalation_id: str, by: str) -> Escalation:
        """An approver hands a held lead back to the bot without sending the draft: the prompt says
        so, and a later click on it is told who released it."""
        escalation = await self._claim(escalation_id, by, "released", None)
        await self.store.set_owner(escalation.phone, Owner.BOT)
        await self._update_prompt(escalation)
        return escalation

    async def take_over(self, escalation_id: str, by: str) -> Escalation:
        """A person takes the lead: the bot stays quiet for it from now on."""
        escalation = await self._claim(escalation_id, by, "taken_over", None)
        await self.store.set_owner(escalation.phone, Owner.HUMAN, assigned_to=by)
        await self._update_prompt(escalation)
        await self.note(escalation.phone, f"{by} took over: the bot stays quiet for this lead until /jorge resume.")
        return escalation


_THREADED = frozenset({"a person owns this lead", "waiting for Jorge's approval", "paused"})


async def _none(call: Awaitable[None]) -> None:
    await call


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


def today(moment: datetime | None = None) -> str:
    """The team's date (stats and daily caps are per team day)."""
    return _team_day(int((moment or now()).timestamp()) // 3600)


@lru_cache(maxsize=8)
def _team_day(hour: int) -> str:
    # The team's zone is a whole number of hours from UTC, so its date is the same for a whole UTC
    # hour: worked out once an hour rather than on every webhook.
    return datetime.fromtimestamp(hour * 3600, ZoneInfo(TEAM_ZONE)).strftime("%Y-%m-%d")
