"""`jorge worker`: arq on Redis, running the jobs `jorge serve` enqueues.

Besides the jobs it is sent, every worker runs three sweeps as arq cron jobs (each unique across
workers): the team's waiting list, due outbound texts (the outbox: retries, lookups after a
timeout, attempts a killed worker left behind), and texts still waiting for an answer or
follow-ups long overdue (a job lost with a killed worker). A job may run at most JOB_TIMEOUT, so a
killed worker's jobs are free to run again in under a minute (arq's in-progress mark lasts the
longest timeout plus 10 s).

A worker that loses Redis does not exit: `run_worker` starts it again with backoff until Redis is
back; jobs that were running are found by the sweeps.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, cast

from arq import Retry
from arq.cron import cron
from arq.worker import Function, Worker, func
from redis.exceptions import RedisError

from agents.errors import RetryLater
from bot.configuration.settings import Settings
from bot.runtime.jobs import JOB_TIMEOUT, JOBS, MAX_TRIES, SWEEPS, backoff
from bot.runtime.lifecycle import Runtime, queue_name, start_runtime
from bot.store.connection import arq_settings

log = logging.getLogger("jorge.worker")


def _arq_job(job: Callable[..., Awaitable[object]]) -> Callable[..., Awaitable[None]]:
    async def run(ctx: dict[str, Any], *args: str) -> None:
        runtime: Runtime = ctx["runtime"]
        tries = ctx["job_try"]
        try:
            await job(runtime.context, *args)
        except RetryLater as retry:
            raise Retry(defer=retry.seconds if retry.seconds is not None else backoff(tries)) from retry
        except Exception as error:  # tried again, backing off, up to MAX_TRIES (as in-process)
            if tries >= MAX_TRIES:
                raise
            log.exception("job failed (try %d of %d)", tries, MAX_TRIES)
            raise Retry(defer=backoff(tries)) from error

    return run


def functions(jobs: Mapping[str, Callable[..., Awaitable[object]]] = JOBS) -> list[Function]:
    return [
        func(cast(Any, _arq_job(job)), name=name, max_tries=MAX_TRIES, timeout=JOB_TIMEOUT)
        for name, job in jobs.items()
    ]


def _sweep(name: str) -> Callable[[dict[str, Any]], Awaitable[None]]:
    async def run(ctx: dict[str, Any]) -> None:
        await JOBS[name](ctx["runtime"].context)

    return run


def build_worker(
    settings: Settings,
    *,
    burst: bool = False,
    signals: bool = True,
    jobs: Mapping[str, Callable[..., Awaitable[object]]] = JOBS,
) -> Worker:
    """An arq worker for `settings.redis_url` (it must be set: workers share Redis with `serve`)."""
    assert settings.redis_url, "jorge worker needs REDIS_URL"

    async def on_startup(ctx: dict[str, Any]) -> None:
        ctx["runtime"] = await start_runtime(settings, role="worker")

    async def on_shutdown(ctx: dict[str, Any]) -> None:
        if "runtime" in ctx:
            await ctx["runtime"].close()

    crons = [
        cron(cast(Any, _sweep(name)), name=f"{name}-cron", second=set(range(0, 60, max(1, int(every)))), unique=True,
             timeout=JOB_TIMEOUT)
        for name, every in SWEEPS.items()
    ]  # fmt: skip
    return Worker(
        functions=functions(jobs),
        cron_jobs=crons,
        redis_settings=arq_settings(settings.redis_url),
        queue_name=queue_name(settings),
        on_startup=on_startup,
        on_shutdown=on_shutdown,
        handle_signals=signals,
        burst=burst,
        poll_delay=0.05,
        keep_result=60,
        job_timeout=JOB_TIMEOUT,
    )


def run_worker(settings: Settings, *, pause: Callable[[float], None] = time.sleep) -> None:
    """Run a worker until it is told to stop; when Redis drops, start again with backoff."""
    failures = 0
    while True:
        try:
            build_worker(settings).run()
            return  # stopped by a signal
        except (RedisError, OSError) as error:  # a dropped connection surfaces as several kinds (WatchError too)
            failures += 1
            wait = min(2.0 ** min(failures, 5), 30.0)
            log.error("worker lost Redis (%s); starting again in %.0f s", type(error).__name__, wait)
            pause(wait)
