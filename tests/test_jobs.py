"""A job that fails is tried again, backing off, the same way in both runners: the in-process one
(the embedded default) and an arq worker on real Redis."""

from __future__ import annotations

import asyncio
from typing import Any

from arq import create_pool

from bot.configuration.settings import load_settings
from bot.runtime.jobs import JobContext, LocalQueue
from bot.runtime.wiring import build
from bot.runtime.worker import build_worker
from bot.store.connection import arq_settings
from tests.support.inprocess import until


class Flaky:
    """A job that fails on its first call and records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    async def __call__(self, context: Any, *args: str) -> None:
        self.calls.append(args)
        if len(self.calls) == 1:
            raise RuntimeError("the first try fails")


async def test_a_failed_job_runs_again_in_process() -> None:
    flaky = Flaky()
    queue = LocalQueue(jobs={"flaky": flaky})
    queue.context = JobContext(build(load_settings()), queue)
    await queue.enqueue("flaky", "+19095550100")
    await until(lambda: len(flaky.calls) == 2)
    await until(lambda: not queue.tasks)  # and then it is done: no third try
    assert flaky.calls == [("+19095550100",), ("+19095550100",)]


async def test_a_failed_job_runs_again_on_an_arq_worker(redis_url: str, prefix: str) -> None:
    flaky = Flaky()
    settings = load_settings(redis_url=redis_url, jorge_namespace=prefix)
    worker = build_worker(settings, signals=False, jobs={"flaky": flaky})
    pool = await create_pool(arq_settings(redis_url))
    running: asyncio.Task[None] | None = None
    try:
        job = await pool.enqueue_job("flaky", "+19095550100", _queue_name=f"{prefix}:queue")
        assert job is not None
        running = asyncio.create_task(worker.async_run())
        await job.result(timeout=30, poll_delay=0.05)  # finished, and successfully ...
        outcome = await job.result_info()
        assert outcome is not None and outcome.success and outcome.job_try == 2  # ... on its second try
        assert flaky.calls == [("+19095550100",), ("+19095550100",)]
    finally:
        await worker.close()
        if running is not None:
            running.cancel()
        await pool.aclose()
