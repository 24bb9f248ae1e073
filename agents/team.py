"""The team as the decisions see it: who covers which personas, markets and languages."""

from __future__ import annotations

from datetime import time

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
    working_hours: str | None = Field(default=None, pattern=r"^\d{1,2}:\d{2}-\d{1,2}:\d{2}$")  # team time

    @property
    def hours(self) -> tuple[time, time] | None:
        """Working hours as times (None: always available)."""
        if self.working_hours is None:
            return None
        start, end = self.working_hours.split("-")
        return time.fromisoformat(start.zfill(5)), time.fromisoformat(end.zfill(5))
