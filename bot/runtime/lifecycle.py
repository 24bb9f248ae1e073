"""The running application's parts, started inside the event loop and closed on the way out.

`build` (bot/runtime/wiring.py) makes the plain objects; `start_runtime` adds what needs a running loop
or a network connection: the job queue (arq on Redis, or in-process) and the SMS transport.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from arq import create_pool

from bot.configuration.settings import Settings
from bot.runtime.jobs import SWEEPS, ArqQueue, JobContext, LocalQueue
from bot.runtime.wiring import Services, build
from bot.store.connection import arq_settings, persistence_problem
from bot.store.leads import queue_key
from bot.store.queue import JobQueue
from bot.transport.outbound import DryRunSender, Sender
from bot.transport.twilio import TwilioSender

log = logging.getLogger("jorge")


@dataclass
class Runtime:
    services: Services
    queue: JobQueue
    pool: Any = None

    @property
    def context(self) -> JobContext:
        return JobContext(self.services, self.queue)

    async def close(self) -> None:
        if isinstance(self.queue, LocalQueue):
            for task in list(self.queue.tasks):
                task.cancel()
        if self.pool is not None:
            await self.pool.aclose()
        sender = self.services.sender
        if isinstance(sender, TwilioSender):
            await sender.close()
        await self.services.redis.aclose()


def queue_name(settings: Settings) -> str:
    return queue_key(settings.jorge_namespace)


def make_sender(settings: Settings) -> Sender:
    if not settings.twilio_enabled:
        return DryRunSender(echo=settings.redis_url is None)
    assert settings.twilio_account_sid and settings.twilio_auth_token  # checked by Settings
    callback = f"{settings.public_base_url.rstrip('/')}/twilio/status" if settings.public_base_url else None
    return TwilioSender(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token,
        from_number=settings.twilio_from_number,
        messaging_service_sid=settings.twilio_messaging_service_sid,
        status_callback=callback,
        api_base_url=settings.twilio_api_base_url or "https://api.twilio.com",
    )


async def start_runtime(settings: Settings, *, role: str, services: Services | None = None) -> Runtime:
    services = services or build(settings, sender=make_sender(settings))
    if settings.redis_url:
        pool = await create_pool(arq_settings(settings.redis_url))
        queue: JobQueue = ArqQueue(pool, queue_name(settings))
    else:
        pool = None
        local = LocalQueue()
        local.context = JobContext(services, local)
        for name, every in SWEEPS.items():
            local.every(every, name)  # what arq's cron does for `jorge worker`
        queue = local
    mode = "Redis at REDIS_URL" if settings.redis_url else "embedded in-memory Redis, jobs in this process"
    sms = "Twilio" if settings.twilio_enabled else "dry-run (no TWILIO_ACCOUNT_SID): SMS are recorded, not sent"
    log.info("%s starting: %s; SMS %s", role, mode, sms)
    if settings.redis_url and (problem := await persistence_problem(services.redis)):
        log.warning("%s", problem)
    return Runtime(services=services, queue=queue, pool=pool)
