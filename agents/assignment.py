"""Who on the team should own a new lead: a weighted score per eligible member (Jorge's spec).

    expertise   0.30  the member covers the lead's persona
    workload    0.20  room left: 1 - open leads / capacity
    success     0.20  won / closed, smoothed so a newcomer starts at 0.5, not 0
    preference  0.15  speaks the lead's language, covers the lead's market
    commission  0.15  senior members for higher-value leads, juniors for the rest

Members at capacity, away, or outside their working hours are not eligible. Approvers (Jorge)
take routine leads only when nobody else can; a Spanish-speaking lead goes to a Spanish speaker
while one has room, and a $1M+ lead to a senior member while one has room; within that, the
highest score wins and ties go to whoever has waited longest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time

from pydantic import BaseModel, Field

from agents.policy import HIGH_VALUE_PRICE
from agents.team import TeamMember
from agents.types import Language, Lead


class Weights(BaseModel):
    expertise: float = Field(default=0.30, ge=0)
    workload: float = Field(default=0.20, ge=0)
    success: float = Field(default=0.20, ge=0)
    preference: float = Field(default=0.15, ge=0)
    commission: float = Field(default=0.15, ge=0)


@dataclass
class MemberState:
    """A member's live numbers (from Redis)."""

    member: TeamMember
    open_leads: int = 0
    won: int = 0
    lost: int = 0
    last_assigned: float = 0.0  # epoch seconds; 0 = never
    away: bool = False

    @property
    def room(self) -> int:
        return self.member.capacity - self.open_leads


@dataclass(frozen=True)
class Assignment:
    member: TeamMember
    score: float
    factors: dict[str, float] = field(default_factory=dict)  # weighted contribution of each factor

    def why(self, top: int = 3) -> str:
        best = sorted(self.factors.items(), key=lambda item: -item[1])[:top]
        return ", ".join(f"{name} {value:.2f}" for name, value in best)


def within_hours(hours: tuple[time, time] | None, moment: datetime | None) -> bool:
    if hours is None or moment is None:
        return True
    start, end = hours
    return start <= moment.timetz().replace(tzinfo=None) < end


def factors(lead: Lead, state: MemberState, weights: Weights) -> dict[str, float]:
    member = state.member
    expertise = 1.0 if lead.persona is None or lead.persona in member.roles else 0.0
    workload = max(0.0, 1.0 - state.open_leads / member.capacity)
    success = (state.won + 1) / (state.won + state.lost + 2)
    language = lead.language or Language.EN
    preference = 0.5 * (language in member.languages) + 0.5 * (lead.market is None or lead.market in member.markets)
    value = min((lead.facts.price or 400_000) / 1_200_000, 1.0)
    commission = value if member.senior else 1.0 - value
    raw = {
        "expertise": expertise,
        "workload": workload,
        "success": success,
        "preference": preference,
        "commission": commission,
    }
    return {name: getattr(weights, name) * score for name, score in raw.items()}


def choose(
    lead: Lead,
    states: Sequence[MemberState],
    weights: Weights,
    *,
    moment: datetime | None = None,
    hours: dict[str, tuple[time, time] | None] | None = None,
    exclude: Sequence[str] = (),
) -> Assignment | None:
    """The best eligible member for `lead`, or None when everyone is full, away or excluded."""
    hours = hours or {}
    eligible = [
        s
        for s in states
        if s.room > 0
        and not s.away
        and s.member.slack_user_id not in exclude
        and within_hours(hours.get(s.member.slack_user_id), moment)
    ]
    high_value = (lead.facts.price or 0) >= HIGH_VALUE_PRICE
    if not high_value:
        # Jorge (an approver) is the team's backstop for routine leads, not its first choice.
        team = [s for s in eligible if not s.member.approver]
        if team:
            eligible = team
    language = lead.language or Language.EN
    speakers = [s for s in eligible if language in s.member.languages]
    if speakers:
        eligible = speakers
    if high_value:
        seniors = [s for s in eligible if s.member.senior]
        if seniors:
            eligible = seniors
    if not eligible:
        return None
    scored = [(sum(f.values()), f, s) for s in eligible for f in [factors(lead, s, weights)]]
    # Highest score; on a tie (to the cent), whoever was assigned least recently.
    total, chosen, state = max(scored, key=lambda item: (round(item[0], 2), -item[2].last_assigned))
    return Assignment(member=state.member, score=total, factors=chosen)
