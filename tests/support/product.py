"""The product running for an end-to-end test: fake Twilio, `jorge serve`, and `jorge worker`s."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from twilio.request_validator import RequestValidator

from tests.support.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio, Sms
from tests.support.processes import Process, free_port, wait_until_healthy

API_TOKEN = "test-api-token"
FROM_NUMBER = "+19095550000"


def new_sid() -> str:
    return "SM" + uuid.uuid4().hex


@dataclass
class Product:
    redis_url: str
    logs: Path
    twilio: FakeTwilio
    extra_env: dict[str, str] = field(default_factory=dict)
    namespace: str = field(default_factory=lambda: f"e2e{uuid.uuid4().hex[:8]}")
    port: int = field(default_factory=free_port)
    web: Process | None = None
    workers: list[Process] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            "REDIS_URL": self.redis_url,
            "PORT": str(self.port),
            "PUBLIC_BASE_URL": self.base_url,
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_FROM_NUMBER": FROM_NUMBER,
            "TWILIO_API_BASE_URL": self.twilio.url,
            "JORGE_API_TOKEN": API_TOKEN,
            "JORGE_NAMESPACE": self.namespace,
            "JORGE_COALESCE_WINDOW": "300ms",
            **self.extra_env,
        }

    def start_web(self) -> Product:
        return self.start()

    def start(self, workers: int = 0) -> Product:
        """`jorge serve` and `workers` workers, started side by side (each takes seconds to start)."""
        self.web = Process(["serve"], self.env(), self.logs / f"web-{self.port}.log")
        started = [self._spawn_worker() for _ in range(workers)]
        wait_until_healthy(self.base_url, self.web)
        for worker in started:
            self._wait_started(worker)
        return self

    def start_worker(self) -> Process:
        """Start a `jorge worker` and wait until it has started up (it logs "worker starting")."""
        return self._wait_started(self._spawn_worker())

    def _spawn_worker(self) -> Process:
        worker = Process(["worker"], self.env(), self.logs / f"worker-{len(self.workers)}-{self.port}.log")
        self.workers.append(worker)
        return worker

    def _wait_started(self, worker: Process, seconds: float = 30.0) -> Process:
        deadline = time.monotonic() + seconds
        while "worker starting" not in worker.output():
            if worker.popen.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"jorge worker did not start:\n{worker.output()}")
            time.sleep(0.05)
        return worker

    def stop(self) -> None:
        for process in [*self.workers, *([self.web] if self.web else [])]:
            process.stop()

    def signed(self, path: str, params: dict[str, str], token: str = AUTH_TOKEN) -> dict[str, str]:
        signature = RequestValidator(token).compute_signature(self.base_url + path, params)
        return {"X-Twilio-Signature": signature}

    def post_sms(
        self, phone: str, body: str | None, *, sid: str | None = None, sign: bool = True, **extra: str
    ) -> httpx.Response:
        params = {"From": phone, "To": FROM_NUMBER, "MessageSid": sid or new_sid(), "AccountSid": ACCOUNT_SID,
                  "NumMedia": "0", **extra}  # fmt: skip
        if body is not None:
            params["Body"] = body
        headers = self.signed("/twilio/sms", params) if sign else {}
        return httpx.post(self.base_url + "/twilio/sms", data=params, headers=headers, timeout=10)

    def post_status(self, sid: str, status: str, **extra: str) -> httpx.Response:
        params = {"MessageSid": sid, "MessageStatus": status, "AccountSid": ACCOUNT_SID, **extra}
        return httpx.post(
            self.base_url + "/twilio/status", data=params, headers=self.signed("/twilio/status", params), timeout=10
        )

    def lead(self, phone: str) -> httpx.Response:
        return httpx.get(
            f"{self.base_url}/api/leads/{quote(phone, safe='')}",
            headers={"Authorization": f"Bearer {API_TOKEN}"},
            timeout=10,
        )

    def wait_for_sms(self, phone: str, count: int = 1, seconds: float = 15.0) -> list[Sms]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            got = self.twilio.to(phone)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        logs = "\n".join(p.output()[-3000:] for p in [*self.workers, *([self.web] if self.web else [])])
        raise AssertionError(f"expected {count} SMS to {phone}, got {len(self.twilio.to(phone))}\n{logs}")

    def lead_json(self, phone: str) -> dict[str, Any]:
        response = self.lead(phone)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data
