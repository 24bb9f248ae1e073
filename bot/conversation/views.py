"""Read models for the JSON API: a lead with its whole conversation and delivery statuses, its
appointment requests, tasks and what the conversation did (events)."""

from __future__ import annotations

from typing import Any

from agents.errors import UnknownLead
from bot.store.leads import LeadStore


async def lead_summary(store: LeadStore, phone: str) -> dict[str, Any]:
    lead = await store.get(phone)
    if lead is None:
        raise UnknownLead(f"no lead {phone}")
    return {
        "phone": lead.phone,
        "name": lead.name,
        "persona": lead.persona.value if lead.persona else None,
        "owner": lead.owner.value,
        "opted_out": lead.opted_out,
        "assigned_to": lead.assigned_to,
        "market": lead.market,
        "paused": lead.paused,
        "slack_thread": lead.slack_thread,
        "facts": lead.facts.known(),
        "updated_at": lead.updated_at.isoformat() if lead.updated_at else None,
    }


async def lead_detail(store: LeadStore, phone: str) -> dict[str, Any]:
    """The lead and its messages, oldest first, each outbound one with its decision and latest status."""
    view = await lead_summary(store, phone)
    statuses = await store.statuses(phone)
    messages = []
    for message in await store.messages(phone):
        item: dict[str, Any] = {
            "direction": message.direction,
            "body": message.body,
            "status": statuses.get(message.sid or "", message.status),
            "at": message.at.isoformat(),
        }
        if message.direction == "in" and message.sid:
            item["sid"] = message.sid  # Twilio's MessageSid: each text is kept once
        if message.media:
            item["media"] = message.media
        if message.direction == "out":
            item["decision"] = message.decision
            if message.error:
                item["error"] = message.error
        messages.append(item)
    view["messages"] = messages
    view["appointments"] = [
        {"id": a.id, "kind": a.kind, "starts_at": None, "day": a.day, "time": a.time, "address": a.address,
         "status": a.status, "owner": a.owner}  # starts_at: set once a person confirms the exact time
        for a in await store.appointments(phone)
    ]  # fmt: skip
    view["tasks"] = [{"id": t.id, "text": t.text, "owner": t.owner, "done": t.done} for t in await store.tasks(phone)]
    view["events"] = await store.events(phone)
    return view
