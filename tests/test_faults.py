"""Issue 12's findings, one test each (the number is the finding's): the product in this event loop
(web app and arq worker, tests/support/inprocess.py) on real Redis, against fake Twilio and Slack
servers. Outbox behaviour under Twilio faults (4, 5) is in tests/test_outbox.py; a worker process
that outlives Redis (6) in tests/test_sms_e2e.py; random unauthenticated input (7) in
tests/test_fuzz.py."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from redis.asyncio import Redis

from agents.errors import ConfigError
from bot.configuration.settings import load_settings
from bot.runtime.jobs import JobContext, LocalQueue, sweep
from bot.runtime.lifecycle import start_runtime
from bot.runtime.wiring import build
from bot.store.leads import now
from bot.telemetry.logs import JsonFormatter
from bot.transport.outbound import DryRunSender
from handlers.health import health_router
from jorge.app import create_app
from tests.support.fake_slack import FakeSlack
from tests.support.fake_twilio import FakeTwilio
from tests.support.inprocess import JORGE, MARIA, Running, new_phone, new_sid, running, until
from tests.support.processes import free_port
from tests.support.redis_server import start_redis

OFFER = "We got an offer at 640k, should we counter?"  # escalated: an offer decision is Jorge's


@pytest.fixture
async def app(redis_url: str, prefix: str, twilio: FakeTwilio, slack: FakeSlack) -> AsyncIterator[Running]:
    async with running(redis_url, prefix, twilio, slack) as product:
        yield product


async def escalated(app: Running, text: str = OFFER) -> tuple[str, str]:
    lead = new_phone()
    await app.sms(lead, text)
    await app.texts(lead)  # the holding reply
    return lead, await app.prompt(lead)


def decided(app: Running, lead: str) -> list[str]:
    """The blocks of the updates (chat.update) of a lead's approval prompt, oldest first, as JSON."""
    masked = lead[:5] + "***" + lead[-4:]
    return [json.dumps(args.get("blocks")) for args in app.slack.called("chat.update")
            if masked in json.dumps(args.get("blocks"))]  # fmt: skip


# 1 --------------------------------------------------------------------------------------------


def test_1_twilio_without_redis_is_refused_at_start_up() -> None:
    with pytest.raises(ConfigError, match="REDIS_URL"):
        load_settings(twilio_account_sid="AC1", twilio_auth_token="t", twilio_from_number="+19095550000")


@pytest.mark.parametrize(("flags", "warned"), [(("--appendonly", "no"), True), (("--appendonly", "yes"), False)])
async def test_1_start_up_warns_when_redis_has_persistence_off(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, flags: tuple[str, ...], warned: bool
) -> None:
    port = free_port()
    server = start_redis(port, str(tmp_path), *flags)
    try:
        settings = load_settings(redis_url=f"redis://127.0.0.1:{port}/0")
        with caplog.at_level(logging.WARNING, logger="jorge"):
            runtime = await start_runtime(settings, role="web", services=build(settings, sender=DryRunSender()))
            await runtime.close()
        assert any("appendonly yes" in r.getMessage() for r in caplog.records) is warned
    finally:
        server.terminate()
        server.wait(10)


async def test_1_an_opt_out_survives_a_redis_crash_with_aof(
    tmp_path: Path, prefix: str, twilio: FakeTwilio, slack: FakeSlack
) -> None:
    port = free_port()
    durable = ("--appendonly", "yes", "--appendfsync", "always")
    server = start_redis(port, str(tmp_path), *durable)
    lead = new_phone()
    try:
        async with running(f"redis://127.0.0.1:{port}/0", prefix, twilio, slack) as app:
            await app.sms(lead, "STOP")
            assert "unsubscribed" in (await app.texts(lead))[0].lower()
            await app.idle()
            await app.stop_worker()
            server.kill()  # a crash: no shutdown save
            server.wait(10)
            server = start_redis(port, str(tmp_path), *durable)
            app.start_worker()
            assert (await app.sms(lead, "hello? any homes in Fontana?")).status_code == 200
            await app.idle()
            assert len(twilio.to(lead)) == 1  # the confirmation only
            lead_state = await app.store.get(lead)
            assert lead_state is not None and lead_state.opted_out
    finally:
        server.terminate()
        server.wait(10)


async def test_1_a_reply_waiting_for_a_retry_is_cancelled_by_stop_while_the_confirmation_is_on_its_way(
    app: Running,
) -> None:
    lead = new_phone()
    app.twilio.fail(lead, 500, 20500)  # the first reply waits in the outbox for its retry
    sid = new_sid()
    await app.sms(lead, "Looking for a 3 bed in Ontario", MessageSid=sid)
    await until(lambda: any(a.get("To") == lead for a in app.twilio.attempts))
    gate = app.twilio.hold(lead, containing="START")  # the opt-out confirmation hangs at Twilio
    await app.sms(lead, "STOP")
    await until(lambda: sum(a.get("To") == lead for a in app.twilio.attempts) >= 2)

    async def retry_cancelled() -> bool:
        reply = await app.store.outbound_draft(lead, f"{sid}:0")  # the reply's key: the text's sid, part 0
        return reply is not None and reply.state == "cancelled"

    await until(retry_cancelled)
    gate.set()
    (confirmation,) = await app.texts(lead)
    await app.idle()
    assert "START" in confirmation and len(app.twilio.to(lead)) == 1


# 2 --------------------------------------------------------------------------------------------


async def test_2_an_approved_draft_survives_a_twilio_500_and_goes_out_once(app: Running) -> None:
    lead, escalation_id = await escalated(app)
    app.twilio.fail(lead, 500, 20500)
    assert (await app.click("approve_reply", escalation_id, JORGE)).status_code == 200
    await until(lambda: any("retried until it goes out" in text for text in decided(app, lead)))
    texts = await app.texts(lead, 2)  # the outbox sweep sends it a few seconds later
    await until(lambda: any("Approved & sent by" in text for text in decided(app, lead)))
    await app.idle()
    assert len(app.twilio.to(lead)) == 2 and texts[1] != texts[0]
    await app.click("approve_reply", escalation_id, JORGE)  # a second click is told, and sends nothing
    await until(lambda: any("Already" in c.get("text", "") for c in app.slack.called("chat.postEphemeral")))
    await app.idle()
    assert len(app.twilio.to(lead)) == 2


# 3 --------------------------------------------------------------------------------------------


async def test_3_a_second_text_is_answered_while_the_first_answer_is_slow(app: Running) -> None:
    lead = new_phone()
    gate = app.twilio.hold(lead)  # the first answer's send hangs inside Twilio's timeout
    await app.sms(lead, "Looking for a 3 bed in Ontario")
    await until(lambda: any(a.get("To") == lead for a in app.twilio.attempts))
    sid = new_sid()
    await app.sms(lead, "Also, how much are closing costs?", MessageSid=sid)
    queue = f"{app.settings.jorge_namespace}:queue"

    async def deferred_past_the_old_retry_budget() -> bool:  # 12 tries x 0.2 s used to end in ~2.4 s
        score = await app.redis.zscore(queue, f"in:{sid}")
        return score is not None and score > (now() + timedelta(seconds=5)).timestamp() * 1000

    await until(deferred_past_the_old_retry_budget)
    gate.set()
    texts = await app.texts(lead, 2)
    assert "closing costs" in texts[1].lower() or "%" in texts[1]

    async def answered() -> bool:  # the job drops what it answered from the pending list after sending
        return not await app.store.pending(lead)

    await until(answered)


# 8 --------------------------------------------------------------------------------------------


async def test_8_lead_text_is_escaped_in_the_approval_prompt_and_the_thread(app: Running) -> None:
    hostile = "<!channel> <@U0JORGE001> <https://evil.example|Approve here> & our offer at 640k, counter?"
    lead, _ = await escalated(app, hostile)
    posted = [json.dumps(a) for a in app.slack.called("chat.postMessage")]
    assert any("&lt;!channel&gt;" in text for text in posted)
    assert not any(marker in text for text in posted for marker in ("<!channel>", "<https://evil", "<@U0JORGE001>"))
    await app.sms(lead, "<!here> please call <https://evil.example|now>")
    await until(lambda: any("&lt;!here&gt;" in json.dumps(a) for a in app.slack.called("chat.postMessage")))
    assert not any("<!here>" in json.dumps(a) for a in app.slack.called("chat.postMessage"))


# 9 --------------------------------------------------------------------------------------------


async def test_9_the_kill_switch_stops_approvals_team_replies_and_thread_sends(app: Running) -> None:
    lead, escalation_id = await escalated(app)
    assert "Kill switch ON" in await app.slash("pause-all", user=JORGE)
    await app.click("approve_reply", escalation_id, JORGE)
    await until(lambda: any("kill switch" in c.get("text", "") for c in app.slack.called("chat.postEphemeral")))
    assert "kill switch" in await app.slash(f"reply {lead} Hi, Maria here")
    thread = await until(lambda: app.store.get(lead))
    assert thread.slack_thread
    await app.thread_message(thread.slack_thread, "send: Hi, it's Jorge")
    await until(lambda: any("kill switch" in c.get("text", "") for c in app.slack.called("chat.postMessage")
                            if c.get("thread_ts") == thread.slack_thread))  # fmt: skip
    await app.idle()
    assert len(app.twilio.to(lead)) == 1  # the holding reply only
    assert "Kill switch off" in await app.slash("resume-all", user=JORGE)
    await app.click("approve_reply", escalation_id, JORGE)  # the held draft is still there to approve
    assert len(await app.texts(lead, 2)) == 2


# 10 -------------------------------------------------------------------------------------------


async def test_10_only_an_approver_releases_a_held_lead(app: Running) -> None:
    lead, escalation_id = await escalated(app)
    assert "approver" in await app.slash(f"resume {lead}", user=MARIA)
    held = await app.store.get(lead)
    assert held is not None and held.pending_escalation == escalation_id
    await app.sms(lead, "any update?")
    await app.idle()
    assert len(app.twilio.to(lead)) == 1  # still held: no unapproved answer
    assert "released" in (await app.slash(f"resume {lead}", user=JORGE)).lower()
    await until(lambda: any("Released to the bot" in text for text in decided(app, lead)))
    await app.click("approve_reply", escalation_id, JORGE)  # the stale draft is not sent later
    await until(lambda: any("Already" in c.get("text", "") for c in app.slack.called("chat.postEphemeral")))
    await app.idle()
    assert all(OFFER not in sms.body and "counter" not in sms.body.lower() for sms in app.twilio.to(lead)[1:])


# 11 -------------------------------------------------------------------------------------------


async def test_11_a_slow_jorge_command_is_acknowledged_at_once_and_answered_after(app: Running) -> None:
    lead = new_phone()
    await app.sms(lead, "Looking for a 3 bed in Ontario around 600k")
    await app.texts(lead)
    await app.idle()
    gate = app.slack.hold("chat.postMessage")  # Slack is slow: the handoff's context packet waits
    try:
        first = await app.slash(f"handoff {lead} @Sofia wants a call after 5", response_url=app.slack.response_url)
        assert first == "Working on it…"
    finally:
        gate.set()
    answer = await until(lambda: app.slack.called("response_url"))
    assert "Handed" in answer[0]["text"]


# 12 -------------------------------------------------------------------------------------------


async def test_12_a_twilio_error_that_quotes_the_number_is_logged_masked(
    app: Running, caplog: pytest.LogCaptureFixture
) -> None:
    lead = new_phone()
    app.twilio.fail(lead, 400, 21211)  # "The 'To' number +1909... is not a valid phone number."
    with caplog.at_level(logging.INFO):
        await app.sms(lead, "hi")
        await until(lambda: any(a.get("To") == lead for a in app.twilio.attempts))
        await app.idle()
    written = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    assert lead[5:] not in written and lead[:5] in written


async def test_12_metrics_show_names_and_money_only_with_the_token(app: Running) -> None:
    public = (await app.client.get("/metrics")).text
    assert "jorge_inbound" in public or "jorge_" in public
    assert "Maria Lopez" not in public and "commission" not in public
    private = await app.client.get("/metrics", headers={"Authorization": f"Bearer {app.settings.jorge_api_token}"})
    assert "Maria Lopez" in private.text


async def test_12_readyz_says_down_without_internals() -> None:
    dead = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", decode_responses=True)
    web = FastAPI()
    web.include_router(health_router(dead))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://t") as client:
        response = await client.get("/readyz")
    assert response.status_code == 503 and response.json() == {"status": "unavailable", "redis": "down"}
    await dead.aclose()


async def test_12_dry_run_takes_unsigned_texts_only_from_a_real_loopback_peer(prefix: str) -> None:
    app = create_app(load_settings(jorge_namespace=prefix))  # no Twilio: dry-run, embedded Redis
    form = {"From": "+19095550177", "MessageSid": new_sid(), "Body": "hi"}
    async with LifespanManager(app) as manager:
        local = httpx.ASGITransport(app=manager.app, client=("127.0.0.1", 5000))
        async with httpx.AsyncClient(transport=local, base_url="http://127.0.0.1:8000") as client:
            forwarded = await client.post("/twilio/sms", data=form, headers={"X-Forwarded-For": "127.0.0.1"})
            assert forwarded.status_code == 403
            assert (await client.post("/twilio/sms", data=form)).status_code == 200
        remote = httpx.ASGITransport(app=manager.app, client=("203.0.113.9", 5000))
        async with httpx.AsyncClient(transport=remote, base_url="http://127.0.0.1:8000") as client:
            assert (await client.post("/twilio/sms", data={**form, "MessageSid": new_sid()})).status_code == 403


# 13 -------------------------------------------------------------------------------------------


async def test_13_retention_forgets_old_conversations_and_keeps_opt_outs(
    redis_url: str, prefix: str, twilio: FakeTwilio, slack: FakeSlack
) -> None:
    async with running(redis_url, prefix, twilio, slack, jorge_retention="30d") as app:
        old, opted_out, recent = new_phone(), new_phone(), new_phone()
        for phone, text in ((old, "Is the water in Fontana hard or soft?"), (opted_out, "STOP"), (recent, "hi")):
            await app.sms(phone, text)
            await app.texts(phone)
        await app.idle()
        await app.stop_worker()
        tasks = await app.store.tasks(old)
        assert tasks  # a question the knowledge cannot answer is a task for a person
        index = app.store.index_key
        month_ago = (now() - timedelta(days=31)).timestamp()
        await app.redis.zadd(index, {old: month_ago, opted_out: month_ago})
        services = build(app.settings, sender=DryRunSender())
        await sweep(JobContext(services, LocalQueue()))
        await services.redis.aclose()
        assert await app.store.get(old) is None and await app.store.messages(old) == []
        for task in tasks:
            assert await app.store.task(task.id) is None
        kept = await app.store.get(opted_out)
        assert kept is not None and kept.opted_out and await app.store.messages(opted_out) == []
        assert await app.store.get(recent) is not None and len(await app.store.messages(recent)) == 2
        assert [key async for key in app.redis.scan_iter(match=f"{app.store.lead_key(old)}*")] == []
