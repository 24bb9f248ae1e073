"""The team's desk in Slack: approvals, lead threads and the `/jorge` command.

Every method takes the Slack user who acted and returns the words to show them; the Slack
handler only translates payloads in and these results out. Permissions come from the team
configuration: approvers (Jorge) may approve, edit and pause everything; anyone on the team may
take over, assign, hand off, reply and pause one lead; anyone else is refused and nothing changes.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from agents.errors import AlreadyHandled, EditRejected, Refused, TaskDone, UnknownLead, Usage
from agents.facts import extract_price
from agents.priority import COMMISSION_RATE
from agents.team import TeamMember
from agents.types import Escalation, Lead, Owner, Task
from bot.configuration.config import Config
from bot.conversation import Conversation
from bot.store.leads import LeadStore, today
from bot.store.queue import JobQueue
from bot.team.board import Move, TeamBoard
from bot.team.reports import day_stats, lead_line, workload
from bot.transport.outbound import mask_phone
from bot.transport.slack_blocks import context_packet, escape

USAGE = """`/jorge` commands:
• `help` · `leads [mine|unassigned|hot]` · `lead <phone>` · `workload` · `stats`
• `take <lead>` · `assign <lead> @member` · `handoff <lead> @member [note]`
• `pause <lead>` · `resume <lead>` · `reply <lead> <text>`
• `followups <lead>` · `stop-followups <lead>` · `tasks [all]`
• `won <lead> [price]` · `lost <lead> [reason]` · `away` · `back` · `rebalance` (approvers)
• `pause-all` · `resume-all` (approvers: the kill switch)"""

_USER = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")




def normalise_phone(text: str) -> str | None:
    """+19095550123, 909-555-0123, (909) 555 0123 → +19095550123; None when it is no phone."""
    digits = re.sub(r"\D", "", text)
    if text.strip().startswith("+") and 8 <= len(digits) <= 15:
        return "+" + digits
    if len(digits) == 10:
        return "+1" + digits
    if len(digits) == 11 and digits.startswith("1"):
        return "+" + digits
    return None


@dataclass
class Desk:
    conversation: Conversation
    config: Config
    board: TeamBoard
    conversation_cadence: Sequence[timedelta] = ()  # the follow-up cadence, for /jorge followups
    queue: JobQueue | None = None  # set once the event loop runs (jorge/app.py lifespan)

    @property
    def store(self) -> LeadStore:
        return self.conversation.store

    async def _send_as_person(self, phone: str, text: str, by: str) -> None:
        """A teammate's text to the lead, queued and then sent by a job at once (the outbox sweep
        would send it within seconds anyway, and retries it)."""
        key = await self.conversation.send_as_person(phone, text, by)
        if self.queue is not None:
            await self.queue.enqueue("deliver", phone, key, job_id=f"deliver:{phone}:{key}")

    async def _sweep(self) -> None:
        """Capacity was freed: assign leads that waited for room."""
        if self.queue is not None:
            await self.queue.enqueue("sweep")

    # who -----------------------------------------------------------------------------------

    def member(self, user_id: str) -> TeamMember | None:
        return next((m for m in self.config.team if m.slack_user_id == user_id), None)

    def _team_member(self, user_id: str) -> TeamMember:
        member = self.member(user_id)
        if member is None:
            raise Refused("Only members of Jorge's team can do that.")
        return member

    def _approver(self, user_id: str) -> TeamMember:
        member = self._team_member(user_id)
        if not member.approver:
            raise Refused("Only an approver (Jorge) can do that.")
        return member

    def _find_member(self, text: str) -> TeamMember:
        mention = _USER.match(text.strip())
        if mention:
            found = self.member(mention.group(1))
        else:
            wanted = text.strip().lstrip("@").lower()
            found = next((m for m in self.config.team if wanted in (m.name.lower(), m.name.split()[0].lower())), None)
        if found is None:
            raise Usage(f"No team member {text!r}.")
        return found

    async def _lead(self, text: str) -> Lead:
        phone = normalise_phone(text)
        if phone is None:
            raise Usage(f"{text!r} is not a phone number (try +19095550123).")
        lead = await self.store.get(phone)
        if lead is None:
            raise Usage(f"No lead {phone}.")
        return lead

    # approvals -----------------------------------------------------------------------------

    async def approve(self, user_id: str, escalation_id: str) -> None:
        member = self._approver(user_id)
        await self._decide(self.conversation.approvals.approve(escalation_id, member.name))

    async def editable(self, user_id: str, escalation_id: str) -> Escalation:
        """The escalation to put in the edit modal, once the user may edit and it is still pending."""
        self._approver(user_id)
        try:
            escalation = await self.conversation.approvals.escalation(escalation_id)
        except UnknownLead:
            raise Refused("That approval prompt is no longer known.") from None
        if escalation.state != "pending":
            raise Refused(f"Already handled by {escalation.decided_by}.")
        return escalation

    async def edit(self, user_id: str, escalation_id: str, text: str) -> None:
        member = self._approver(user_id)
        await self._decide(self.conversation.approvals.approve(escalation_id, member.name, text=text.strip()))

    async def take_over(self, user_id: str, escalation_id: str) -> None:
        member = self._team_member(user_id)
        await self._decide(self.conversation.approvals.take_over(escalation_id, member.name))

    @staticmethod
    async def _decide(call: Awaitable[object]) -> None:
        try:
            await call
        except AlreadyHandled as handled:
            raise Refused(f"Already handled by {handled.escalation.decided_by}.") from None
        except UnknownLead:
            raise Refused("That approval prompt is no longer known.") from None
        except EditRejected as rejected:
            raise Refused(f"Not sent: {rejected}.") from None

    # lead threads --------------------------------------------------------------------------

    async def thread_message(self, user_id: str, thread_ts: str, text: str) -> str | None:
        """A message typed in a lead's thread: an internal note, or `send: ...` to text the lead."""
        phone = await self.store.phone_for_thread(thread_ts)
        member = self.member(user_id)
        if phone is None or member is None:
            return None
        body = text.strip()
        if not body.lower().startswith("send:"):
            return None  # internal note: stays in Slack
        sms = body[5:].strip()
        if not sms:
            return "Nothing to send: write the text after `send:`."
        try:
            await self._send_as_person(phone, sms, member.name)
        except EditRejected as error:
            return f"Not sent: {error}"
        return None

    # /jorge ----------------------------------------------------------------------------------

    async def command(self, user_id: str, text: str) -> str:
        """Run one `/jorge` command; the answer is shown only to the user who ran it."""
        try:
            words = shlex.split(text)
        except ValueError:
            words = text.split()
        if not words or words[0].lower() == "help":
            return USAGE
        name, args = words[0].lower(), words[1:]
        handler = getattr(self, "_cmd_" + name.replace("-", "_"), None)
        if handler is None:
            return f"Unknown command `{name}`. Try `/jorge help`."
        try:
            self._team_member(user_id)
            result: str = await handler(user_id, args)
            return result
        except Usage as usage:
            return f"{usage.message} Try `/jorge help`."
        except Refused as refused:
            return str(refused)

    @staticmethod
    def _need(args: list[str], count: int, usage: str) -> None:
        if len(args) < count:
            raise Usage(f"Usage: `/jorge {usage}`.")

    async def _leads(self) -> list[Lead]:
        leads = []
        for phone in await self.store.phones(limit=500):
            lead = await self.store.get(phone)
            if lead is not None:
                leads.append(lead)
        return leads

    async def _cmd_leads(self, user_id: str, args: list[str]) -> str:
        which = args[0].lower() if args else "all"
        member = self._team_member(user_id)
        filters: dict[str, Callable[[Lead], bool]] = {
            "all": lambda lead: True,
            "mine": lambda lead: lead.assigned_to == member.name,
            "unassigned": lambda lead: lead.assigned_to is None,
            "hot": lambda lead: bool(lead.priority and lead.priority.label == "hot"),
        }
        if which not in filters:
            raise Usage("Usage: `/jorge leads [mine|unassigned|hot]`.")
        chosen = [lead for lead in await self._leads() if filters[which](lead)][:15]
        if not chosen:
            return f"No {which} leads."
        return f"*Leads ({which})*\n" + "\n".join(lead_line(lead) for lead in chosen)

    async def _cmd_lead(self, user_id: str, args: list[str]) -> str:
        self._need(args, 1, "lead <phone>")
        lead = await self._lead(args[0])
        facts = escape(", ".join(f"{k}: {v}" for k, v in lead.facts.known().items())) or "none yet"
        lines = [f"*{lead.name or lead.phone}*", lead_line(lead), f"Facts: {facts}"]
        for message in (await self.store.recent(lead.phone, 5))[-5:]:
            who = "Lead" if message.direction == "in" else "Us"
            lines.append(f"> *{who}:* {escape(message.body)}")
        return "\n".join(lines)

    async def claim(self, user_id: str, phone: str) -> str:
        """The Claim button on an assignment message."""
        member = self._team_member(user_id)
        if not await self.board.claim(phone, member):
            lead = await self.store.get(phone)
            holder = lead.assigned_to if lead else None
            return f"Too late: {phone} is with {holder}." if holder and holder != member.name else "Already claimed."
        await self.conversation.threads.note(phone, f"{member.name} claimed this lead.")
        return f"{phone} is yours. `/jorge lead {phone}` shows the conversation."

    async def _cmd_take(self, user_id: str, args: list[str]) -> str:
        self._need(args, 1, "take <lead>")
        member = self._team_member(user_id)
        lead = await self._lead(args[0])
        if await self.board.pending_claim(lead.phone):
            await self.board.claim(lead.phone, member)
        elif lead.assigned_to != member.name:
            await self.board.release(self.board.by_name(lead.assigned_to))
            await self.board.force(member)
        await self.store.set_owner(lead.phone, Owner.HUMAN, assigned_to=member.name)
        took = f"{member.name} took {mask_phone(lead.phone)}: the bot is quiet."
        await self.conversation.threads.note(lead.phone, took)
        return f"You have {lead.phone}. The bot stays quiet for this lead until `/jorge resume {lead.phone}`."

    async def _cmd_assign(self, user_id: str, args: list[str]) -> str:
        self._need(args, 2, "assign <lead> @member")
        lead = await self._lead(args[0])
        member = self._find_member(args[1])
        await self._move(lead, member)
        await self.conversation.threads.note(lead.phone, f"Assigned to <@{member.slack_user_id}>.")
        return f"{lead.phone} is assigned to {member.name}."

    async def _cmd_handoff(self, user_id: str, args: list[str]) -> str:
        self._need(args, 2, "handoff <lead> @member [note]")
        giver = self._team_member(user_id)
        lead = await self._lead(args[0])
        member = self._find_member(args[1])
        note = " ".join(args[2:]) or "no note"
        await self._move(lead, member)
        title = f"*Handoff* from {giver.name} to <@{member.slack_user_id}>"
        await self.conversation.threads.note(lead.phone, context_packet(lead, title, note))
        return f"Handed {lead.phone} to {member.name}; the context packet is in the lead's thread."

    async def _move(self, lead: Lead, member: TeamMember) -> None:
        await self.board.clear_claim(lead.phone)
        if lead.assigned_to != member.name:
            await self.board.release(self.board.by_name(lead.assigned_to))
            await self.board.force(member)
        await self.store.set_fields(lead.phone, assigned_to=member.name)

    async def _cmd_won(self, user_id: str, args: list[str]) -> str:
        self._need(args, 1, "won <lead> [price]")
        lead = await self._lead(args[0])
        price = extract_price(" ".join(args[1:])) if len(args) > 1 else None
        member = await self.board.outcome(lead, won=True, price=price)
        await self.store.set_fields(lead.phone, followups_stopped=True, outcome="won")
        await self._sweep()
        commission = round((price or lead.facts.price or 0) * COMMISSION_RATE)
        return f"Won {lead.phone} for {member.name if member else 'the team'}: about ${commission:,} commission."

    async def _cmd_lost(self, user_id: str, args: list[str]) -> str:
        self._need(args, 1, "lost <lead> [reason]")
        lead = await self._lead(args[0])
        reason = " ".join(args[1:]) or "no reason given"
        await self.board.outcome(lead, won=False, price=None)
        await self.store.set_fields(lead.phone, followups_stopped=True, outcome="lost")
        await self.conversation.threads.note(lead.phone, f"Marked lost: {reason}")
        await self._sweep()
        return f"Lost {lead.phone} ({reason})."

    async def _cmd_away(self, user_id: str, args: list[str]) -> str:
        await self.board.set_away(self._team_member(user_id), True)
        return "You're away: no new leads until `/jorge back`."

    async def _cmd_back(self, user_id: str, args: list[str]) -> str:
        await self.board.set_away(self._team_member(user_id), False)
        await self._sweep()
        return "Welcome back: new leads can come to you again."

    async def _cmd_rebalance(self, user_id: str, args: list[str]) -> str:
        if len(args) == 2 and args[0].lower() == "apply":
            return await self.apply_rebalance(user_id, args[1])
        moves = self.board.plan_rebalance(await self.board.states(), await self._leads())
        if not moves:
            return "The load is balanced: nothing to move."
        payload = [[m.phone, m.source.slack_user_id, m.target.slack_user_id] for m in moves]
        proposal = await self.store.propose_rebalance(payload)
        lines = [f"• {m.phone}: {m.source.name} → {m.target.name}" for m in moves]
        apply = f"`/jorge rebalance apply {proposal}`"
        return f"Proposed rebalance (an approver applies it with {apply}):\n" + "\n".join(lines)

    async def apply_rebalance(self, user_id: str, proposal: str) -> str:
        self._approver(user_id)
        planned = await self.store.take_rebalance(proposal)
        if planned is None:
            return "That proposal expired or was applied already."
        moves = []
        for phone, source, target in planned:
            source_member, target_member = self.board.by_id(source), self.board.by_id(target)
            if source_member and target_member:
                moves.append(Move(phone, source_member, target_member))
        await self.board.apply(moves)
        return f"Moved {len(moves)} lead(s)."

    async def _cmd_pause(self, user_id: str, args: list[str]) -> str:
        self._need(args, 1, "pause <lead>")
        lead = await self._lead(args[0])
        await self.store.set_fields(lead.phone, paused=True)
        return f"The bot is paused for {lead.phone}."

    async def _cmd_resume(self, user_id: str, args: list[str]) -> str:
        self._need(args, 1, "resume <lead>")
        lead = await self._lead(args[0])
        released = ""
        if lead.owner is Owner.AWAITING_APPROVAL:  # a held draft: only an approver may let it go
            member = self._approver(user_id)
            if lead.pending_escalation:
                await self._decide(self.conversation.approvals.release(lead.pending_escalation, member.name))
                released = "The held draft was released without sending. "
        await self.store.set_fields(lead.phone, paused=False, owner=Owner.BOT.value)
        return f"{released}The bot answers {lead.phone} again."

    async def _cmd_reply(self, user_id: str, args: list[str]) -> str:
        self._need(args, 2, "reply <lead> <text>")
        member = self._team_member(user_id)
        lead = await self._lead(args[0])
        try:
            await self._send_as_person(lead.phone, " ".join(args[1:]), member.name)
        except EditRejected as error:
            return f"Not sent: {error}"
        return f"Sent to {lead.phone}. The bot stays quiet for this lead until `/jorge resume {lead.phone}`."

    async def _cmd_tasks(self, user_id: str, args: list[str]) -> str:
        """Open tasks in front of you (`all`: the whole team's), oldest first."""
        member = self._team_member(user_id)
        everyone = bool(args) and args[0].lower() == "all"
        lines = []
        for task in await self.store.open_tasks():
            lead = await self.store.get(task.phone)
            owner = self.conversation.threads.owner_of(lead, task.owner) if lead else task.owner or "-"
            if everyone or owner == member.name:
                who = f" ({owner})" if everyone else ""
                lines.append(f"• {mask_phone(task.phone)}: {escape(task.text)}{who} `{task.id}`")
        if not lines:
            return "No open tasks." if everyone else "No open tasks for you."
        return "*Open tasks*\n" + "\n".join(lines[:30])

    async def task_done(self, user_id: str, task_id: str) -> Task:
        """The Done button on a task: applied once; a second click is told who did it."""
        member = self._team_member(user_id)
        try:
            task = await self.conversation.finish_task(task_id, member.name)
        except TaskDone as done:
            raise Refused(f"Already done by {done.task.done_by}.") from None
        except UnknownLead:
            raise Refused("That task is no longer known.") from None
        await self.conversation.threads.note(task.phone, f"{member.name} did: {escape(task.text)}")
        return task

    async def _cmd_workload(self, user_id: str, args: list[str]) -> str:
        return await workload(self.store, self.board)

    async def _cmd_stats(self, user_id: str, args: list[str]) -> str:
        return await day_stats(self.store, self.board, today())

    async def _cmd_followups(self, user_id: str, args: list[str]) -> str:
        self._need(args, 1, "followups <lead>")
        lead = await self._lead(args[0])
        if lead.followups_stopped:
            return f"Follow-ups are stopped for {lead.phone}."
        state = await self.store.followup(lead.phone)
        if state is None:
            return f"No follow-up is scheduled for {lead.phone}."
        cadence = len(self.conversation_cadence)
        return f"Next follow-up for {lead.phone}: {int(state['step']) + 1} of {cadence}, due {state['due']}."

    async def _cmd_stop_followups(self, user_id: str, args: list[str]) -> str:
        self._need(args, 1, "stop-followups <lead>")
        lead = await self._lead(args[0])
        await self.store.set_fields(lead.phone, followups_stopped=True)
        await self.store.clear_followup(lead.phone)
        return f"No more follow-ups for {lead.phone}."

    async def _cmd_pause_all(self, user_id: str, args: list[str]) -> str:
        self._approver(user_id)
        await self.store.set_kill_switch(True)
        return "Kill switch ON: the bot sends nothing until `/jorge resume-all`."

    async def _cmd_resume_all(self, user_id: str, args: list[str]) -> str:
        self._approver(user_id)
        await self.store.set_kill_switch(False)
        return "Kill switch off: the bot answers leads again."
