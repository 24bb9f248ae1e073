"""One Lua script, many concurrent callers, one round trip: automatic pipelining.

Every inbound text is one script call on the webhook's hot path. Sent one by one, each call pays
redis-py's connection checkout, a write and a read of its own; under a burst that is most of the
webhook's cost. A `BatchedScript` queues the calls made while a round trip is in flight and sends
them together as one pipeline (not a transaction: each script is atomic by itself, and one
caller's error is that caller's alone). An idle caller goes at once, so a quiet webhook waits for
nothing; a busy one shares the round trip.

Every call is run by its script hash; after a Redis restart (the script cache is empty) the calls
that came back NOSCRIPT load the script and run again. Nothing is run twice: a NOSCRIPT call did
not run. A round trip that finds its connection dead (Redis restarted) is sent again on a new
connection, a few times with backoff: the script's callers must be idempotent (the inbound script
dedupes by MessageSid), since a call may have run before the connection died.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from hashlib import sha1
from typing import Any

import hiredis
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, ResponseError

RECONNECTS = 6  # new connections tried, with backoff (about 2.5 s in all), before a round trip fails
Call = tuple[Sequence[str], Sequence[str | bytes], "asyncio.Future[Any]"]


class BatchedScript:
    def __init__(self, redis: Redis, source: str, *, max_batch: int = 256, reconnects: int = RECONNECTS) -> None:
        self.redis = redis
        self.reconnects = reconnects
        self.source = source
        self.sha = sha1(source.encode()).hexdigest()
        self.max_batch = max_batch
        self._waiting: list[Call] = []
        self._sender: asyncio.Task[None] | None = None  # the loop keeps only a weak reference
        self.round_trips = 0

    async def __call__(self, keys: Sequence[str], args: Sequence[str | bytes]) -> Any:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._waiting.append((keys, args, future))
        if self._sender is None:
            self._sender = loop.create_task(self._send_all())
        return await future

    async def _send_all(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[: self.max_batch], self._waiting[self.max_batch :]
                try:
                    await self._send(batch)
                except Exception as error:  # the round trip failed: every caller in it hears why
                    for _, _, future in batch:
                        if not future.done():
                            future.set_exception(error)
        finally:
            self._sender = None

    async def _send(self, batch: list[Call]) -> None:
        results = await self._run(batch)
        unloaded = [i for i, result in enumerate(results) if isinstance(result, NoScriptError)]
        if unloaded:
            await self.redis.script_load(self.source)
            for i, result in zip(unloaded, await self._run([batch[i] for i in unloaded]), strict=True):
                results[i] = result
        for (_, _, future), result in zip(batch, results, strict=True):
            if future.done():  # its caller is gone
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)

    async def _run(self, batch: list[Call]) -> list[Any]:
        """Every call's reply, or the error Redis answered it with; packed by hiredis in one go
        (redis-py's Pipeline packs each argument in Python, the larger part of a batch's cost)."""
        packed = b"".join(_evalsha(self.sha, keys, args) for keys, args, _ in batch)
        for attempt in range(self.reconnects):
            try:
                return await self._round_trip(packed, len(batch))
            except RedisConnectionError:
                await asyncio.sleep(min(0.05 * 2**attempt, 1.0))
        return await self._round_trip(packed, len(batch))

    async def _round_trip(self, packed: bytes, calls: int) -> list[Any]:
        pool = self.redis.connection_pool
        self.round_trips += 1
        connection = await pool.get_connection()
        try:
            await connection.send_packed_command(packed, check_health=False)
            results: list[Any] = []
            for _ in range(calls):
                try:
                    results.append(await connection.read_response())
                except ResponseError as error:  # this call's own error; the rest still answer
                    results.append(error)
            return results
        except BaseException:
            await connection.disconnect()  # replies may be left unread: never reuse it
            raise
        finally:
            await pool.release(connection)


def _evalsha(sha: str, keys: Sequence[str], args: Sequence[str | bytes]) -> bytes:
    command: Any = ("EVALSHA", sha, len(keys), *keys, *args)  # hiredis's stub says a 1-tuple
    packed: bytes = hiredis.pack_command(command)
    return packed
