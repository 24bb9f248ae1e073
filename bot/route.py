"""`jorge route`: JSON lines in, one decision a line out (contract: shared/eval/README.md).

Each line is judged alone, as the first message of a new lead. A bad line gets an error object
on its own output line; the rest are still processed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from agents.overseer import Overseer
from agents.types import Lead


def route_line(overseer: Overseer, line: str) -> tuple[dict[str, Any], bool]:
    """The output object for one input line, and whether the line was good."""
    try:
        item = json.loads(line)
        if not isinstance(item, dict):
            raise ValueError("expected a JSON object")
        text = item.get("text")
        if not isinstance(text, str):
            raise ValueError('"text" must be a string')
        phone = item.get("from") or "+10000000000"
        if not isinstance(phone, str):
            raise ValueError('"from" must be a string')
    except (json.JSONDecodeError, ValueError) as error:
        return {"error": f"bad input line: {error}"}, False
    decision = overseer.decide(Lead(phone=phone), text)
    out: dict[str, Any] = {"id": item.get("id")}
    out.update(decision.route_view())
    return out, True


def route_lines(overseer: Overseer, lines: Iterable[str]) -> Iterator[tuple[str, bool]]:
    for line in lines:
        if not line.strip():
            continue
        out, ok = route_line(overseer, line)
        yield json.dumps(out, ensure_ascii=False), ok
