"""Outbound SMS transports. A sender is one method; the dry-run sender records and prints."""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

log = logging.getLogger("jorge.outbound")


def mask_phone(phone: str) -> str:
    """+19095550123 -> +1909***0123: enough to tell leads apart in logs, not to text them."""
    return phone[:5] + "***" + phone[-4:] if len(phone) > 9 else "***"


@dataclass(frozen=True)
class Sent:
    to: str
    body: str
    key: str
    status: str  # "queued" | "sent" | "dry_run"
    sid: str | None = None


class Sender(Protocol):
    async def send(self, *, to: str, body: str, key: str) -> Sent:
        """Send `body` to `to`; `key` identifies this outbound message (idempotency)."""
        ...

    async def lookup(self, *, to: str, body: str, since: datetime) -> Sent | None:
        """The message sent to `to` with `body` at or after `since`, when the carrier has it."""
        ...


@dataclass
class DryRunSender:
    """No Twilio credentials: keep what would have been sent, and log it."""

    echo: bool = True
    sent: deque[Sent] = field(default_factory=lambda: deque(maxlen=1000))  # the latest, for tests and chat

    async def send(self, *, to: str, body: str, key: str) -> Sent:
        record = Sent(to=to, body=body, key=key, status="dry_run")
        self.sent.append(record)
        log.info("dry-run SMS to %s (%d chars)", mask_phone(to), len(body))
        if self.echo:  # the embedded default shows what a lead would read
            print(f"[dry-run SMS to {mask_phone(to)}] {body}", flush=True)
        return record

    async def lookup(self, *, to: str, body: str, since: datetime) -> Sent | None:
        return next((sent for sent in reversed(self.sent) if sent.to == to and sent.body == body), None)
