"""Background jobs, by name, run by arq on Redis (`jorge worker`) or in-process (embedded default).

`process_lead` (one per inbound text, job id from the MessageSid, deferred by the coalescing
window) takes the lead's lock and answers everything pending; a lead's texts that arrived close
together are answered by whichever job runs first, the others find nothing pending. A job that
finds the lead still typing (newest text younger than the window) comes back later.
`remind_approval` nudges the Slack thread of a prompt nobody has decided yet.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from arq.constants import job_key_prefix, result_key_prefix
from arq.jobs import serialize_job
from arq.utils import timestamp_ms

from agents.errors import RetryLater, TemporaryDeliveryError, UnknownLead
from agents.schedule import lead_zone, next_allowed
from agents.team import TeamMember
from agents.types import Lead, Owner
from bot.conversation import Turn
from bot.runtime.wiring import Services
from bot.store.leads import PreparedJob, now
from bot.store.queue import JobQueue
from bot.team.board import MISSES_BEFORE_JORGE
from bot.transport.outbound import mask_phone

log = logging.getLogger("jorge.jobs")

LOCK_SECONDS = 45.0  # longer than a job may run (JOB_TIMEOUT), so a lock outlives only a killed worker
JOB_TIMEOUT = 40.0  # a job's own waits: Claude 8 s + Twilio 10 s + Slack 2 x 5 s, with room
SWEEP_SECONDS = 30.0
OUTBOX_SECONDS = 1.0  # how often due outbound texts are settled (a retry goes out about when due)
RESCUE_AFTER = 15.0  # seconds past the coalescing window before a waiting text is rescued
MAX_TRIES = 12
# Jobs every worker runs on a clock (arq cron, or the embedded default's timers), and how often.
SWEEPS = {"sweep": SWEEP_SECONDS, "settle_outbox": OUTBOX_SECONDS, "rescue_waiting": RESCUE_AFTER / 3}



def backoff(tries: int) -> float:
    """1, 2, 4, 8 ... seconds, at most a minute."""
    return float(min(2 ** max(tries - 1, 0), 60))


@dataclass
class JobContext:
    """What a job needs: the application's services, the queue (to schedule follow-on jobs) and
    the clock (tests pass their own)."""

    services: Services
    queue: JobQueue
    clock: Callable[[], datetime] = now


async def process_lead(context: JobContext, phone: str) -> None:
    """Answer what `phone` has pending, if the lead stopped typing; RetryLater otherwise."""
    await answer_lead(context, phone)


async def deliver(context: JobContext, phone: str, key: str) -> None:
    """Settle one outbound text the outbox says is due (a retry, a lookup after a timeout, an
    attempt a killed worker left behind)."""
    await context.services.conversation.deliver(phone, key)


async def settle_outbox(context: JobContext) -> None:
    """Every few seconds: a job for each outbound text whose next step is due."""
    for phone, key, due in await context.services.store.due_sends(context.clock().timestamp()):
        await context.queue.enqueue("deliver", phone, key, job_id=f"deliver:{phone}:{key}:{due:.0f}")


async def rescue_waiting(context: JobContext) -> None:
    """Every few seconds: a job for each lead whose text has waited past the coalescing window and
    is not being answered right now (its job was lost with a killed worker, or ran out of tries),
    and for each follow-up long overdue."""
    store = context.services.store
    moment = context.clock().timestamp()
    before = moment - context.services.settings.jorge_coalesce_window.total_seconds() - RESCUE_AFTER
    for phone in await store.waiting(before):
        if not await store.locked(phone):
            await context.queue.enqueue("process_lead", phone, job_id=f"rescue:{phone}:{moment // RESCUE_AFTER:.0f}")
    # A follow-up overdue with no job behind it (a worker stopped between writing its state and
    # queueing its job) is queued again under its own job id: a job still queued or running is not
    # queued twice, and one that ran and found nothing to do leaves no state behind.
    for phone in await store.overdue_followups(moment - RESCUE_AFTER):
        state = await store.followup(phone)
        if state is None:
            await store.clear_followup(phone)
            continue
        anchor = datetime.fromisoformat(state["anchor"])
        job_id = _followup_id(phone, anchor, int(state["step"]))
        await context.queue.enqueue("follow_up", phone, state["anchor"], state["step"], job_id=job_id)


async def answer_lead(context: JobContext, phone: str) -> Turn | None:
    """`process_lead`'s work, returning what the answer did (`jorge replay` reads it)."""
    conversation = context.services.conversation
    window = context.services.settings.jorge_coalesce_window
    store = conversation.store
    token = secrets.token_hex(8)
    if not await store.lock(phone, token, LOCK_SECONDS):
        # Another worker is answering this lead (this text too, if it came in time): come back when
        # its lock is free; the rescue sweep answers anything still waiting after that.
        raise RetryLater(await store.lock_left(phone) + 0.2)
    try:
        pending = await store.pending(phone)
        if not pending:
            return None
        quiet = now() - max(message.at for message in pending)
        if quiet < window:
            raise RetryLater((window - quiet).total_seconds() + 0.05)
        try:
            turn = await conversation.process(phone, pending)
        except TemporaryDeliveryError as error:
            log.warning("sending to %s failed for now (%s); will retry", mask_phone(phone), error)
            raise RetryLater() from error
    finally:
        await store.unlock(phone, token)
    if await store.pending(phone):  # texts that came while this answer was being made: answer them next
        await context.queue.enqueue("process_lead", phone, job_id=f"next:{phone}:{token}")
    if turn is not None and (turn.lead.opted_out or turn.lead.followups_stopped):
        await store.clear_followup(phone)  # STOP or "not interested": no check-ins to schedule
    else:  # any other inbound restarts the follow-up cadence, anchored at the lead's newest text
        await schedule_followup(context, phone, max(message.at for message in pending), 0)
    unassigned = turn is not None and turn.lead.assigned_to is None and not turn.lead.opted_out
    # inline: a job of its own would cost more than the work
    if turn is not None and unassigned and await assign_lead(context, phone):
        turn.events.append("assigned")
    if turn is not None and turn.escalation is not None:
        reminder = context.services.settings.jorge_approval_reminder.total_seconds()
        await context.queue.enqueue(
            "remind_approval", turn.escalation.id, job_id=f"remind:{turn.escalation.id}", defer=reminder
        )
    return turn


async def remind_approval(context: JobContext, escalation_id: str) -> None:
    try:
        await context.services.conversation.approvals.remind(escalation_id)
    except UnknownLead:
        log.info("reminder for unknown escalation %s dropped", escalation_id)


async def schedule_followup(context: JobContext, phone: str, anchor: datetime, step: int) -> None:
    """Schedule check-in `step` of the cadence, counted from `anchor` (the lead's last text).

    The job id names the lead, the anchor and the step, so a retried or duplicated schedule runs
    once; a newer inbound moves the anchor, and jobs for an old anchor find they are stale."""
    store = context.services.store
    cadence = context.services.settings.jorge_followup_cadence
    if step >= len(cadence):
        await store.clear_followup(phone)
        return
    due = anchor + cadence[step]
    await store.set_followup(phone, anchor.isoformat(), step, due)
    defer = max((due - context.clock()).total_seconds(), 0.0)
    job_id = _followup_id(phone, anchor, step)
    await context.queue.enqueue("follow_up", phone, anchor.isoformat(), str(step), job_id=job_id, defer=defer)


def _followup_id(phone: str, anchor: datetime, step: int) -> str:
    return f"followup:{phone}:{anchor.timestamp():.6f}:{step}"


async def follow_up(context: JobContext, phone: str, anchor_text: str, step_text: str) -> None:
    """Fire one follow-up: re-check the lead, respect quiet hours and holidays, send, schedule the next."""
    services = context.services
    store = services.store
    step = int(step_text)
    state = await store.followup(phone)
    if state is None or state.get("anchor") != anchor_text or state.get("step") != step_text:
        return  # the cadence was restarted by an inbound, or stopped
    if await store.pending(phone):
        return  # the lead has texted and is not silent: answering that restarts the cadence
    lead = await store.get(phone)
    if (
        lead is None
        or lead.opted_out
        or lead.owner is not Owner.BOT
        or lead.paused
        or lead.followups_stopped
        or lead.outcome is not None
    ):
        await store.clear_followup(phone)
        return
    anchor = datetime.fromisoformat(anchor_text)
    cadence = services.settings.jorge_followup_cadence
    moment = context.clock()
    due = anchor + cadence[step]
    if moment + timedelta(seconds=0.5) < due:
        raise RetryLater((due - moment).total_seconds())
    market = services.config.catalog.get(lead.market)
    zone = lead_zone(phone, market.time_zone if market else None)
    allowed = next_allowed(moment, zone, services.settings.jorge_sending_hours, services.settings.jorge_holidays)
    if allowed > moment:  # quiet hours or a holiday: move to the next allowed time
        await store.set_followup(phone, anchor_text, step, allowed)
        raise RetryLater((allowed - moment).total_seconds())
    last = step == len(cadence) - 1
    await services.conversation.follow_up(lead, market, step=step, last=last, key=f"followup:{anchor_text}:{step}")
    await schedule_followup(context, phone, anchor, step + 1)


async def _offer(context: JobContext, lead: Lead, member: TeamMember, why: str, attempt: int, tried: list[str]) -> None:
    services = context.services
    minutes = max(1, round(services.settings.jorge_claim_timeout.total_seconds() / 60))
    await services.board.offer(lead.phone, member, attempt, tried)
    await services.store.record_event(lead.phone, "assigned", member=member.name)
    await services.conversation.threads.notify_assigned(lead, member, why, minutes)
    if not member.approver:  # Jorge is the end of the chain: no timeout for him
        await context.queue.enqueue(
            "claim_timeout", lead.phone, member.slack_user_id, str(attempt),
            job_id=f"claim:{lead.phone}:{attempt}:{member.slack_user_id}",
            defer=services.settings.jorge_claim_timeout.total_seconds(),
        )  # fmt: skip


async def assign_lead(context: JobContext, phone: str) -> bool:
    """Give a new lead a human owner on the team (or leave it for the sweep when all are full);
    True when it was offered to someone. The lead is read afresh: someone may have taken it over
    while its answer went out."""
    lead = await context.services.store.get(phone)
    if lead is None or lead.assigned_to is not None or await context.services.board.pending_claim(phone):
        return False
    assignment = await context.services.board.assign(lead)
    if assignment is None:
        log.info("nobody has room for %s; the sweep will assign it", mask_phone(phone))
        return False
    await _offer(context, lead, assignment.member, assignment.why(), 0, [])
    return True


async def claim_timeout(context: JobContext, phone: str, member_id: str, attempt_text: str) -> None:
    """The offered member did not claim in time: the next best member, and after two misses, Jorge."""
    board = context.services.board
    claim = await board.take_claim(phone, member_id, attempt_text)
    if claim is None:
        return  # claimed, or already moved on
    lead = await context.services.store.get(phone)
    if lead is None:
        return
    await board.release(board.by_id(member_id))
    tried = [*json.loads(claim["tried"]), member_id]
    attempt = int(attempt_text) + 1
    assignment = None if attempt >= MISSES_BEFORE_JORGE else await board.assign(lead, exclude=tried)
    if assignment is not None:
        await _offer(context, lead, assignment.member, assignment.why(), attempt, tried)
        return
    jorge = next(member for member in board.team if member.approver)
    await board.force(jorge)
    await _offer(context, lead, jorge, f"{len(tried)} teammates missed the claim", attempt, tried)


async def sweep(context: JobContext) -> None:
    """Forget conversations idle longer than JORGE_RETENTION (opt-outs are kept), then assign
    leads that waited because everyone was full or away, as soon as someone has room."""
    cutoff = context.clock() - context.services.settings.jorge_retention
    if forgotten := await context.services.store.forget_idle(cutoff):
        log.info("retention: forgot %d conversations idle since before %s", forgotten, cutoff.date())
    for phone in await context.services.board.unassigned():
        lead = await context.services.store.get(phone)
        if lead is None or lead.assigned_to is not None:
            await context.services.board.forget_unassigned(phone)
            continue
        assignment = await context.services.board.assign(lead)
        if assignment is None:
            return  # still no room: the next sweep tries again
        await _offer(context, lead, assignment.member, assignment.why(), 0, [])


JOBS: dict[str, Callable[..., Awaitable[object]]] = {
    "deliver": deliver,
    "settle_outbox": settle_outbox,
    "rescue_waiting": rescue_waiting,
    "assign_lead": assign_lead,
    "claim_timeout": claim_timeout,
    "sweep": sweep,
    "process_lead": process_lead,
    "remind_approval": remind_approval,
    "follow_up": follow_up,
}


class ArqQueue:
    """Jobs on Redis for `jorge worker` processes."""

    def __init__(self, pool: Any, queue_name: str) -> None:
        self.pool = pool
        self.queue_name = queue_name

    def prepare(self, name: str, *args: str, job_id: str, defer: float = 0.0) -> PreparedJob:
        """The job as arq's enqueue_job would write it, for a script that writes it atomically
        with other data (the webhook's single round trip)."""
        enqueued = timestamp_ms()
        score = enqueued + round(defer * 1000)
        return PreparedJob(
            job_id=job_id,
            job_key=job_key_prefix + job_id,
            result_key=result_key_prefix + job_id,
            queue_key=self.queue_name,
            score_ms=score,
            expires_ms=score - enqueued + self.pool.expires_extra_ms,
            payload=serialize_job(name, args, {}, None, enqueued, serializer=self.pool.job_serializer),
        )

    async def enqueue(self, name: str, *args: str, job_id: str | None = None, defer: float = 0.0) -> None:
        # The same job id twice (a replayed webhook) is enqueued once: arq dedupes it.
        await self.pool.enqueue_job(name, *args, _job_id=job_id, _defer_by=defer or None, _queue_name=self.queue_name)


@dataclass
class LocalQueue:
    """The embedded default: jobs run as tasks in this process, with the same retries."""

    context: JobContext | None = None
    jobs: Mapping[str, Callable[..., Awaitable[object]]] = field(default_factory=lambda: JOBS)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _seen: set[str] = field(default_factory=set)

    async def enqueue(self, name: str, *args: str, job_id: str | None = None, defer: float = 0.0) -> None:
        if job_id is not None:
            if job_id in self._seen:
                return
            self._seen.add(job_id)
        task = asyncio.create_task(self._run(name, args, defer), name=job_id or name)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _run(self, name: str, args: tuple[str, ...], defer: float) -> None:
        """Run the job, and again after a failure (backing off, up to MAX_TRIES), as a worker does."""
        assert self.context is not None, "LocalQueue used before its context was set"
        await asyncio.sleep(defer)
        for tries in range(1, MAX_TRIES + 1):
            try:
                await self.jobs[name](self.context, *args)
                return
            except RetryLater as retry:
                wait = retry.seconds if retry.seconds is not None else backoff(tries)
            except Exception:
                log.exception("job %s failed (try %d of %d)", name, tries, MAX_TRIES)
                wait = backoff(tries)
            await asyncio.sleep(wait)
        log.error("job %s gave up after %d tries", name, MAX_TRIES)

    def every(self, seconds: float, name: str) -> None:
        """Run job `name` every `seconds` in this process (a cron for the embedded default)."""

        async def repeat() -> None:
            while True:
                await asyncio.sleep(seconds)
                await self._run(name, (), 0.0)

        task = asyncio.create_task(repeat(), name=f"every:{name}")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
