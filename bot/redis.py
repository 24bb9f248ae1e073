"""The Redis connection: real Redis when REDIS_URL is set, an in-memory one when it is not."""

from __future__ import annotations

from redis.asyncio import Redis


def connect(url: str | None) -> Redis:
    if url:
        client: Redis = Redis.from_url(url, decode_responses=True)
        return client
    from fakeredis import FakeAsyncRedis  # the embedded default: one process, nothing to install

    return FakeAsyncRedis(decode_responses=True)
