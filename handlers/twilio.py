"""Twilio webhooks: a form-encoded request becomes an InboundSms or a DeliveryStatus.

Signature first; then the form is read into a typed event, or refused with a clear 400.
The answer to an inbound text is an empty TwiML <Response/>: the reply goes out from a job.

The two webhooks are plain ASGI, in front of the FastAPI routes: they are the product's hot path
(every text a lead sends, every delivery status), and FastAPI's request handling (matching every
route, solving dependencies, Request and Response objects) cost more than the webhook's own work.
Everything else (Slack, the JSON API, health) stays on FastAPI.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from starlette.types import ASGIApp, Receive, Scope, Send

from agents.errors import BadWebhook, StoreUnavailable
from bot.conversation.events import DeliveryStatus, InboundSms
from bot.runtime.intake import SmsIntake
from bot.telemetry.metrics import REJECTED
from handlers.forms import Form, parse_form
from handlers.signatures import TwilioSignature

EMPTY_TWIML = b'<?xml version="1.0" encoding="UTF-8"?><Response/>'
_TWIML = (200, EMPTY_TWIML, b"application/xml")
_NO_CONTENT = (204, b"", None)
MAX_BODY = 1600  # Twilio's own limit for one (concatenated) message
MAX_MEDIA = 10
MAX_FORM_BYTES = 64 * 1024
E = TypeVar("E", InboundSms, DeliveryStatus)
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_SID = re.compile(r"^[A-Z]{2}[0-9a-fA-F]{32}$")
log = logging.getLogger("jorge.webhooks")



def inbound_from_form(form: Mapping[str, str]) -> InboundSms:
    phone = (form.get("From") or "").strip()
    if not _E164.match(phone):
        raise BadWebhook("From must be a phone number in E.164 format, like +19095550123")
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    if not _SID.match(sid):
        raise BadWebhook("MessageSid is missing or malformed")
    try:
        media_count = int(form.get("NumMedia") or 0)
    except ValueError:
        raise BadWebhook("NumMedia must be a number") from None
    if not 0 <= media_count <= MAX_MEDIA:
        raise BadWebhook(f"NumMedia must be between 0 and {MAX_MEDIA}")
    media = tuple(url for i in range(media_count) if (url := form.get(f"MediaUrl{i}")))
    if "Body" not in form and not media:
        raise BadWebhook("Body is missing")
    body = (form.get("Body") or "").replace("\x00", "").strip()
    if len(body) > MAX_BODY:
        raise BadWebhook(f"Body is longer than {MAX_BODY} characters")
    if not body and not media:
        raise BadWebhook("the message has neither text nor media")
    opt_out = (form.get("OptOutType") or "").strip().upper() or None
    return InboundSms(phone=phone, body=body, sid=sid, media=media, opt_out_type=opt_out)


def status_from_form(form: Mapping[str, str]) -> DeliveryStatus:
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    status = (form.get("MessageStatus") or form.get("SmsStatus") or "").strip().lower()
    if not _SID.match(sid) or not status:
        raise BadWebhook("MessageSid and MessageStatus are required")
    return DeliveryStatus(sid=sid, status=status, error_code=form.get("ErrorCode") or None)


async def _read_body(receive: Receive) -> bytes | None:
    """The request body (empty if the caller left), or None when it is larger than any Twilio webhook."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b""
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _read_form(content_type: str, body: bytes) -> Form | None:
    """The form Twilio posted, or None when the body is not a readable url-encoded form."""
    if not content_type.startswith("application/x-www-form-urlencoded"):
        return None
    try:
        return Form(parse_form(body.decode("utf-8")))
    except UnicodeDecodeError:
        return None


async def _answer(send: Send, status: int, body: bytes = b"", content_type: bytes | None = None) -> None:
    headers = [(b"content-length", str(len(body)).encode())]
    if content_type is not None:
        headers.append((b"content-type", content_type))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _refuse(send: Send, status: int, reason: str, message: str) -> None:
    REJECTED.labels(reason=reason).inc()
    await _answer(send, status, json.dumps({"error": message}).encode(), b"application/json")


async def _unavailable(send: Send, error: StoreUnavailable) -> None:
    """Nothing was stored: a 503 makes Twilio record the webhook as failed (and try the fallback
    URL, if one is set) instead of the text being taken and lost."""
    log.error("%s", error)
    await _refuse(send, 503, "unavailable", "the message could not be stored just now; nothing was kept")


class TwilioWebhooks:
    """The web app's outermost ASGI layer: answers POST /twilio/sms and /twilio/status itself and
    passes every other request (and the lifespan) on to `app`."""

    def __init__(self, app: ASGIApp, intake: SmsIntake, signature: TwilioSignature) -> None:
        self.app = app
        self.intake = intake
        self.signature = signature

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path") if scope["type"] == "http" else None
        if path == "/twilio/sms":
            await self._webhook(scope, receive, send, inbound_from_form, self.intake.inbound, _TWIML)
        elif path == "/twilio/status":
            await self._webhook(scope, receive, send, status_from_form, self.intake.status, _NO_CONTENT)
        else:
            await self.app(scope, receive, send)

    async def _webhook(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        parse: Callable[[Mapping[str, str]], E],
        store: Callable[[E], Awaitable[object]],
        answer: tuple[int, bytes, bytes | None],
    ) -> None:
        """Signed, readable, well-formed and stored, or refused: wrong method 405, unreadable 400, bad
        signature 403, bad content 400, Redis unreachable 503."""
        if scope["method"] != "POST":
            await _answer(send, 405, b'{"detail":"Method Not Allowed"}', b"application/json")
            return
        event = await self._signed_event(scope, receive, send, parse)
        if event is None:
            return
        try:
            await store(event)
        except StoreUnavailable as error:
            await _unavailable(send, error)
            return
        await _answer(send, *answer)

    async def _signed_event(
        self, scope: Scope, receive: Receive, send: Send, parse: Callable[[Mapping[str, str]], E]
    ) -> E | None:
        """The request's typed event; else None, the refusal sent."""
        body = await _read_body(receive)
        if body is None:
            await _refuse(send, 413, "too_large", f"expected a Twilio request of at most {MAX_FORM_BYTES} bytes")
            return None
        content_type, signature = "", None
        for name, value in scope["headers"]:
            if name == b"content-type":
                content_type = value.decode("latin-1")
            elif name == b"x-twilio-signature":
                signature = value.decode("latin-1")
        form = _read_form(content_type, body)
        if form is None:
            await _refuse(send, 400, "unreadable", "expected a form-encoded Twilio request")
            return None
        if not self.signature.verify(scope, signature, form):
            await _refuse(send, 403, "signature", "invalid or missing X-Twilio-Signature")
            return None
        try:
            return parse(form)
        except BadWebhook as error:
            await _refuse(send, 400, "content", str(error))
            return None
