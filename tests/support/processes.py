"""Start the real product as a user would: `jorge serve` (uvicorn) and `jorge worker` (arq)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Process:
    def __init__(self, args: list[str], env: Mapping[str, str], log: Path) -> None:
        self.log = log
        self._file = log.open("wb")
        isolated = ("TWILIO_", "SLACK_", "JORGE_", "ANTHROPIC_")
        full_env = {k: v for k, v in os.environ.items() if not k.startswith(isolated)}
        full_env.pop("REDIS_URL", None)  # each test says which Redis, if any
        full_env.update(env)
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "jorge", *args], cwd=ROOT, env=full_env, stdout=self._file, stderr=subprocess.STDOUT
        )

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGINT)
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)
        self._file.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def wait_until_healthy(base_url: str, process: Process, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise RuntimeError(f"jorge serve exited:\n{process.output()}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"jorge serve did not come up:\n{process.output()}")
