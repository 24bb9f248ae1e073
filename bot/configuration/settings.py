"""One validated settings object, read from the environment (DESIGN.md, "Interfaces").

Every variable is optional: a missing one selects the embedded or dry-run default. A wrong one
stops start-up with a sentence that names the variable.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from agents.errors import ConfigError
from agents.tokens import DEFAULT_MODEL

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$", re.IGNORECASE)
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: Any) -> timedelta:
    """`4s`, `15m`, `1d`, `500ms` → timedelta."""
    if isinstance(value, timedelta):
        return value
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a duration like 4s, 15m, 2h or 1d")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2).lower()])


def _cadence(value: Any) -> list[timedelta]:
    if isinstance(value, list):
        return [parse_duration(v) for v in value]
    steps = [parse_duration(part) for part in str(value).split(",") if part.strip()]
    if not steps:
        raise ValueError("needs at least one duration, e.g. 1d,3d,7d,14d")
    return steps


def _hours(value: Any) -> tuple[time, time]:
    if isinstance(value, tuple):
        return value
    match = re.match(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$", str(value))
    if not match:
        raise ValueError(f"{value!r} is not a range like 08:00-21:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    try:  # "24:00" ends at midnight: "00:00-24:00" is the whole day
        start, end = time(h1, m1), (time.max if (h2, m2) == (24, 0) else time(h2, m2))
    except ValueError:
        raise ValueError(f"{value!r} has an hour or minute out of range") from None
    if start >= end:
        raise ValueError(f"{value!r}: the start must come before the end")
    return start, end


def _holidays(value: Any) -> list[date] | None:
    """Unset: US federal holidays; `none`: no holidays; else dates like 2026-12-24,2026-12-31."""
    if value is None or isinstance(value, list):
        return value
    text = str(value).strip()
    if text.lower() == "none":
        return []
    try:
        return [date.fromisoformat(part.strip()) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ValueError(f"{value!r} is not a list of dates like 2026-12-24,2026-12-31 (or 'none')") from None


def _url(value: str | None) -> str | None:
    if value is not None and not re.match(r"^https?://[^\s/]+", value):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Url = Annotated[str | None, AfterValidator(_url)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_ignore_empty=True, extra="ignore", case_sensitive=False)

    redis_url: str | None = None
    public_base_url: Url = None
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_messaging_service_sid: str | None = None
    twilio_from_number: str | None = None
    twilio_api_base_url: Url = "https://api.twilio.com"
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_api_url: Url = "https://slack.com/api/"
    jorge_slack_channel: str | None = None
    anthropic_api_key: str | None = None
    anthropic_model: str = DEFAULT_MODEL
    anthropic_base_url: Url = None
    anthropic_timeout: float = Field(default=8.0, gt=0)
    anthropic_cooldown: Duration = timedelta(seconds=60)
    jorge_config: str | None = None
    jorge_api_token: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    jorge_coalesce_window: Duration = timedelta(seconds=4)
    jorge_followup_cadence: Annotated[list[timedelta], NoDecode, BeforeValidator(_cadence)] = Field(
        default_factory=lambda: _cadence("1d,3d,7d,14d")
    )
    jorge_sending_hours: Annotated[tuple[time, time], NoDecode, BeforeValidator(_hours)] = (time(8), time(21))
    jorge_holidays: Annotated[list[date] | None, NoDecode, BeforeValidator(_holidays)] = None
    jorge_approval_reminder: Duration = timedelta(minutes=15)
    jorge_claim_timeout: Duration = timedelta(minutes=15)
    jorge_daily_cap: int = Field(default=10, ge=0)
    jorge_namespace: str = Field(default="jorge", pattern=r"^[A-Za-z0-9_.-]+$")  # Redis key prefix
    jorge_kill_switch: bool = False
    jorge_retention: Duration = timedelta(days=400)  # conversations idle this long are forgotten

    @model_validator(mode="after")
    def _credentials_come_in_pairs(self) -> Settings:
        if bool(self.twilio_account_sid) != bool(self.twilio_auth_token):
            raise ValueError(
                "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN go together: set both to send SMS, or neither for dry-run"
            )
        if self.twilio_account_sid and not (self.twilio_messaging_service_sid or self.twilio_from_number):
            raise ValueError(
                "Twilio is enabled but has no sender: set TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER"
            )
        if self.twilio_account_sid and not self.redis_url:
            raise ValueError(
                "Twilio is enabled but REDIS_URL is not: the embedded in-memory store forgets texts and opt-outs "
                "when the process restarts; set REDIS_URL to a Redis with persistence (README, Production)"
            )
        if self.jorge_retention < timedelta(days=1):
            raise ValueError("JORGE_RETENTION must be at least 1d (conversations are trimmed once they are this old)")
        if self.slack_bot_token and not self.slack_signing_secret:
            raise ValueError("Slack is enabled (SLACK_BOT_TOKEN) but SLACK_SIGNING_SECRET is not set")
        if self.slack_bot_token and not self.jorge_slack_channel:
            raise ValueError(
                "Slack is enabled (SLACK_BOT_TOKEN) but JORGE_SLACK_CHANNEL (where approval prompts go) is not set"
            )
        return self

    @property
    def twilio_enabled(self) -> bool:
        return bool(self.twilio_account_sid)

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token)

    @property
    def claude_enabled(self) -> bool:
        return bool(self.anthropic_api_key)


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment (and `overrides`), or a ConfigError naming the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else ""
        message = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{variable}: {message}" if variable else message) from None
