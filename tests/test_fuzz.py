"""Random and malformed requests on every route (issue 12, finding 7): nothing unauthenticated gets
a 5xx, nothing signed but malformed does either, and bodies are bounded. Hypothesis drives the
product in this event loop (tests/support/inprocess.py) on real Redis; an exception inside the app
would surface here, since httpx's ASGITransport raises what the app raises."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from tests.support.fake_slack import FakeSlack
from tests.support.fake_twilio import AUTH_TOKEN, FakeTwilio
from tests.support.inprocess import API_TOKEN, BASE_URL, Running, running, slack_signature

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
KINDS = ["block_actions", "view_submission", "view_closed", "shortcut", "message_action", "block_suggestion",
         "event_callback", "url_verification", "interactive_message", ""]  # fmt: skip
ACTIONS = ["approve_reply", "edit_reply", "take_over", "claim_lead", "task_done", "unknown"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


@pytest.fixture
async def app(redis_url: str, prefix: str, twilio: FakeTwilio, slack: FakeSlack) -> AsyncIterator[Running]:
    async with running(redis_url, prefix, twilio, slack, worker=False) as product:
        yield product


def _slack_payload() -> st.SearchStrategy[dict[str, object]]:
    """Payloads shaped like Slack's, with holes and wrong types where the real ones have values."""
    action = st.fixed_dictionaries(
        {"action_id": st.sampled_from(ACTIONS), "value": st.text(max_size=12) | json_values},
        optional={"block_id": st.text(max_size=12)},
    )
    return st.fixed_dictionaries(
        {"type": st.sampled_from(KINDS)},
        optional={
            "user": st.fixed_dictionaries({}, optional={"id": st.text(max_size=12) | json_values}) | json_values,
            "actions": st.lists(action, max_size=2) | json_values,
            "view": st.fixed_dictionaries(
                {},
                optional={
                    "callback_id": st.sampled_from(["edit_reply_modal", "other"]),
                    "private_metadata": st.text(max_size=12) | json_values,
                    "state": json_values,
                },
            )
            | json_values,
            "container": json_values,
            "channel": json_values,
            "trigger_id": st.text(max_size=8),
        },
    )


def _slack_bodies() -> st.SearchStrategy[tuple[bytes, str]]:
    """Bodies as Slack sends them (forms with a payload, slash commands, event JSON) and junk."""
    form, as_json = "application/x-www-form-urlencoded", "application/json"
    payloads = _slack_payload().map(lambda p: (urlencode({"payload": json.dumps(p)}).encode(), form))
    raw_payloads = st.text(max_size=40).map(lambda t: (urlencode({"payload": t}).encode(), form))
    fields = st.sampled_from(["command", "text", "user_id", "response_url", "channel_id"])
    commands = st.dictionaries(fields, st.text(max_size=30), max_size=5).map(lambda d: (urlencode(d).encode(), form))
    events = json_values.map(lambda v: (json.dumps(v).encode(), as_json))
    callbacks = st.fixed_dictionaries(
        {"type": st.sampled_from(["event_callback", "url_verification"])},
        optional={"event": json_values, "event_id": json_values, "challenge": json_values},
    ).map(lambda v: (json.dumps(v).encode(), as_json))
    junk = st.tuples(st.binary(max_size=300), st.sampled_from([as_json, form, "text/plain", ""]))
    return payloads | raw_payloads | commands | events | callbacks | junk


@FUZZ
@given(body=_slack_bodies(), timestamp=st.text(max_size=12), signature=st.text(max_size=70))
async def test_unsigned_slack_requests_get_401(
    app: Running, body: tuple[bytes, str], timestamp: str, signature: str
) -> None:
    raw, content_type = body
    given = {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}
    headers = {k: v.encode("utf-8", "surrogatepass") for k, v in given.items()}  # any bytes, as a client may send
    response = await app.client.post("/slack/events", content=raw, headers=headers)
    assert response.status_code == 401


@FUZZ
@given(body=_slack_bodies())
@example(body=(b'{"type": "url_verification", "event": null, "challenge": ""}', "application/json"))  # found by it
@example(body=(b'{"type": "app_rate_limited", "event": null}', "application/json"))
async def test_signed_but_malformed_slack_requests_get_no_5xx(app: Running, body: tuple[bytes, str]) -> None:
    raw, content_type = body
    ts = str(int(time.time()))
    signature = slack_signature(ts, raw)
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}
    response = await app.client.post("/slack/events", content=raw, headers=headers)
    assert response.status_code < 500, response.text


twilio_forms = st.dictionaries(
    st.sampled_from(["From", "To", "Body", "MessageSid", "SmsSid", "NumMedia", "MediaUrl0", "OptOutType",
                     "MessageStatus", "ErrorCode", "AccountSid"]) | st.text(max_size=8),
    st.text(max_size=40), max_size=8,
)  # fmt: skip


@FUZZ
@given(path=st.sampled_from(["/twilio/sms", "/twilio/status"]), form=twilio_forms, signed=st.booleans(),
       raw=st.none() | st.binary(max_size=200))  # fmt: skip
async def test_twilio_webhooks_refuse_what_they_cannot_use_without_a_5xx(
    app: Running, path: str, form: dict[str, str], signed: bool, raw: bytes | None
) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signed:
        headers["X-Twilio-Signature"] = RequestValidator(AUTH_TOKEN).compute_signature(BASE_URL + path, form)
    if raw is not None:
        response = await app.client.post(path, content=raw, headers=headers)
    else:
        response = await app.client.post(path, content=urlencode(form).encode(), headers=headers)
    assert response.status_code < 500, response.text
    if not signed:
        assert response.status_code in (400, 403)


@FUZZ
@given(token=st.binary(max_size=40), phone=st.text(max_size=20))
async def test_the_api_refuses_bad_tokens_without_a_5xx(app: Running, token: bytes, phone: str) -> None:
    header = b"Bearer " + token.replace(b"\r", b"").replace(b"\n", b"")
    response = await app.client.get("/api/leads", headers={"Authorization": header})
    assert response.status_code == (200 if token.strip() == API_TOKEN.encode() else 401)
    lead = await app.client.get(f"/api/leads/{quote(phone, safe='')}", headers={"Authorization": f"Bearer {API_TOKEN}"})
    assert lead.status_code < 500


@pytest.mark.parametrize("path", ["/slack/events", "/api/leads", "/healthz", "/metrics", "/twilio/sms", "/nowhere"])
async def test_every_route_bounds_its_body(app: Running, path: str) -> None:
    async def chunks() -> AsyncIterator[bytes]:  # streamed without a length, as a client may
        for _ in range(64):
            yield b"x" * 65536

    declared = await app.client.post(path, content=b"x" * (5 * 1024 * 1024))
    streamed = await app.client.post(path, content=chunks())
    assert declared.status_code == streamed.status_code == 413


@pytest.mark.parametrize(
    ("body", "content_type", "timestamp"),
    [
        (b"payload=notjson", "application/x-www-form-urlencoded", None),
        (b"payload=%5Bnull%5D", "application/x-www-form-urlencoded", None),
        (b"{", "application/json", None),
        (b"\xff\xfe\xfd", "application/x-www-form-urlencoded", None),
        (b"command=%2Fjorge&text=help", "application/x-www-form-urlencoded", "soon"),
    ],
)
async def test_the_garbage_from_the_report_gets_a_4xx(
    app: Running, body: bytes, content_type: str, timestamp: str | None
) -> None:
    ts = timestamp or str(int(time.time()))
    signature = slack_signature(ts, body)
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}
    signed = await app.client.post("/slack/events", content=body, headers=headers)
    unsigned = await app.client.post("/slack/events", content=body, headers={"Content-Type": content_type})
    assert 400 <= signed.status_code < 500 and unsigned.status_code == 401
