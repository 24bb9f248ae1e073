"""Structured logs: one JSON object a line. Phone numbers are masked where they are logged and
message bodies never appear at INFO."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # These libraries log job arguments and request bodies (phone numbers, texts) at INFO.
    # uvicorn's access log repeats what the app logs, at a cost on the webhook's hot path.
    for noisy in ("arq.worker", "arq.jobs", "twilio", "twilio.http_client", "twilio.async_http_client",
                  "uvicorn.access"):  # fmt: skip
        logging.getLogger(noisy).setLevel(logging.WARNING)
