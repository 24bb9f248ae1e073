"""The conversation with one lead, in four parts:

    turns.py      Conversation: inbound → decision → send-time guards → reply or escalation
    outbox.py     Outbox: each text sent exactly once, retried, cancelled by an opt-out
    approvals.py  Approvals: held drafts approved, edited, taken over or released, each once
    threads.py    Threads: the lead's Slack thread, approval prompts, assignment messages
"""

from bot.conversation.outbox import Guards
from bot.conversation.turns import Conversation, Turn

__all__ = ["Conversation", "Guards", "Turn"]
