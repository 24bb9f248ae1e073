"""`jorge route`: JSON lines in, one decision a line out (contract: shared/eval/README.md).

Each line is judged alone, as the first message of a new lead. A bad line gets an error object
on its own output line; the rest are still processed.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from typing import Any

from agents.brain import Brain
from agents.types import Lead


def parse_line(line: str) -> tuple[dict[str, Any], str, str]:
    """(the item, its text, its phone) or ValueError with what is wrong."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg})") from None
    if not isinstance(item, dict):
        raise ValueError("expected a JSON object")
    text = item.get("text")
    if not isinstance(text, str):
        raise ValueError('"text" must be a string')
    phone = item.get("from") or "+10000000000"
    if not isinstance(phone, str):
        raise ValueError('"from" must be a string')
    return item, text, phone


async def route_lines(brain: Brain, lines: Iterable[str]) -> AsyncIterator[tuple[str, bool]]:
    """One output line per non-empty input line, in order, and whether that line was good."""
    for line in lines:
        if not line.strip():
            continue
        try:
            item, text, phone = parse_line(line)
        except ValueError as error:
            yield json.dumps({"error": f"bad input line: {error}"}), False
            continue
        decision = await brain.decide(Lead(phone=phone), text, [])
        out: dict[str, Any] = {"id": item.get("id"), **decision.route_view()}
        yield json.dumps(out, ensure_ascii=False), True
