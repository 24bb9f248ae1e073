"""Background jobs: answering a lead's pending texts, one lead at a time, across any workers.

A job per inbound text (`process_lead`, job id from the MessageSid) is deferred by the
coalescing window. When it runs it takes the lead's lock; a lead's texts that arrived close
together are answered by whichever job runs first, and the others find nothing pending. A job
that finds the lead still typing (the newest text younger than the window) comes back later.

Two queues run the same job: arq on Redis (`jorge worker`, any number of them) and an
in-process queue for the embedded default, so `jorge serve` alone works on a fresh machine.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from bot.conversation import Conversation
from bot.errors import TemporaryDeliveryError
from bot.outbound import mask_phone
from bot.store import now

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


async def process_lead(conversation: Conversation, phone: str, window: timedelta) -> None:
    """Answer what `phone` has pending, if the lead stopped typing; RetryLater otherwise."""
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
            await conversation.process(phone)
        except TemporaryDeliveryError as error:
            log.warning("sending to %s failed for now (%s); will retry", mask_phone(phone), error)
            raise RetryLater() from error
    finally:
        await store.unlock(phone, token)


class JobQueue(Protocol):
    async def enqueue_process(self, phone: str, *, job_id: str, defer: float) -> None: ...


class ArqQueue:
    """Jobs on Redis for `jorge worker` processes."""

    def __init__(self, pool: Any, queue_name: str) -> None:
        self.pool = pool
        self.queue_name = queue_name

    async def enqueue_process(self, phone: str, *, job_id: str, defer: float) -> None:
        # The same job id twice (a replayed webhook) is enqueued once: arq dedupes it.
        await self.pool.enqueue_job("process_lead", phone, _job_id=job_id, _defer_by=defer, _queue_name=self.queue_name)


@dataclass
class LocalQueue:
    """The embedded default: jobs run as tasks in this process, with the same retries."""

    conversation: Conversation
    window: timedelta
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def enqueue_process(self, phone: str, *, job_id: str, defer: float) -> None:
        task = asyncio.create_task(self._run(phone, defer), name=job_id)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _run(self, phone: str, defer: float) -> None:
        await asyncio.sleep(defer)
        for tries in range(1, MAX_TRIES + 1):
            try:
                await process_lead(self.conversation, phone, self.window)
                return
            except RetryLater as retry:
                await asyncio.sleep(retry.seconds if retry.seconds is not None else backoff(tries))
            except Exception:
                log.exception("job for %s failed", mask_phone(phone))
                return
        log.error("job for %s gave up after %d tries", mask_phone(phone), MAX_TRIES)

    async def drain(self) -> None:
        """Wait for every job queued so far (tests, shutdown)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)
