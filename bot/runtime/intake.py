"""Inbound SMS and delivery statuses, as the webhook hands them over: store, then enqueue.

Nothing slow happens here: no brain, no Slack, no outbound SMS. The reply is a job.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from redis.exceptions import ConnectionError as RedisDown
from redis.exceptions import TimeoutError as RedisTimeout

from agents.errors import StoreUnavailable
from bot.conversation import Conversation
from bot.conversation.events import DeliveryStatus, InboundSms
from bot.runtime.jobs import ArqQueue
from bot.store.queue import JobQueue
from bot.telemetry.metrics import DELIVERY, INBOUND
from bot.transport.outbound import mask_phone

log = logging.getLogger("jorge.intake")
STORED, DUPLICATES = INBOUND.labels(kind="new"), INBOUND.labels(kind="duplicate")


class SmsIntake:
    def __init__(self, conversation: Conversation, window: timedelta, queue: JobQueue | None = None) -> None:
        self.conversation = conversation
        self.window = window
        self.queue = queue  # set once the event loop runs (jorge/app.py lifespan)

    async def inbound(self, event: InboundSms) -> bool:
        """Store the text and schedule its answer; False when this MessageSid came before."""
        assert self.queue is not None, "intake used before start-up"
        # Enqueue even for a duplicate: the first attempt may have died before enqueueing.
        # The job id is the MessageSid, so the queue runs it once either way.
        job_id, defer = f"in:{event.sid}", self.window.total_seconds()
        job = None
        if isinstance(self.queue, ArqQueue):  # the queue is on the same Redis: one round trip for both
            job = self.queue.prepare("process_lead", event.phone, job_id=job_id, defer=defer)
        try:
            new = await self.conversation.record_inbound(
                event.phone, event.body, sid=event.sid, media=event.media, opt_out_type=event.opt_out_type, job=job
            )
        except (RedisDown, RedisTimeout) as error:
            raise StoreUnavailable(f"inbound {event.sid} not stored: {error}") from error
        if job is None:
            await self.queue.enqueue("process_lead", event.phone, job_id=job_id, defer=defer)
        (STORED if new else DUPLICATES).inc()
        log.info(
            "inbound %s from %s (%d chars, %d media)%s",
            event.sid, mask_phone(event.phone), len(event.body), len(event.media), "" if new else " duplicate",
        )  # fmt: skip
        return new

    async def status(self, event: DeliveryStatus) -> bool:
        DELIVERY.labels(status=event.status).inc()
        try:
            known = await self.conversation.record_status(event.sid, event.status, event.error_code)
        except (RedisDown, RedisTimeout) as error:
            raise StoreUnavailable(f"status {event.status} for {event.sid} not stored: {error}") from error
        if not known:
            log.info("status %s for unknown message %s", event.status, event.sid)
        return known
