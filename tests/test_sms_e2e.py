"""End to end over SMS: the web app and an arq worker in the test's event loop (tests/support/inprocess.py),
real Redis, and the real twilio SDK talking to a fake Twilio REST server on 127.0.0.1. Webhooks are signed
as Twilio signs them. What only real processes prove stays on real ones (tests/support/product.py): a text
through `jorge serve` (uvicorn) and `jorge worker`, two workers sharing a burst, and Redis restarting under
the web app and under a worker."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import redis
from twilio.request_validator import RequestValidator

from bot.telemetry.logs import JsonFormatter
from tests.support.fake_slack import FakeSlack
from tests.support.fake_twilio import AUTH_TOKEN, FakeTwilio
from tests.support.inprocess import API_TOKEN, BASE_URL, FROM_NUMBER, Running, new_phone, new_sid, running, until
from tests.support.processes import free_port
from tests.support.product import Product
from tests.support.redis_server import start_redis

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


@pytest.fixture
async def app(redis_url: str, prefix: str, twilio: FakeTwilio, slack: FakeSlack) -> AsyncIterator[Running]:
    async with running(redis_url, prefix, twilio, slack) as product:
        yield product


def signed(path: str, params: dict[str, str], token: str = AUTH_TOKEN) -> dict[str, str]:
    """X-Twilio-Signature as Twilio computes it, over the public URL and the form."""
    return {"X-Twilio-Signature": RequestValidator(token).compute_signature(BASE_URL + path, params)}


async def lead(app: Running, phone: str) -> httpx.Response:
    return await app.client.get(f"/api/leads/{quote(phone, safe='')}", headers=AUTH)


async def lead_json(app: Running, phone: str) -> dict[str, Any]:
    response = await lead(app, phone)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


# In process ------------------------------------------------------------------------------------


async def test_a_bad_signature_is_refused_and_nothing_is_stored(app: Running) -> None:
    phone = new_phone()
    params = {"From": phone, "Body": "hello", "MessageSid": new_sid()}
    wrong = signed("/twilio/sms", params, token="not-the-token")
    assert (await app.client.post("/twilio/sms", data=params, headers=wrong)).status_code == 403
    assert (await app.client.post("/twilio/sms", data=params)).status_code == 403  # unsigned
    tampered = signed("/twilio/sms", params)
    params["Body"] = "hello, changed"
    assert (await app.client.post("/twilio/sms", data=params, headers=tampered)).status_code == 403
    assert (await lead(app, phone)).status_code == 404
    await app.idle()
    assert app.twilio.to(phone) == []


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"Body": "no sender"}, "From"),
        ({"From": "not-a-number", "Body": "hi"}, "From"),
        ({"From": "+19095551234", "Body": "x" * 1601}, "1600"),
        ({"From": "+19095551234"}, "Body"),
        ({"From": "+19095551234", "Body": "hi", "NumMedia": "many"}, "NumMedia"),
    ],
)
async def test_bad_input_gets_a_clear_400_and_changes_nothing(
    app: Running, params: dict[str, str], problem: str
) -> None:
    params = {"MessageSid": new_sid(), "Unexpected": "field", **params}
    response = await app.client.post("/twilio/sms", data=params, headers=signed("/twilio/sms", params))
    assert response.status_code == 400 and problem in response.json()["error"]
    if params.get("From", "").startswith("+"):
        assert (await lead(app, params["From"])).status_code == 404


async def test_a_body_that_is_not_a_form_is_refused(app: Running) -> None:
    client = app.client
    response = await client.post("/twilio/sms", content=b"\xff\xfe{}", headers={"Content-Type": "text/plain"})
    assert response.status_code == 400
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert (await client.post("/twilio/sms", content=b"Body=" + b"x" * 70_000, headers=form)).status_code == 413
    assert (await client.post("/twilio/sms", content=b"From=%2B1&Body=\xe9t\xe9", headers=form)).status_code == 400
    assert (await client.get("/twilio/sms")).status_code == 405


async def test_odd_encodings_are_stored_not_crashed_on(app: Running) -> None:
    phone = new_phone()
    assert (await app.sms(phone, "¿Casa en Ontario? 🏡 ñandú — “3 recámaras”")).status_code == 200
    await app.texts(phone)
    assert (await lead_json(app, phone))["messages"][0]["body"] == "¿Casa en Ontario? 🏡 ñandú — “3 recámaras”"


async def test_a_replayed_message_sid_is_answered_once(app: Running) -> None:
    phone, sid = new_phone(), new_sid()
    assert (await app.sms(phone, "Is the Haven Ave house still for sale?", MessageSid=sid)).status_code == 200
    assert (await app.sms(phone, "Is the Haven Ave house still for sale?", MessageSid=sid)).status_code == 200
    await app.texts(phone)
    await app.idle()
    assert len(app.twilio.to(phone)) == 1
    assert [m["direction"] for m in (await lead_json(app, phone))["messages"]] == ["in", "out"]


async def test_stop_then_nothing_until_start(app: Running) -> None:
    phone = new_phone()
    await app.sms(phone, "STOP")
    (confirmation,) = await app.texts(phone)
    assert "START" in confirmation
    await app.sms(phone, "Actually, is the Upland house still available?")
    await app.idle()
    assert len(app.twilio.to(phone)) == 1
    assert (await lead_json(app, phone))["opted_out"] is True

    await app.sms(phone, "START")
    await app.texts(phone, 2)
    await app.sms(phone, "Is the Upland house still available?")
    replies = await app.texts(phone, 3)
    assert (await lead_json(app, phone))["opted_out"] is False and "available" in replies[-1]


async def test_twilio_advanced_opt_out_is_honoured_without_a_second_confirmation(app: Running) -> None:
    phone = new_phone()
    await app.sms(phone, "Stop please", OptOutType="STOP")
    await app.idle()
    assert app.twilio.to(phone) == []
    assert (await lead_json(app, phone))["opted_out"] is True


async def test_a_photo_only_message_gets_a_sensible_reply(app: Running) -> None:
    phone = new_phone()
    media = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
    response = await app.sms(phone, "", NumMedia="1", MediaUrl0=media, MediaContentType0="image/jpeg")
    assert response.status_code == 200
    (sms,) = await app.texts(phone)
    assert "photo" in sms
    assert (await lead_json(app, phone))["messages"][0]["media"] == [media]


async def test_error_21610_marks_the_lead_opted_out_and_is_not_retried(app: Running) -> None:
    phone = new_phone()
    app.twilio.fail(phone, 400, 21610)
    await app.sms(phone, "Hi, any 3 bed homes in Ontario?")

    async def opted_out() -> bool:
        return bool((await lead_json(app, phone))["opted_out"])

    await until(opted_out, seconds=10)
    await app.idle()
    assert (await lead_json(app, phone))["opted_out"] is True
    assert sum(a["To"] == phone for a in app.twilio.attempts) == 1
    assert (await lead_json(app, phone))["messages"][-1]["status"] == "failed"


async def test_a_twilio_500_then_success_sends_exactly_one_sms(app: Running) -> None:
    phone = new_phone()
    app.twilio.fail(phone, 500, 20500, times=2)
    await app.sms(phone, "What's the market like in Upland?")
    await until(lambda: app.twilio.to(phone), seconds=20)
    await app.idle()
    assert len(app.twilio.to(phone)) == 1
    assert sum(a["To"] == phone for a in app.twilio.attempts) == 3


async def test_the_json_api_needs_its_token(app: Running) -> None:
    phone = new_phone()
    await app.sms(phone, "hello")
    await app.texts(phone)
    assert (await app.client.get("/api/leads")).status_code == 401
    assert (await app.client.get("/api/leads", headers={"Authorization": "Bearer wrong"})).status_code == 401
    listing = await app.client.get("/api/leads", headers=AUTH)
    assert listing.status_code == 200 and phone in [item["phone"] for item in listing.json()["leads"]]
    assert (await lead(app, "+19990000000")).status_code == 404


async def test_health_and_readiness(app: Running) -> None:
    assert (await app.client.get("/healthz")).json() == {"status": "ok"}
    assert (await app.client.get("/readyz")).status_code == 200
    assert "jorge_inbound_messages" in (await app.client.get("/metrics")).text


async def test_logs_hold_no_full_phone_number_or_message_body(
    app: Running, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    phone = new_phone()
    with caplog.at_level(logging.INFO):
        await app.sms(phone, "my secret budget is 777k in Upland")
        await app.texts(phone)
        await app.idle()
    logs = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    printed = capsys.readouterr()
    assert f"{phone[:5]}***{phone[-4:]}" in logs  # the lead's text and reply were logged, masked
    assert phone not in logs and "secret budget" not in logs
    assert phone not in printed.out + printed.err and "secret budget" not in printed.out + printed.err


# Real processes --------------------------------------------------------------------------------


def now_ms() -> float:
    return time.time() * 1000


def wait_until_nothing_due_for(product: Product, phone: str, sids: list[str], seconds: float = 30.0) -> None:
    """Until no job that could answer `phone` is due or running (as Running.idle, across processes): its
    texts' jobs (`in:<MessageSid>`) and the follow-on answers, rescues and deliveries made for it. arq keeps
    a running job in the queue at the score it was due, and moves one that waits for a retry to when that is."""
    ours = {f"in:{sid}" for sid in sids}
    follow_on = (f"next:{phone}:", f"rescue:{phone}:", f"deliver:{phone}:")
    queue, deadline = f"{product.namespace}:queue", time.monotonic() + seconds
    with redis.Redis.from_url(product.redis_url, decode_responses=True) as client:
        while any(job in ours or job.startswith(follow_on) for job in client.zrangebyscore(queue, 0, now_ms())):
            assert time.monotonic() < deadline, f"jobs for {phone} still due after {seconds} s"
            time.sleep(0.05)


def test_a_signed_text_gets_a_reply_through_the_twilio_sdk(redis_url: str, twilio: FakeTwilio, tmp_path: Path) -> None:
    """`jorge serve` (uvicorn) takes a signed text before any worker runs (the webhook does not wait
    for the answer); a `jorge worker` started after answers it through the twilio SDK."""
    product = Product(redis_url=redis_url, logs=tmp_path, twilio=twilio).start_web()
    try:
        phone = new_phone()
        response = product.post_sms(phone, "Hi, looking for a 3 bed in Fontana under 550k")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/xml")
        assert response.text == '<?xml version="1.0" encoding="UTF-8"?><Response/>'
        assert [m["direction"] for m in product.lead_json(phone)["messages"]] == ["in"]
        product.start_worker()
        (sms,) = product.wait_for_sms(phone)
        assert sms.from_ == FROM_NUMBER and "assistant" in sms.body and "STOP" in sms.body
        assert sms.status_callback == f"{product.base_url}/twilio/status"

        data = product.lead_json(phone)
        assert data["phone"] == phone and data["persona"] == "buyer_specialist" and data["opted_out"] is False
        assert [m["direction"] for m in data["messages"]] == ["in", "out"]
        out = data["messages"][1]
        assert out["body"] == sms.body and out["decision"]["market"] == "fontana"

        assert product.post_status(sms.sid, "delivered").status_code == 204
        assert product.post_status(sms.sid, "sent").status_code == 204  # late, earlier status
        assert product.lead_json(phone)["messages"][1]["status"] == "delivered"
    finally:
        product.stop()


def test_two_workers_and_a_burst_of_five_texts_get_one_reply(
    redis_url: str, twilio: FakeTwilio, tmp_path: Path
) -> None:
    product = Product(redis_url, tmp_path, twilio, extra_env={"JORGE_COALESCE_WINDOW": "1500ms"}).start(workers=2)
    try:
        phone, sids = new_phone(), [new_sid() for _ in range(5)]
        texts = ["Hi!", "We're looking in Chino Hills", "4 bedrooms", "up to 900k", "pre-approved already"]
        for text, sid in zip(texts, sids, strict=True):
            assert product.post_sms(phone, text, sid=sid).status_code == 200
        (sms,) = product.wait_for_sms(phone)
        wait_until_nothing_due_for(product, phone, sids)  # nothing left that could answer now
        assert len(product.twilio.to(phone)) == 1
        data = product.lead_json(phone)
        assert [m["body"] for m in data["messages"] if m["direction"] == "in"][-1] == "pre-approved already"
        assert data["messages"][-1]["direction"] == "out"
        decision = data["messages"][-1]["decision"]
        assert decision["market"] == "chino_hills" and decision["facts"]["bedrooms"] == 4
        assert decision["facts"]["price"] == 900_000 and decision["facts"]["preapproved"] is True
        assert "Chino Hills" in sms.body
    finally:
        product.stop()


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server to restart one")
def test_redis_restarted_between_webhook_and_job_loses_no_inbound(twilio: FakeTwilio, tmp_path: Path) -> None:
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    durable = ("--appendonly", "yes", "--appendfsync", "always")
    server = start_redis(port, str(tmp_path), *durable)
    product = Product(url, tmp_path, twilio).start_web()
    try:
        phone, later = new_phone(), new_phone()
        assert product.post_sms(phone, "Any condos in Ontario under 500k?").status_code == 200
        server.terminate()
        server.wait(10)
        # Redis down: the webhook says so (Twilio records the failure) rather than taking the text.
        sid = new_sid()
        down = product.post_sms(later, "Still looking in Fontana", sid=sid)
        assert down.status_code == 503 and "could not be stored" in down.json()["error"]
        server = start_redis(port, str(tmp_path), *durable)  # the AOF brings back the text and its queued job
        assert product.lead(later).status_code == 404  # nothing half-written while it was down
        # Sent again once Redis is back (a new connection, the script cache empty): stored and answered.
        assert product.post_sms(later, "Still looking in Fontana", sid=sid).status_code == 200
        product.start_worker()
        (sms,) = product.wait_for_sms(phone, seconds=20)
        assert "Ontario" in sms.body
        assert product.lead_json(phone)["messages"][0]["body"] == "Any condos in Ontario under 500k?"
        assert len(product.wait_for_sms(later, seconds=20)) == 1
    finally:
        product.stop()
        server.terminate()
        server.wait(10)


def test_a_worker_outlives_a_redis_restart_and_answers_after_it(twilio: FakeTwilio, tmp_path: Path) -> None:
    port = free_port()
    durable = ("--appendonly", "yes", "--appendfsync", "always")
    server = start_redis(port, str(tmp_path), *durable)
    product = Product(f"redis://127.0.0.1:{port}/0", tmp_path, twilio).start(workers=1)
    (worker,) = product.workers
    try:
        before, after = new_phone(), new_phone()
        assert product.post_sms(before, "Any condos in Ontario under 500k?").status_code == 200
        product.wait_for_sms(before)
        server.kill()  # Redis crashes under a running worker
        server.wait(10)
        server = start_redis(port, str(tmp_path), *durable)
        assert product.post_sms(after, "Still looking in Fontana").status_code == 200
        assert "Fontana" in product.wait_for_sms(after, seconds=40)[0].body
        assert worker.popen.poll() is None  # it did not exit: it reconnected
        assert len(twilio.to(before)) == 1
    finally:
        product.stop()
        server.terminate()
        server.wait(10)
