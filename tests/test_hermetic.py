"""The suite is hermetic: it ignores the caller's settings and reaches nothing beyond 127.0.0.1
(`ANTHROPIC_API_KEY=x SLACK_BOT_TOKEN=x TWILIO_AUTH_TOKEN=x pytest` passes and calls no one)."""

from __future__ import annotations

import os

import httpx
import pytest


def test_a_connection_beyond_loopback_is_refused() -> None:
    with pytest.raises(httpx.ConnectError, match=r"tests stay on 127\.0\.0\.1"):
        httpx.get("http://93.184.216.34/", timeout=2)


def test_the_callers_settings_are_not_seen() -> None:
    settings = ("JORGE_", "TWILIO_", "SLACK_", "ANTHROPIC_", "GHL_")
    assert [name for name in os.environ if name.startswith(settings)] == []
