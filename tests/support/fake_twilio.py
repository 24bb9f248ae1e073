"""A fake Twilio REST API on 127.0.0.1 that speaks the real wire format and records requests.

It runs in its own thread (its own event loop), so it serves the app's worker processes while a
test waits. `hold(to)` keeps the next send to `to` waiting until the test lets it go;
`fail(to, status, code, times)` makes the next `times` sends to `to` fail;
`accept_then(to, status, delay)` accepts the next send (the message exists and "goes out") but
answers `status` after `delay` seconds, as a Twilio that accepted after the client gave up would.
GET Messages.json lists what was sent, newest first, filtered by To, as Twilio's list does.
"""

from __future__ import annotations

import asyncio
import base64
import random
import threading
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

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
    created: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class FakeTwilio:
    port: int = 0
    sent: list[Sms] = field(default_factory=list)
    attempts: list[dict[str, str]] = field(default_factory=list)
    _failures: dict[str, deque[tuple[int, int]]] = field(default_factory=lambda: defaultdict(deque))
    _late: dict[str, deque[tuple[int, float]]] = field(default_factory=lambda: defaultdict(deque))
    _held: dict[str, deque[tuple[threading.Event, str]]] = field(default_factory=lambda: defaultdict(deque))
    _chaos: tuple[float, float, float] | None = None  # fail rate, hang rate, hang seconds
    _random: random.Random = field(default_factory=lambda: random.Random(12))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail(self, to: str, status: int, code: int, times: int = 1) -> None:
        with self._lock:
            self._failures[to].extend([(status, code)] * times)

    def accept_then(self, to: str, status: int = 500, delay: float = 0.0, times: int = 1) -> None:
        with self._lock:
            self._late[to].extend([(status, delay)] * times)

    def hold(self, to: str, containing: str = "") -> threading.Event:
        """The next send to `to` (whose body contains `containing`) waits, unanswered, until the
        returned event is set, then is accepted."""
        gate = threading.Event()
        with self._lock:
            self._held[to].append((gate, containing))
        return gate

    def chaos(self, fail: float = 0.0, hang: float = 0.0, hang_seconds: float = 10.0, seed: int = 12) -> None:
        """From now on, a `fail` share of sends get a 500 (nothing sent) and a `hang` share are
        accepted but answered only after `hang_seconds`; chaos() with no arguments ends it."""
        with self._lock:
            self._chaos = (fail, hang, hang_seconds) if fail or hang else None
            self._random = random.Random(seed)

    def reset(self) -> None:
        with self._lock:
            self.sent.clear()
            self.attempts.clear()
            self._failures.clear()
            self._late.clear()
            self._held.clear()

    def to(self, phone: str) -> list[Sms]:
        with self._lock:
            return [sms for sms in self.sent if sms.to == phone]

    def _authorised(self, request: web.Request) -> bool:
        expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        return request.headers.get("Authorization") == expected and request.match_info["account"] == ACCOUNT_SID

    async def _list(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
        to = request.query.get("To")
        with self._lock:
            found = [sms for sms in reversed(self.sent) if to is None or sms.to == to]
        size = int(request.query.get("PageSize", "50"))
        page = [
            {"sid": sms.sid, "to": sms.to, "from": sms.from_, "body": sms.body, "status": "sent",
             "account_sid": ACCOUNT_SID, "date_created": format_datetime(sms.created, usegmt=True)}
            for sms in found[:size]
        ]  # fmt: skip
        uri = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
        return web.json_response(
            {
                "messages": page,
                "page": 0,
                "page_size": size,
                "start": 0,
                "end": len(page) - 1,
                "uri": uri,
                "first_page_uri": uri,
                "next_page_uri": None,
                "previous_page_uri": None,
            }
        )

    async def _messages(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
        form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        to = form.get("To", "")
        with self._lock:
            self.attempts.append(form)
            failure = self._failures[to].popleft() if self._failures[to] else None
            late = self._late[to].popleft() if self._late[to] and failure is None else None
            gate = None
            if failure is None and self._held[to] and self._held[to][0][1] in form.get("Body", ""):
                gate = self._held[to].popleft()[0]
            if self._chaos is not None and failure is None and late is None:
                draw, (fail, hang, hang_seconds) = self._random.random(), self._chaos
                if draw < fail:
                    failure = (500, 20500)
                elif draw < fail + hang:
                    late = (201, hang_seconds)
        if gate is not None:
            await asyncio.get_running_loop().run_in_executor(None, gate.wait)
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
        if late is not None:  # accepted, but the answer is an error (or comes after the client gave up)
            status, delay = late
            await asyncio.sleep(delay)
            if status == 201:
                return web.json_response({"sid": sms.sid, "status": "queued", "to": to, "body": sms.body,
                                          "account_sid": ACCOUNT_SID}, status=201)  # fmt: skip
            body = {"code": 20500, "message": "fake error after accepting", "more_info": "", "status": status}
            return web.json_response(body, status=status)
        return web.json_response(
            {"sid": sms.sid, "status": "queued", "to": to, "body": sms.body, "account_sid": ACCOUNT_SID}, status=201
        )

    def start(self) -> FakeTwilio:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{account}/Messages.json", self._messages)
        app.router.add_get("/2010-04-01/Accounts/{account}/Messages.json", self._list)
        self._server = ThreadedServer(app)
        self.port = self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()
