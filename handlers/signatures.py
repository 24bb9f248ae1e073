"""Webhook signatures, checked first and in one place.

Twilio signs the full public URL it called plus every form parameter (X-Twilio-Signature,
HMAC-SHA1 with the auth token). Behind Heroku or nginx the URL the app sees is not the one
Twilio called, so it is rebuilt from PUBLIC_BASE_URL.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from twilio.request_validator import RequestValidator

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def public_url(request: Request, public_base_url: str | None) -> str:
    """The URL the caller used: PUBLIC_BASE_URL + path (+ query), else the request's own."""
    if not public_base_url:
        return str(request.url)
    query = f"?{request.url.query}" if request.url.query else ""
    return public_base_url.rstrip("/") + request.url.path + query


class TwilioSignature:
    def __init__(self, auth_token: str | None, public_base_url: str | None) -> None:
        self._validator = RequestValidator(auth_token) if auth_token else None
        self._public_base_url = public_base_url

    @property
    def enforced(self) -> bool:
        return self._validator is not None

    def verify(self, request: Request, params: Mapping[str, Any]) -> bool:
        """True for a correctly signed request; without an auth token (dry-run), for loopback only."""
        if self._validator is None:
            return request.client is not None and request.client.host in LOOPBACK
        signature = request.headers.get("X-Twilio-Signature")
        if not signature:
            return False
        url = public_url(request, self._public_base_url)
        # One HMAC for the usual case; the SDK's validate() also tries the URL with and without
        # a default port, which costs a second HMAC, so it only runs when the first one fails.
        expected = self._validator.compute_signature(url, params)
        if hmac.compare_digest(expected.encode(), signature.encode()):
            return True
        return bool(self._validator.validate(url, params, signature))
