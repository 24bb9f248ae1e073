"""The Redis connection: real Redis when REDIS_URL is set, an in-memory one when it is not.

A command that finds its pooled connection dead (Redis restarted, a failover) is sent again on a
new connection, a few times with backoff, so the first text after a restart is stored rather than
refused; the web app and the job queue (arq) connect the same way. Timeouts are not retried (the
command may have run)."""

from __future__ import annotations

from arq.connections import RedisSettings
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError


def _retry() -> Retry:
    return Retry(ExponentialBackoff(cap=1.0, base=0.05), retries=6)  # about 2.5 s in all


def connect(url: str | None) -> Redis:
    if url:
        client: Redis = Redis.from_url(
            url, decode_responses=True, retry=_retry(), retry_on_error=[RedisConnectionError]
        )
        return client
    from fakeredis import FakeAsyncRedis  # the embedded default: one process, nothing to install

    return FakeAsyncRedis(decode_responses=True)


def arq_settings(url: str) -> RedisSettings:
    """arq's connection to the same Redis, retried the same way."""
    settings = RedisSettings.from_dsn(url)
    settings.retry = _retry()
    settings.retry_on_error = [RedisConnectionError]
    return settings


async def persistence_problem(redis: Redis) -> str | None:
    """Why a restart of this Redis would lose data (texts, opt-outs), or None when it persists or
    cannot say (a managed Redis may refuse CONFIG: its provider's persistence applies)."""
    try:
        appendonly = (await redis.config_get("appendonly")).get("appendonly", "")
        save = (await redis.config_get("save")).get("save", "")
    except RedisError:
        return None
    if appendonly == "yes":
        return None
    if save.strip():
        return (
            "Redis has no append-only file (appendonly no), only snapshots: a restart loses everything "
            "since the last snapshot, opt-outs included; run it with appendonly yes, appendfsync everysec"
        )
    return (
        "Redis has persistence off (appendonly no, no save points): a restart loses every text and "
        "opt-out; run it with appendonly yes, appendfsync everysec"
    )
