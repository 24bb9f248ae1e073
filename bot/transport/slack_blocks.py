"""Slack messages laid out with slack_sdk's Block Kit models (no hand-written JSON)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from agents.team import TeamMember
from agents.types import Appointment, Escalation, Lead, Message, Task
from bot.transport.outbound import mask_phone

REASON_WORDS = {
    "human_requested": "asked for Jorge or a person",
    "negotiation": "offer, counter, credit or fees: a negotiation decision",
    "compliance": "legal, tax, disclosure or Fair Housing territory (or a draft that failed the quality gate)",
    "unhappy_client": "the lead is unhappy",
    "high_value": "high value: $1M or more",
}
EDIT_CALLBACK = "edit_reply_modal"
EDIT_BLOCK = "reply"
EDIT_INPUT = "text"


def escape(text: str) -> str:
    """A lead's words as plain text in Slack: `<!channel>`, `<@U123>` and `<https://x|click>` in a
    text message show as typed instead of pinging people or hiding a link (Slack's own escaping)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def lead_label(lead: Lead) -> str:
    return escape(lead.name) if lead.name else mask_phone(lead.phone)


def _facts_line(lead: Lead) -> str:
    facts = lead.facts.known()
    parts = [f"{k}: {v:,}" if isinstance(v, int) and not isinstance(v, bool) else f"{k}: {v}" for k, v in facts.items()]
    return escape(", ".join(parts)) or "none yet"


def _history(messages: Sequence[Message], limit: int = 4) -> str:
    lines = []
    for message in list(messages)[-limit:]:
        who = "Lead" if message.direction == "in" else "Bot"
        body = message.body if len(message.body) <= 200 else message.body[:197] + "..."
        lines.append(f"*{who}:* {escape(body)}")
    return "\n".join(lines) or "_no messages_"


def _commission(amount: int) -> str:
    """$0 would read as "worth nothing"; with no price known yet it is simply not known."""
    return f"${amount:,}" if amount else "unknown until a price is known"


def _summary_blocks(lead: Lead, escalation: Escalation, history: Sequence[Message]) -> list[Block]:
    decision = escalation.decision
    priority = decision.get("priority") or {}
    commission = priority.get("commission", 0)
    reasons = "\n".join(f"• {REASON_WORDS.get(r, r)}" for r in escalation.reasons)
    return [
        HeaderBlock(text=f"Approval needed: {lead_label(lead)}"),
        SectionBlock(
            fields=[
                MarkdownTextObject(text=f"*Lead*\n{lead_label(lead)}"),
                MarkdownTextObject(text=f"*Market*\n{decision.get('market') or 'unknown'}"),
                MarkdownTextObject(text=f"*Facts*\n{_facts_line(lead)}"),
                MarkdownTextObject(text=f"*Commission potential*\n{_commission(commission)}"),
                MarkdownTextObject(text=f"*Persona*\n{decision.get('persona') or '-'}"),
                MarkdownTextObject(text=f"*Priority*\n{priority.get('label', '-')}"),
            ]
        ),
        SectionBlock(text=MarkdownTextObject(text=f"*Why it escalated*\n{reasons}")),
        SectionBlock(text=MarkdownTextObject(text=f"*Last messages*\n{_history(history)}")),
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text=f"*Drafted reply*\n>{escape(escalation.draft)}")),
    ]


def approval_prompt(lead: Lead, escalation: Escalation, history: Sequence[Message]) -> list[Block]:
    """The prompt Jorge sees: who, why, what was said, the draft, and three buttons."""
    buttons = ActionsBlock(
        block_id=f"escalation:{escalation.id}",
        elements=[
            ButtonElement(text="Approve & send", action_id="approve_reply", value=escalation.id, style="primary"),
            ButtonElement(text="Edit", action_id="edit_reply", value=escalation.id),
            ButtonElement(text="Take over", action_id="take_over", value=escalation.id, style="danger"),
        ],
    )
    return [*_summary_blocks(lead, escalation, history), buttons]


def decided_prompt(lead: Lead, escalation: Escalation, history: Sequence[Message]) -> list[Block]:
    """The same prompt once decided: who did what and when, and no buttons."""
    verb = {
        "approved": "Approved",
        "edited": "Edited",
        "taken_over": "Taken over",
        "released": "Released to the bot without sending",
    }.get(escalation.state, escalation.state)
    if escalation.delivery == "sent":
        verb += " & sent"
    elif escalation.delivery == "retrying":
        verb += " (Twilio failed for now: the text is retried until it goes out, once)"
    elif escalation.delivery:
        verb += f" ({escalation.delivery})"
    when = escalation.decided_at.strftime("%H:%M UTC") if escalation.decided_at else ""
    blocks = _summary_blocks(lead, escalation, history)
    if escalation.final_text:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*Sent instead*\n>{escape(escalation.final_text)}")))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"{verb} by {escalation.decided_by} at {when}")]))
    return blocks


_QUESTIONS = {"market": "area", "price": "budget or price", "bedrooms": "bedrooms", "preapproved": "pre-approval",
              "timeline": "timeline"}  # fmt: skip


def context_packet(lead: Lead, title: str, reason: str) -> str:
    """What the next owner (a teammate or another persona) needs: summary, answers, reason, open
    questions and persona history."""
    known = lead.facts.known()
    answers = escape(", ".join(f"{k}: {v}" for k, v in known.items())) or "none yet"
    open_questions = [label for key, label in _QUESTIONS.items()
                      if not (lead.market is not None if key == "market" else key in known)]  # fmt: skip
    personas = " → ".join(p.value for p in lead.persona_history) or "-"
    persona = lead.persona.value if lead.persona else "lead"
    return "\n".join(
        [
            title,
            f"Summary: {persona} in {lead.market or 'an unknown area'}, {lead.replies_sent} bot replies so far",
            f"Qualification answers: {answers}",
            f"Reason: {reason}",
            f"Open questions: {', '.join(open_questions) or 'none'}",
            f"Persona history: {personas}",
        ]
    )


def assignment_message(lead: Lead, member: TeamMember, why: str, minutes: int) -> list[Block]:
    persona = lead.persona.value if lead.persona else "lead"
    return [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*New lead for you, {member.name.split()[0]}:* {lead_label(lead)} · {persona} · "
                f"{lead.market or 'area unknown'} · facts: {_facts_line(lead)}\n"
                f"Why you: {why}. Claim it within {minutes} min or it goes to the next best teammate."
            )
        ),
        ActionsBlock(
            block_id=f"claim:{lead.phone}",
            elements=[ButtonElement(text="Claim", action_id="claim_lead", value=lead.phone, style="primary")],
        ),
    ]


def rebalance_message(lines: Sequence[str], proposal_id: str) -> list[Block]:
    return [
        SectionBlock(text=MarkdownTextObject(text="*Proposed rebalance*\n" + "\n".join(lines))),
        ActionsBlock(
            block_id=f"rebalance:{proposal_id}",
            elements=[ButtonElement(text="Apply", action_id="apply_rebalance", value=proposal_id, style="primary")],
        ),
    ]


def edit_modal(escalation: Escalation, error: str | None = None) -> View:
    return View(
        type="modal",
        callback_id=EDIT_CALLBACK,
        private_metadata=escalation.id,
        title="Edit reply",
        submit="Send",
        close="Cancel",
        blocks=[
            InputBlock(
                block_id=EDIT_BLOCK,
                label="Reply to the lead",
                element=PlainTextInputElement(
                    action_id=EDIT_INPUT, multiline=True, initial_value=escalation.draft, max_length=320
                ),
                hint=error or "Checked against the quality gate before it goes out.",
            )
        ],
    )


TASK_DONE = "task_done"
KIND_WORDS = {"showing": "Showing", "listing_consult": "Listing consult", "call": "Call"}


def task_message(task: Task, owner: str) -> list[Block]:
    """A task in the lead's thread, for its owner, with a Done button."""
    return [
        SectionBlock(text=MarkdownTextObject(text=f"*Task for {owner}:* {escape(task.text)}")),
        ActionsBlock(
            block_id=f"task:{task.id}",
            elements=[ButtonElement(text="Done", action_id=TASK_DONE, value=task.id, style="primary")],
        ),
    ]


def task_done_message(task: Task) -> list[Block]:
    return [SectionBlock(text=MarkdownTextObject(text=f"~{escape(task.text)}~ Done by {task.done_by}."))]


def appointment_line(appointment: Appointment, owner: str) -> str:
    """An appointment request as the team reads it in the lead's thread."""
    when = " ".join(filter(None, [appointment.day, appointment.time])) or "no day or time yet"
    where = f" at {escape(appointment.address)}" if appointment.address else ""
    said = f' (the lead wrote: "{escape(appointment.text[:200])}")' if appointment.text else ""
    verb = "cancelled by the lead" if appointment.status == "cancelled" else f"requested, for {owner} to confirm"
    return f"*{KIND_WORDS.get(appointment.kind, appointment.kind)}* {when}{where}: {verb}{said}"
