"""Chaos: the real product under worker kills, a Redis restart and a flaky Twilio; prints what was
lost, duplicated, sent after STOP or left unanswered.

    .venv/bin/python bench/chaos.py [--leads 500] [--texts 4] [--stops 50] [--seed 7]

Runs `jorge serve` and two `jorge worker` processes (tests/support/product.py) on a throwaway
redis-server with `appendonly yes`, `appendfsync everysec` (the README's production set-up),
against the fake Twilio and Slack servers. --leads leads each send --texts signed texts, a few
seconds apart (--stops of them end with STOP), spread over about a minute. Meanwhile:

- Twilio answers 500 (sending nothing) to 20% of sends and hangs 10 s on 5% (the text goes out;
  the answer comes after the client's timeout), until the last text has been sent;
- a worker is killed with SIGKILL three times (a new one is started each time);
- Redis is restarted once (SIGTERM, then started again on its AOF; --crash: SIGKILL, so the last
  second's writes may be lost, as `everysec` allows). A webhook answered 503 while it is down is
  sent again half a second later, as Twilio's fallback URL would send it.

Then the faults clear and the run waits (up to --settle seconds) until no text is pending.
Figures: accepted texts missing from Redis (lost), identical texts sent twice to one lead
(duplicates), texts sent to a lead after its opt-out confirmation (after STOP), leads with texts
never answered, workers that exited on their own, and how long after the faults cleared the last
text was answered. Exits 1 when any of the first five is not 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from redis import Redis  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

from tests.support.fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack  # noqa: E402
from tests.support.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio  # noqa: E402
from tests.support.processes import Process, free_port  # noqa: E402
from tests.support.product import API_TOKEN, FROM_NUMBER, Product  # noqa: E402
from tests.support.redis_server import start_redis  # noqa: E402

TEXTS = [
    "Hi, looking for a 3 bed in Fontana under 550k", "what credit score do I need to buy?",
    "how much is the down payment usually?", "are there homes with a pool in Rancho Cucamonga?",
    "We're first time buyers, where do we start?", "how are property taxes in Ontario?",
    "what does HOA usually cost in Chino Hills?", "how long does escrow take?", "budget is around 600k",
    "can I use an FHA loan?", "what are closing costs like?", "is it a good time to buy?",
    "we want to move in the spring", "hola, busco casa en Fontana de 3 recamaras", "cuanto necesito de enganche?",
    "thanks! what areas do you cover?",
]  # fmt: skip
AOF = ("--appendonly", "yes", "--appendfsync", "everysec")


@dataclass
class Text:
    phone: str
    body: str
    sid: str
    at: float  # seconds from the start, when it is sent
    accepted: float | None = None  # wall clock when the webhook answered 200
    refused: int = 0  # 503 answers before it was taken


@dataclass
class Run:
    texts: list[Text]
    stops: set[str]
    workers: list[Process] = field(default_factory=list)
    killed: set[int] = field(default_factory=set)
    log: list[str] = field(default_factory=list)

    def note(self, start: float, what: str) -> None:
        line = f"{time.monotonic() - start:6.1f}s  {what}"
        self.log.append(line)
        print(line, flush=True)


def plan(leads: int, per_lead: int, stops: int, seed: int) -> Run:
    rng = random.Random(seed)
    phones = [f"+1909{7000000 + i:07d}" for i in range(leads)]
    stopping = set(rng.sample(phones, stops))
    texts = []
    for phone in phones:
        at = rng.uniform(0, 40)
        for k in range(per_lead):
            last = k == per_lead - 1
            body = "STOP" if last and phone in stopping else rng.choice(TEXTS)
            texts.append(Text(phone, body, "SM" + uuid.uuid4().hex, at))
            at += rng.uniform(4, 9)
    texts.sort(key=lambda t: t.at)
    return Run(texts, stopping)


async def send_all(run: Run, base_url: str, start: float) -> None:
    validator = RequestValidator(AUTH_TOKEN)
    async with httpx.AsyncClient(timeout=30) as client:

        async def one(text: Text) -> None:
            await asyncio.sleep(max(0.0, start + text.at - time.monotonic()))
            params = {"From": text.phone, "To": FROM_NUMBER, "MessageSid": text.sid, "AccountSid": ACCOUNT_SID,
                      "NumMedia": "0", "Body": text.body}  # fmt: skip
            headers = {"X-Twilio-Signature": validator.compute_signature(base_url + "/twilio/sms", params)}
            while True:
                try:
                    response = await client.post(base_url + "/twilio/sms", data=params, headers=headers)
                    status = response.status_code
                except httpx.HTTPError:
                    status = 599
                if status == 200:
                    text.accepted = time.time()
                    return
                text.refused += 1  # 503 while Redis is down: sent again, as a fallback URL would
                await asyncio.sleep(0.5)

        await asyncio.gather(*(one(text) for text in run.texts))


async def faults(run: Run, product: Product, redis: dict[str, object], start: float, crash: bool) -> None:
    async def at(second: float) -> None:
        await asyncio.sleep(max(0.0, start + second - time.monotonic()))

    for second, kind in ((12, "kill"), (28, "kill"), (36, "redis"), (44, "kill")):
        await at(second)
        if kind == "kill":
            victim = next(w for w in product.workers if w.popen.poll() is None)
            victim.popen.send_signal(signal.SIGKILL)
            run.killed.add(victim.popen.pid)
            run.note(start, f"SIGKILL worker {victim.popen.pid}")
            await asyncio.to_thread(product.start_worker)
            run.note(start, "started a new worker")
        else:
            server = redis["server"]
            (server.kill if crash else server.terminate)()  # type: ignore[attr-defined]
            await asyncio.to_thread(server.wait, 10)  # type: ignore[attr-defined]
            run.note(start, "Redis crashed (SIGKILL)" if crash else "Redis stopped (SIGTERM)")
            redis["server"] = await asyncio.to_thread(start_redis, redis["port"], redis["dir"], *AOF)
            run.note(start, "Redis started again (AOF)")


def pending_leads(redis_url: str, namespace: str) -> set[str]:
    client = Redis.from_url(redis_url, decode_responses=True)
    try:
        return {str(p) for p in client.zrange(f"{namespace}:waiting", 0, -1)}
    finally:
        client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leads", type=int, default=500)
    parser.add_argument("--texts", type=int, default=4)
    parser.add_argument("--stops", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--settle", type=float, default=180.0)
    parser.add_argument("--crash", action="store_true", help="SIGKILL Redis instead of stopping it")
    options = parser.parse_args()
    run = plan(options.leads, options.texts, options.stops, options.seed)
    workdir = tempfile.mkdtemp(prefix="jorge-chaos-")
    port = free_port()
    redis: dict[str, object] = {"port": port, "dir": workdir, "server": start_redis(port, workdir, *AOF)}
    redis_url = f"redis://127.0.0.1:{port}/0"
    twilio, slack = FakeTwilio().start(), FakeSlack().start()
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack.url,
           "JORGE_SLACK_CHANNEL": "C0APPROVALS", "JORGE_COALESCE_WINDOW": "1s", "JORGE_SENDING_HOURS": "00:00-24:00",
           "JORGE_HOLIDAYS": "none"}  # fmt: skip
    product = Product(redis_url=redis_url, logs=Path(workdir), twilio=twilio, extra_env=env).start_web()
    product.start_worker()
    product.start_worker()
    print(f"{len(run.texts)} texts from {options.leads} leads ({len(run.stops)} end with STOP); logs in {workdir}")
    twilio.chaos(fail=0.20, hang=0.05, hang_seconds=10.0, seed=options.seed)
    start = time.monotonic()

    async def drive() -> None:
        await asyncio.gather(send_all(run, product.base_url, start), faults(run, product, redis, start, options.crash))

    try:
        asyncio.run(drive())
        twilio.chaos()
        cleared = time.time()
        run.note(start, "last text sent; Twilio healthy again: faults cleared")
        deadline = time.monotonic() + options.settle
        while pending_leads(redis_url, product.namespace) and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(12.0)  # room for anything still on its way (a retry, a lookup) to show up
        return report(run, product, twilio, cleared, redis_url)
    finally:
        product.stop()
        twilio.stop()
        slack.stop()
        server = redis["server"]
        server.terminate()  # type: ignore[attr-defined]
        server.wait(10)  # type: ignore[attr-defined]


def report(run: Run, product: Product, twilio: FakeTwilio, cleared: float, redis_url: str) -> int:
    by_lead: dict[str, list[Text]] = defaultdict(list)
    for text in run.texts:
        by_lead[text.phone].append(text)
    lost = 0
    for phone, texts in by_lead.items():
        stored = httpx.get(f"{product.base_url}/api/leads/{quote(phone, safe='')}",
                           headers={"Authorization": f"Bearer {API_TOKEN}"}, timeout=30)  # fmt: skip
        messages = stored.json().get("messages", []) if stored.is_success else []
        kept = {m.get("sid") for m in messages if m.get("direction") == "in"}
        lost += sum(1 for t in texts if t.accepted is not None and t.sid not in kept)
    sent: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for sms in twilio.sent:
        sent[sms.to].append((sms.created.timestamp(), sms.body))
    duplicates = 0
    for phone, bodies in sent.items():
        for body, n in Counter(b for _, b in bodies).items():
            if n > 1:
                duplicates += n - 1
                print(f"  sent {n} times to {phone[:5]}***{phone[-4:]}: {body[:90]}")
    after_stop = 0
    for phone in run.stops:
        confirmations = [at for at, body in sent[phone] if "START" in body]  # "reply START to ..." (en, es)
        late = [body for at, body in sent[phone] if confirmations and at > min(confirmations)]
        after_stop += len(late) + (0 if confirmations else 1)  # no confirmation at all counts too
        for body in late if confirmations else ["(no opt-out confirmation)"]:
            print(f"  after STOP, to {phone[:5]}***{phone[-4:]}: {body[:90]}")
    unanswered = pending_leads(redis_url, product.namespace)
    latency, answered_at = [], []
    for phone, texts in by_lead.items():
        last = texts[-1]
        replies = [at for at, _ in sent[phone] if last.accepted is not None and at >= last.accepted]
        if replies:
            latency.append(min(replies) - (last.accepted or 0))
            answered_at.append(min(replies))
    exits = [w for w in product.workers if w.popen.poll() is not None and w.popen.pid not in run.killed]
    refused = sum(t.refused for t in run.texts)
    after_clear = max(answered_at) - cleared if answered_at else float("nan")
    print(json.dumps({"texts": len(run.texts), "accepted": sum(t.accepted is not None for t in run.texts),
                      "refused_503_then_resent": refused, "sms_sent": len(twilio.sent),
                      "twilio_attempts": len(twilio.attempts)}))  # fmt: skip
    print(f"lost                     {lost}")
    print(f"duplicates               {duplicates}")
    print(f"texts after STOP         {after_stop}")
    print(f"leads left unanswered    {len(unanswered)}")
    print(f"worker exits             {len(exits)}")
    print(f"last text answered       {after_clear:.1f} s after the faults cleared")
    print(f"last text -> its answer  p50 {statistics.median(latency):.1f} s, max {max(latency):.1f} s "
          f"({len(latency)}/{len(by_lead)} leads)")  # fmt: skip
    return 1 if lost or duplicates or after_stop or unanswered or exits else 0


if __name__ == "__main__":
    sys.exit(main())
