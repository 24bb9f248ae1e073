"""Typed events the handlers hand to the application (no HTTP in here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InboundSms:
    phone: str  # E.164
    body: str
    sid: str
    media: tuple[str, ...] = ()
    opt_out_type: str | None = None  # Twilio Advanced Opt-Out: STOP | START | HELP


@dataclass(frozen=True)
class DeliveryStatus:
    sid: str
    status: str
    error_code: str | None = None
