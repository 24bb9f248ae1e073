"""The project's exceptions, one tree, turned into responses or exit messages once at the edge.
They live at the bottom layer so every layer can raise them.

JorgeError
├── ConfigError            a setting or the configuration file is wrong; start-up stops
│   └── KnowledgeError     a knowledge file is wrong; the message names the file and the field
├── UnknownLead            a command or API call names a lead (or escalation, task) we do not have
├── StoreUnavailable       Redis could not be reached; nothing was stored (the webhook answers 503)
├── BadWebhook             a signed Twilio request whose content is not a usable message (400)
├── DeliveryError          an outbound message could not be delivered
│   ├── TemporaryDeliveryError   retry later (timeouts, 429, 5xx); `maybe_sent` when it may have gone
│   └── PermanentDeliveryError   do not retry; record it on the lead for a person
├── RetryLater             a job asks to run again later (arq's Retry, or the in-process runner's)
├── Decided                a person's click or command came after the thing was already settled
│   ├── AlreadyHandled     an escalation decided before; says by whom
│   └── TaskDone           a task marked done before; says by whom
├── EditRejected           an edited or typed reply failed the quality gate, or may not go out now
├── Refused                the Slack user may not do this; the message says why (shown only to them)
└── Usage                  a /jorge command is incomplete or names something unknown
"""

from __future__ import annotations

from agents.types import Escalation, Task


class JorgeError(Exception):
    """Base of every error the project raises on purpose."""


class ConfigError(JorgeError):
    """A setting or the configuration file is wrong; the message says which and how to fix it."""


class KnowledgeError(ConfigError):
    """A knowledge file is wrong; the message names the file and the field."""


class UnknownLead(JorgeError):
    """No lead with that phone number (or no such escalation or task)."""


class StoreUnavailable(JorgeError):
    """Redis could not be reached or timed out; what was being stored was not."""


class BadWebhook(JorgeError):
    """The request is signed but its content is not a usable Twilio message."""


class DeliveryError(JorgeError):
    """An outbound message could not be delivered."""


class TemporaryDeliveryError(DeliveryError):
    """Worth retrying later. `maybe_sent`: the carrier may have taken the message anyway (a 5xx, a
    timeout), so it is looked up before any second attempt; `answered`: the carrier did answer (a
    5xx), so it can be looked up at once rather than after it has surely finished (a timeout)."""

    def __init__(self, message: str, *, maybe_sent: bool = False, answered: bool = True) -> None:
        super().__init__(message)
        self.maybe_sent = maybe_sent
        self.answered = answered


class PermanentDeliveryError(DeliveryError):
    """Retrying will not help (opted out at the carrier, invalid number); `code` is the carrier's."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class RetryLater(JorgeError):
    """Run this job again after `seconds` (None: back off by the number of tries)."""

    def __init__(self, seconds: float | None = None) -> None:
        super().__init__(f"retry in {seconds}s" if seconds is not None else "retry with backoff")
        self.seconds = seconds


class Decided(JorgeError):
    """Someone settled this first."""


class AlreadyHandled(Decided):
    """The escalation was decided before; `escalation.decided_by` says by whom."""

    def __init__(self, escalation: Escalation) -> None:
        super().__init__(f"already handled by {escalation.decided_by}")
        self.escalation = escalation


class TaskDone(Decided):
    """The task was marked done before; `task.done_by` says by whom."""

    def __init__(self, task: Task) -> None:
        super().__init__(f"already done by {task.done_by}")
        self.task = task


class EditRejected(JorgeError):
    """An edited reply failed the quality gate (or may not go out now); nothing was sent."""


class Refused(JorgeError):
    """The user may not do this; the message says why (shown only to them)."""


class Usage(JorgeError):
    """The command is incomplete or names something unknown; `message` says what."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
