"""What `/jorge` shows as text: a lead's one-line summary, the team's workload, the day's stats.

Read-only: each function reads the store and the team board and returns Slack mrkdwn.
"""

from __future__ import annotations

import statistics

from agents.tokens import PRICES
from agents.tokens import Usage as TokenUsage
from agents.types import Lead
from bot.store.leads import LeadStore
from bot.team.board import TeamBoard
from bot.telemetry.metrics import MEMBER, PERSONA, PERSONAS


def median_time(values: list[float]) -> str:
    if not values:
        return "-"
    seconds = statistics.median(values)
    return f"{seconds:.0f}s" if seconds < 120 else f"{seconds / 60:.0f} min"


def lead_line(lead: Lead) -> str:
    owner = lead.assigned_to or "unassigned"
    priority = lead.priority.label if lead.priority else "-"
    persona = lead.persona.value if lead.persona else "-"
    flags = " (opted out)" if lead.opted_out else " (paused)" if lead.paused else ""
    return f"• {lead.phone} · {persona} · {lead.market or '-'} · {priority} · {owner} · {lead.owner.value}{flags}"


async def workload(store: LeadStore, board: TeamBoard) -> str:
    pending = await store.pending_approvals()
    lines = ["*Workload* (open leads / capacity · won/lost · commission won · avg time to claim)"]
    for state in await board.states():
        member = state.member
        numbers = await board.numbers(member)
        claims = numbers.get("claims", 0)
        to_claim = median_time([numbers.get("claim_seconds", 0) / claims]) if claims else "-"
        extra = f" · {pending} pending approvals" if member.approver else ""
        away = " (away)" if state.away else ""
        lines.append(
            f"• {member.name}{away}: {state.open_leads}/{member.capacity} · {state.won}/{state.lost} · "
            f"${int(numbers.get('commission_won', 0)):,} · {to_claim}{extra}"
        )
    waiting = len(await board.unassigned())
    if waiting:
        lines.append(f"• {waiting} lead(s) waiting for room")
    return "\n".join(lines)


async def day_stats(store: LeadStore, board: TeamBoard, day: str) -> str:
    counters, timings = await store.day_stats(day)
    return "\n".join(
        [
            f"*Today* ({day})",
            f"• inbound texts: {counters.get('inbound', 0)}",
            f"• bot replies: {counters.get('replies', 0)}",
            f"• escalations: {counters.get('escalations', 0)}",
            f"• median first response: {median_time(timings['first_response'])}",
            f"• median approval time: {median_time(timings['approval'])}",
            _claude_line(counters),
            await _persona_line(board),
        ]
    )


async def _persona_line(board: TeamBoard) -> str:
    parts = []
    for persona in PERSONAS:
        numbers = await board.persona_numbers(persona)
        if numbers:
            parts.append(f"{persona} {numbers.get('won', 0)}/{numbers.get('lost', 0)}")
    return "• won/lost by persona: " + (", ".join(parts) or "none yet")


def _claude_line(counters: dict[str, int]) -> str:
    tokens = {kind: counters.get(f"tokens_{kind}", 0) for kind in PRICES}
    if not any(tokens.values()):
        return "• Claude: not used today (rule brain)"
    spent = ", ".join(f"{kind.replace('_', ' ')} {count:,}" for kind, count in tokens.items())
    return f"• Claude tokens: {spent} (about ${TokenUsage.cost(tokens):.2f})"


async def refresh_team(board: TeamBoard) -> None:
    """Copy the team's numbers from Redis into the gauges (workers update Redis, not this process)."""
    for member in board.team:
        numbers = await board.numbers(member)
        claims = numbers.get("claims", 0)
        values = {k: numbers.get(k, 0) for k in ("open", "won", "lost", "commission_won")}
        values["avg_claim_seconds"] = numbers.get("claim_seconds", 0) / claims if claims else 0
        for measure, value in values.items():
            MEMBER.labels(member=member.name, measure=measure).set(value)
    for persona in PERSONAS:
        counts = await board.persona_numbers(persona)
        for measure in ("won", "lost", "commission_won"):
            PERSONA.labels(persona=persona, measure=measure).set(counts.get(measure, 0))
