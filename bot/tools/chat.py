"""`jorge chat`: talk to the bot as a lead, in the terminal, on the embedded default.

Each reply is shown with the decision behind it (dimmed). When a reply escalates, the approval
prompt Jorge would see is shown and you can approve, edit or take over right there.
"""

from __future__ import annotations

from collections.abc import Callable

import typer

from agents.errors import AlreadyHandled, EditRejected
from agents.types import Decision
from bot.conversation import Conversation, Turn
from bot.transport.outbound import mask_phone

Ask = Callable[[str], str]


def describe(decision: Decision) -> str:
    """One dimmed line: persona, market, facts, priority, escalation and reasons."""
    parts = [f"action={decision.action.value}"]
    if decision.persona:
        parts.append(f"persona={decision.persona.value}")
    parts.append(f"market={decision.market or '-'}")
    facts = decision.facts.known()
    if facts:
        parts.append("facts=" + ",".join(f"{k}:{v}" for k, v in facts.items()))
    if decision.priority:
        parts.append(f"priority={decision.priority.label} (${decision.priority.score:,})")
    if decision.escalate:
        parts.append("ESCALATED: " + ", ".join(r.value for r in decision.reasons))
    return "  [" + " | ".join(parts) + "]"


def approval_prompt(turn: Turn) -> str:
    decision = turn.decision
    lead = turn.lead
    reasons = ", ".join(r.value.replace("_", " ") for r in decision.reasons)
    lines = [
        "┌ Approval needed (what Jorge sees in Slack)",
        f"│ Lead {lead.name or mask_phone(lead.phone)} · market {decision.market or 'unknown'}"
        + (f" · commission potential ${decision.priority.commission:,}" if decision.priority else ""),
        f"│ Why: {reasons}",
        f"│ Draft: {decision.draft}",
        "└ [a]pprove & send · [e]dit · [t]ake over · [enter] leave pending",
    ]
    return "\n".join(lines)


async def handle_escalation(conversation: Conversation, turn: Turn, ask: Ask, who: str = "Jorge") -> None:
    if turn.escalation is None:
        return
    typer.secho(approval_prompt(turn), fg="yellow")
    choice = ask("approve/edit/take over? ").strip().lower()
    try:
        if choice.startswith("a"):
            await conversation.approvals.approve(turn.escalation.id, who)
            typer.echo(f"Jorge: {turn.escalation.draft}")
        elif choice.startswith("e"):
            text = ask("edited reply: ").strip()
            await conversation.approvals.approve(turn.escalation.id, who, text=text)
            typer.echo(f"Jorge: {text}")
        elif choice.startswith("t"):
            await conversation.approvals.take_over(turn.escalation.id, who)
            typer.secho("  [Jorge took over: the bot stays quiet for this lead]", dim=True)
    except EditRejected as error:
        typer.secho(f"  [not sent: {error}; the draft stays pending]", fg="red")
    except AlreadyHandled as error:
        typer.secho(f"  [{error}]", dim=True)


async def run_chat(conversation: Conversation, phone: str, ask: Ask) -> None:
    typer.secho(f"You are texting Jorge's number as {phone}. Ctrl-D or 'quit' to leave.", dim=True)
    while True:
        try:
            text = ask("you> ")
        except (EOFError, KeyboardInterrupt):
            typer.echo()
            return
        if text.strip().lower() in ("quit", "exit", ":q"):
            return
        if not text.strip():
            continue
        turn = await conversation.receive(phone, text)
        if turn.reply:
            typer.echo(f"bot: {turn.reply}")
        else:
            typer.secho(f"  [no reply: {turn.silenced}]", dim=True)
        typer.secho(describe(turn.decision), dim=True)
        if turn.events:
            typer.secho(f"  [recorded: {', '.join(turn.events)}]", dim=True)
        await handle_escalation(conversation, turn, ask)
