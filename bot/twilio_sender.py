"""Outbound SMS through the official twilio SDK's async client.

Carrier errors become the project's delivery errors once, here: 21610 (the recipient opted out
at the carrier) is permanent; 429, 5xx, timeouts and connection errors are temporary and the job
retries them. The SDK's client-level timeout is not applied by twilio-python's async client, so
each call runs under `asyncio.timeout`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from bot.errors import PermanentDeliveryError, TemporaryDeliveryError
from bot.outbound import Sent, mask_phone

log = logging.getLogger("jorge.twilio")


class TwilioSender:
    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str | None = None,
        messaging_service_sid: str | None = None,
        status_callback: str | None = None,
        api_base_url: str = "https://api.twilio.com",
        timeout: float = 10.0,
    ) -> None:
        self._account_sid = account_sid
        self._auth_token = auth_token
        self._from = from_number
        self._service = messaging_service_sid
        self._status_callback = status_callback
        self._base_url = api_base_url.rstrip("/")
        self._timeout = timeout
        self._client: Client | None = None
        self._http: AsyncTwilioHttpClient | None = None

    def _ensure_client(self) -> Client:
        # The async HTTP client opens an aiohttp session, so it is built inside the running loop.
        if self._client is None:
            self._http = AsyncTwilioHttpClient()
            self._client = Client(self._account_sid, self._auth_token, http_client=self._http)
            self._client.api.base_url = self._base_url
        return self._client

    async def send(self, *, to: str, body: str, key: str) -> Sent:
        client = self._ensure_client()
        params: dict[str, Any] = {"to": to, "body": body}
        if self._service:
            params["messaging_service_sid"] = self._service
        else:
            params["from_"] = self._from
        if self._status_callback:
            params["status_callback"] = self._status_callback
        try:
            async with asyncio.timeout(self._timeout):
                message = await client.messages.create_async(**params)
        except TwilioRestException as error:
            code = str(error.code) if error.code is not None else None
            if error.status == 429 or error.status >= 500:
                raise TemporaryDeliveryError(f"Twilio answered {error.status} (code {code})") from error
            raise PermanentDeliveryError(f"Twilio refused the message: {error.msg} (code {code})", code=code) from error
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            raise TemporaryDeliveryError(f"Twilio unreachable: {error!r}") from error
        except TwilioException as error:
            raise TemporaryDeliveryError(f"Twilio error: {error}") from error
        log.info("SMS %s to %s queued as %s", key, mask_phone(to), message.sid)
        return Sent(to=to, body=body, key=key, status=message.status or "queued", sid=message.sid)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
