"""The lead store on Redis: one hash per lead profile, one list per conversation.

Layout (`{phone}` is a Redis Cluster hash tag, so one lead's keys live in one slot):

    <prefix>:lead:{+19095550100}            hash   profile fields, JSON-encoded
    <prefix>:lead:{+19095550100}:messages   list   messages, oldest first, JSON
    <prefix>:leads                          zset   phone -> last activity (epoch seconds)

Decisions read only the last `window` messages, so work per message does not grow with the
length of a conversation.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from redis.asyncio import Redis

from agents.types import Lead, Message, Owner

DEFAULT_WINDOW = 12
OWNERSHIP_FIELDS = frozenset({"owner", "assigned_to"})


def now() -> datetime:
    return datetime.now(UTC)


class LeadStore:
    def __init__(self, redis: Redis, *, prefix: str = "jorge", window: int = DEFAULT_WINDOW) -> None:
        self.redis = redis
        self.prefix = prefix
        self.window = window

    def lead_key(self, phone: str) -> str:
        return f"{self.prefix}:lead:{{{phone}}}"

    def messages_key(self, phone: str) -> str:
        return f"{self.lead_key(phone)}:messages"

    @property
    def index_key(self) -> str:
        return f"{self.prefix}:leads"

    async def get(self, phone: str) -> Lead | None:
        raw = await self.redis.hgetall(self.lead_key(phone))
        if not raw:
            return None
        return Lead.model_validate({field: json.loads(value) for field, value in raw.items()})

    async def get_or_new(self, phone: str) -> Lead:
        """The stored lead, or a new (unsaved) profile for a first-time texter."""
        lead = await self.get(phone)
        if lead is None:
            stamp = now()
            lead = Lead(phone=phone, created_at=stamp, updated_at=stamp)
        return lead

    async def save(self, lead: Lead) -> Lead:
        lead = lead.model_copy(update={"updated_at": now(), "created_at": lead.created_at or now()})
        # Ownership moves only through set_owner, so a slow save never undoes a take-over.
        data = lead.model_dump(mode="json", exclude=OWNERSHIP_FIELDS)
        fields = {name: json.dumps(value) for name, value in data.items()}
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self.lead_key(lead.phone), mapping=fields)
            pipe.zadd(self.index_key, {lead.phone: lead.updated_at.timestamp() if lead.updated_at else 0})
            await pipe.execute()
        return lead

    async def set_owner(self, phone: str, owner: Owner, assigned_to: str | None = None) -> None:
        fields = {"owner": json.dumps(owner.value)}
        if assigned_to is not None:
            fields["assigned_to"] = json.dumps(assigned_to)
        await self.redis.hset(self.lead_key(phone), mapping=fields)

    async def append(self, phone: str, message: Message) -> int:
        """Add a message to the conversation; returns its index (0 = first)."""
        length = await self.redis.rpush(self.messages_key(phone), message.model_dump_json())
        return int(length) - 1

    async def recent(self, phone: str, limit: int | None = None) -> list[Message]:
        """The last `limit` (default: the window) messages, oldest first."""
        count = limit or self.window
        raw = await self.redis.lrange(self.messages_key(phone), -count, -1)
        return [Message.model_validate_json(item) for item in raw]

    async def messages(self, phone: str) -> list[Message]:
        raw = await self.redis.lrange(self.messages_key(phone), 0, -1)
        return [Message.model_validate_json(item) for item in raw]

    async def phones(self, limit: int = 100) -> list[str]:
        """Leads by most recent activity first."""
        return list(await self.redis.zrevrange(self.index_key, 0, limit - 1))
