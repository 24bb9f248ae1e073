"""The web application: the Twilio webhooks (plain ASGI, handlers/twilio.py) in front of FastAPI's
Slack events, health, metrics and the JSON API."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bot.configuration.settings import Settings
from bot.runtime.intake import SmsIntake
from bot.runtime.lifecycle import make_sender, start_runtime
from bot.runtime.wiring import build
from bot.team.desk import Desk
from bot.team.reports import refresh_team
from handlers.api import api_router
from handlers.health import health_router
from handlers.limits import BodyLimit
from handlers.signatures import TwilioSignature
from handlers.slack import slack_app, slack_router
from handlers.twilio import TwilioWebhooks

log = logging.getLogger("jorge.web")


def create_app(settings: Settings) -> TwilioWebhooks:
    services = build(settings, sender=make_sender(settings))
    intake = SmsIntake(services.conversation, settings.jorge_coalesce_window)
    signature = TwilioSignature(settings.twilio_auth_token, settings.public_base_url)
    desks: list[Desk] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await start_runtime(settings, role="web", services=services)
        intake.queue = runtime.queue
        for desk in desks:
            desk.queue = runtime.queue
        app.state.runtime = runtime
        if not signature.enforced:
            log.warning("TWILIO_AUTH_TOKEN is not set: unsigned Twilio webhooks are accepted from loopback only")
        if not settings.jorge_api_token:
            log.info("JORGE_API_TOKEN is not set: the JSON API is off")
        try:
            yield
        finally:
            await runtime.close()

    app = FastAPI(title="Jorge bot", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.add_middleware(BodyLimit)
    app.include_router(health_router(services.redis, lambda: refresh_team(services.board), settings.jorge_api_token))
    if services.slack is not None and settings.slack_signing_secret:
        desk = Desk(services.conversation, services.config, services.board, settings.jorge_followup_cadence)
        desks.append(desk)
        bolt = slack_app(desk, services.slack, settings.slack_signing_secret, services.store)
        app.include_router(slack_router(bolt, settings.slack_signing_secret))
    else:
        log.info("Slack is not configured: approval prompts are printed (dry-run), /slack/events is off")
    if settings.jorge_api_token:
        app.include_router(api_router(services.store, settings.jorge_api_token))
    # Outermost: the webhooks are answered before FastAPI's per-request middleware runs.
    return TwilioWebhooks(app, intake, signature)
