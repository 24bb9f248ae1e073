"""Sending a text exactly once, through the outbox: each text is stored under an idempotency
key before the carrier is called and settled after; a temporary failure is retried (looked up at
the carrier first when it may have gone out), an opt-out or the kill switch since it was queued
cancels it, and a text given up on is said in the lead's thread."""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from agents.errors import PermanentDeliveryError, TemporaryDeliveryError
from agents.types import Decision, Lead, Message
from bot.conversation.threads import Threads
from bot.store.leads import LeadStore, OutboundDraft, now, today
from bot.telemetry.metrics import OUTBOUND
from bot.transport.outbound import Sender, Sent, mask_phone

log = logging.getLogger("jorge.conversation")

OPT_OUT_CODE = "21610"  # Twilio: the recipient has opted out at the carrier
STALE_SEND = 30.0  # seconds: an attempt unanswered this long is looked up at the carrier, then retried
MAX_SEND_ATTEMPTS = 12  # then the text is given up on and the lead's thread says so


@dataclass(frozen=True)
class Guards:
    """Send-time limits on bot messages."""

    daily_cap: int = 10
    kill_switch: bool = False


@dataclass
class Outbox:
    store: LeadStore
    sender: Sender
    threads: Threads  # where a text given up on is said
    guards: Guards
    stale_send: float = STALE_SEND

    async def send(
        self, lead: Lead, body: str, decision: Decision | None, *, key: str, kind: str = "reply", now_: bool = True
    ) -> str | None:
        """Send `body` once under `key`, through the outbox: the body when it went out or is on
        its way (a temporary failure is retried by the outbox sweep), None when it never will.
        `now_=False` leaves the attempt to the sweep (a Slack command must answer within 3 s)."""
        view = json.dumps(decision.route_view()) if decision else ""
        draft = OutboundDraft(body=body, view=view, counter="replies" if decision else "human_sends", kind=kind)
        if not now_:
            await self.store.queue_send(lead.phone, key, draft)
            return body
        return await self._attempt(lead.phone, key, draft)

    async def settle(self, phone: str, key: str) -> str | None:
        """Guards first (an opt-out or the kill switch since it was queued cancels it; an opt-out
        confirmation always goes), then one attempt."""
        draft = await self.store.outbound_draft(phone, key)
        if draft is None or draft.state in ("sent", "failed", "cancelled"):
            return None
        if draft.kind != "confirmation":
            lead = await self.store.get(phone)
            kill, _ = await self.store.send_limits(phone, today())
            if lead is None or lead.opted_out or kill or self.guards.kill_switch:
                await self.store.settle_send(phone, key, "cancelled")
                log.info("outbound %s to %s cancelled: opted out or kill switch", key, mask_phone(phone))
                return None
        if draft.attempts >= MAX_SEND_ATTEMPTS:
            await self.store.settle_send(phone, key, "failed")
            given_up = f"A text could not be delivered after {draft.attempts} attempts: {draft.body}"
            await self.threads.note(phone, given_up)
            return None
        return await self._attempt(phone, key, draft)

    async def _attempt(self, phone: str, key: str, draft: OutboundDraft) -> str | None:
        step, body, since = await self.store.begin_send(phone, key, draft, self.stale_send)
        if step in ("failed", "cancelled"):
            return None
        if step in ("sent", "busy"):  # done before, or an attempt is in flight / not due: the outbox settles it
            return body
        draft = dataclasses.replace(draft, body=body)
        if step == "check":  # an earlier attempt may have reached the carrier: never send it twice
            try:
                found = await self.sender.lookup(to=phone, body=body, since=datetime.fromtimestamp(since, UTC))
            except TemporaryDeliveryError:
                await self._retry_later(phone, key, "unknown")
                return body
            if found is not None:
                log.info("outbound %s to %s had gone out (%s); recorded, not sent again", key, mask_phone(phone),
                         found.sid)  # fmt: skip
                await self._sent(phone, key, draft, found)
                return body
        try:
            sent = await self.sender.send(to=phone, body=body, key=key)
        except PermanentDeliveryError as error:
            await self.store.settle_send(phone, key, "failed")
            message = Message(direction="out", body=body, at=now(), status="failed", key=key,
                              decision=json.loads(draft.view) if draft.view else None, error=str(error))  # fmt: skip
            await self.store.append(phone, message)
            if getattr(error, "code", None) == OPT_OUT_CODE:
                await self.mark_opted_out(phone)
            log.warning("outbound to %s failed for good: %s", mask_phone(phone), error)
            return None
        except TemporaryDeliveryError as error:
            await self._retry_later(phone, key, "unknown" if error.maybe_sent else "retry", wait=not error.answered)
            log.warning("outbound %s to %s not settled (%s); the outbox retries it", key, mask_phone(phone), error)
            return body
        await self._sent(phone, key, draft, sent)
        return body

    async def _retry_later(self, phone: str, key: str, state: str, *, wait: bool = False) -> None:
        """Try again after a backoff; `wait`: the last attempt got no answer, so it is looked up
        only once the carrier has surely finished with it."""
        draft = await self.store.outbound_draft(phone, key)
        delay = float(min(2 ** max((draft.attempts if draft else 1) - 1, 0), 300))
        if wait:
            delay = max(delay, self.stale_send)
        await self.store.settle_send(phone, key, state, due=now().timestamp() + delay)

    async def _sent(self, phone: str, key: str, draft: OutboundDraft, sent: Sent) -> None:
        await self.store.settle_send(phone, key, "sent", sid=sent.sid or "")
        message = Message(direction="out", body=draft.body, at=now(), status=sent.status, sid=sent.sid, key=key,
                          decision=json.loads(draft.view) if draft.view else None)  # fmt: skip
        await self.store.record_outbound(phone, message, today(), draft.counter)
        OUTBOUND.labels(status=sent.status).inc()

    async def kill_switch_on(self, phone: str) -> bool:
        kill, _ = await self.store.send_limits(phone, today())
        return kill or self.guards.kill_switch

    async def mark_opted_out(self, phone: str) -> None:
        await self.store.set_fields(phone, opted_out=True)
