"""Claude request size across a 30-turn conversation, and calls per inbound.

    .venv/bin/python bench/prompt.py [--turns 30]

Runs the real ClaudeBrain and anthropic SDK against the fake Messages API (tests/support) on
127.0.0.1, through the conversation pipeline on an in-memory Redis. Prints the request size per
turn (characters, and tokens estimated at 4 characters a token) split into the stable, cached
part and the per-lead part; the per-lead part stops growing once the history window is full.
Then the cached prefix (tools + system) against the model's minimum cacheable length: below it
the API caches nothing and says nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anthropic import AsyncAnthropic

from agents.claude import ClaudeBrain
from agents.tokens import CACHE_FLOOR, DEFAULT_MODEL, UNKNOWN_MODEL_FLOOR
from bot.configuration.config import load_config
from bot.conversation import Conversation, Guards
from bot.runtime.wiring import build_overseer
from bot.store.connection import connect
from bot.store.leads import LeadStore
from bot.transport.outbound import DryRunSender
from tests.support.fake_anthropic import API_KEY, FakeAnthropic

TEXTS = [
    "Hi, we're looking for a house in Fontana",
    "3 bedrooms at least, 2 baths would be nice",
    "budget is up to 550k",
    "we are pre-approved with our credit union",
    "hoping to move within 3 months",
    "is there anything near Sierra Lakes?",
]


async def main(turns: int) -> None:
    fake = FakeAnthropic().start()
    try:
        config = load_config()
        client = AsyncAnthropic(api_key=API_KEY, base_url=fake.url, timeout=5, max_retries=0)
        brain = ClaudeBrain(client, build_overseer(config), config.catalog)
        store = LeadStore(connect(None), prefix="bench")
        conversation = Conversation(store, brain, DryRunSender(echo=False), guards=Guards(daily_cap=1000))
        print(f"{'turn':>4} {'stable chars':>12} {'lead chars':>10} {'total chars':>11} {'~tokens':>8}")
        sizes = []
        for turn in range(1, turns + 1):
            await conversation.receive("+19095550111", TEXTS[(turn - 1) % len(TEXTS)] + f" (turn {turn})")
            request = fake.requests[-1]
            stable = len(request["system"][0]["text"])
            lead = len(json.dumps(request["messages"], ensure_ascii=False))
            total = len(json.dumps(request, ensure_ascii=False))
            sizes.append(lead)
            print(f"{turn:>4} {stable:>12} {lead:>10} {total:>11} {total // 4:>8}")
        print(f"calls per inbound: {len(fake.requests) / turns:.2f} ({len(fake.requests)} calls, {turns} texts)")
        window_full = brain.window // 2 + 2
        grows = max(sizes[window_full:]) - min(sizes[window_full:])
        print(f"per-lead part after turn {window_full}: {min(sizes[window_full:])}-{max(sizes[window_full:])} chars "
              f"(varies by {grows} chars with the wording, does not grow)")  # fmt: skip
        request = fake.requests[-1]
        prefix = len(json.dumps(request["tools"], ensure_ascii=False)) + len(request["system"][0]["text"])
        floor = CACHE_FLOOR.get(DEFAULT_MODEL, UNKNOWN_MODEL_FLOOR)
        low, high = prefix // 5, prefix // 3  # English prose runs 3-5 characters a token
        verdict = "reaches" if low >= floor else "MAY NOT reach" if high >= floor else "DOES NOT reach"
        print(f"cached prefix (tools + system): {prefix} chars, ~{low:,}-{high:,} tokens; {DEFAULT_MODEL} caches from "
              f"{floor:,} tokens: {verdict} the floor ({low / floor:.1f}x at the low estimate)")  # fmt: skip
    finally:
        fake.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=30)
    asyncio.run(main(parser.parse_args().turns))
