"""Webhook signatures, checked first and in one place.

Twilio signs the full public URL it called plus every form parameter (X-Twilio-Signature,
HMAC-SHA1 with the auth token). Behind Heroku or nginx the URL the app sees is not the one
Twilio called, so it is rebuilt from PUBLIC_BASE_URL.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from starlette.datastructures import URL
from starlette.types import Scope
from twilio.request_validator import RequestValidator

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
# A request a proxy passed on is not from this machine, whatever its TCP peer says.
_FORWARDING = frozenset({b"x-forwarded-for", b"forwarded", b"x-real-ip"})


def public_url(scope: Scope, public_base_url: str | None) -> str:
    """The URL the caller used: PUBLIC_BASE_URL + path (+ query), else the request's own."""
    if not public_base_url:
        return str(URL(scope=scope))
    path: str = scope["path"]
    query: bytes = scope.get("query_string", b"")
    return public_base_url.rstrip("/") + path + (f"?{query.decode('latin-1')}" if query else "")


class TwilioSignature:
    def __init__(self, auth_token: str | None, public_base_url: str | None) -> None:
        self._validator = RequestValidator(auth_token) if auth_token else None
        self._public_base_url = public_base_url

    @property
    def enforced(self) -> bool:
        return self._validator is not None

    def verify(self, scope: Scope, signature: str | None, params: Mapping[str, Any]) -> bool:
        """True for a correctly signed request; without an auth token (dry-run), for loopback only."""
        if self._validator is None:
            client = scope.get("client")
            forwarded = any(name in _FORWARDING for name, _ in scope.get("headers", ()))
            return client is not None and client[0] in LOOPBACK and not forwarded
        if not signature:
            return False
        url = public_url(scope, self._public_base_url)
        # One HMAC for the usual case; the SDK's validate() also tries the URL with and without
        # a default port, which costs a second HMAC, so it only runs when the first one fails.
        expected = self._validator.compute_signature(url, params)
        if hmac.compare_digest(expected.encode(), signature.encode()):
            return True
        return bool(self._validator.validate(url, params, signature))
