"""The lead store on Redis: one hash per lead profile, one list per conversation.

Layout (`{phone}` is a Redis Cluster hash tag, so one lead's keys live in one slot):

    <prefix>:lead:{+19095550100}            hash   profile fields, JSON-encoded
    <prefix>:lead:{+19095550100}:messages   list   messages, oldest first, JSON
    <prefix>:lead:{+19095550100}:pending    list   inbound messages not yet answered, JSON
    <prefix>:lead:{+19095550100}:sid:<Sid>  string an inbound MessageSid seen (dedupe, 7 days)
    <prefix>:lead:{+19095550100}:status     hash   outbound sid -> latest delivery status
    <prefix>:lead:{+19095550100}:lock       string the worker processing this lead (expires)
    <prefix>:lead:{+19095550100}:outbox:<key> hash one outbound text: state, body, since, attempts,
                                                  due, sid, view (the decision), counter, kind
    <prefix>:lead:{+19095550100}:cap:<day>  string bot messages sent that day
    <prefix>:lead:{+19095550100}:followup   hash   the scheduled follow-up: anchor, step, due
    <prefix>:lead:{+19095550100}:events     list   what the conversation did (escalated, task ...), JSON
    <prefix>:lead:{+19095550100}:tasks      hash   task id -> a task for a person, JSON
    <prefix>:lead:{+19095550100}:appointments hash appointment id -> an appointment request, JSON
    <prefix>:leads                          zset   phone -> last activity (epoch seconds)
    <prefix>:sid:<OutboundSid>              string outbound sid -> phone (status callbacks)
    <prefix>:kill                           string set: all bot sends are stopped
    <prefix>:thread:<ts>                    string Slack thread ts -> phone
    <prefix>:escalation:<id>                hash   a held draft and who decided it
    <prefix>:pending-approvals              zset   escalation id -> created (epoch seconds)
    <prefix>:rebalance:<id>                 string a proposed rebalance, JSON (1 hour, applied once)
    <prefix>:stats:<day>                    hash   counters for /jorge stats
    <prefix>:stats:<day>:<timing>           list   seconds (first_response, approval)
    <prefix>:event:<id>                     string a Slack event_id seen (dedupe, 1 day)
    <prefix>:task:<id>                      string task id -> phone (the Done button carries the id)
    <prefix>:task:<id>:done                 string who marked the task done (set once)
    <prefix>:tasks:open                     zset   task id -> created (epoch seconds), open tasks
    <prefix>:outbox                         zset   "phone key" -> when the send must be settled next
    <prefix>:waiting                        zset   phone -> when its oldest unanswered text arrived
    <prefix>:followups                      zset   phone -> when its scheduled follow-up is due (the rescue)
    <prefix>:queue                          zset   the job queue (arq's; its jobs under arq:job:<id>)

Decisions read only the last `window` messages, so work per message does not grow with the
length of a conversation.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from redis.asyncio import Redis

from agents.schedule import TEAM_ZONE
from agents.types import Appointment, Escalation, Lead, Message, Owner, Task
from bot.store.pipelining import BatchedScript

DEFAULT_WINDOW = 12
WEEK = 7 * 24 * 3600

# Store an inbound message exactly once: dedupe by MessageSid, append to the conversation and to
# the pending list, touch the index, the day's counter and the waiting index (which the rescue
# sweep reads, so no text waits forever), all in one atomic step (no half-written state). When the
# job queue is on the same Redis (arq), the job that answers the text is enqueued in the same step,
# the way arq's enqueue_job does it (skipped if the job id exists): one round trip for the webhook.
_RECORD_INBOUND = """
local new = 1
if ARGV[1] ~= '' and redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[4]) == false then
  new = 0
end
if new == 1 then
  redis.call('RPUSH', KEYS[2], ARGV[2])
  redis.call('RPUSH', KEYS[3], ARGV[2])
  redis.call('ZADD', KEYS[4], ARGV[3], ARGV[5])
  redis.call('HSETNX', KEYS[5], 'phone', ARGV[6])
  redis.call('HSETNX', KEYS[5], 'created_at', ARGV[7])
  if redis.call('HINCRBY', KEYS[6], 'inbound', 1) == 1 then
    redis.call('EXPIRE', KEYS[6], 3456000)
  end
  redis.call('ZADD', KEYS[7], 'NX', ARGV[3], ARGV[5])
end
if #KEYS == 10 and redis.call('EXISTS', KEYS[8], KEYS[9]) == 0 then
  redis.call('PSETEX', KEYS[8], ARGV[10], ARGV[11])
  redis.call('ZADD', KEYS[10], ARGV[9], ARGV[8])
end
return new
"""


@dataclass(frozen=True)
class OutboundDraft:
    """One outbound text as the outbox keeps it."""

    body: str
    view: str = ""  # the decision behind it, JSON ("" for a person's text)
    counter: str = "replies"  # the day's counter it counts toward
    kind: str = "reply"  # reply | person | confirmation | followup
    attempts: int = 0
    state: str = ""


@dataclass(frozen=True)
class PreparedJob:
    """A job serialized for the queue's keys, so a script can enqueue it atomically."""

    job_id: str
    job_key: str
    result_key: str
    queue_key: str
    score_ms: int
    expires_ms: int
    payload: bytes


# Delivery statuses only move forward: a late "sent" never overwrites "delivered".
_STATUS_RANK = {"accepted": 0, "queued": 0, "scheduled": 0, "dry_run": 1, "sending": 1, "sent": 2,
                "receiving": 2, "received": 3, "delivered": 3, "undelivered": 3, "failed": 3, "read": 4,
                "canceled": 3}  # fmt: skip
_SET_STATUS = (
    "local ranks = {"
    + ", ".join(f"{name} = {rank}" for name, rank in _STATUS_RANK.items())
    + """}
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and (ranks[ARGV[2]] or 0) <= (ranks[current] or 0) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
"""
)
# The outbox: every outbound text is a small state machine (sending -> sent | failed | cancelled;
# retry / unknown -> sending again), so a crash, a timeout or a retried job never sends it twice and
# never drops it. KEYS: the record, the index. ARGV: now, body, stale seconds, index member, view,
# counter, kind. Returns {step, body, since}: "send" it; "check" whether an earlier attempt reached
# the carrier before sending again (one may have: "unknown", or "sending" for longer than an attempt
# can take, i.e. its worker died); "busy" (an attempt is in flight, or the next is not due yet); or
# the final state (sent, failed, cancelled).
_BEGIN_SEND = """
local state = redis.call('HGET', KEYS[1], 'state')
local now = tonumber(ARGV[1])
if not state then
  redis.call('HSET', KEYS[1], 'state', 'sending', 'body', ARGV[2], 'since', ARGV[1], 'attempts', '1',
             'view', ARGV[5], 'counter', ARGV[6], 'kind', ARGV[7])
  redis.call('EXPIRE', KEYS[1], 1209600)
  redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[4])
  return {'send', ARGV[2], ARGV[1]}
end
local body = redis.call('HGET', KEYS[1], 'body')
local since = redis.call('HGET', KEYS[1], 'since')
if state == 'sent' or state == 'failed' or state == 'cancelled' then return {state, body, since} end
local due = tonumber(redis.call('HGET', KEYS[1], 'due') or '0')
if (state == 'retry' or state == 'unknown') and now < due then return {'busy', body, since} end
if state == 'sending' and now - tonumber(since) < tonumber(ARGV[3]) then return {'busy', body, since} end
redis.call('HSET', KEYS[1], 'state', 'sending', 'since', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[4])
if state == 'retry' then return {'send', body, ARGV[1]} end
return {'check', body, since}
"""
# KEYS: the record, the index. ARGV: state, sid, member, due (retry / unknown: when to try again).
_SETTLE_SEND = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'sid', ARGV[2], 'due', ARGV[4])
if ARGV[1] == 'retry' or ARGV[1] == 'unknown' then
  redis.call('ZADD', KEYS[2], tonumber(ARGV[4]), ARGV[3])
else
  redis.call('ZREM', KEYS[2], ARGV[3])
end
return 1
"""
# A text handed to the outbox without an attempt now (the sweep sends it within seconds).
# KEYS: the record, the index. ARGV: now, body, member, view, counter, kind.
_QUEUE_SEND = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'state', 'retry', 'body', ARGV[2], 'since', ARGV[1], 'attempts', '0', 'due', ARGV[1],
           'view', ARGV[4], 'counter', ARGV[5], 'kind', ARGV[6])
redis.call('EXPIRE', KEYS[1], 1209600)
redis.call('ZADD', KEYS[2], tonumber(ARGV[1]), ARGV[3])
return 1
"""
# Answered texts leave the pending list; the lead leaves the waiting index once nothing is left.
_DROP_PENDING = """
redis.call('LTRIM', KEYS[1], ARGV[1], -1)
if redis.call('LLEN', KEYS[1]) == 0 then redis.call('ZREM', KEYS[2], ARGV[2]) end
return 1
"""
# Retention: forget a lead idle since before the cutoff, unless it texted meanwhile or a worker holds
# it. An opted-out lead keeps its phone and opt-out (forever). KEYS: index, waiting, open tasks,
# approvals, outbox index, profile, lock, then the keys to delete. ARGV: phone, cutoff, opted-out
# ("1" or ""), the number of task ids, the task ids, then the escalation ids and outbox members
# (each removed from the approvals and the outbox index).
_FORGET = """
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) > tonumber(ARGV[2]) or redis.call('EXISTS', KEYS[7]) == 1 then return 0 end
for i = 8, #KEYS do redis.call('DEL', KEYS[i]) end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
local tasks = tonumber(ARGV[4])
for i = 5, 4 + tasks do redis.call('ZREM', KEYS[3], ARGV[i]) end
for i = 5 + tasks, #ARGV do
  redis.call('ZREM', KEYS[4], ARGV[i])
  redis.call('ZREM', KEYS[5], ARGV[i])
end
if ARGV[3] == '1' then redis.call('HSET', KEYS[6], 'phone', cjson.encode(ARGV[1]), 'opted_out', 'true') end
return 1
"""
_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# Fields people change from Slack while a job may be answering the lead: written only through
# set_fields/set_owner, never by save(), so a slow save never undoes a take-over or a pause.
MANAGED_FIELDS = frozenset(
    {"owner", "assigned_to", "slack_thread", "paused", "followups_stopped", "outcome", "pending_escalation"}
)


# Decide an escalation once: the first caller sets claimed_by and the decision fields and takes it
# off the pending list, in one step; 0 = already decided, -1 = no such escalation.
_CLAIM_ESCALATION = """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HSETNX', KEYS[1], 'claimed_by', ARGV[2]) == 0 then return 0 end
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
"""


def today(moment: datetime | None = None) -> str:
    """The team's date (stats and daily caps are per team day)."""
    return _team_day(int((moment or now()).timestamp()) // 3600)


@lru_cache(maxsize=8)
def _team_day(hour: int) -> str:
    # The team's zone is a whole number of hours from UTC, so its date is the same for a whole UTC
    # hour: worked out once an hour rather than on every webhook.
    return datetime.fromtimestamp(hour * 3600, ZoneInfo(TEAM_ZONE)).strftime("%Y-%m-%d")


def queue_key(prefix: str) -> str:
    """The job queue arq keeps for this namespace (its format is arq's: tests/test_arq_format.py)."""
    return f"{prefix}:queue"


def now() -> datetime:
    return datetime.now(UTC)


def _lead_or_new(phone: str, raw: dict[str, str]) -> Lead:
    """A profile from its stored hash, or a new (unsaved) one for a first-time texter."""
    if raw:
        return Lead.model_validate({field: json.loads(value) for field, value in raw.items()})
    stamp = now()
    return Lead(phone=phone, created_at=stamp, updated_at=stamp)


class LeadStore:
    def __init__(self, redis: Redis, *, prefix: str = "jorge", window: int = DEFAULT_WINDOW) -> None:
        self.redis = redis
        self.prefix = prefix
        self.window = window
        # Scripts go by SHA (EVALSHA), so the hot path does not resend their text each time.
        self._record_inbound = BatchedScript(redis, _RECORD_INBOUND)
        self._set_status = redis.register_script(_SET_STATUS)
        self._unlock = redis.register_script(_UNLOCK)
        self._begin_send = redis.register_script(_BEGIN_SEND)
        self._settle_send = redis.register_script(_SETTLE_SEND)
        self._queue_send = redis.register_script(_QUEUE_SEND)
        self._drop_pending = redis.register_script(_DROP_PENDING)
        self._forget = redis.register_script(_FORGET)
        self._claim_escalation = redis.register_script(_CLAIM_ESCALATION)

    def lead_key(self, phone: str) -> str:
        return f"{self.prefix}:lead:{{{phone}}}"

    def messages_key(self, phone: str) -> str:
        return f"{self.lead_key(phone)}:messages"

    @property
    def index_key(self) -> str:
        return f"{self.prefix}:leads"

    @property
    def waiting_key(self) -> str:
        return f"{self.prefix}:waiting"

    @property
    def outbox_key(self) -> str:
        return f"{self.prefix}:outbox"

    async def get(self, phone: str) -> Lead | None:
        raw = await self.redis.hgetall(self.lead_key(phone))
        if not raw:
            return None
        return Lead.model_validate({field: json.loads(value) for field, value in raw.items()})

    async def get_with_recent(self, phone: str) -> tuple[Lead, list[Message]]:
        """The lead (or a new profile) and its recent window, in one round trip."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(self.lead_key(phone))
            pipe.lrange(self.messages_key(phone), -self.window, -1)
            raw, recent = await pipe.execute()
        return _lead_or_new(phone, raw), [Message.model_validate_json(item) for item in recent]

    async def send_limits(self, phone: str, day: str) -> tuple[bool, int]:
        """(kill switch on?, bot texts sent to this lead today), in one round trip."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.exists(f"{self.prefix}:kill")
            pipe.get(f"{self.lead_key(phone)}:cap:{day}")
            kill, sent = await pipe.execute()
        return bool(kill), int(sent or 0)

    async def record_outbound(self, phone: str, message: Message, day: str, counter: str) -> None:
        """After a send: the message, the day's counters, and the sid for status callbacks, at once."""
        cap = f"{self.lead_key(phone)}:cap:{day}"
        stats = f"{self.prefix}:stats:{day}"
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.rpush(self.messages_key(phone), message.model_dump_json())
            pipe.hincrby(stats, counter, 1)
            pipe.expire(stats, 40 * 24 * 3600)
            pipe.incr(cap)
            pipe.expire(cap, 2 * 24 * 3600)
            if message.sid:
                pipe.set(f"{self.prefix}:sid:{message.sid}", phone, ex=30 * 24 * 3600)
                # Plain EVAL here: a registered script in a pipeline costs a SCRIPT EXISTS round trip.
                pipe.eval(_SET_STATUS, 1, f"{self.lead_key(phone)}:status", message.sid, message.status)
            await pipe.execute()

    async def get_or_new(self, phone: str) -> Lead:
        """The stored lead, or a new (unsaved) profile for a first-time texter."""
        return _lead_or_new(phone, await self.redis.hgetall(self.lead_key(phone)))

    async def save(self, lead: Lead) -> Lead:
        lead = lead.model_copy(update={"updated_at": now(), "created_at": lead.created_at or now()})
        data = lead.model_dump(mode="json", exclude=set(MANAGED_FIELDS))
        fields = {name: json.dumps(value) for name, value in data.items()}
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self.lead_key(lead.phone), mapping=fields)
            pipe.zadd(self.index_key, {lead.phone: lead.updated_at.timestamp() if lead.updated_at else 0})
            await pipe.execute()
        return lead

    async def set_owner(self, phone: str, owner: Owner, assigned_to: str | None = None) -> None:
        fields: dict[str, object] = {"owner": owner.value}
        if assigned_to is not None:
            fields["assigned_to"] = assigned_to
        await self.set_fields(phone, **fields)

    async def set_fields(self, phone: str, **fields: object) -> None:
        """Change some profile fields in place (JSON-encoded like the rest of the profile)."""
        await self.redis.hset(self.lead_key(phone), mapping={k: json.dumps(v) for k, v in fields.items()})

    async def record_inbound(self, phone: str, message: Message, day: str, job: PreparedJob | None = None) -> bool:
        """Store an inbound message (and enqueue `job`); False when its sid was seen before."""
        lead = self.lead_key(phone)
        keys = [f"{lead}:sid:{message.sid or ''}", self.messages_key(phone), f"{lead}:pending", self.index_key, lead,
                f"{self.prefix}:stats:{day}", self.waiting_key]  # fmt: skip
        args: list[str | bytes] = [message.sid or "", message.model_dump_json(), str(message.at.timestamp()),
                                   str(WEEK), phone, json.dumps(phone), json.dumps(message.at.isoformat())]  # fmt: skip
        if job is not None:
            keys += [job.job_key, job.result_key, job.queue_key]
            args += [job.job_id, str(job.score_ms), str(job.expires_ms), job.payload]
        return bool(await self._record_inbound(keys, args))

    async def pending(self, phone: str) -> list[Message]:
        raw = await self.redis.lrange(f"{self.lead_key(phone)}:pending", 0, -1)
        return [Message.model_validate_json(item) for item in raw]

    async def drop_pending(self, phone: str, count: int) -> None:
        """Forget the first `count` pending messages once they are answered."""
        await self._drop_pending(keys=[f"{self.lead_key(phone)}:pending", self.waiting_key], args=[count, phone])

    async def waiting(self, before: float, limit: int = 100) -> list[str]:
        """Leads with a text unanswered since before `before` (epoch seconds), oldest first."""
        return [str(p) for p in await self.redis.zrangebyscore(self.waiting_key, "-inf", before, start=0, num=limit)]

    async def locked(self, phone: str) -> bool:
        return bool(await self.redis.exists(f"{self.lead_key(phone)}:lock"))

    async def lock_left(self, phone: str) -> float:
        """Seconds until the lead's lock expires (0 when free)."""
        left = await self.redis.pttl(f"{self.lead_key(phone)}:lock")
        return max(int(left), 0) / 1000

    async def lock(self, phone: str, token: str, seconds: float) -> bool:
        return bool(await self.redis.set(f"{self.lead_key(phone)}:lock", token, nx=True, px=int(seconds * 1000)))

    async def unlock(self, phone: str, token: str) -> None:
        await self._unlock(keys=[f"{self.lead_key(phone)}:lock"], args=[token])

    # The outbox ----------------------------------------------------------------------------------

    def _outbox(self, phone: str, key: str) -> tuple[str, str]:
        return f"{self.lead_key(phone)}:outbox:{key}", f"{phone} {key}"

    async def begin_send(self, phone: str, key: str, draft: OutboundDraft, stale: float) -> tuple[str, str, float]:
        """(step, body, since) for one attempt at the text `key`: see _BEGIN_SEND. The body is the
        one first recorded under `key`, whatever a retried decision drafted since."""
        record, member = self._outbox(phone, key)
        args = [f"{now().timestamp():.3f}", draft.body, str(stale), member, draft.view, draft.counter, draft.kind]
        step, body, since = await self._begin_send(keys=[record, self.outbox_key], args=args)
        return str(step), str(body), float(since)

    async def queue_send(self, phone: str, key: str, draft: OutboundDraft) -> None:
        """Hand a text to the outbox for the sweep to send (a person's text, sent from Slack)."""
        record, member = self._outbox(phone, key)
        args = [f"{now().timestamp():.3f}", draft.body, member, draft.view, draft.counter, draft.kind]
        await self._queue_send(keys=[record, self.outbox_key], args=args)

    async def settle_send(self, phone: str, key: str, state: str, sid: str = "", due: float = 0.0) -> None:
        """Record where a send stands: sent, failed, cancelled, or retry / unknown again at `due`."""
        record, member = self._outbox(phone, key)
        await self._settle_send(keys=[record, self.outbox_key], args=[state, sid, member, f"{due:.3f}"])

    async def outbound_draft(self, phone: str, key: str) -> OutboundDraft | None:
        raw = await self.redis.hgetall(self._outbox(phone, key)[0])
        if not raw:
            return None
        return OutboundDraft(body=raw["body"], view=raw.get("view", ""), counter=raw.get("counter", "replies"),
                             kind=raw.get("kind", "reply"), attempts=int(raw.get("attempts", 0)),
                             state=raw.get("state", ""))  # fmt: skip

    async def due_sends(self, before: float, limit: int = 200) -> list[tuple[str, str, float]]:
        """(phone, key, due) of outbound texts whose next step is due before `before`."""
        members = await self.redis.zrangebyscore(self.outbox_key, "-inf", before, start=0, num=limit, withscores=True)
        found = []
        for member, due in members:
            phone, key = str(member).split(" ", 1)
            found.append((phone, key, float(due)))
        return found

    async def phone_for_sid(self, sid: str) -> str | None:
        value = await self.redis.get(f"{self.prefix}:sid:{sid}")
        return str(value) if value is not None else None

    async def set_status(self, phone: str, sid: str, status: str) -> bool:
        """Record a delivery status unless a later one is already there."""
        return bool(await self._set_status(keys=[f"{self.lead_key(phone)}:status"], args=[sid, status]))

    async def statuses(self, phone: str) -> dict[str, str]:
        return dict(await self.redis.hgetall(f"{self.lead_key(phone)}:status"))

    async def set_kill_switch(self, on: bool) -> None:
        if on:
            await self.redis.set(f"{self.prefix}:kill", "1")
        else:
            await self.redis.delete(f"{self.prefix}:kill")

    async def set_followup(self, phone: str, anchor: str, step: int, due: datetime) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(f"{self.lead_key(phone)}:followup", mapping={"anchor": anchor, "step": str(step),
                                                                   "due": due.isoformat()})  # fmt: skip
            pipe.zadd(f"{self.prefix}:followups", {phone: due.timestamp()})
            await pipe.execute()

    async def followup(self, phone: str) -> dict[str, str] | None:
        state = await self.redis.hgetall(f"{self.lead_key(phone)}:followup")
        return dict(state) or None

    async def clear_followup(self, phone: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(f"{self.lead_key(phone)}:followup")
            pipe.zrem(f"{self.prefix}:followups", phone)
            await pipe.execute()

    async def overdue_followups(self, before: float, limit: int = 100) -> list[str]:
        """Leads whose scheduled follow-up was due before `before` (epoch seconds)."""
        return list(await self.redis.zrangebyscore(f"{self.prefix}:followups", 0, before, start=0, num=limit))

    async def link_thread(self, ts: str, phone: str) -> None:
        await self.redis.set(f"{self.prefix}:thread:{ts}", phone, ex=365 * 24 * 3600)

    async def phone_for_thread(self, ts: str) -> str | None:
        value = await self.redis.get(f"{self.prefix}:thread:{ts}")
        return str(value) if value is not None else None

    async def first_time(self, kind: str, key: str, seconds: float = 24 * 3600) -> bool:
        """True the first time (`kind`, `key`) is seen: Slack retries and repeated event ids."""
        return bool(await self.redis.set(f"{self.prefix}:{kind}:{key}", "1", nx=True, ex=int(seconds)))

    async def count(self, name: str, day: str, amount: int = 1) -> None:
        key = f"{self.prefix}:stats:{day}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(key, name, amount)
            pipe.expire(key, 40 * 24 * 3600)
            await pipe.execute()

    async def timing(self, name: str, day: str, seconds: float) -> None:
        key = f"{self.prefix}:stats:{day}:{name}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, f"{seconds:.3f}")
            pipe.expire(key, 40 * 24 * 3600)
            await pipe.execute()

    async def day_stats(self, day: str) -> tuple[dict[str, int], dict[str, list[float]]]:
        counters = {k: int(v) for k, v in (await self.redis.hgetall(f"{self.prefix}:stats:{day}")).items()}
        timings = {}
        for name in ("first_response", "approval"):
            raw = await self.redis.lrange(f"{self.prefix}:stats:{day}:{name}", 0, -1)
            timings[name] = [float(v) for v in raw]
        return counters, timings

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

    async def forget_idle(self, cutoff: datetime, limit: int = 50) -> int:
        """Retention: forget up to `limit` leads with no activity since `cutoff` (their messages,
        events, tasks, appointment requests, held drafts, thread link); an opted-out lead keeps its
        phone and the opt-out. Returns how many were forgotten."""
        phones = await self.redis.zrangebyscore(self.index_key, "-inf", cutoff.timestamp(), start=0, num=limit)
        forgotten = 0
        for phone in phones:
            lead = await self.get(phone)
            own = [key async for key in self.redis.scan_iter(match=f"{self.lead_key(phone)}*", count=500)]
            task_ids = [str(k) for k in await self.redis.hkeys(f"{self.lead_key(phone)}:tasks")]
            escalations = [str(e["escalation"]) for e in await self.events(phone) if e.get("escalation")]
            outbox = [f"{phone} {key.rsplit(':', 1)[1]}" for key in own if ":outbox:" in key]
            linked = [f"{self.prefix}:task:{t}{done}" for t in task_ids for done in ("", ":done")]
            linked += [f"{self.prefix}:escalation:{e}" for e in escalations]
            if lead is not None and lead.slack_thread:
                linked.append(f"{self.prefix}:thread:{lead.slack_thread}")
            keys = [self.index_key, self.waiting_key, f"{self.prefix}:tasks:open", f"{self.prefix}:pending-approvals",
                    self.outbox_key, self.lead_key(phone), f"{self.lead_key(phone)}:lock", *own, *linked]  # fmt: skip
            opted_out = "1" if lead is not None and lead.opted_out else ""
            args = [phone, f"{cutoff.timestamp():.3f}", opted_out, str(len(task_ids)), *task_ids, *escalations, *outbox]
            forgotten += int(await self._forget(keys=keys, args=args))
        return forgotten

    async def phones(self, limit: int = 100) -> list[str]:
        """Leads by most recent activity first."""
        return list(await self.redis.zrevrange(self.index_key, 0, limit - 1))

    # What the conversation did, tasks and appointment requests ----------------------------------

    async def record_event(self, phone: str, kind: str, **detail: object) -> None:
        entry = {"kind": kind, "at": now().isoformat(), **detail}
        await self.redis.rpush(f"{self.lead_key(phone)}:events", json.dumps(entry))

    async def events(self, phone: str, start: int = 0) -> list[dict[str, object]]:
        """The lead's events from index `start`, oldest first."""
        raw = await self.redis.lrange(f"{self.lead_key(phone)}:events", start, -1)
        return [json.loads(item) for item in raw]

    async def add_task(self, phone: str, text: str, owner: str | None) -> Task:
        task = Task(id=secrets.token_hex(5), phone=phone, text=text, owner=owner, created_at=now())
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(f"{self.lead_key(phone)}:tasks", task.id, task.model_dump_json())
            pipe.set(f"{self.prefix}:task:{task.id}", phone)
            pipe.zadd(f"{self.prefix}:tasks:open", {task.id: task.created_at.timestamp() if task.created_at else 0})
            await pipe.execute()
        return task

    async def task(self, task_id: str) -> Task | None:
        phone = await self.redis.get(f"{self.prefix}:task:{task_id}")
        if phone is None:
            return None
        raw = await self.redis.hget(f"{self.lead_key(str(phone))}:tasks", task_id)
        return Task.model_validate_json(raw) if raw else None

    async def finish_task(self, task_id: str, by: str) -> tuple[Task, bool]:
        """Mark a task done exactly once: (the task, True) for the first caller, (the task, False)
        after; KeyError for an unknown task."""
        task = await self.task(task_id)
        if task is None:
            raise KeyError(task_id)
        if not await self.redis.set(f"{self.prefix}:task:{task_id}:done", by, nx=True):
            return await self.task(task_id) or task, False
        task = task.model_copy(update={"done": True, "done_by": by})
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(f"{self.lead_key(task.phone)}:tasks", task.id, task.model_dump_json())
            pipe.zrem(f"{self.prefix}:tasks:open", task.id)
            await pipe.execute()
        return task, True

    async def tasks(self, phone: str) -> list[Task]:
        raw = await self.redis.hgetall(f"{self.lead_key(phone)}:tasks")
        return sorted((Task.model_validate_json(v) for v in raw.values()), key=lambda t: t.created_at or now())

    async def open_tasks(self, limit: int = 200) -> list[Task]:
        """The oldest open tasks across all leads."""
        found = []
        for task_id in await self.redis.zrange(f"{self.prefix}:tasks:open", 0, limit - 1):
            task = await self.task(str(task_id))
            if task is not None and not task.done:
                found.append(task)
        return found

    async def save_appointment(self, phone: str, appointment: Appointment) -> Appointment:
        """Store a new appointment request (given an id) or its new details."""
        if not appointment.id:
            appointment = appointment.model_copy(update={"id": secrets.token_hex(5), "created_at": now()})
        await self.redis.hset(f"{self.lead_key(phone)}:appointments", appointment.id, appointment.model_dump_json())
        return appointment

    async def appointments(self, phone: str) -> list[Appointment]:
        raw = await self.redis.hgetall(f"{self.lead_key(phone)}:appointments")
        return sorted((Appointment.model_validate_json(v) for v in raw.values()), key=lambda a: a.created_at or now())

    # escalations and approvals --------------------------------------------------------------

    def _escalation_key(self, escalation_id: str) -> str:
        return f"{self.prefix}:escalation:{escalation_id}"

    @property
    def _approvals_key(self) -> str:
        return f"{self.prefix}:pending-approvals"

    async def save_escalation(self, escalation: Escalation) -> None:
        """A new held draft, pending until someone decides it."""
        fields = {name: json.dumps(value) for name, value in escalation.model_dump(mode="json").items()}
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._escalation_key(escalation.id), mapping=fields)
            pipe.zadd(self._approvals_key, {escalation.id: escalation.created_at.timestamp()})
            await pipe.execute()

    async def escalation(self, escalation_id: str) -> Escalation | None:
        raw = await self.redis.hgetall(self._escalation_key(escalation_id))
        if not raw:
            return None
        return Escalation.model_validate({k: json.loads(v) for k, v in raw.items() if k in Escalation.model_fields})

    async def update_escalation(self, escalation_id: str, **fields: object) -> None:
        mapping = {name: json.dumps(value) for name, value in fields.items()}
        await self.redis.hset(self._escalation_key(escalation_id), mapping=mapping)

    async def claim_escalation(self, escalation_id: str, by: str, **fields: object) -> bool | None:
        """Decide the escalation as `by`, with `fields`: True for the first caller, False once it was
        decided, None when there is no such escalation."""
        args = [escalation_id, json.dumps(by)]
        for name, value in fields.items():
            args += [name, json.dumps(value)]
        keys = [self._escalation_key(escalation_id), self._approvals_key]
        result = await self._claim_escalation(keys=keys, args=args)
        return None if int(result) < 0 else bool(result)

    async def pending_approvals(self) -> int:
        return int(await self.redis.zcard(self._approvals_key))

    async def propose_rebalance(self, payload: list[list[str]]) -> str:
        """Keep a proposed rebalance for an hour; its id applies it (once)."""
        proposal = secrets.token_hex(5)
        await self.redis.set(f"{self.prefix}:rebalance:{proposal}", json.dumps(payload), ex=3600)
        return proposal

    async def take_rebalance(self, proposal: str) -> list[list[str]] | None:
        """The proposal, removed so it is applied once; None when unknown or expired."""
        raw = await self.redis.getdel(f"{self.prefix}:rebalance:{proposal}")
        return None if raw is None else list(json.loads(raw))
