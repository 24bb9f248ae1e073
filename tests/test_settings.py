"""Settings and the configuration file: wrong values stop start-up with a sentence that says where."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

import pytest

from agents.errors import ConfigError
from bot.configuration.config import load_config
from bot.configuration.settings import Settings, load_settings


def test_defaults_need_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    settings = load_settings()
    assert settings.redis_url is None and not settings.twilio_enabled and not settings.slack_enabled
    assert settings.jorge_coalesce_window == timedelta(seconds=4)
    assert settings.jorge_followup_cadence == [timedelta(days=d) for d in (1, 3, 7, 14)]
    assert settings.jorge_sending_hours == (time(8), time(21))
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)


def test_durations_and_hours_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JORGE_COALESCE_WINDOW", "500ms")
    monkeypatch.setenv("JORGE_FOLLOWUP_CADENCE", "2s, 5s")
    monkeypatch.setenv("JORGE_SENDING_HOURS", "09:30-20:00")
    settings = load_settings()
    assert settings.jorge_coalesce_window == timedelta(milliseconds=500)
    assert settings.jorge_followup_cadence == [timedelta(seconds=2), timedelta(seconds=5)]
    assert settings.jorge_sending_hours == (time(9, 30), time(20))
    assert load_settings(jorge_sending_hours="00:00-24:00").jorge_sending_hours == (time(0), time.max)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("JORGE_COALESCE_WINDOW", "4 seconds"),
        ("JORGE_SENDING_HOURS", "21:00-08:00"),
        ("JORGE_SENDING_HOURS", "08:00-24:30"),
        ("JORGE_FOLLOWUP_CADENCE", "1d,soon"),
        ("PORT", "eighty"),
        ("PUBLIC_BASE_URL", "jorge.example.com"),
    ],
)
def test_a_wrong_value_names_its_variable(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=variable):
        load_settings()


def test_credentials_that_do_not_go_together(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        load_settings()
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC1")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "secret")
    with pytest.raises(ConfigError, match="TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER"):
        load_settings()


def test_the_shipped_example_config_is_valid() -> None:
    config = load_config()
    assert set(config.markets) == {"rancho_cucamonga", "ontario", "fontana", "chino_hills", "upland"}
    assert [m.name for m in config.approvers] == ["Jorge"]
    assert any("es" in m.languages for m in config.team if not m.approver)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("capacity = 25", "capacity = 0"), r"team\[1\]\.capacity"),
        (lambda t: t.replace('"91758"', '"9175"'), r"markets\.ontario\.zip_codes"),
        (lambda t: t.replace('"buyer_specialist", "listing_specialist"]', '"x"]'), r"team\[1\]\.roles"),
        (lambda t: t.replace("approver = true", "approver = false"), "approver"),
        (lambda t: t + "\n[[team]\n", "not valid TOML"),
    ],
)
def test_a_broken_config_names_the_file_and_the_field(tmp_path: Path, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    from importlib.resources import files

    text = files("bot").joinpath("jorge.example.toml").read_text()
    path = tmp_path / "broken.toml"
    path.write_text(edit(text))
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(path)
    assert "broken.toml" in str(caught.value)


def test_a_missing_config_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="JORGE_CONFIG"):
        load_config(tmp_path / "nope.toml")
