"""Twilio webhooks: a form-encoded request becomes an InboundSms or a DeliveryStatus.

Signature first; then the form is read into a typed event, or refused with a clear 400.
The answer to an inbound text is an empty TwiML <Response/>: the reply goes out from a job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TypeVar
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from bot.events import DeliveryStatus, InboundSms
from bot.intake import SmsIntake
from bot.metrics import REJECTED
from handlers.signatures import TwilioSignature

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
MAX_BODY = 1600  # Twilio's own limit for one (concatenated) message
MAX_MEDIA = 10
MAX_FORM_BYTES = 64 * 1024
E = TypeVar("E", InboundSms, DeliveryStatus)
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_SID = re.compile(r"^[A-Z]{2}[0-9a-fA-F]{32}$")


class BadWebhook(ValueError):
    """The request is signed but its content is not a usable Twilio message."""


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


def _refuse(status: int, reason: str, message: str) -> JSONResponse:
    REJECTED.labels(reason=reason).inc()
    return JSONResponse({"error": message}, status_code=status)


async def _read_form(request: Request) -> dict[str, str] | None:
    """The form Twilio posted, or None when the body is not a readable url-encoded form.

    Parsed with the standard library: Twilio sends small UTF-8 url-encoded bodies, and this is
    several times cheaper on the webhook's hot path than a general multipart parser."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return None
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return None
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
    except (UnicodeDecodeError, ValueError):
        return None


def twilio_router(intake: SmsIntake, signature: TwilioSignature) -> APIRouter:
    router = APIRouter()

    async def signed_event(request: Request, parse: Callable[[Mapping[str, str]], E]) -> E | JSONResponse:
        """The request's typed event, or the refusal: unreadable 400, bad signature 403, bad content 400."""
        form = await _read_form(request)
        if form is None:
            return _refuse(400, "unreadable", "expected a form-encoded Twilio request")
        if not signature.verify(request, form):
            return _refuse(403, "signature", "invalid or missing X-Twilio-Signature")
        try:
            return parse(form)
        except BadWebhook as error:
            return _refuse(400, "content", str(error))

    @router.post("/twilio/sms")
    async def sms(request: Request) -> Response:
        event = await signed_event(request, inbound_from_form)
        if isinstance(event, Response):
            return event
        await intake.inbound(event)
        return Response(EMPTY_TWIML, media_type="application/xml")

    @router.post("/twilio/status")
    async def status(request: Request) -> Response:
        event = await signed_event(request, status_from_form)
        if isinstance(event, Response):
            return event
        await intake.status(event)
        return Response(status_code=204)

    return router
