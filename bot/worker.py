"""`jorge worker`: arq on Redis, running the jobs `jorge serve` enqueues."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from arq import Retry
from arq.connections import RedisSettings
from arq.cron import cron
from arq.worker import Function, Worker, func

from bot.jobs import JOBS, MAX_TRIES, SWEEP_SECONDS, RetryLater, backoff
from bot.runtime import Runtime, queue_name, start_runtime
from bot.settings import Settings


def _arq_job(job: Callable[..., Awaitable[object]]) -> Callable[..., Awaitable[None]]:
    async def run(ctx: dict[str, Any], *args: str) -> None:
        runtime: Runtime = ctx["runtime"]
        try:
            await job(runtime.context, *args)
        except RetryLater as retry:
            raise Retry(defer=retry.seconds if retry.seconds is not None else backoff(ctx["job_try"])) from retry

    return run


def functions() -> list[Function]:
    return [func(cast(Any, _arq_job(job)), name=name, max_tries=MAX_TRIES) for name, job in JOBS.items()]


def build_worker(settings: Settings, *, burst: bool = False) -> Worker:
    """An arq worker for `settings.redis_url` (it must be set: workers share Redis with `serve`)."""
    assert settings.redis_url, "jorge worker needs REDIS_URL"

    async def on_startup(ctx: dict[str, Any]) -> None:
        ctx["runtime"] = await start_runtime(settings, role="worker")

    async def on_shutdown(ctx: dict[str, Any]) -> None:
        if "runtime" in ctx:
            await ctx["runtime"].close()

    async def sweep_job(ctx: dict[str, Any]) -> None:
        await JOBS["sweep"](ctx["runtime"].context)

    return Worker(
        functions=functions(),
        cron_jobs=[
            cron(cast(Any, sweep_job), name="sweep-cron", second=set(range(0, 60, int(SWEEP_SECONDS))), unique=True)
        ],
        redis_settings=RedisSettings.from_dsn(settings.redis_url),
        queue_name=queue_name(settings),
        on_startup=on_startup,
        on_shutdown=on_shutdown,
        handle_signals=True,
        burst=burst,
        poll_delay=0.05,
        keep_result=60,
    )
