"""The Twilio SMS webhook under load: latency at a steady rate, reply latency, and throughput.

    .venv/bin/python bench/webhook.py [--leads 500] [--rate 100] [--concurrency 50] [--rounds 5] [--requests 1500]

Runs the real product as the end-to-end tests do (tests/support): `jorge serve` and one
`jorge worker` as subprocesses, on a throwaway redis-server (or REDIS_URL, under a fresh
JORGE_NAMESPACE, cleaned up after), sending SMS through the twilio SDK to the fake Twilio REST
server. The fake Twilio runs in its own process, so it does not share a GIL with the load
generator. JORGE_COALESCE_WINDOW=0s: reply latency is the queue and the worker, not the window.

Phase A, open loop: one signed webhook for each of --leads new leads, request i sent at
t0 + i/--rate whatever the answers; webhook latency p50/p99/max; inbound -> outbound (webhook
sent -> fake Twilio received that lead's reply) p50/p99; and that every lead got exactly one reply.

Phase B, closed loop: --concurrency connections send --requests webhooks as fast as they are
answered, in --rounds rounds on jorge serve (fresh leads, fresh MessageSids) alternating with
rounds on a bare FastAPI app (one POST route returning the same empty TwiML: no form, no
signature, no Redis, no logging) served by uvicorn exactly as jorge/cli.py `serve` serves jorge
(one process, default loop and HTTP implementation, proxy_headers, log_config=None). Alternating
short rounds, and taking the median of the rounds' ratios, keeps a slow spell of this shared
machine from landing on one app only. The worker is paused (SIGSTOP) meanwhile, so the webhook
path has the machine; it answers the backlog afterwards, and every lead must get one reply.

The load generator is one asyncio loop (uvloop) with an aiohttp connection pool; webhooks are
signed before timing starts. Phase A also prints how much CPU this run and the rest of the
machine used meanwhile: these figures move with whatever else the machine is doing.

Exits 0 whether or not the targets are met (it is a measurement); 1 if the product failed
(non-200 answers, missing or duplicate replies).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import httpx  # noqa: E402
from aiohttp import web  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

from tests.support.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio  # noqa: E402
from tests.support.processes import free_port  # noqa: E402
from tests.support.product import FROM_NUMBER, Product, new_sid  # noqa: E402
from tests.support.redis_server import throwaway_redis  # noqa: E402

TEXT = "Hi, looking for a 3 bed in Fontana under 550k"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
FORM = "application/x-www-form-urlencoded"
WARMUP = 50  # requests before each timed run (connections, lazy imports, Redis scripts)

# A FastAPI app with nothing but the route, served exactly as jorge/cli.py `serve` serves jorge.
BARE_APP = """
import sys
import uvicorn
from fastapi import FastAPI, Response

EMPTY_TWIML = {twiml!r}
app = FastAPI(title="bare", docs_url=None, redoc_url=None)


@app.post("/twilio/sms")
async def sms() -> Response:
    return Response(EMPTY_TWIML, media_type="application/xml")


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {{"status": "ok"}}


uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), proxy_headers=True, log_config=None)
"""


# --- fake Twilio, in its own process ----------------------------------------------------------


@dataclass
class TimedTwilio(FakeTwilio):
    """FakeTwilio that also notes when each accepted send arrived (time.monotonic, system-wide)."""

    arrived: dict[str, float] = field(default_factory=dict)  # Twilio sid -> arrival

    async def _messages(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        response = await super()._messages(request)
        if response.status == 201:
            self.arrived[self.sent[-1].sid] = at  # no await since the append: this is our Sms
        return response


def _serve_twilio(conn: Connection) -> None:
    fake = TimedTwilio()
    fake.start()
    conn.send(fake.port)
    while True:
        command, arg = conn.recv()
        if command == "count":
            with fake._lock:
                conn.send(len(fake.sent))
        elif command == "sent":  # [(to, arrival)], from index `arg`
            with fake._lock:
                sent = fake.sent[arg:]
            for _ in range(100):  # the newest may be appended but not yet timed: a moment
                if all(sms.sid in fake.arrived for sms in sent):
                    break
                time.sleep(0.01)
            conn.send([(sms.to, fake.arrived.get(sms.sid)) for sms in sent])
        else:
            break
    fake.stop()
    conn.send("stopped")


class TwilioProcess:
    """The fake Twilio's handle in this process: `url`, `count()`, `sent()`. Quacks enough
    like FakeTwilio for tests.support.product.Product (it only reads `.url`)."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve_twilio, args=(child,), daemon=True)
        self._process.start()
        if not self._conn.poll(20):
            raise RuntimeError("the fake Twilio did not start")
        self.port: int = self._conn.recv()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def count(self) -> int:
        self._conn.send(("count", 0))
        return int(self._conn.recv())

    def sent(self, start: int = 0) -> list[tuple[str, float | None]]:
        self._conn.send(("sent", start))
        return list(self._conn.recv())

    def stop(self) -> None:
        with contextlib.suppress(OSError, EOFError):
            self._conn.send(("stop", 0))
            self._conn.poll(10) and self._conn.recv()
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(5)


# --- Redis ------------------------------------------------------------------------------------


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """REDIS_URL if set (the product's keys go under a fresh JORGE_NAMESPACE), else a throwaway one."""
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    with throwaway_redis() as throwaway:
        yield throwaway


# --- the bare app -----------------------------------------------------------------------------


@contextlib.contextmanager
def bare_app(logs: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    log = (logs / "bare.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-c", BARE_APP.format(twiml=EMPTY_TWIML), str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the bare app exited:\n{(logs / 'bare.log').read_text(errors='replace')}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("the bare app did not come up")
            time.sleep(0.1)
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        log.close()


# --- requests ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Webhook:
    phone: str
    body: bytes
    headers: dict[str, str]


def webhooks(url: str, phones: Iterable[str]) -> list[Webhook]:
    """Signed inbound-SMS webhooks, one per phone, each with a fresh MessageSid (signed up front)."""
    validator = RequestValidator(AUTH_TOKEN)
    out = []
    for phone in phones:
        params = {"From": phone, "To": FROM_NUMBER, "Body": TEXT, "MessageSid": new_sid(),
                  "AccountSid": ACCOUNT_SID, "NumMedia": "0"}  # fmt: skip
        headers = {"Content-Type": FORM, "X-Twilio-Signature": validator.compute_signature(url, params)}
        out.append(Webhook(phone, urlencode(params).encode(), headers))
    return out


def phones(prefix: int, count: int) -> list[str]:
    return [f"+1{prefix:03d}{i:07d}" for i in range(count)]


class Client:
    """One keep-alive connection pool; `post` returns the status (0: no answer). aiohttp by default:
    on this 2-core machine httpx.AsyncClient with 50 connections held the bare app to about 200
    requests/s (aiohttp: about 2,000), so it measured itself, not the server (--client httpx)."""

    def __init__(self, kind: str, connections: int) -> None:
        self.kind = kind
        if kind == "httpx":
            limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
            self._httpx = httpx.AsyncClient(limits=limits, timeout=30.0)
        else:
            connector = aiohttp.TCPConnector(limit=connections, limit_per_host=connections)
            self._aiohttp = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30))

    async def post(self, url: str, hook: Webhook) -> int:
        try:
            if self.kind == "httpx":
                return (await self._httpx.post(url, content=hook.body, headers=hook.headers)).status_code
            async with self._aiohttp.post(url, data=hook.body, headers=hook.headers) as response:
                await response.read()
                return response.status
        except (httpx.HTTPError, aiohttp.ClientError, TimeoutError):
            return 0

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.kind == "httpx":
            await self._httpx.aclose()
        else:
            await self._aiohttp.close()


@dataclass
class OpenLoop:
    sent_at: list[float]  # time.monotonic when request i went out
    latency: list[float]  # seconds
    lag: list[float]  # how late request i went out against its schedule (the client's own delay)
    statuses: Counter[int]


async def open_loop(kind: str, url: str, hooks: list[Webhook], rate: float) -> OpenLoop:
    n = len(hooks)
    result = OpenLoop([0.0] * n, [0.0] * n, [0.0] * n, Counter())
    async with Client(kind, 200) as http:

        async def one(i: int, scheduled: float) -> None:
            hook = hooks[i]
            start = time.monotonic()
            result.sent_at[i], result.lag[i] = start, start - scheduled
            result.statuses[await http.post(url, hook)] += 1
            result.latency[i] = time.monotonic() - start

        tasks = []
        t0 = time.monotonic() + 0.05
        for i in range(n):
            scheduled = t0 + i / rate
            delay = scheduled - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i, scheduled)))
        await asyncio.gather(*tasks)
    return result


async def closed_loop(kind: str, url: str, hooks: list[Webhook], concurrency: int) -> tuple[float, Counter[int]]:
    """Requests per second with `concurrency` connections, each sending its next request on an answer."""
    statuses: Counter[int] = Counter()
    async with Client(kind, concurrency) as http:

        async def run(batch: list[Webhook]) -> None:
            queue = iter(batch)

            async def connection() -> None:
                for hook in queue:  # one shared iterator: the next free connection takes the next request
                    statuses[await http.post(url, hook)] += 1

            await asyncio.gather(*(connection() for _ in range(concurrency)))

        await run(hooks[:WARMUP])  # opens the connections
        started = time.monotonic()
        await run(hooks[WARMUP:])
        elapsed = time.monotonic() - started
    return (len(hooks) - WARMUP) / elapsed, statuses


@dataclass
class ClosedLoop:
    """One app's closed-loop rounds: requests per second each round, server CPU, answers."""

    rates: list[float] = field(default_factory=list)
    cpu_seconds: float = 0.0
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)

    def run(self, args: argparse.Namespace, url: str, hooks: list[Webhook], pid: int) -> None:
        before = cpu_seconds(pid)
        rate, statuses = asyncio.run(closed_loop(args.client, url, hooks, args.concurrency))
        self.cpu_seconds += cpu_seconds(pid) - before
        self.requests += len(hooks)
        self.rates.append(rate)
        self.statuses += statuses

    def summary(self) -> str:
        rates = sorted(self.rates)
        return (f"{statistics.median(rates):7.0f} req/s (rounds {rates[0]:.0f}-{rates[-1]:.0f})   "
                f"server CPU {ms(self.cpu_seconds / self.requests)}/request")  # fmt: skip


# --- reporting --------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]  # nearest rank


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds * 1000 >= 10 else f"{seconds * 1000:.2f} ms"


def wait_for_replies(twilio: TwilioProcess, total: int, seconds: float, product: Product) -> bool:
    """Until fake Twilio has `total` sends; False after `seconds`, or at once if jorge has exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if twilio.count() >= total:
            return True
        if exited(product):
            return False
        time.sleep(0.05)
    return False


def exited(product: Product) -> list[str]:
    """The product's processes that are no longer running, with how they ended."""
    processes = [*([product.web] if product.web else []), *product.workers]
    return [
        f"{'serve' if process is product.web else 'worker'} exited with {process.popen.returncode}"
        for process in processes
        if process.popen.poll() is not None
    ]


def tail(path: Path, chars: int = 2000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else ""


class CpuMeter:
    """Cores in use over an interval (Linux /proc): this run (the bench and every process it
    started) against everything else on the machine, which is noise for these numbers."""

    TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self) -> None:
        self.start = self._read()

    @classmethod
    def _read(cls) -> tuple[float, float, float] | None:
        try:
            with open("/proc/stat") as stat:
                jiffies = [int(x) for x in stat.readline().split()[1:9]]
            parents, used = {}, {}
            for entry in os.listdir("/proc"):
                if entry.isdigit():
                    with contextlib.suppress(OSError), open(f"/proc/{entry}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                        parents[int(entry)], used[int(entry)] = int(fields[1]), int(fields[11]) + int(fields[12])
        except OSError:
            return None
        ours, me = 0, os.getpid()
        for pid, ticks in used.items():
            ancestor = pid
            while ancestor > 1 and ancestor != me:
                ancestor = parents.get(ancestor, 0)
            ours += ticks if ancestor == me else 0
        busy = sum(jiffies) - jiffies[3] - jiffies[4]  # all but idle and iowait
        return time.monotonic(), busy / cls.TICK, ours / cls.TICK

    def report(self) -> str:
        end = self._read()
        if self.start is None or end is None or end[0] <= self.start[0]:
            return ""
        seconds = end[0] - self.start[0]
        ours = (end[2] - self.start[2]) / seconds
        other = max(0.0, (end[1] - self.start[1]) / seconds - ours)
        return f"CPU meanwhile: this run {ours:.2f} cores, other processes {other:.2f} cores (of {os.cpu_count()})"


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a live process has used so far; NaN where /proc is not there."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / CpuMeter.TICK


def drop_keys(redis_url: str, namespace: str, hooks: Iterable[Webhook]) -> None:
    """On a shared REDIS_URL, delete what the run left: the namespace, and arq's job results."""
    from urllib.parse import parse_qs

    from redis import Redis

    client = Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{namespace}:*", count=1000))
        for hook in hooks:
            sid = parse_qs(hook.body.decode())["MessageSid"][0]
            keys += [f"arq:result:in:{sid}", f"arq:job:in:{sid}", f"arq:retry:in:{sid}"]
        for i in range(0, len(keys), 1000):
            client.delete(*keys[i : i + 1000])
    finally:
        client.close()


# --- the run ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=500, help="phase A: leads, one webhook each")
    parser.add_argument("--rate", type=float, default=100.0, help="phase A: webhooks per second")
    parser.add_argument("--concurrency", type=int, default=50, help="phase B: connections")
    parser.add_argument("--rounds", type=int, default=5, help="phase B: rounds on each app, alternating")
    parser.add_argument("--requests", type=int, default=1500, help="phase B: timed webhooks per round")
    parser.add_argument(
        "--client", choices=["aiohttp", "httpx"], default="aiohttp", help="the load generator's HTTP client"
    )
    args = parser.parse_args()
    try:
        import uvloop  # the same loop uvicorn picks for the servers; a leaner client

        uvloop.install()
    except ImportError:
        pass

    failures: list[str] = []
    with contextlib.ExitStack() as stack:
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="jorge-bench-")))
        redis_url = stack.enter_context(redis_server())
        twilio = TwilioProcess()
        stack.callback(twilio.stop)
        env = {"JORGE_COALESCE_WINDOW": "0s", "JORGE_DAILY_CAP": "1000000"}
        namespace = f"bench{uuid.uuid4().hex[:8]}"
        product = Product(redis_url, logs, twilio, extra_env=env, namespace=namespace)  # type: ignore[arg-type]
        stack.callback(product.stop)
        product.start_web()
        worker = product.start_worker()
        url = product.base_url + "/twilio/sms"
        shared = bool(os.environ.get("REDIS_URL"))
        print(f"jorge serve + 1 jorge worker, {'REDIS_URL' if shared else 'a throwaway redis-server'}, fake Twilio in "
              f"its own process, JORGE_COALESCE_WINDOW=0s, {args.client} client; {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.2f} before start")  # fmt: skip

        # Warm-up: connections, lazy imports, Redis scripts, and the worker's start and first sends.
        warm = webhooks(url, phones(900, WARMUP))
        asyncio.run(open_loop(args.client, url, warm, 50.0))
        if not wait_for_replies(twilio, WARMUP, 60, product):
            failures.append(f"warm-up: {twilio.count()} of {WARMUP} replies")
        before_a = twilio.count()

        # Phase A: open loop at a steady rate; then every lead's first reply, as fake Twilio saw it.
        hooks_a = webhooks(url, phones(555, args.leads))
        cpu = CpuMeter()
        a = asyncio.run(open_loop(args.client, url, hooks_a, args.rate))
        cpu_a = cpu.report()
        if a.statuses != Counter({200: args.leads}):
            failures.append(f"phase A answers: {dict(a.statuses)}")
        wait_for_replies(twilio, before_a + args.leads, 60, product)
        sent_at = {hook.phone: a.sent_at[i] for i, hook in enumerate(hooks_a)}
        first_reply: dict[str, float] = {}
        for to, arrived in twilio.sent(before_a):
            if to in sent_at and arrived is not None:
                first_reply.setdefault(to, arrived)
        round_trip = [first_reply[phone] - sent_at[phone] for phone in first_reply]
        span = max(a.sent_at) - min(a.sent_at)
        print()
        print(f"Phase A: {args.leads} leads, one signed webhook each, open loop at {args.rate:g}/s "
              f"(achieved {(args.leads - 1) / span if span else 0:.1f}/s)")  # fmt: skip
        print(f"  webhook latency      p50 {ms(percentile(a.latency, 50))}   p99 {ms(percentile(a.latency, 99))}"
              f"   max {ms(max(a.latency))}")  # fmt: skip
        print(f"  inbound -> outbound  p50 {ms(percentile(round_trip, 50))}   p99 {ms(percentile(round_trip, 99))}"
              f"   max {ms(max(round_trip, default=float('nan')))}   ({len(round_trip)} leads answered)")  # fmt: skip
        print(f"  client send lag      p50 {ms(percentile(a.lag, 50))}   p99 {ms(percentile(a.lag, 99))}"
              f"   max {ms(max(a.lag))}   (load generator behind its schedule)")  # fmt: skip
        if cpu_a:
            print(f"  {cpu_a}")

        # Phase B: closed loop, rounds on jorge serve (worker paused, so the webhook path has the
        # machine) alternating with rounds on a bare FastAPI app under the same uvicorn settings.
        per_round = args.requests + WARMUP
        hooks_b = webhooks(url, phones(556, args.rounds * per_round))
        jorge_b, bare_b = ClosedLoop(), ClosedLoop()
        with bare_app(logs) as (bare_base, bare_pid):
            bare_url = bare_base + "/twilio/sms"
            bare_hooks = webhooks(bare_url, phones(557, per_round))  # the bare app stores nothing: reused
            worker.popen.send_signal(signal.SIGSTOP)  # jobs wait in Redis meanwhile
            try:
                worker_cpu = cpu_seconds(worker.popen.pid)
                for i in range(args.rounds):
                    jorge_b.run(args, url, hooks_b[i * per_round : (i + 1) * per_round], product.web.popen.pid)  # type: ignore[union-attr]
                    bare_b.run(args, bare_url, bare_hooks, bare_pid)
            finally:
                worker.popen.send_signal(signal.SIGCONT)
        if jorge_b.statuses != Counter({200: len(hooks_b)}):
            failures.append(f"phase B answers: {dict(jorge_b.statuses)}")
        if bare_b.statuses != Counter({200: len(hooks_b)}):
            failures.append(f"bare app answers: {dict(bare_b.statuses)}")
        drain_started = time.monotonic()
        drained = wait_for_replies(twilio, before_a + args.leads + len(hooks_b), 120, product)
        drain_seconds = time.monotonic() - drain_started
        worker_cpu = (cpu_seconds(worker.popen.pid) - worker_cpu) / len(hooks_b)
        # Counted after the drain, so a late duplicate for a phase-A lead would show too.
        per_lead = Counter(to for to, _ in twilio.sent())
        a_once = sum(per_lead[hook.phone] == 1 for hook in hooks_a)
        b_once = sum(per_lead[hook.phone] == 1 for hook in hooks_b)
        if a_once != args.leads:
            failures.append(f"phase A: {a_once} of {args.leads} leads got exactly one reply")
        if b_once != len(hooks_b):
            failures.append(f"phase B: {b_once} of {len(hooks_b)} leads got exactly one reply")
        failures += [f"jorge {gone} during the run" for gone in exited(product)]
        if failures:  # before stopping the product: its logs are wanted
            for process in [*product.workers, *([product.web] if product.web else [])]:
                failures.append(f"{process.log.name} (tail):\n{tail(process.log)}")
        product.stop()
        if shared:
            drop_keys(redis_url, namespace, [*warm, *hooks_a, *hooks_b])

        ratios = [j / b for j, b in zip(jorge_b.rates, bare_b.rates, strict=True)]
        ratio = statistics.median(ratios)
        print()
        print(f"Phase B: {args.rounds} rounds on each app, alternating, of {args.requests} webhooks (after {WARMUP} "
              f"warm-up) on {args.concurrency} connections; jorge's with fresh leads and MessageSids")  # fmt: skip
        print(f"  jorge serve, worker paused  {jorge_b.summary()}")
        print(f"  bare FastAPI, same uvicorn  {bare_b.summary()}")
        print(f"  ratio jorge/bare            {ratio:7.2f}   median of the rounds' ratios "
              f"({', '.join(f'{r:.2f}' for r in ratios)})")  # fmt: skip
        if drained:
            print(f"  then the worker answered the {len(hooks_b)} waiting leads in {drain_seconds:.1f} s "
                  f"({len(hooks_b) / drain_seconds:.0f}/s, worker CPU {ms(worker_cpu)}/job)")  # fmt: skip
        else:
            print(f"  the worker did not answer the {len(hooks_b)} waiting leads within 120 s")
        print(f"  leads with exactly one reply: phase A {a_once}/{args.leads}, phase B {b_once}/{len(hooks_b)}")

        p99_webhook = percentile(a.latency, 99)
        p99_reply = percentile(round_trip, 99) if len(round_trip) == args.leads else float("inf")
        targets = [
            (f"webhook p99 < 25 ms at {args.rate:g}/s", ms(p99_webhook), p99_webhook < 0.025),
            ("throughput jorge/bare >= 0.5", f"{ratio:.2f}", ratio >= 0.5),
            ("inbound -> outbound p99 < 1000 ms", ms(p99_reply), p99_reply < 1.0),
            (f"leads with exactly one reply = {args.leads}", str(a_once), a_once == args.leads),
        ]
        print()
        print("Summary")
        for name, value, met in targets:
            print(f"  {name:36s} {value:>10s}   {'met' if met else 'NOT MET'}")
        if failures:
            print()
            print("The product failed:")
            for failure in failures:
                print(f"  - {failure}")
            return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as error:  # a process that did not start: jorge serve, its worker, Redis
        print(f"bench/webhook.py: {error}", file=sys.stderr)
        sys.exit(1)
