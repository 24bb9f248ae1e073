"""Structured logs: one JSON object a line, written once per event-loop iteration on the loop."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from datetime import datetime

import pytest

from bot.telemetry.logs import JsonFormatter, LoopBatchedHandler


class CountingStream(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, CountingStream]]:
    stream = CountingStream()
    handler = LoopBatchedHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("test.logs")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.handlers.clear()


def lines(stream: io.StringIO) -> list[dict[str, str]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_off_the_loop_each_record_is_written_at_once(logged: tuple[logging.Logger, CountingStream]) -> None:
    logger, stream = logged
    logger.info("one %s", "thing")
    (entry,) = lines(stream)
    assert datetime.fromisoformat(entry.pop("at")).tzinfo is not None
    assert entry == {"level": "info", "logger": "test.logs", "message": "one thing"}
    logger.info("two")
    assert stream.writes == 2


async def test_on_the_loop_a_burst_is_one_write_right_after_the_iteration(
    logged: tuple[logging.Logger, CountingStream],
) -> None:
    logger, stream = logged
    for i in range(50):
        logger.info("inbound %d", i)
    assert stream.getvalue() == ""  # still this iteration
    await asyncio.sleep(0)
    assert [entry["message"] for entry in lines(stream)] == [f"inbound {i}" for i in range(50)]
    assert stream.writes == 1


async def test_a_warning_is_written_at_once_after_what_came_before(
    logged: tuple[logging.Logger, CountingStream],
) -> None:
    logger, stream = logged
    logger.info("before")
    logger.warning("trouble")
    assert [entry["message"] for entry in lines(stream)] == ["before", "trouble"]


def test_a_loop_closed_before_its_flush_does_not_hold_back_the_next_loops_lines(
    logged: tuple[logging.Logger, CountingStream],
) -> None:
    logger, stream = logged
    first = asyncio.new_event_loop()
    first.call_soon(first.stop)
    first.call_soon(logger.info, "last words")  # logged in the loop's final iteration...
    first.run_forever()
    first.close()  # ...so the flush it scheduled never runs
    assert stream.getvalue() == ""

    async def later() -> None:
        logger.info("next loop")
        await asyncio.sleep(0)

    asyncio.run(later())
    assert [entry["message"] for entry in lines(stream)] == ["last words", "next loop"]
