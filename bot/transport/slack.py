"""Telling the team: approval prompts, their updates, and each lead's thread in Slack.

A notifier is three methods. The Slack one posts through slack_sdk; the dry-run one (no Slack
credentials) records and prints what it would have posted.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Protocol

from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient

from agents.team import TeamMember
from agents.types import Escalation, Lead, Message
from bot.transport.outbound import mask_phone
from bot.transport.slack_blocks import approval_prompt, assignment_message, decided_prompt, lead_label

log = logging.getLogger("jorge.notify")


@dataclass(frozen=True)
class Posted:
    channel: str
    ts: str


class Notifier(Protocol):
    async def prompt(self, lead: Lead, escalation: Escalation, history: list[Message]) -> Posted | None:
        """Post an approval prompt; it becomes the root of the lead's thread."""
        ...

    async def update(self, lead: Lead, escalation: Escalation, history: list[Message]) -> None:
        """Rewrite a decided prompt: who did what and when, without buttons."""
        ...

    async def thread(self, lead: Lead, text: str, blocks: list[Block] | None = None) -> Posted | None:
        """Post into the lead's thread, starting one when the lead has none."""
        ...

    async def assigned(self, lead: Lead, member: TeamMember, why: str, minutes: int) -> None:
        """Tell a member a lead is theirs to claim, and why it went to them."""
        ...


@dataclass
class DryRunNotifier:
    echo: bool = False
    posts: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=1000))  # the latest only

    async def prompt(self, lead: Lead, escalation: Escalation, history: list[Message]) -> Posted | None:
        self._record("prompt", lead, f"approval needed ({', '.join(escalation.reasons)}): {escalation.draft}")
        return None

    async def update(self, lead: Lead, escalation: Escalation, history: list[Message]) -> None:
        self._record("update", lead, f"{escalation.state} by {escalation.decided_by}")

    async def thread(self, lead: Lead, text: str, blocks: list[Block] | None = None) -> Posted | None:
        self._record("thread", lead, text)
        return None

    async def assigned(self, lead: Lead, member: TeamMember, why: str, minutes: int) -> None:
        self._record("assigned", lead, f"{member.name} ({why}); claim within {minutes} min")

    def _record(self, kind: str, lead: Lead, text: str) -> None:
        self.posts.append({"kind": kind, "phone": lead.phone, "text": text})
        log.info("dry-run Slack %s for %s", kind, mask_phone(lead.phone))
        if self.echo:
            print(f"[dry-run Slack {kind} for {mask_phone(lead.phone)}] {text}", flush=True)


class SlackNotifier:
    def __init__(self, client: AsyncWebClient, channel: str) -> None:
        self.client = client
        self.channel = channel

    async def prompt(self, lead: Lead, escalation: Escalation, history: list[Message]) -> Posted | None:
        blocks = approval_prompt(lead, escalation, history)
        text = f"Approval needed for {lead_label(lead)}"
        if lead.slack_thread:  # the lead already has a thread: the prompt goes into it
            response = await self.client.chat_postMessage(
                channel=self.channel, thread_ts=lead.slack_thread, blocks=blocks, text=text
            )
        else:
            response = await self.client.chat_postMessage(channel=self.channel, blocks=blocks, text=text)
        return Posted(channel=str(response["channel"]), ts=str(response["ts"]))

    async def update(self, lead: Lead, escalation: Escalation, history: list[Message]) -> None:
        if not (escalation.slack_channel and escalation.slack_ts):
            return
        await self.client.chat_update(
            channel=escalation.slack_channel,
            ts=escalation.slack_ts,
            blocks=decided_prompt(lead, escalation, history),
            text=f"{escalation.state} by {escalation.decided_by}",
        )

    async def assigned(self, lead: Lead, member: TeamMember, why: str, minutes: int) -> None:
        await self.client.chat_postMessage(
            channel=member.slack_user_id,
            blocks=assignment_message(lead, member, why, minutes),
            text=f"New lead for you: {lead_label(lead)}",
        )

    async def thread(self, lead: Lead, text: str, blocks: list[Block] | None = None) -> Posted | None:
        if lead.slack_thread:
            await self.client.chat_postMessage(
                channel=self.channel, thread_ts=lead.slack_thread, text=text, blocks=blocks
            )
            return None
        root = await self.client.chat_postMessage(channel=self.channel, text=f"Lead {lead_label(lead)}")
        ts = str(root["ts"])
        await self.client.chat_postMessage(channel=self.channel, thread_ts=ts, text=text, blocks=blocks)
        return Posted(channel=str(root["channel"]), ts=ts)
