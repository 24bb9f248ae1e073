"""The project's exceptions, one tree, turned into responses or exit messages once at the edge.

JorgeError
├── ConfigError        a setting or the configuration file is wrong; start-up stops
├── UnknownLead        a command or API call names a lead we do not have
├── StoreUnavailable   Redis could not be reached; nothing was stored (the webhook answers 503)
└── DeliveryError      an outbound message could not be delivered
    ├── TemporaryDeliveryError   retry later (timeouts, 429, 5xx); `maybe_sent` when it may have gone
    └── PermanentDeliveryError   do not retry; record it on the lead for a person
"""


class JorgeError(Exception):
    """Base of every error the project raises on purpose."""


class ConfigError(JorgeError):
    """A setting or the configuration file is wrong; the message says which and how to fix it."""


class UnknownLead(JorgeError):
    """No lead with that phone number."""


class StoreUnavailable(JorgeError):
    """Redis could not be reached or timed out; what was being stored was not."""


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
