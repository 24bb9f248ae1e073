"""A lead's Slack side: its thread (notes, tasks, handoffs), its approval prompts and the
assignment messages. Slack is a side channel: a failure here is counted and logged, and never
undoes what was sent to the lead."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Mapping

from agents.team import TeamMember
from agents.types import Escalation, Lead, Task
from bot.store.leads import LeadStore
from bot.telemetry.metrics import NOTIFY_FAILURES
from bot.transport.slack import DryRunNotifier, Notifier, Posted
from bot.transport.slack_blocks import escape, task_message

log = logging.getLogger("jorge.conversation")


class Threads:
    def __init__(
        self,
        store: LeadStore,
        notifier: Notifier | None = None,
        *,
        backstop: str = "Jorge",
        member_ids: Mapping[str, str] | None = None,
    ) -> None:
        self.store = store
        self.notifier: Notifier = notifier or DryRunNotifier()
        self.backstop = backstop  # who acts for a lead nobody owns yet (Jorge)
        self.member_ids = dict(member_ids or {})  # team member name -> Slack user id, for mentions

    async def notify(self, action: str, call: Awaitable[Posted | None]) -> Posted | None:
        """Slack is a side channel: its failure must not undo a reply already sent to a lead."""
        try:
            return await call
        except Exception:
            NOTIFY_FAILURES.labels(action=action).inc()
            log.exception("Slack %s failed", action)
            return None

    async def remember(self, lead: Lead, posted: Posted | None) -> Lead:
        if posted is None or lead.slack_thread:
            return lead
        await self.store.set_fields(lead.phone, slack_thread=posted.ts)
        await self.store.link_thread(posted.ts, lead.phone)
        return lead.model_copy(update={"slack_thread": posted.ts})

    async def post(self, lead: Lead, text: str) -> Lead:
        return await self.remember(lead, await self.notify("thread", self.notifier.thread(lead, text)))

    async def post_prompt(self, lead: Lead, escalation: Escalation) -> Lead:
        history = await self.store.recent(lead.phone)
        posted = await self.notify("prompt", self.notifier.prompt(lead, escalation, history))
        if posted is not None:
            await self.store.update_escalation(escalation.id, slack_channel=posted.channel, slack_ts=posted.ts)
        return await self.remember(lead, posted)

    async def update_prompt(self, escalation: Escalation) -> None:
        lead = await self.store.get_or_new(escalation.phone)
        history = await self.store.recent(escalation.phone)
        await self.notify("update", _none(self.notifier.update(lead, escalation, history)))

    async def post_task(self, lead: Lead, task: Task) -> Lead:
        """The task in the lead's thread, for its owner, with a Done button."""
        owner = self.mention(self.owner_of(lead, task.owner))
        posted = await self.notify("task", self.notifier.thread(lead, f"Task for {owner}: {escape(task.text)}",
                                                                task_message(task, owner)))  # fmt: skip
        return await self.remember(lead, posted)

    async def notify_assigned(self, lead: Lead, member: TeamMember, why: str, minutes: int) -> None:
        await self.notify("assigned", _none(self.notifier.assigned(lead, member, why, minutes)))
        await self.post(lead, f"Assigned to <@{member.slack_user_id}> ({why}).")

    async def note(self, phone: str, text: str) -> None:
        """Post a line into the lead's Slack thread (starting one if needed)."""
        await self.post(await self.store.get_or_new(phone), text)

    def owner_of(self, lead: Lead, task_owner: str | None = None) -> str:
        """Who a task or an appointment request is in front of: its own owner, else the lead's
        assignee, else Jorge (the backstop for leads nobody has claimed)."""
        return task_owner or lead.assigned_to or self.backstop

    def mention(self, name: str) -> str:
        member_id = self.member_ids.get(name)
        return f"<@{member_id}>" if member_id else name


async def _none(call: Awaitable[None]) -> None:
    await call
