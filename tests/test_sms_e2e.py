"""End to end: the real app (uvicorn), real Redis, real arq workers, and the real twilio SDK
talking to a fake Twilio REST server on 127.0.0.1. Webhooks are signed as Twilio signs them."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.fake_twilio import FakeTwilio
from tests.support.processes import free_port
from tests.support.product import FROM_NUMBER, Product, new_sid
from tests.support.redis_server import start_redis


@pytest.fixture
def product(redis_url: str, twilio: FakeTwilio, tmp_path: Path) -> Iterator[Product]:
    running = Product(redis_url=redis_url, logs=tmp_path, twilio=twilio).start_web()
    running.start_worker()
    yield running
    running.stop()


def phone() -> str:
    return "+1909" + str(time.time_ns())[-7:]


def test_a_signed_text_gets_a_reply_through_the_twilio_sdk(product: Product) -> None:
    lead = phone()
    started = time.monotonic()
    response = product.post_sms(lead, "Hi, looking for a 3 bed in Fontana under 550k")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert response.text == '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    assert time.monotonic() - started < 1.0
    (sms,) = product.wait_for_sms(lead)
    assert sms.from_ == FROM_NUMBER and "assistant" in sms.body and "STOP" in sms.body
    assert sms.status_callback == f"{product.base_url}/twilio/status"

    data = product.lead_json(lead)
    assert data["phone"] == lead and data["persona"] == "buyer_specialist" and data["opted_out"] is False
    assert [m["direction"] for m in data["messages"]] == ["in", "out"]
    out = data["messages"][1]
    assert out["body"] == sms.body and out["decision"]["market"] == "fontana"

    assert product.post_status(sms.sid, "delivered").status_code == 204
    assert product.post_status(sms.sid, "sent").status_code == 204  # late, earlier status
    assert product.lead_json(lead)["messages"][1]["status"] == "delivered"


def test_a_bad_signature_is_refused_and_nothing_is_stored(product: Product) -> None:
    lead = phone()
    params = {"From": lead, "Body": "hello", "MessageSid": new_sid()}
    wrong = product.signed("/twilio/sms", params, token="not-the-token")
    assert httpx.post(product.base_url + "/twilio/sms", data=params, headers=wrong).status_code == 403
    assert product.post_sms(lead, "hello", sign=False).status_code == 403
    tampered = product.signed("/twilio/sms", params)
    params["Body"] = "hello, changed"
    assert httpx.post(product.base_url + "/twilio/sms", data=params, headers=tampered).status_code == 403
    assert product.lead(lead).status_code == 404
    product.settle(1.0)
    assert product.twilio.to(lead) == []


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
def test_bad_input_gets_a_clear_400_and_changes_nothing(product: Product, params: dict[str, str], problem: str) -> None:
    params = {"MessageSid": new_sid(), "Unexpected": "field", **params}
    response = httpx.post(product.base_url + "/twilio/sms", data=params, headers=product.signed("/twilio/sms", params))
    assert response.status_code == 400 and problem in response.json()["error"]
    if params.get("From", "").startswith("+"):
        assert product.lead(params["From"]).status_code == 404


def test_a_body_that_is_not_a_form_is_refused(product: Product) -> None:
    url = product.base_url + "/twilio/sms"
    response = httpx.post(url, content=b"\xff\xfe{}", headers={"Content-Type": "text/plain"})
    assert response.status_code == 400
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert httpx.post(url, content=b"Body=" + b"x" * 70_000, headers=form).status_code == 413  # over 64 KB
    assert httpx.post(url, content=b"From=%2B1&Body=\xe9t\xe9", headers=form).status_code == 400  # not UTF-8
    assert httpx.get(url).status_code == 405


def test_odd_encodings_are_stored_not_crashed_on(product: Product) -> None:
    lead = phone()
    assert product.post_sms(lead, "¿Casa en Ontario? 🏡 ñandú — “3 recámaras”").status_code == 200
    product.wait_for_sms(lead)
    assert product.lead_json(lead)["messages"][0]["body"] == "¿Casa en Ontario? 🏡 ñandú — “3 recámaras”"


def test_a_replayed_message_sid_is_answered_once(product: Product) -> None:
    lead, sid = phone(), new_sid()
    assert product.post_sms(lead, "Is the Haven Ave house still for sale?", sid=sid).status_code == 200
    assert product.post_sms(lead, "Is the Haven Ave house still for sale?", sid=sid).status_code == 200
    product.wait_for_sms(lead)
    product.settle()
    assert len(product.twilio.to(lead)) == 1
    assert [m["direction"] for m in product.lead_json(lead)["messages"]] == ["in", "out"]


def test_stop_then_nothing_until_start(product: Product) -> None:
    lead = phone()
    product.post_sms(lead, "STOP")
    (confirmation,) = product.wait_for_sms(lead)
    assert "START" in confirmation.body
    product.post_sms(lead, "Actually, is the Upland house still available?")
    product.settle()
    assert len(product.twilio.to(lead)) == 1
    assert product.lead_json(lead)["opted_out"] is True

    product.post_sms(lead, "START")
    product.wait_for_sms(lead, 2)
    product.post_sms(lead, "Is the Upland house still available?")
    replies = product.wait_for_sms(lead, 3)
    assert product.lead_json(lead)["opted_out"] is False and "available" in replies[-1].body


def test_twilio_advanced_opt_out_is_honoured_without_a_second_confirmation(product: Product) -> None:
    lead = phone()
    product.post_sms(lead, "Stop please", OptOutType="STOP")
    product.settle()
    assert product.twilio.to(lead) == []
    assert product.lead_json(lead)["opted_out"] is True


def test_a_photo_only_message_gets_a_sensible_reply(product: Product) -> None:
    lead = phone()
    media = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
    assert product.post_sms(lead, "", NumMedia="1", MediaUrl0=media, MediaContentType0="image/jpeg").status_code == 200
    (sms,) = product.wait_for_sms(lead)
    assert "photo" in sms.body
    assert product.lead_json(lead)["messages"][0]["media"] == [media]


def test_error_21610_marks_the_lead_opted_out_and_is_not_retried(product: Product) -> None:
    lead = phone()
    product.twilio.fail(lead, 400, 21610)
    product.post_sms(lead, "Hi, any 3 bed homes in Ontario?")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not product.lead_json(lead)["opted_out"]:
        time.sleep(0.1)
    product.settle()
    assert product.lead_json(lead)["opted_out"] is True
    assert sum(a["To"] == lead for a in product.twilio.attempts) == 1
    assert product.lead_json(lead)["messages"][-1]["status"] == "failed"


def test_a_twilio_500_then_success_sends_exactly_one_sms(product: Product) -> None:
    lead = phone()
    product.twilio.fail(lead, 500, 20500, times=2)
    product.post_sms(lead, "What's the market like in Upland?")
    product.wait_for_sms(lead, seconds=20)
    product.settle(2.0)
    assert len(product.twilio.to(lead)) == 1
    assert sum(a["To"] == lead for a in product.twilio.attempts) == 3


def test_two_workers_and_a_burst_of_five_texts_get_one_reply(
    redis_url: str, twilio: FakeTwilio, tmp_path: Path
) -> None:
    product = Product(redis_url, tmp_path, twilio, extra_env={"JORGE_COALESCE_WINDOW": "1500ms"}).start_web()
    product.start_worker()
    product.start_worker()
    try:
        lead = phone()
        for text in ["Hi!", "We're looking in Chino Hills", "4 bedrooms", "up to 900k", "pre-approved already"]:
            assert product.post_sms(lead, text).status_code == 200
        (sms,) = product.wait_for_sms(lead)
        product.settle(3.0)
        assert len(product.twilio.to(lead)) == 1
        data = product.lead_json(lead)
        assert [m["body"] for m in data["messages"] if m["direction"] == "in"][-1] == "pre-approved already"
        assert data["messages"][-1]["direction"] == "out"
        decision = data["messages"][-1]["decision"]
        assert decision["market"] == "chino_hills" and decision["facts"]["bedrooms"] == 4
        assert decision["facts"]["price"] == 900_000 and decision["facts"]["preapproved"] is True
        assert "Chino Hills" in sms.body
    finally:
        product.stop()


def test_the_json_api_needs_its_token(product: Product) -> None:
    lead = phone()
    product.post_sms(lead, "hello")
    product.wait_for_sms(lead)
    url = f"{product.base_url}/api/leads"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
    listing = httpx.get(url, headers={"Authorization": "Bearer test-api-token"})
    assert listing.status_code == 200 and lead in [item["phone"] for item in listing.json()["leads"]]
    assert product.lead("+19990000000").status_code == 404


def test_health_and_readiness(product: Product) -> None:
    assert httpx.get(product.base_url + "/healthz").json() == {"status": "ok"}
    assert httpx.get(product.base_url + "/readyz").status_code == 200
    assert "jorge_inbound_messages" in httpx.get(product.base_url + "/metrics").text


def test_logs_hold_no_full_phone_number_or_message_body(product: Product) -> None:
    lead = phone()
    product.post_sms(lead, "my secret budget is 777k in Upland")
    product.wait_for_sms(lead)
    product.stop()
    logs = "".join(p.output() for p in [*product.workers, product.web] if p)
    assert lead not in logs and "secret budget" not in logs


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server to restart one")
def test_redis_restarted_between_webhook_and_job_loses_no_inbound(twilio: FakeTwilio, tmp_path: Path) -> None:
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    durable = ("--appendonly", "yes", "--appendfsync", "always")
    server = start_redis(port, str(tmp_path), *durable)
    product = Product(url, tmp_path, twilio).start_web()
    try:
        lead, later = phone(), phone()
        assert product.post_sms(lead, "Any condos in Ontario under 500k?").status_code == 200
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
        (sms,) = product.wait_for_sms(lead, seconds=20)
        assert "Ontario" in sms.body
        assert product.lead_json(lead)["messages"][0]["body"] == "Any condos in Ontario under 500k?"
        assert len(product.wait_for_sms(later, seconds=20)) == 1
    finally:
        product.stop()
        server.terminate()
        server.wait(10)


def test_a_worker_outlives_a_redis_restart_and_answers_after_it(twilio: FakeTwilio, tmp_path: Path) -> None:
    port = free_port()
    durable = ("--appendonly", "yes", "--appendfsync", "always")
    server = start_redis(port, str(tmp_path), *durable)
    product = Product(f"redis://127.0.0.1:{port}/0", tmp_path, twilio).start_web()
    worker = product.start_worker()
    try:
        before, after = phone(), phone()
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
