"""Outbound SMS through the official twilio SDK's async client.

Carrier errors become the project's delivery errors once, here: 21610 (the recipient opted out
at the carrier) is permanent; 429, 5xx, timeouts and connection errors are temporary and retried.
A timeout or a 5xx may come after Twilio took the message, so those are marked `maybe_sent` and
the outbox looks the message up (`lookup`, Twilio's message list) before sending it again; a 429
or a refused connection means nothing went out. The SDK's client-level timeout is not applied by
twilio-python's async client, so each call runs under `asyncio.timeout`.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from agents.errors import PermanentDeliveryError, TemporaryDeliveryError
from bot.transport.outbound import Sent, mask_phone

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
        self._credentials = (account_sid, auth_token)
        # Sent with every message: the sender (a Messaging Service, else the number) and where
        # Twilio posts delivery statuses.
        self._sender: dict[str, Any] = (
            {"messaging_service_sid": messaging_service_sid} if messaging_service_sid else {"from_": from_number}
        )
        if status_callback:
            self._sender["status_callback"] = status_callback
        self._base_url = api_base_url.rstrip("/")
        self._timeout = timeout
        self._client: Client | None = None
        self._http: AsyncTwilioHttpClient | None = None

    def _ensure_client(self) -> Client:
        # The async HTTP client opens an aiohttp session, so it is built inside the running loop.
        if self._client is None:
            self._http = AsyncTwilioHttpClient()
            self._client = Client(*self._credentials, http_client=self._http)
            self._client.api.base_url = self._base_url
        return self._client

    async def send(self, *, to: str, body: str, key: str) -> Sent:
        client = self._ensure_client()
        try:
            async with asyncio.timeout(self._timeout):
                message = await client.messages.create_async(to=to, body=body, **self._sender)
        except TwilioRestException as error:
            code = str(error.code) if error.code is not None else None
            if error.status == 429 or error.status >= 500:
                raise TemporaryDeliveryError(
                    f"Twilio answered {error.status} (code {code})", maybe_sent=error.status >= 500
                ) from error
            raise PermanentDeliveryError(f"Twilio refused the message (code {code})", code=code) from error
        except (aiohttp.ClientConnectorError, ConnectionRefusedError) as error:
            raise TemporaryDeliveryError(f"Twilio unreachable: {type(error).__name__}") from error
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            raise TemporaryDeliveryError(
                f"Twilio did not answer: {type(error).__name__}", maybe_sent=True, answered=False
            ) from error
        except TwilioException as error:
            raise TemporaryDeliveryError(f"Twilio error: {type(error).__name__}", maybe_sent=True) from error
        log.info("SMS %s to %s queued as %s", key, mask_phone(to), message.sid)
        return Sent(to=to, body=body, key=key, status=message.status or "queued", sid=message.sid)

    async def lookup(self, *, to: str, body: str, since: datetime) -> Sent | None:
        """The message Twilio took for `to` with this body at or after `since`, if any (a send whose
        answer was lost); None when Twilio has none, or cannot say right now."""
        client = self._ensure_client()
        try:
            async with asyncio.timeout(self._timeout):
                recent = await client.messages.list_async(to=to, limit=20)
        except (TimeoutError, aiohttp.ClientError, OSError, TwilioException) as error:
            raise TemporaryDeliveryError(f"Twilio's message list unavailable: {type(error).__name__}") from error
        for message in recent:
            created = message.date_created
            if message.body == body and (created is None or created >= since - timedelta(minutes=2)):
                return Sent(to=to, body=body, key="", status=message.status or "sent", sid=message.sid)
        return None

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
