"""A fake Twilio REST API on 127.0.0.1 that speaks the real wire format and records requests.

It runs in its own thread (its own event loop), so it serves the app's worker processes while a
test waits. `fail(to, status, code, times)` makes the next `times` sends to `to` fail.
"""

from __future__ import annotations

import base64
import threading
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field

from aiohttp import web

from tests.support.server import ThreadedServer

ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "test-auth-token"


@dataclass
class Sms:
    to: str
    body: str
    from_: str | None
    messaging_service_sid: str | None
    status_callback: str | None
    sid: str


@dataclass
class FakeTwilio:
    port: int = 0
    sent: list[Sms] = field(default_factory=list)
    attempts: list[dict[str, str]] = field(default_factory=list)
    _failures: dict[str, deque[tuple[int, int]]] = field(default_factory=lambda: defaultdict(deque))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail(self, to: str, status: int, code: int, times: int = 1) -> None:
        with self._lock:
            self._failures[to].extend([(status, code)] * times)

    def to(self, phone: str) -> list[Sms]:
        with self._lock:
            return [sms for sms in self.sent if sms.to == phone]

    async def _messages(self, request: web.Request) -> web.Response:
        expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        if request.headers.get("Authorization") != expected or request.match_info["account"] != ACCOUNT_SID:
            return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
        form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        to = form.get("To", "")
        with self._lock:
            self.attempts.append(form)
            failure = self._failures[to].popleft() if self._failures[to] else None
        if failure is not None:
            status, code = failure
            body = {"code": code, "message": f"fake failure {code}", "more_info": "", "status": status}
            return web.json_response(body, status=status)
        sms = Sms(
            to=to,
            body=form.get("Body", ""),
            from_=form.get("From"),
            messaging_service_sid=form.get("MessagingServiceSid"),
            status_callback=form.get("StatusCallback"),
            sid="SM" + uuid.uuid4().hex,
        )
        with self._lock:
            self.sent.append(sms)
        return web.json_response(
            {"sid": sms.sid, "status": "queued", "to": to, "body": sms.body, "account_sid": ACCOUNT_SID}, status=201
        )

    def start(self) -> FakeTwilio:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{account}/Messages.json", self._messages)
        self._server = ThreadedServer(app)
        self.port = self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()
