"""Time per lead assignment: 10,000 assignments across a 50-member team on real Redis.

    .venv/bin/python bench/assign.py [--assignments 10000] [--members 50]

Starts a throwaway redis-server on a free port unless REDIS_URL is set (and then uses its own
key prefix, deleting only its own keys). Each assignment reads the team's live numbers (one
pipelined round trip), scores every member and reserves a slot atomically. As a baseline in the
same run it times a bare PING round trip to the same Redis.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redis.asyncio import Redis

from agents.team import TeamMember
from agents.types import Facts, Language, Lead, Persona
from bot.store.leads import LeadStore
from bot.team.board import TeamBoard
from tests.support.redis_server import throwaway_redis

MARKETS = ["rancho_cucamonga", "ontario", "fontana", "chino_hills", "upland"]


def team(size: int, rng: random.Random) -> list[TeamMember]:
    personas = list(Persona)
    return [
        TeamMember(
            name=f"Member {i}",
            slack_user_id=f"UBENCH{i:04d}",
            roles=rng.sample(personas, rng.randint(1, 3)),
            markets=rng.sample(MARKETS, rng.randint(1, 4)),
            languages=[Language.EN] + ([Language.ES] if i % 3 == 0 else []),
            capacity=rng.randint(10, 40),
            approver=i == 0,
            senior=i % 4 == 0,
        )
        for i in range(size)
    ]


async def run(url: str, assignments: int, members: int) -> None:
    rng = random.Random(11)
    redis = Redis.from_url(url, decode_responses=True)
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    board = TeamBoard(LeadStore(redis, prefix=prefix), team(members, rng))
    leads = [
        Lead(
            phone=f"+1909{i:07d}",
            persona=rng.choice(list(Persona)),
            market=rng.choice(MARKETS),
            language=rng.choice([Language.EN, Language.EN, Language.ES]),
            facts=Facts(price=rng.choice([400_000, 650_000, 900_000, 1_200_000])),
        )
        for i in range(assignments)
    ]
    try:
        ping = []
        for _ in range(2000):
            start = time.perf_counter()
            await redis.ping()
            ping.append(time.perf_counter() - start)
        times = []
        assigned = 0
        for lead in leads:
            start = time.perf_counter()
            result = await board.assign(lead)
            times.append(time.perf_counter() - start)
            assigned += result is not None
            if assigned > 500:  # leads close as others arrive, so the team keeps room
                await board.release(rng.choice(board.team))
        per = statistics.mean(times) * 1000
        p99 = sorted(times)[int(len(times) * 0.99)] * 1000
        base = statistics.mean(ping) * 1000
        print(f"{assignments} assignments across {members} members on real Redis ({assigned} placed)")
        print(f"time per assignment: mean {per:.3f} ms, p99 {p99:.3f} ms (target < 2 ms)")
        print(f"baseline Redis PING round trip: {base:.3f} ms; an assignment costs {per / base:.1f}x a PING")
    finally:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}:*", count=1000)]
        for chunk in range(0, len(keys), 500):
            await redis.delete(*keys[chunk : chunk + 500])
        await redis.aclose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assignments", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=50)
    args = parser.parse_args()
    url = os.environ.get("REDIS_URL")
    with contextlib.nullcontext(url) if url else throwaway_redis() as redis_url:
        asyncio.run(run(redis_url, args.assignments, args.members))


if __name__ == "__main__":
    main()
