"""Structured logs: one JSON object a line. Phone numbers are masked (where they are logged, and
again on the way out, whatever wrote them) and message bodies never appear at INFO."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import TextIO

_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps builds an encoder per call
# Any phone number that reaches a log line (a carrier's error text quotes the number it refused) is
# masked on the way out, like mask_phone: +1909***0123.
_PHONE = re.compile(r"(?<![\w+])(\+?\d{5})\d{1,6}(\d{4})(?!\d)")


def mask_numbers(text: str) -> str:
    return _PHONE.sub(r"\1***\2", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": mask_numbers(record.getMessage()),
        }
        if record.exc_info:
            entry["error"] = mask_numbers(self.formatException(record.exc_info))
        return _ENCODE(entry)


class LoopBatchedHandler(logging.StreamHandler[TextIO]):
    """A stream handler that, on a running event loop, writes the records of one loop iteration
    together right after it: one write for a burst of webhooks instead of one each. Off the loop,
    and for warnings and errors, each record is written at once."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self._lines: list[str] = []
        self._flush_on: asyncio.AbstractEventLoop | None = None  # the loop a flush is scheduled on

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._lines.append(self.format(record) + self.terminator)
            try:
                loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
            if loop is None or record.levelno >= logging.WARNING:
                self.flush()
            elif self._flush_on is not loop:  # (a loop closed before its flush ran is not this one)
                self._flush_on = loop
                loop.call_soon(self._flush_soon, record)
        except Exception:
            self.handleError(record)

    def _flush_soon(self, record: logging.LogRecord) -> None:
        try:
            self.flush()
        except Exception:
            self.handleError(record)  # logging's own way: a "Logging error" report on stderr

    def flush(self) -> None:
        self.acquire()
        try:
            self._flush_on = None
            lines, self._lines = "".join(self._lines), []
            if lines:
                self.stream.write(lines)
            self.stream.flush()
        finally:
            self.release()


def configure_logging(level: str = "INFO") -> None:
    # JsonFormatter writes none of these; not gathering them for every record is the logging
    # HOWTO's own advice ("Optimization"): every inbound webhook logs a line.
    logging._srcfile = None  # the caller's file and line
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = LoopBatchedHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # These libraries log job arguments and request bodies (phone numbers, texts) at INFO.
    # uvicorn's access log repeats what the app logs, at a cost on the webhook's hot path.
    for noisy in ("arq.worker", "arq.jobs", "twilio", "twilio.http_client", "twilio.async_http_client",
                  "uvicorn.access"):  # fmt: skip
        logging.getLogger(noisy).setLevel(logging.WARNING)
