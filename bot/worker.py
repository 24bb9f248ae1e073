"""`jorge worker`: arq on Redis, running the jobs `jorge serve` enqueues."""

from __future__ import annotations

from typing import Any

from arq import Retry
from arq.connections import RedisSettings
from arq.worker import Worker, func

from bot.jobs import MAX_TRIES, RetryLater, backoff, process_lead
from bot.runtime import Runtime, queue_name, start_runtime
from bot.settings import Settings


async def process_lead_job(ctx: dict[str, Any], phone: str) -> None:
    runtime: Runtime = ctx["runtime"]
    try:
        await process_lead(runtime.services.conversation, phone, runtime.services.settings.jorge_coalesce_window)
    except RetryLater as retry:
        raise Retry(defer=retry.seconds if retry.seconds is not None else backoff(ctx["job_try"])) from retry


def build_worker(settings: Settings, *, burst: bool = False) -> Worker:
    """An arq worker for `settings.redis_url` (it must be set: workers share Redis with `serve`)."""
    assert settings.redis_url, "jorge worker needs REDIS_URL"

    async def on_startup(ctx: dict[str, Any]) -> None:
        ctx["runtime"] = await start_runtime(settings, role="worker")

    async def on_shutdown(ctx: dict[str, Any]) -> None:
        if "runtime" in ctx:
            await ctx["runtime"].close()

    return Worker(
        functions=[func(process_lead_job, name="process_lead", max_tries=MAX_TRIES)],
        redis_settings=RedisSettings.from_dsn(settings.redis_url),
        queue_name=queue_name(settings),
        on_startup=on_startup,
        on_shutdown=on_shutdown,
        handle_signals=True,
        burst=burst,
        poll_delay=0.05,
        keep_result=60,
    )
