"""Slack: slack-bolt's AsyncApp, mounted at POST /slack/events (events, interactivity and the
slash command share that URL). Before bolt sees a request, `slack_router` checks the signing
secret and the timestamp (older than 5 minutes is refused) and that it is a Slack request this app
handles; anything else gets a 4xx and changes nothing.

Listeners only translate: a payload becomes a call on the Desk, and its answer becomes an
ephemeral message, a modal or a modal error. Each acknowledges within Slack's 3 seconds: buttons
first; a /jorge command's answer is its acknowledgement when it is ready in time (it only reads and
writes Redis and posts to Slack; a text it sends goes through the outbox), else the command is
acknowledged with "Working on it" and its answer follows through the command's response_url.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from agents.errors import EditRejected, Refused
from agents.types import Escalation, Task
from bot.store.leads import LeadStore
from bot.team.desk import Desk
from bot.transport.slack_blocks import EDIT_BLOCK, EDIT_CALLBACK, EDIT_INPUT, TASK_DONE, edit_modal, task_done_message

log = logging.getLogger("jorge.slack")
T = TypeVar("T")
ACK_WITHIN = 2.0  # seconds a /jorge answer may take to be the acknowledgement itself (Slack allows 3)


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

    async def say_it(body: dict[str, Any], said: str | None) -> None:
        if said:
            await tell(body, said)

    async def mark_done(body: dict[str, Any], task: Task) -> None:
        container = body.get("container") or {}
        if container.get("channel_id") and container.get("message_ts"):
            await client.chat_update(
                channel=container["channel_id"], ts=container["message_ts"], text=f"Done: {task.text}",
                blocks=task_done_message(task),
            )  # fmt: skip

    async def open_editor(body: dict[str, Any], escalation: Escalation) -> None:
        await client.views_open(trigger_id=body.get("trigger_id", ""), view=edit_modal(escalation))

    def button(
        action_id: str, act: Callable[[str, str], Awaitable[T]], then: Callable[[dict[str, Any], T], Awaitable[None]]
    ) -> None:
        """A button whose click `act`s as the clicking user on the button's value, `then` shows the
        result; a refusal is told to that user alone."""

        @app.action(action_id)
        async def clicked(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
            await ack()
            try:
                result = await act(body["user"]["id"], action["value"])
            except Refused as refused:
                await tell(body, str(refused))
                return
            await then(body, result)

    button("approve_reply", desk.approve, say_it)
    button("take_over", desk.take_over, say_it)
    button("claim_lead", desk.claim, say_it)
    button(TASK_DONE, desk.task_done, mark_done)
    button("edit_reply", desk.editable, open_editor)

    @app.view(EDIT_CALLBACK)
    async def edited(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        field = ((view.get("state") or {}).get("values", {}).get(EDIT_BLOCK) or {}).get(EDIT_INPUT) or {}
        try:
            await desk.edit(body["user"]["id"], view.get("private_metadata", ""), field.get("value") or "")
        except Refused as refused:
            await ack(response_action="errors", errors={EDIT_BLOCK: str(refused)})
            return
        except EditRejected as rejected:  # the quality gate's reasons, shown in the modal
            await ack(response_action="errors", errors={EDIT_BLOCK: f"Not sent: {rejected}"})
            return
        await ack()

    @app.command("/jorge")
    async def jorge(ack: Any, respond: Any, command: dict[str, Any]) -> None:
        work = asyncio.ensure_future(desk.command(command["user_id"], command.get("text", "")))
        done, _ = await asyncio.wait({work}, timeout=ACK_WITHIN)
        if done:
            await ack(text=work.result(), response_type="ephemeral")
            return
        await ack(text="Working on it…", response_type="ephemeral")
        await respond(text=await work, response_type="ephemeral")

    @app.event("message")
    async def thread_message(event: dict[str, Any], say: Any) -> None:
        if event.get("bot_id") or event.get("subtype") or not event.get("thread_ts"):
            return
        answer = await desk.thread_message(event.get("user", ""), event["thread_ts"], event.get("text", ""))
        if answer:
            await say(text=answer, thread_ts=event["thread_ts"])

    return app


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow")


class _User(_Shape):
    id: str


class _Action(_Shape):
    action_id: str
    value: str


class _State(_Shape):
    values: dict[str, dict[str, dict[str, Any]]]


class _View(_Shape):
    callback_id: str = ""
    private_metadata: str = ""
    state: _State | None = None


class _Interaction(_Shape):
    """An interactivity payload with what bolt's middleware and our listeners read."""

    type: Literal["block_actions", "view_submission", "view_closed", "shortcut", "message_action", "block_suggestion"]
    user: _User
    actions: list[_Action] | None = None
    view: _View | None = None
    channel: dict[str, Any] | None = None
    container: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _complete(self) -> _Interaction:
        if self.type == "block_actions" and not self.actions:
            raise ValueError("block_actions without actions")
        if self.type in ("view_submission", "view_closed") and self.view is None:
            raise ValueError(f"{self.type} without a view")
        return self


class _Inner(_Shape):
    type: str


class _Event(_Shape):
    type: str
    event: _Inner | None = None
    challenge: str | None = None
    event_id: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> _Event:
        if self.event is None and (self.type == "event_callback" or "event" in self.model_fields_set):
            raise ValueError("an event that is not an object")  # bolt reads body.get("event", {}) as a dict
        if self.type == "url_verification" and not self.challenge:
            raise ValueError("url_verification without a challenge")  # bolt skips an empty one, then reads the event
        return self


class _Command(_Shape):
    command: str = Field(min_length=1)
    user_id: str = Field(min_length=1)
    text: str = ""


def readable(body: bytes, content_type: str) -> bool:
    """A signed body with the shape bolt and the listeners read: an events JSON object, a slash
    command form, or an interactivity form whose payload is a known kind with a user (and its
    actions or view). Anything else gets a 400 before bolt sees it."""
    try:
        text = body.decode("utf-8")
        if content_type.startswith("application/json"):
            _Event.model_validate_json(text)
            return True
        form = dict(parse_qsl(text, keep_blank_values=True))
        if "payload" in form:
            _Interaction.model_validate_json(form["payload"])
        else:
            _Command.model_validate(form)
    except (UnicodeDecodeError, ValidationError, ValueError):
        return False
    return True


def signed(secret: bytes, body: bytes, timestamp: str, signature: str, now: float | None = None) -> bool:
    """Slack's v0 signature over the raw bytes (slack_sdk's verifier decodes the body first, which
    a non-UTF-8 body turns into an exception), and a timestamp within 5 minutes."""
    if not timestamp.isdigit() or abs((time.time() if now is None else now) - int(timestamp)) > 300:
        return False
    expected = "v0=" + hmac.new(secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "surrogateescape"))


def slack_router(app: AsyncApp, signing_secret: str) -> APIRouter:
    """POST /slack/events: signature, then shape, each refused with a 4xx before bolt sees the
    request (the app's BodyLimit has bounded its size); bolt checks the signature again and routes it."""
    handler = AsyncSlackRequestHandler(app)
    secret = signing_secret.encode()
    router = APIRouter()

    @router.post("/slack/events")
    async def events(request: Request) -> Response:
        body = await request.body()
        timestamp = request.headers.get("x-slack-request-timestamp", "")
        signature = request.headers.get("x-slack-signature", "")
        if not signed(secret, body, timestamp, signature):
            return JSONResponse({"error": "invalid or stale Slack signature"}, status_code=401)
        if not readable(body, request.headers.get("content-type", "")):
            return JSONResponse({"error": "not a Slack request this app handles"}, status_code=400)
        response: Response = await handler.handle(request)
        return response

    return router
