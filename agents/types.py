"""The decision types shared by the overseer, the personas, the pipeline and the CLI.

They carry the vocabulary of DESIGN.md ("Decision vocabulary") and nothing about transport:
`agents/` never learns whether a message came from Twilio, Slack or a terminal.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class Action(StrEnum):
    REPLY = "reply"
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


class Persona(StrEnum):
    LISTING = "listing_specialist"
    BUYER = "buyer_specialist"
    MARKET = "market_analyst"
    NEGOTIATION = "negotiation_expert"
    TRANSACTION = "transaction_coordinator"


class Reason(StrEnum):
    HUMAN_REQUESTED = "human_requested"
    NEGOTIATION = "negotiation"
    COMPLIANCE = "compliance"
    UNHAPPY_CLIENT = "unhappy_client"
    HIGH_VALUE = "high_value"


class Language(StrEnum):
    EN = "en"
    ES = "es"


class Owner(StrEnum):
    """Who speaks for the lead right now; the pipeline moves between these atomically."""

    BOT = "bot"
    AWAITING_APPROVAL = "awaiting_approval"
    HUMAN = "human"


class Facts(BaseModel):
    """What a lead has told us. `price` is the budget or expected price, whole dollars."""

    price: int | None = None
    bedrooms: int | None = None
    bathrooms: float | None = None
    preapproved: bool | None = None
    timeline: str | None = None
    motivation: str | None = None
    condition: str | None = None
    address: str | None = None
    property_type: str | None = None
    income: int | None = None  # the household's yearly income, whole dollars
    place: str | None = None  # the city or neighbourhood the lead named ("Chino", in the Chino Hills market)

    def merged(self, newer: Facts) -> Facts:
        """Facts from `newer` win where it found something; nothing already known is lost."""
        update = {k: v for k, v in newer.model_dump().items() if v is not None}
        return self.model_copy(update=update)

    def known(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class Appointment(BaseModel):
    """A showing, listing consult or call the lead asked for, as they said it; a person confirms it.

    `day` and `time` are the lead's words made tidy ("saturday", "2 pm"); the exact instant is
    worked out when the booking is confirmed."""

    id: str = ""
    kind: str  # "showing" | "listing_consult" | "call"
    day: str | None = None
    time: str | None = None
    address: str | None = None
    status: str = "requested"  # "requested" | "confirmed" | "cancelled" | "done"
    owner: str | None = None  # the teammate who confirms it; None: whoever owns the lead
    text: str = ""  # the lead's words
    created_at: datetime | None = None

    @property
    def missing(self) -> str | None:
        """What to ask next: "day", "time", "address" (a visit needs one), or None when complete."""
        if self.day is None:
            return "when" if self.time is None else "day"
        if self.time is None:
            return "time"
        if self.kind == "listing_consult" and self.address is None:
            return "address"
        return None


class Task(BaseModel):
    """Something a reply said a person would do, in front of that person until it is done."""

    id: str = ""
    phone: str = ""
    text: str
    owner: str | None = None  # None: whoever owns the lead (its assignee, else Jorge)
    done: bool = False
    done_by: str | None = None
    created_at: datetime | None = None


class Message(BaseModel):
    direction: str  # "in" | "out"
    body: str
    at: datetime
    status: str = "received"
    sid: str | None = None
    media: list[str] = Field(default_factory=list)
    decision: dict[str, Any] | None = None
    key: str | None = None  # outbound: the idempotency key it was sent under
    opt_out_type: str | None = None  # inbound: Twilio Advanced Opt-Out's verdict (STOP/START/HELP)
    error: str | None = None


class Priority(BaseModel):
    """How much the lead is worth chasing: commission potential weighted by readiness."""

    commission: int  # 6% of the price, whole dollars; 0 when no price is known
    readiness: float  # 0..1
    score: int  # commission x readiness, whole dollars
    label: str  # "hot" | "warm" | "cold"


class Lead(BaseModel):
    """A lead's profile as the decisions see it."""

    phone: str
    name: str | None = None
    language: Language | None = None
    market: str | None = None
    facts: Facts = Field(default_factory=Facts)
    persona: Persona | None = None
    persona_history: list[Persona] = Field(default_factory=list)
    asked: list[str] = Field(default_factory=list)
    owner: Owner = Owner.BOT
    assigned_to: str | None = None
    opted_out: bool = False
    paused: bool = False
    followups_stopped: bool = False
    outcome: str | None = None  # "won" | "lost" once the team closes the lead
    priority: Priority | None = None
    slack_thread: str | None = None  # ts of the lead's Slack thread, once it has one
    pending_escalation: str | None = None  # the escalation waiting for Jorge, while one is
    replies_sent: int = 0
    last_question: str | None = None  # what the bot asked last: a question key or "step:<id>"
    answered: list[str] = Field(default_factory=list)  # knowledge topics answered so far ("<id>:more": details)
    last_topics: list[str] = Field(default_factory=list)  # the topics the bot's last reply answered
    open_question: str | None = None  # a question of the lead's the bot could not answer yet
    appointment: Appointment | None = None  # the latest appointment request still being arranged
    preference: str | None = None  # how and when the lead wants to be reached ("text only, after 5")
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def is_new(self) -> bool:
        """True until the bot has answered this lead once (the first reply discloses the bot)."""
        return self.replies_sent == 0


class Decision(BaseModel):
    """What the overseer decided for one inbound message, and the reply that goes with it."""

    action: Action
    language: Language
    persona: Persona | None = None
    escalate: bool = False
    reasons: list[Reason] = Field(default_factory=list)
    market: str | None = None
    facts: Facts = Field(default_factory=Facts)
    priority: Priority | None = None
    question: str | None = None
    draft: str = ""  # the persona's reply; held for Jorge's approval when escalated
    reply: str = ""  # what the lead gets now: the draft, a holding reply or a keyword answer
    notes: list[str] = Field(default_factory=list)
    usage: dict[str, int] | None = None  # model tokens spent on this decision (input, cache_read, ...)
    topics: list[str] = Field(default_factory=list)  # knowledge topics this reply answers
    acts: list[str] = Field(default_factory=list)  # kinds of message heard (thanks, yes, correction ...)
    appointment: Appointment | None = None  # a request to record (new, or more details of the open one)
    tasks: list[str] = Field(default_factory=list)  # what the reply says a person will do
    steps: list[str] = Field(default_factory=list)  # next steps the lead took this turn (a lender intro ...)
    unanswered: str | None = None  # the lead's question this reply could not answer
    preference: str | None = None  # a contact preference the lead gave, for the team

    def route_view(self) -> dict[str, Any]:
        """The decision as `jorge route` prints it (the contract in shared/eval/README.md)."""
        view: dict[str, Any] = {
            "action": self.action.value,
            "persona": self.persona.value if self.persona else None,
            "escalate": self.escalate,
            "reasons": [r.value for r in self.reasons],
            "market": self.market,
            "facts": self.facts.known(),
            "language": self.language.value,
            "reply": self.reply,
        }
        if self.escalate:
            view["draft"] = self.draft
        if self.topics or self.acts:
            view["topics"] = [*self.topics, *self.acts]
        if self.priority is not None:
            view["priority"] = self.priority.model_dump()
        return view


class Escalation(BaseModel):
    """A held draft waiting for Jorge: approved, edited or taken over exactly once."""

    id: str
    phone: str
    reasons: list[Reason]
    draft: str
    decision: dict[str, Any]
    created_at: datetime
    state: str = "pending"  # "pending" | "approved" | "edited" | "taken_over" | "released"
    decided_by: str | None = None
    decided_at: datetime | None = None
    final_text: str | None = None
    delivery: str = ""  # for a sent draft: "sent" | "retrying" (Twilio failed for now) | "not sent: <why>"
    slack_channel: str | None = None
    slack_ts: str | None = None
