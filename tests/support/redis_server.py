"""A throwaway redis-server on a free port, for tests and benchmarks (never a Redis we did not start)."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator

from redis import Redis

from tests.support.processes import free_port


def start_redis(port: int, workdir: str, *extra: str) -> subprocess.Popen[bytes]:
    """Start redis-server on 127.0.0.1:`port` with its files in `workdir`; return once it answers."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed: install it (apt-get install redis-server) or set REDIS_URL")
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", workdir, "--save", "", *extra]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            Redis(port=port).ping()
            return process
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"redis-server on port {port} did not start") from None
            time.sleep(0.05)


@contextlib.contextmanager
def throwaway_redis() -> Iterator[str]:
    """The URL of a fresh redis-server (no persistence), stopped and removed afterwards."""
    workdir = tempfile.mkdtemp(prefix="jorge-redis-")
    port = free_port()
    process = start_redis(port, workdir, "--appendonly", "no")
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
