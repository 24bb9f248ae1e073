"""Test setup: a real Redis for every test that needs one.

With REDIS_URL set, tests use that server, each under its own key prefix, and delete only their
own keys afterwards. Without it, a throwaway `redis-server` is started on a free port for the
session and stopped at the end.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from redis.asyncio import Redis

from bot.store import LeadStore
from tests.support.fake_slack import FakeSlack
from tests.support.fake_twilio import FakeTwilio
from tests.support.redis_server import throwaway_redis

# Settings a developer may have exported; a test sets what it needs and inherits nothing else.
_CALLERS = ("JORGE_", "TWILIO_", "SLACK_", "ANTHROPIC_", "GHL_")
_CALLERS_EXACT = ("PUBLIC_BASE_URL", "HOST", "PORT")


@pytest.fixture(autouse=True)
def hermetic(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests ignore the caller's environment (REDIS_URL aside: it chooses the Redis to test on)."""
    for name in list(os.environ):
        if name.startswith(_CALLERS) or name in _CALLERS_EXACT:
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    if shutil.which("redis-server") is None:
        pytest.exit("redis-server is not installed: install it (apt-get install redis-server) or set REDIS_URL", 2)
    with throwaway_redis() as url:
        yield url


@pytest.fixture
def prefix() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def redis(redis_url: str, prefix: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url, decode_responses=True)
    yield client
    keys = [key async for key in client.scan_iter(match=f"{prefix}:*", count=500)]
    if keys:
        await client.delete(*keys)
    await client.aclose()


@pytest.fixture
def store(redis: Redis, prefix: str) -> LeadStore:
    return LeadStore(redis, prefix=prefix)


@pytest.fixture(scope="module")
def twilio() -> Iterator[FakeTwilio]:
    """A fake Twilio REST API on 127.0.0.1, shared by one test module."""
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def slack() -> Iterator[FakeSlack]:
    """A fake Slack Web API on 127.0.0.1, shared by one test module."""
    fake = FakeSlack().start()
    yield fake
    fake.stop()
