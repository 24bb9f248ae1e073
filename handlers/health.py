"""Liveness, readiness and metrics."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.metrics import REGISTRY


def health_router(redis: Redis, refresh: Callable[[], Awaitable[None]] | None = None) -> APIRouter:
    router = APIRouter()

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz() -> Response:
        try:
            await redis.ping()
        except (RedisError, OSError) as error:
            return JSONResponse({"status": "unavailable", "redis": str(error)}, status_code=503)
        return JSONResponse({"status": "ok", "redis": "ok"})

    @router.get("/metrics")
    async def metrics() -> Response:
        if refresh is not None:
            await refresh()
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return router
