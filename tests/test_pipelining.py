"""BatchedScript on a real Redis: concurrent calls share round trips, and each gets its own answer."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from redis.asyncio import Redis
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError, ResponseError
from redis.retry import Retry

from bot.store.pipelining import BatchedScript
from tests.support.processes import free_port

# A fresh comment makes a script this Redis has never cached: its first calls come back NOSCRIPT.
APPEND = "-- {}\nredis.call('RPUSH', KEYS[1], ARGV[1])\nreturn redis.call('LLEN', KEYS[1])"
REFUSE_ODD = "-- {}\nif tonumber(ARGV[1]) % 2 == 1 then return redis.error_reply('odd') end\nreturn ARGV[1]"


def fresh(source: str) -> str:
    return source.format(uuid.uuid4().hex)


async def test_concurrent_calls_share_one_round_trip_and_none_runs_twice(redis: Redis, prefix: str) -> None:
    script = BatchedScript(redis, fresh(APPEND))
    key = f"{prefix}:list"
    lengths = await asyncio.gather(*(script([key], [str(i)]) for i in range(200)))
    assert sorted(lengths) == list(range(1, 201))  # each call ran exactly once, NOSCRIPT or not
    assert await redis.lrange(key, 0, -1) == [str(i) for i in range(200)]  # in the order called
    assert script.round_trips == 2  # one batch, and its rerun after loading the script


async def test_a_quiet_caller_goes_at_once(redis: Redis, prefix: str) -> None:
    script = BatchedScript(redis, fresh(APPEND))
    for i in range(1, 4):
        assert await script([f"{prefix}:list"], [str(i)]) == i
    assert script.round_trips == 4  # the first call's NOSCRIPT rerun, then one each


async def test_one_calls_error_is_that_callers_alone(redis: Redis) -> None:
    script = BatchedScript(redis, fresh(REFUSE_ODD))
    results = await asyncio.gather(*(script([], [str(i)]) for i in range(6)), return_exceptions=True)
    assert results[0::2] == ["0", "2", "4"]
    assert all(isinstance(error, ResponseError) and "odd" in str(error) for error in results[1::2])


async def test_an_unreachable_redis_fails_every_caller_and_the_next_call_tries_again() -> None:
    # No client-level retries (redis-py backs off for seconds by default): the script's own behaviour.
    client = Redis.from_url(f"redis://127.0.0.1:{free_port()}", decode_responses=True, retry=Retry(NoBackoff(), 0))
    script = BatchedScript(client, fresh(APPEND), reconnects=2)
    results = await asyncio.gather(*(script(["k"], ["v"]) for _ in range(3)), return_exceptions=True)
    assert all(isinstance(error, ConnectionError) for error in results)
    with pytest.raises(ConnectionError):
        await script(["k"], ["v"])
    await client.aclose()
