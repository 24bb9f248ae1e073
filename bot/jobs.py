"""Background jobs, by name, run by arq on Redis (`jorge worker`) or in-process (embedded default).

`process_lead` (one per inbound text, job id from the MessageSid, deferred by the coalescing
window) takes the lead's lock and answers everything pending; a lead's texts that arrived close
together are answered by whichever job runs first, the others find nothing pending. A job that
finds the lead still typing (newest text younger than the window) comes back later.
`remind_approval` nudges the Slack thread of a prompt nobody has decided yet.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.errors import TemporaryDeliveryError, UnknownLead
from bot.outbound import mask_phone
from bot.store import now
from bot.wiring import Services

log = logging.getLogger("jorge.jobs")

LOCK_SECONDS = 60.0
MAX_TRIES = 12


class RetryLater(Exception):
    """Run this job again after `seconds` (None: back off by the number of tries)."""

    def __init__(self, seconds: float | None = None) -> None:
        super().__init__(f"retry in {seconds}s" if seconds is not None else "retry with backoff")
        self.seconds = seconds


def backoff(tries: int) -> float:
    """1, 2, 4, 8 ... seconds, at most a minute."""
    return float(min(2 ** max(tries - 1, 0), 60))


class JobQueue(Protocol):
    async def enqueue(self, name: str, *args: str, job_id: str | None = None, defer: float = 0.0) -> None: ...


@dataclass
class JobContext:
    """What a job needs: the application's services and the queue, to schedule follow-on jobs."""

    services: Services
    queue: JobQueue


async def process_lead(context: JobContext, phone: str) -> None:
    """Answer what `phone` has pending, if the lead stopped typing; RetryLater otherwise."""
    conversation = context.services.conversation
    window = context.services.settings.jorge_coalesce_window
    store = conversation.store
    token = secrets.token_hex(8)
    if not await store.lock(phone, token, LOCK_SECONDS):
        raise RetryLater(0.2)  # another worker has this lead right now
    try:
        pending = await store.pending(phone)
        if not pending:
            return
        quiet = now() - max(message.at for message in pending)
        if quiet < window:
            raise RetryLater((window - quiet).total_seconds() + 0.05)
        try:
            turn = await conversation.process(phone)
        except TemporaryDeliveryError as error:
            log.warning("sending to %s failed for now (%s); will retry", mask_phone(phone), error)
            raise RetryLater() from error
    finally:
        await store.unlock(phone, token)
    if turn is not None and turn.escalation is not None:
        reminder = context.services.settings.jorge_approval_reminder.total_seconds()
        await context.queue.enqueue(
            "remind_approval", turn.escalation.id, job_id=f"remind:{turn.escalation.id}", defer=reminder
        )


async def remind_approval(context: JobContext, escalation_id: str) -> None:
    try:
        await context.services.conversation.remind(escalation_id)
    except UnknownLead:
        log.info("reminder for unknown escalation %s dropped", escalation_id)


JOBS: dict[str, Callable[..., Awaitable[None]]] = {
    "process_lead": process_lead,
    "remind_approval": remind_approval,
}


class ArqQueue:
    """Jobs on Redis for `jorge worker` processes."""

    def __init__(self, pool: Any, queue_name: str) -> None:
        self.pool = pool
        self.queue_name = queue_name

    async def enqueue(self, name: str, *args: str, job_id: str | None = None, defer: float = 0.0) -> None:
        # The same job id twice (a replayed webhook) is enqueued once: arq dedupes it.
        await self.pool.enqueue_job(name, *args, _job_id=job_id, _defer_by=defer or None, _queue_name=self.queue_name)


@dataclass
class LocalQueue:
    """The embedded default: jobs run as tasks in this process, with the same retries."""

    context: JobContext | None = None
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
        assert self.context is not None, "LocalQueue used before its context was set"
        await asyncio.sleep(defer)
        for tries in range(1, MAX_TRIES + 1):
            try:
                await JOBS[name](self.context, *args)
                return
            except RetryLater as retry:
                await asyncio.sleep(retry.seconds if retry.seconds is not None else backoff(tries))
            except Exception:
                log.exception("job %s failed", name)
                return
        log.error("job %s gave up after %d tries", name, MAX_TRIES)

    async def drain(self) -> None:
        """Wait for every job queued so far (tests, shutdown)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)
