"""Slack: slack-bolt's AsyncApp, mounted at POST /slack/events (events, interactivity and the
slash command share that URL). Before bolt sees a request, `slack_router` bounds its size, checks
the signing secret and the timestamp (older than 5 minutes is refused) and that it is a Slack
request this app handles; anything else gets a 4xx and changes nothing.

Listeners only translate: a payload becomes a call on the Desk, and its answer becomes an
ephemeral message, a modal or a modal error. Each acknowledges first (Slack's 3-second rule); a
/jorge command only reads and writes Redis (a text it sends goes through the outbox), so its
answer is the acknowledgement.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.conversation import EditRejected
from bot.desk import Desk, Refused
from bot.slack_blocks import EDIT_BLOCK, EDIT_CALLBACK, EDIT_INPUT, TASK_DONE, edit_modal, task_done_message
from bot.store import LeadStore

log = logging.getLogger("jorge.slack")


def slack_app(desk: Desk, client: AsyncWebClient, signing_secret: str, store: LeadStore) -> AsyncApp:
    app = AsyncApp(client=client, signing_secret=signing_secret, process_before_response=False)

    async def tell(body: dict[str, Any], text: str) -> None:
        """An ephemeral line for the user who clicked, in the channel they clicked in."""
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        user = (body.get("user") or {}).get("id")
        if channel and user:
            await client.chat_postEphemeral(channel=channel, user=user, text=text)

    @app.middleware
    async def drop_retried_events(body: dict[str, Any], next: Any) -> Any:
        # Slack retries an event it thinks we missed (X-Slack-Retry-Num); handle each event_id once.
        event_id = body.get("event_id")
        if event_id and not await store.first_time("event", str(event_id)):
            return BoltResponse(status=200, body="")
        return await next()

    @app.action("approve_reply")
    async def approve(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        try:
            await desk.approve(body["user"]["id"], action["value"])
        except Refused as refused:
            await tell(body, str(refused))

    @app.action("take_over")
    async def take_over(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        try:
            await desk.take_over(body["user"]["id"], action["value"])
        except Refused as refused:
            await tell(body, str(refused))

    @app.action("claim_lead")
    async def claim(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        try:
            await tell(body, await desk.claim(body["user"]["id"], action["value"]))
        except Refused as refused:
            await tell(body, str(refused))

    @app.action(TASK_DONE)
    async def task_done(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        try:
            task = await desk.task_done(body["user"]["id"], action["value"])
        except Refused as refused:
            await tell(body, str(refused))
            return
        container = body.get("container") or {}
        if container.get("channel_id") and container.get("message_ts"):
            await client.chat_update(
                channel=container["channel_id"], ts=container["message_ts"], text=f"Done: {task.text}",
                blocks=task_done_message(task),
            )  # fmt: skip

    @app.action("edit_reply")
    async def edit(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        try:
            await desk.can_edit(body["user"]["id"], action["value"])
            escalation = await desk.conversation.escalation(action["value"])
        except Refused as refused:
            await tell(body, str(refused))
            return
        await client.views_open(trigger_id=body["trigger_id"], view=edit_modal(escalation))

    @app.view(EDIT_CALLBACK)
    async def edited(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        text = view["state"]["values"][EDIT_BLOCK][EDIT_INPUT]["value"] or ""
        try:
            await desk.edit(body["user"]["id"], view["private_metadata"], text)
        except Refused as refused:
            await ack(response_action="errors", errors={EDIT_BLOCK: str(refused)})
            return
        except EditRejected as rejected:  # the quality gate's reasons, shown in the modal
            await ack(response_action="errors", errors={EDIT_BLOCK: f"Not sent: {rejected}"})
            return
        await ack()

    @app.command("/jorge")
    async def jorge(ack: Any, command: dict[str, Any]) -> None:
        await ack(text=await desk.command(command["user_id"], command.get("text", "")), response_type="ephemeral")

    @app.event("message")
    async def thread_message(event: dict[str, Any], say: Any) -> None:
        if event.get("bot_id") or event.get("subtype") or not event.get("thread_ts"):
            return
        answer = await desk.thread_message(event.get("user", ""), event["thread_ts"], event.get("text", ""))
        if answer:
            await say(text=answer, thread_ts=event["thread_ts"])

    return app


MAX_SLACK_BODY = 256 * 1024  # Slack's own payloads (a view submission with its blocks) stay far below
_KINDS = frozenset(
    {"block_actions", "view_submission", "view_closed", "shortcut", "message_action", "block_suggestion"}
)


def readable(body: bytes, content_type: str) -> bool:
    """A signed body bolt can route: an events JSON object with a type, a slash command form, or an
    interactivity form whose payload is a JSON object of a known type with a user."""
    try:
        text = body.decode("utf-8")
        if content_type.startswith("application/json"):
            event = json.loads(text)
            return isinstance(event, dict) and isinstance(event.get("type"), str)
        form = dict(parse_qsl(text, keep_blank_values=True))
        if "payload" not in form:
            return bool(form.get("command")) and bool(form.get("user_id"))
        payload = json.loads(form["payload"])
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError):
        return False
    return (
        isinstance(payload, dict) and payload.get("type") in _KINDS and isinstance(payload.get("user"), dict)
    )


def slack_router(app: AsyncApp, signing_secret: str) -> APIRouter:
    """POST /slack/events: size, then signature, then shape, each refused with a 4xx before bolt
    sees the request; bolt checks the signature again and routes it."""
    handler = AsyncSlackRequestHandler(app)
    verifier = SignatureVerifier(signing_secret)
    router = APIRouter()

    @router.post("/slack/events")
    async def events(request: Request) -> Response:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_SLACK_BODY:
            return JSONResponse({"error": "request too large"}, status_code=413)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_SLACK_BODY:
                return JSONResponse({"error": "request too large"}, status_code=413)
        timestamp = request.headers.get("x-slack-request-timestamp", "")
        signature = request.headers.get("x-slack-signature", "")
        if not (timestamp.isdigit() and verifier.is_valid(body=body, timestamp=timestamp, signature=signature)):
            return JSONResponse({"error": "invalid or stale Slack signature"}, status_code=401)
        if not readable(body, request.headers.get("content-type", "")):
            return JSONResponse({"error": "not a Slack request this app handles"}, status_code=400)
        request._body = body  # bolt reads the body again: from here, not the consumed stream
        response: Response = await handler.handle(request)
        return response

    return router
