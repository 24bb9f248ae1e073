"""Liveness, readiness and metrics."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.telemetry.metrics import REGISTRY, TEAM_REGISTRY

log = logging.getLogger("jorge.health")


def health_router(
    redis: Redis, refresh: Callable[[], Awaitable[None]] | None = None, token: str | None = None
) -> APIRouter:
    """/healthz, /readyz ("down" without saying why: the reason is logged) and /metrics (the team's
    names and commission figures only with `token` as a bearer token)."""
    router = APIRouter()

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz() -> Response:
        try:
            await redis.ping()
        except (RedisError, OSError) as error:
            log.warning("not ready: Redis unreachable (%s)", type(error).__name__)
            return JSONResponse({"status": "unavailable", "redis": "down"}, status_code=503)
        return JSONResponse({"status": "ok", "redis": "ok"})

    @router.get("/metrics")
    async def metrics(request: Request) -> Response:
        body = generate_latest(REGISTRY)
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if token and scheme.lower() == "bearer" and secrets.compare_digest(given.strip().encode(), token.encode()):
            if refresh is not None:
                await refresh()
            body += generate_latest(TEAM_REGISTRY)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return router
