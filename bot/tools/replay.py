"""`jorge replay`: whole conversations played on the embedded default (contract:
shared/eval/README.md, "Conversation evaluation").

Each input line is a conversation from a new lead; its texts are answered one after another (no
coalescing) through the same job the workers run, and an escalated turn is approved as drafted,
so the conversation goes on as it would once Jorge clicks Approve. One output line per
conversation, in order; nothing else goes to stdout (the dry-run transports stay silent).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterable
from typing import Any

from bot.runtime.jobs import JobContext, LocalQueue, answer_lead
from bot.runtime.wiring import Services
from bot.tools.route import json_object, parsed
from bot.transport.outbound import DryRunSender
from bot.transport.slack import DryRunNotifier


def parse_conversation(line: str) -> tuple[Any, str, list[str]]:
    """(its id, the lead's phone, the texts) or ValueError saying what is wrong."""
    item = json_object(line)
    turns = item.get("turns")
    if not isinstance(turns, list) or not all(isinstance(t, str) for t in turns):
        raise ValueError('"turns" must be a list of texts')
    phone = item.get("from") or "+19095550100"
    if not isinstance(phone, str):
        raise ValueError('"from" must be a string')
    return item.get("id"), phone, turns


async def replay_lines(services: Services, lines: Iterable[str]) -> AsyncIterator[tuple[str, bool]]:
    """One output line per non-empty input line, in order, and whether that line was good."""
    queue = LocalQueue()
    queue.context = JobContext(services, queue)
    approver = services.config.approvers[0].name
    try:
        for good, error in parsed(lines, parse_conversation):
            if good is None:
                yield str(error), False
                continue
            ident, phone, texts = good
            await services.redis.flushall()  # the embedded in-memory Redis: each conversation starts afresh
            turns = [await _turn(services, queue.context, phone, text, approver) for text in texts]
            yield json.dumps({"id": ident, "turns": turns}, ensure_ascii=False), True
    finally:
        for task in list(queue.tasks):
            task.cancel()


async def _turn(services: Services, context: JobContext, phone: str, text: str, approver: str) -> dict[str, Any]:
    conversation = services.conversation
    await conversation.record_inbound(phone, text, sid=f"SM{uuid.uuid4().hex}")
    turn = await answer_lead(context, phone)
    assert turn is not None  # the text just recorded is pending
    reply, held = turn.reply, False
    if turn.escalation is not None:
        decided = await conversation.approvals.approve(turn.escalation.id, approver)
        reply, held = decided.draft, True
    decision = turn.decision
    return {
        "text": text,
        "reply": reply,
        "held": held,
        "action": decision.action.value,
        "persona": decision.persona.value if decision.persona else None,
        "escalate": decision.escalate,
        "reasons": [reason.value for reason in decision.reasons],
        "market": decision.market,
        "language": decision.language.value,
        "events": turn.events,
    }


def silent_transports() -> dict[str, Any]:
    """The dry-run sender and notifier, recording without printing (stdout carries the results)."""
    return {"sender": DryRunSender(echo=False), "notifier": DryRunNotifier(echo=False)}
