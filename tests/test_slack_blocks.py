"""The approval prompt's numbers read as Jorge would read them."""

from __future__ import annotations

from datetime import UTC, datetime

from agents.types import Escalation, Lead, Reason
from bot.transport.slack_blocks import approval_prompt


def _fields(commission: int) -> str:
    lead = Lead(phone="+19095550123")
    escalation = Escalation(
        id="e1", phone=lead.phone, reasons=[Reason.NEGOTIATION], draft="Jorge will call you.",
        decision={"priority": {"commission": commission, "label": "warm"}}, created_at=datetime.now(UTC),
    )  # fmt: skip
    return str([block.to_dict() for block in approval_prompt(lead, escalation, [])])


def test_commission_potential_is_unknown_until_a_price_is_known() -> None:
    assert "unknown until a price is known" in _fields(0) and "$0" not in _fields(0)
    assert "$36,000" in _fields(36_000)
