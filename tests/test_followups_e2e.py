"""Follow-ups end to end: real Redis, arq, and the twilio SDK against the fake Twilio, with a
cadence of milliseconds to seconds (by setting).

The web app runs in this event loop (tests/support/inprocess.py). So does the worker, for the
cadence itself (silence, a restart by an inbound, STOP); where the process boundary is the point (a
worker restarted, two workers) the workers are `jorge worker` processes (tests/support/product.py)
on the same Redis and namespace. "Nothing more was sent" is proven from state, not by a pause: the
lead has no follow-up scheduled, and the queue has no job due or running."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

from bot.store.leads import now
from tests.support.fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from tests.support.fake_twilio import FakeTwilio
from tests.support.inprocess import BASE_URL, CHANNEL, Running, new_phone, running, until
from tests.support.product import Product

ALWAYS = {"jorge_sending_hours": "00:00-24:00", "jorge_holidays": "none"}  # follow-ups may go at any hour
# Long enough that the test's next step surely comes before the first follow-up is due, counted
# from the lead's text: a text in this event loop (under 0.1 s after it, on a loaded machine), or
# stopping a `jorge worker` process (up to 1.5 s after it: the worker answers first).
MARGIN = "1s"
PROCESS_MARGIN = "3s"


async def queued_followups(app: Running, lead: str) -> list[str]:
    """The lead's follow-up jobs on the queue (waiting, due or running: arq keeps a job there until
    it has finished)."""
    jobs = await app.redis.zrange(f"{app.settings.jorge_namespace}:queue", 0, -1)
    return [job for job in jobs if job.startswith(f"followup:{lead}:")]


async def test_silence_gets_the_whole_cadence_then_stops(
    redis_url: str, prefix: str, twilio: FakeTwilio, slack: FakeSlack
) -> None:
    async with running(redis_url, prefix, twilio, slack, jorge_followup_cadence="100ms,200ms", **ALWAYS) as app:
        lead = new_phone()
        await app.sms(lead, "Looking for a 3 bed in Fontana under 550k")
        _reply, first, second = await app.texts(lead, 3)
        assert "Still looking for a 3-bed in Fontana under $550k?" in first
        assert "stop checking in" in second and "STOP" in second
        await app.idle()  # the last follow-up's job has finished
        assert await app.store.followup(lead) is None and await queued_followups(app, lead) == []  # nothing next
        assert len(app.twilio.to(lead)) == 3


async def test_an_inbound_restarts_the_cadence(
    redis_url: str, prefix: str, twilio: FakeTwilio, slack: FakeSlack
) -> None:
    cadence = f"{MARGIN},60s"
    async with running(redis_url, prefix, twilio, slack, jorge_followup_cadence=cadence, **ALWAYS) as app:
        lead = new_phone()
        await app.sms(lead, "Hi, thinking about selling my house in Upland")
        await app.texts(lead, 1)
        first = await until(lambda: app.store.followup(lead))  # step 0, counted from the first text
        await app.sms(lead, "It's a 4 bedroom")
        texts = await app.texts(lead, 3)  # the reply to the second text, then the first follow-up
        assert "selling" in texts[2]
        await app.idle()  # the first text's follow-up job fell due before this one: it has run too
        state = await app.store.followup(lead)
        second = max(message.at for message in await app.store.messages(lead) if message.direction == "in")
        assert state is not None and state["step"] == "1"  # the next step is counted from the second text
        assert datetime.fromisoformat(state["anchor"]) == second != datetime.fromisoformat(first["anchor"])
        assert len(await queued_followups(app, lead)) == 1  # that one only
        assert len(app.twilio.to(lead)) == 3  # and the first text's follow-up was not sent


async def test_no_follow_up_after_stop(redis_url: str, prefix: str, twilio: FakeTwilio, slack: FakeSlack) -> None:
    async with running(redis_url, prefix, twilio, slack, jorge_followup_cadence=MARGIN, **ALWAYS) as app:
        lead = new_phone()
        await app.sms(lead, "Any condos in Ontario?")
        await app.texts(lead, 1)
        await until(lambda: queued_followups(app, lead))  # a follow-up is scheduled, and STOP comes before it is due
        await app.sms(lead, "STOP")
        assert "unsubscribed" in (await app.texts(lead, 2))[1].lower()

        async def ended() -> bool:  # STOP ends the cadence (once its answer is done), not when it falls due
            return await app.store.followup(lead) is None

        async def ran() -> bool:  # the follow-up already queued fell due, ran, and found nothing to send
            return not await queued_followups(app, lead)

        await until(ended)
        await until(ran)
        await app.idle()
        assert len(app.twilio.to(lead)) == 2  # the reply and the opt-out confirmation only


# `jorge worker` processes -----------------------------------------------------------------------


@contextlib.asynccontextmanager
async def worker_processes(app: Running, logs: Path, count: int, **settings: str) -> AsyncIterator[list[Product]]:
    """`count` `jorge worker` processes (started side by side) for `app`: the same Redis, namespace
    and settings (`settings` being the overrides `app` was started with)."""
    env = {
        "PUBLIC_BASE_URL": BASE_URL, "JORGE_COALESCE_WINDOW": "0s", "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": app.slack.url, "JORGE_SLACK_CHANNEL": CHANNEL,
        **{name.upper(): value for name, value in settings.items()},
    }  # fmt: skip
    assert app.settings.redis_url is not None
    workers = []
    for index in range(count):
        (logs / str(index)).mkdir()
        workers.append(
            Product(app.settings.redis_url, logs / str(index), app.twilio, env, app.settings.jorge_namespace)
        )
    try:
        await asyncio.gather(*(asyncio.to_thread(worker.start_worker) for worker in workers))
        yield workers
    finally:
        await asyncio.gather(*(asyncio.to_thread(worker.stop) for worker in workers))


async def test_a_worker_restart_loses_no_scheduled_follow_up(
    redis_url: str, prefix: str, twilio: FakeTwilio, slack: FakeSlack, tmp_path: Path
) -> None:
    settings = {"jorge_followup_cadence": f"{PROCESS_MARGIN},60s", **ALWAYS}
    async with (
        running(redis_url, prefix, twilio, slack, worker=False, **settings) as app,
        worker_processes(app, tmp_path, 1, **settings) as (product,),
    ):
        lead = new_phone()
        await app.sms(lead, "We want to buy in Chino Hills, 4 bedrooms")
        await app.texts(lead, 1)
        # The follow-up's job is on the queue, not only its state (written first: a worker stopped between
        # the two loses the follow-up, and stopping it as soon as the state shows would sometimes do that).
        await until(lambda: queued_followups(app, lead))
        state = await app.store.followup(lead)
        assert state is not None
        await asyncio.to_thread(product.workers[0].stop)  # the follow-up is scheduled in Redis, not in the worker
        await until(lambda: now() > datetime.fromisoformat(state["due"]))  # and falls due while no worker runs
        assert len(app.twilio.to(lead)) == 1  # not sent before the worker stopped, nor since
        await asyncio.to_thread(product.start_worker)
        assert "Chino Hills" in (await app.texts(lead, 2))[1]


async def test_two_workers_never_send_the_same_follow_up_twice(
    redis_url: str, prefix: str, twilio: FakeTwilio, slack: FakeSlack, tmp_path: Path
) -> None:
    settings = {"jorge_followup_cadence": "100ms,200ms", **ALWAYS}
    async with (
        running(redis_url, prefix, twilio, slack, worker=False, **settings) as app,
        worker_processes(app, tmp_path, 2, **settings),
    ):
        leads = [new_phone() for _ in range(3)]
        for lead in leads:
            await app.sms(lead, "Looking for a home in Rancho Cucamonga")
        for lead in leads:
            await app.texts(lead, 3)

        async def settled() -> bool:  # every cadence is over, and no job is due or running
            scheduled = [await app.store.followup(lead) for lead in leads]
            due = await app.redis.zcount(f"{app.settings.jorge_namespace}:queue", "-inf", time.time() * 1000)
            return not any(scheduled) and due == 0

        await until(settled)
        await until(settled)  # twice: a job that just finished may have enqueued the next
        assert [len(app.twilio.to(lead)) for lead in leads] == [3, 3, 3]
