"""The team as the decisions see it: who covers which personas, markets and languages."""

from __future__ import annotations

from pydantic import BaseModel, Field

from agents.types import Language, Persona


class TeamMember(BaseModel):
    name: str
    slack_user_id: str
    roles: list[Persona]
    markets: list[str]
    languages: list[Language]
    capacity: int = Field(gt=0)
    approver: bool = False
    senior: bool = False
    phone: str | None = None
    email: str | None = None
