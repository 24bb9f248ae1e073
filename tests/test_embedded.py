"""The embedded default, as `make run` starts it: no Redis, no accounts, jobs in-process, SMS
printed instead of sent, unsigned webhooks accepted from loopback only."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.support.processes import Process, free_port, wait_until_healthy


def test_jorge_serve_answers_a_text_with_nothing_set_up(tmp_path: Path) -> None:
    port = free_port()
    web = Process(["serve"], {"PORT": str(port), "JORGE_COALESCE_WINDOW": "200ms"}, tmp_path / "serve.log")
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_healthy(base, web)
        assert httpx.get(base + "/readyz").status_code == 200  # the in-memory Redis answers
        form = {"From": "+19095550123", "Body": "Hi, looking for a 3 bed in Fontana", "MessageSid": "SM" + "a" * 32}
        response = httpx.post(base + "/twilio/sms", data=form)
        assert response.status_code == 200 and "<Response/>" in response.text
        deadline = time.monotonic() + 15
        while "[dry-run SMS to +1909***0123]" not in web.output() and time.monotonic() < deadline:
            time.sleep(0.1)
        output = web.output()
        assert "[dry-run SMS to +1909***0123] Hi, this is Jorge's automated assistant" in output
        assert "unsigned Twilio webhooks are accepted from loopback only" in output
    finally:
        web.stop()
    assert "Traceback" not in web.output()
