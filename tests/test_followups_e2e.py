"""Follow-ups end to end on real Redis and arq, against the fake Twilio (through the twilio SDK),
with a cadence of milliseconds to seconds (by setting).

The cadence itself (silence, a restart by an inbound, STOP) runs in this event loop
(tests/support/inprocess.py); what needs a process boundary (a worker restarted, two workers)
runs `jorge serve` and `jorge worker` processes (tests/support/product.py). "Nothing more was
sent" is proven from state, not a pause: the lead has no follow-up scheduled and the queue has no
job due or running."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from redis import Redis

from bot.store import now
from tests.support.fake_slack import FakeSlack
from tests.support.fake_twilio import FakeTwilio
from tests.support.inprocess import Running, new_phone, running, until
from tests.support.product import Product

T = TypeVar("T")
ALWAYS = {"jorge_sending_hours": "00:00-23:59", "jorge_holidays": "none"}  # follow-ups may go at any hour
# Long enough that the test's next text surely lands before the first follow-up is due: every step
# before it is a few milliseconds in this event loop, one second is a wide margin under load.
BEFORE_TEXT = "1s"


async def queued_followups(app: Running, lead: str) -> list[str]:
    jobs = await app.redis.zrange(f"{app.settings.jorge_namespace}:queue", 0, -1)
    return [job for job in jobs if job.startswith(f"followup:{lead}:")]


async def newest_inbound(app: Running, lead: str) -> datetime:
    return max(message.at for message in await app.store.messages(lead) if message.direction == "in")


async def test_silence_gets_the_whole_cadence_then_stops(
    redis_url: str, prefix: str, twilio: FakeTwilio, slack: FakeSlack
) -> None:
    async with running(redis_url, prefix, twilio, slack, jorge_followup_cadence="100ms,200ms", **ALWAYS) as app:
        lead = new_phone()
        await app.sms(lead, "Looking for a 3 bed in Fontana under 550k")
        _reply, first, second = await app.texts(lead, 3)
        assert "Still looking for a 3-bed in Fontana under $550k?" in first
        assert "stop checking in" in second and "STOP" in second
        await app.idle()  # the last follow-up's job has finished, and anything it scheduled is not due yet
        assert await app.store.followup(lead) is None and await queued_followups(app, lead) == []  # cadence over
        assert len(app.twilio.to(lead)) == 3


async def test_an_inbound_restarts_the_cadence(
    redis_url: str, prefix: str, twilio: FakeTwilio, slack: FakeSlack
) -> None:
    cadence = f"{BEFORE_TEXT},60s"
    async with running(redis_url, prefix, twilio, slack, jorge_followup_cadence=cadence, **ALWAYS) as app:
        lead = new_phone()
        await app.sms(lead, "Hi, thinking about selling my house in Upland")
        await app.texts(lead, 1)
        first = await until(lambda: app.store.followup(lead))  # step 0, counted from the first text
        t0 = time.monotonic()
        await app.sms(lead, "It's a 4 bedroom")
        print("gap", time.monotonic() - t0, (now() - datetime.fromisoformat(first["anchor"])).total_seconds())
        texts = await app.texts(lead, 3)  # the reply to the second text, then the first follow-up
        assert "selling" in texts[2]
        await app.idle()  # the job for the first text's follow-up was due before this one: it has run
        state = await app.store.followup(lead)
        second = await newest_inbound(app, lead)
        assert state is not None and state["step"] == "1"  # the next step is scheduled ...
        assert datetime.fromisoformat(state["anchor"]) == second != datetime.fromisoformat(first["anchor"])
        assert len(app.twilio.to(lead)) == 3  # ... counted from the second text; the first's was dropped


async def test_no_follow_up_after_stop(redis_url: str, prefix: str, twilio: FakeTwilio, slack: FakeSlack) -> None:
    async with running(redis_url, prefix, twilio, slack, jorge_followup_cadence=BEFORE_TEXT, **ALWAYS) as app:
        lead = new_phone()
        await app.sms(lead, "Any condos in Ontario?")
        await app.texts(lead, 1)
        first = await until(lambda: app.store.followup(lead))  # a follow-up is scheduled ...
        await app.sms(lead, "STOP")  # ... and STOP lands before it is due
        print("gap", (now() - datetime.fromisoformat(first["anchor"])).total_seconds())
        assert "unsubscribed" in (await app.texts(lead, 2))[1].lower()

        async def cancelled() -> bool:  # the follow-up jobs ran (past their due time) and found an opt-out
            return await app.store.followup(lead) is None

        await until(cancelled)
        await app.idle()
        assert await queued_followups(app, lead) == []
        assert len(app.twilio.to(lead)) == 2  # the reply and the opt-out confirmation only


# Across processes ------------------------------------------------------------------------------


def wait_for(check: Callable[[], T | None], seconds: float = 15.0) -> T:
    """Poll `check` (every 20 ms) until it gives something truthy."""
    deadline = time.monotonic() + seconds
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)
    return value


def start(redis_url: str, twilio: FakeTwilio, logs: Path, workers: int = 1, cadence: str = "300ms,600ms") -> Product:
    """`jorge serve` and `workers` `jorge worker`s, started side by side."""
    env = {"JORGE_FOLLOWUP_CADENCE": cadence, "JORGE_SENDING_HOURS": "00:00-23:59", "JORGE_HOLIDAYS": "none"}
    product = Product(redis_url=redis_url, logs=logs, twilio=twilio, extra_env=env)
    with ThreadPoolExecutor(1) as pool:
        web = pool.submit(product.start_web)
        try:
            for _ in range(workers):
                product.start_worker()
        finally:
            web.result()
    return product


def followup_key(product: Product, phone: str) -> str:
    return f"{product.namespace}:lead:{{{phone}}}:followup"


def settled(product: Product, redis: Redis, leads: list[str]) -> bool:
    """No lead has a follow-up scheduled and no job is due or running (arq keeps a job on the
    queue until it has finished)."""
    queue = f"{product.namespace}:queue"
    return not any(redis.exists(followup_key(product, lead)) for lead in leads) and not redis.zcount(
        queue, "-inf", time.time() * 1000
    )


def test_a_worker_restart_loses_no_scheduled_follow_up(redis_url: str, twilio: FakeTwilio, tmp_path: Path) -> None:
    product = start(redis_url, twilio, tmp_path, cadence="1500ms,60s")
    redis = Redis.from_url(redis_url, decode_responses=True)
    try:
        lead = new_phone()
        product.post_sms(lead, "We want to buy in Chino Hills, 4 bedrooms")
        product.wait_for_sms(lead, 1)
        state = wait_for(lambda: redis.hgetall(followup_key(product, lead)))
        product.workers[0].stop()  # the follow-up is scheduled in Redis, not in the worker
        due = datetime.fromisoformat(state["due"])
        wait_for(lambda: now() > due)  # it falls due while no worker runs
        assert len(product.twilio.to(lead)) == 1
        product.start_worker()
        followup = product.wait_for_sms(lead, 2)[1]
        assert "Chino Hills" in followup.body
    finally:
        product.stop()
        redis.close()


def test_two_workers_never_send_the_same_follow_up_twice(redis_url: str, twilio: FakeTwilio, tmp_path: Path) -> None:
    product = start(redis_url, twilio, tmp_path, workers=2)
    redis = Redis.from_url(redis_url, decode_responses=True)
    try:
        leads = [new_phone() for _ in range(3)]
        for lead in leads:
            product.post_sms(lead, "Looking for a home in Rancho Cucamonga")
        for lead in leads:
            product.wait_for_sms(lead, 3)
        wait_for(lambda: settled(product, redis, leads))  # the cadence is over for all three ...
        wait_for(lambda: settled(product, redis, leads))  # ... (twice: a finishing job may enqueue the next)
        assert [len(product.twilio.to(lead)) for lead in leads] == [3, 3, 3]
    finally:
        product.stop()
        redis.close()
