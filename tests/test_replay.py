"""`jorge replay`: whole conversations on the embedded default, as shared/eval/converse.py drives it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.configuration.settings import load_settings
from bot.runtime.wiring import build
from bot.tools.replay import replay_lines, silent_transports

EVAL = Path(__file__).parents[2] / "shared" / "eval"
FIELDS = {"text", "reply", "held", "action", "persona", "escalate", "reasons", "market", "language", "events"}


async def _replay(*conversations: dict[str, object]) -> list[dict[str, object]]:
    services = build(load_settings(redis_url=None, jorge_coalesce_window="0s"), **silent_transports())
    lines = [json.dumps(c) for c in conversations]
    return [json.loads(out) async for out, _ in replay_lines(services, lines)]


async def test_each_turn_carries_the_contract_fields_and_its_events() -> None:
    (out,) = await _replay({"id": "c1", "from": "+19095550188", "turns": [
        "Can you show me 1234 Haven Ave this Saturday at 2?", "We got an offer at 640k, should we counter?", "STOP",
        "one more thing"]})  # fmt: skip
    turns = out["turns"]
    assert isinstance(turns, list) and len(turns) == 4
    assert all(set(turn) >= FIELDS for turn in turns)
    assert "appointment" in turns[0]["events"] and "assigned" in turns[0]["events"]
    assert turns[1]["held"] is True and turns[1]["escalate"] is True and "escalated" in turns[1]["events"]
    assert "offer" in turns[1]["reply"]  # the draft as Jorge approves it
    assert turns[2]["action"] == "opt_out" and "opted_out" in turns[2]["events"]
    assert turns[3]["reply"] is None


async def test_conversations_do_not_share_a_lead_and_bad_lines_are_reported() -> None:
    services = build(load_settings(redis_url=None, jorge_coalesce_window="0s"), **silent_transports())
    same = ["Looking for a 4 bed in Upland"]
    lines = [json.dumps({"id": "a", "turns": same}), "not json", json.dumps({"id": "b", "turns": "not a list"}),
             json.dumps({"id": "c", "turns": same})]  # fmt: skip
    results = [(json.loads(out), ok) async for out, ok in replay_lines(services, lines)]
    assert [ok for _, ok in results] == [True, False, False, True]
    first, last = results[0][0]["turns"][0], results[3][0]["turns"][0]
    assert "assistant" in first["reply"] and first["reply"] == last["reply"]  # the same first text, both times


@pytest.mark.skipif(not EVAL.exists(), reason="shared/eval is not beside this checkout")
def test_the_shared_conversations_are_wholly_right() -> None:
    run = subprocess.run(
        [sys.executable, str(EVAL / "converse.py"), str(EVAL / "dev_conversations.jsonl"), "--", sys.executable, "-m",
         "jorge", "replay"], capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert lines[-1].startswith("turns wholly right") and "100.0%" in lines[-1], run.stdout
