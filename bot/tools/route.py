"""`jorge route`: JSON lines in, one decision a line out (contract: shared/eval/README.md).

Each line is judged alone, as the first message of a new lead. A bad line gets an error object
on its own output line; the rest are still processed.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any, TypeVar

from agents.brain import Brain
from agents.types import Lead

T = TypeVar("T")


def json_object(line: str) -> dict[str, Any]:
    """The line's JSON object, or ValueError saying what is wrong."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg})") from None
    if not isinstance(item, dict):
        raise ValueError("expected a JSON object")
    return item


def parsed(lines: Iterable[str], parse: Callable[[str], T]) -> Iterator[tuple[T | None, str | None]]:
    """Each non-empty line parsed, or (None, the error line to print in its place)."""
    for line in lines:
        if not line.strip():
            continue
        try:
            yield parse(line), None
        except ValueError as error:
            yield None, json.dumps({"error": f"bad input line: {error}"})


def parse_line(line: str) -> tuple[dict[str, Any], str, str]:
    """(the item, its text, its phone) or ValueError with what is wrong."""
    item = json_object(line)
    text = item.get("text")
    if not isinstance(text, str):
        raise ValueError('"text" must be a string')
    phone = item.get("from") or "+10000000000"
    if not isinstance(phone, str):
        raise ValueError('"from" must be a string')
    return item, text, phone


async def route_lines(brain: Brain, lines: Iterable[str]) -> AsyncIterator[tuple[str, bool]]:
    """One output line per non-empty input line, in order, and whether that line was good."""
    for good, error in parsed(lines, parse_line):
        if good is None:
            yield str(error), False
            continue
        item, text, phone = good
        decision = await brain.decide(Lead(phone=phone), text, [])
        out: dict[str, Any] = {"id": item.get("id"), **decision.route_view()}
        yield json.dumps(out, ensure_ascii=False), True
