"""Test setup: a real Redis for every test that needs one.

With REDIS_URL set, tests use that server, each under its own key prefix, and delete only their
own keys afterwards. Without it, a throwaway `redis-server` is started on a free port for the
session and stopped at the end.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from redis.asyncio import Redis

from bot.store.leads import LeadStore
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


def _loopback(address: Any) -> bool:
    try:
        return ipaddress.ip_address(address[0]).is_loopback
    except ValueError:
        return bool(address[0] == "localhost")


@pytest.fixture(autouse=True, scope="session")
def loopback_only() -> Iterator[None]:
    """Tests talk to 127.0.0.1 only (the fakes, Redis, the product): a connection anywhere else is
    refused with the address, so a test that would reach Slack, Twilio or Anthropic fails."""
    real = socket.socket.connect, socket.socket.connect_ex

    def guarded(method: Any) -> Any:
        def connect(sock: socket.socket, address: Any) -> Any:
            if sock.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address):
                raise ConnectionRefusedError(f"a test tried to reach {address}; tests stay on 127.0.0.1")
            return method(sock, address)

        return connect

    socket.socket.connect, socket.socket.connect_ex = guarded(real[0]), guarded(real[1])  # type: ignore[method-assign]
    yield
    socket.socket.connect, socket.socket.connect_ex = real  # type: ignore[method-assign]


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
