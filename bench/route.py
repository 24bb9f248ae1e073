"""Messages per second for `jorge route` on 10,000 messages (the whole command, end to end).

    .venv/bin/python bench/route.py [--messages 10000]

Prints the router's throughput and, as a baseline from the same run, the throughput of a
command that only parses and re-emits the same JSON lines, so the ratio shows the router's cost.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

SAMPLES = [
    "Hi, looking for a 3 bed house in Ontario around 600k",
    "What would my 4 bedroom in Fontana sell for?",
    "Are prices in Upland still climbing?",
    "We got two offers, should we counter at 655?",
    "Has escrow opened yet?",
    "I need to speak with Jorge",
    "Busco casa en Chino Hills de 3 recamaras, hasta 700 mil",
    "STOP",
    "anything new in 92337 under 500k? credit is 680",
    "Our Rancho home should be worth 1.6 million",
]
BASELINE = "import sys, json\nfor line in sys.stdin:\n    sys.stdout.write(json.dumps(json.loads(line)) + '\\n')\n"


def feed(count: int) -> str:
    rng = random.Random(7)
    lines = []
    for i in range(count):
        text = rng.choice(SAMPLES)
        lines.append(json.dumps({"id": f"m{i}", "text": text, "from": f"+1909{rng.randrange(10**7):07d}"}))
    return "\n".join(lines) + "\n"


def timed(command: list[str], data: str) -> tuple[float, int]:
    start = time.perf_counter()
    run = subprocess.run(command, input=data, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, len(run.stdout.splitlines())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()
    data = feed(args.messages)
    jorge = str(Path(sys.executable).with_name("jorge"))
    route_seconds, answered = timed([jorge, "route"], data)
    base_seconds, _ = timed([sys.executable, "-c", BASELINE], data)
    assert answered == args.messages, f"expected {args.messages} lines, got {answered}"
    rate = args.messages / route_seconds
    print(f"jorge route: {args.messages} messages in {route_seconds:.2f} s = {rate:,.0f} msg/s")
    print(f"baseline (parse + print only): {args.messages / base_seconds:,.0f} msg/s")
    print(f"router cost vs baseline: {route_seconds / base_seconds:.1f}x the time")


if __name__ == "__main__":
    main()
