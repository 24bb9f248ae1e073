"""The webhook enqueues its job inside the store's inbound script, written as arq writes a job
(bot/runtime/jobs.py ArqQueue.prepare). arq is pinned below its next minor version in pyproject.toml; this
test is what breaks if arq's job format changes, before a text is lost to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from arq import create_pool
from arq.connections import ArqRedis
from arq.jobs import Job, JobStatus, deserialize_job
from redis.asyncio import Redis

from agents.types import Message
from bot.runtime.jobs import ArqQueue
from bot.store.connection import arq_settings
from bot.store.leads import LeadStore


@pytest.fixture
async def pool(redis_url: str, prefix: str) -> AsyncIterator[ArqRedis]:
    arq = await create_pool(arq_settings(redis_url))
    yield arq
    keys = [key async for key in arq.scan_iter(match=f"*{prefix}*", count=500)]
    if keys:
        await arq.delete(*keys)
    await arq.aclose()


def _text(sid: str) -> Message:
    return Message(direction="in", body="hi", at=datetime.now(UTC), sid=sid)


async def test_a_job_written_with_an_inbound_text_is_the_job_arq_writes(
    pool: ArqRedis, store: LeadStore, redis: Redis, prefix: str
) -> None:
    queue = ArqQueue(pool, f"{prefix}:queue")
    ours, theirs = f"{prefix}-ours", f"{prefix}-theirs"
    phone = "+19095550177"
    first = queue.prepare("process_lead", phone, job_id=ours)
    assert await store.record_inbound(phone, _text("SM1"), "2026-11-28", first)
    await pool.enqueue_job("process_lead", phone, _job_id=theirs, _queue_name=queue.queue_name)

    raw_ours, raw_theirs = await pool.get(f"arq:job:{ours}"), await pool.get(f"arq:job:{theirs}")
    assert raw_ours is not None and raw_theirs is not None
    job_ours, job_theirs = deserialize_job(raw_ours), deserialize_job(raw_theirs)
    assert (job_ours.function, job_ours.args, job_ours.kwargs, job_ours.job_try) == (
        job_theirs.function, job_theirs.args, job_theirs.kwargs, job_theirs.job_try)  # fmt: skip
    assert job_ours.function == "process_lead" and job_ours.args == (phone,)
    assert abs(await pool.pttl(f"arq:job:{ours}") - await pool.pttl(f"arq:job:{theirs}")) < 5_000
    scores = dict(await pool.zrange(queue.queue_name, 0, -1, withscores=True))
    assert {ours.encode(), theirs.encode()} <= scores.keys()
    assert await Job(ours, pool, _queue_name=queue.queue_name).status() == JobStatus.queued

    # The same job id again (a second text before the job ran) is not enqueued twice, as with arq.
    again = queue.prepare("process_lead", phone, job_id=ours, defer=60)
    assert await store.record_inbound(phone, _text("SM2"), "2026-11-28", again)
    assert await pool.zscore(queue.queue_name, ours) == scores[ours.encode()]
    assert len(await redis.lrange(f"{prefix}:lead:{{{phone}}}:pending", 0, -1)) == 2
