"""The read-only JSON API behind JORGE_API_TOKEN: GET /api/leads and GET /api/leads/{phone}."""

from __future__ import annotations

import re
import secrets
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request

from agents.errors import UnknownLead
from bot.conversation.views import lead_detail, lead_summary
from bot.store.leads import LeadStore

_E164 = re.compile(r"^\+[1-9]\d{7,14}$")


def api_router(store: LeadStore, token: str) -> APIRouter:
    def authorised(request: Request) -> None:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), token.encode()):
            raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})

    router = APIRouter(prefix="/api", dependencies=[Depends(authorised)])

    @router.get("/leads")
    async def leads(limit: int = 100) -> dict[str, Any]:
        phones = await store.phones(limit=max(1, min(limit, 1000)))
        found = []
        for phone in phones:
            try:
                found.append(await lead_summary(store, phone))
            except UnknownLead:
                continue  # indexed by an inbound text whose profile is not written yet
        return {"leads": found}

    @router.get("/leads/{phone}")
    async def lead(phone: str) -> dict[str, Any]:
        if not _E164.match(phone):
            raise HTTPException(400, "phone must be E.164, URL-encoded (%2B19095550123)")
        try:
            return await lead_detail(store, phone)
        except UnknownLead:
            raise HTTPException(404, f"no lead {phone}") from None

    return router
