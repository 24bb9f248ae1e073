"""The job queue as the parts below the runtime see it: something to enqueue a named job on (arq
on Redis for `jorge worker`, or the in-process runner of the embedded default; bot/runtime/jobs.py)."""

from __future__ import annotations

from typing import Protocol


class JobQueue(Protocol):
    async def enqueue(self, name: str, *args: str, job_id: str | None = None, defer: float = 0.0) -> None: ...
