"""Prometheus metrics, exported at GET /metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

REGISTRY = CollectorRegistry()
# Per member and per persona: names and commission. Shown by /metrics only to a caller with the
# API's bearer token (JORGE_API_TOKEN); the counters above stay public for uptime checks.
TEAM_REGISTRY = CollectorRegistry()

INBOUND = Counter("jorge_inbound_messages", "Inbound texts stored", ["kind"], registry=REGISTRY)
OUTBOUND = Counter("jorge_outbound_messages", "Outbound texts by first status", ["status"], registry=REGISTRY)
REJECTED = Counter("jorge_webhook_rejections", "Webhook requests refused", ["reason"], registry=REGISTRY)
ESCALATIONS = Counter("jorge_escalations", "Replies held for approval", registry=REGISTRY)
NOTIFY_FAILURES = Counter("jorge_slack_failures", "Slack posts that failed", ["action"], registry=REGISTRY)
TOKENS = Counter("jorge_claude_tokens", "Claude tokens", ["kind"], registry=REGISTRY)
COST = Counter("jorge_claude_cost_dollars", "Estimated Claude cost", registry=REGISTRY)
FALLBACKS = Counter("jorge_claude_fallbacks", "Decisions the rule brain made because Claude failed", ["reason"],
                    registry=REGISTRY)  # fmt: skip
DELIVERY = Counter("jorge_delivery_statuses", "Delivery status callbacks", ["status"], registry=REGISTRY)


def record_usage(tokens: dict[str, int], cost: float) -> None:
    for kind, count in tokens.items():
        TOKENS.labels(kind=kind).inc(count)
    COST.inc(cost)


def record_fallback(reason: str) -> None:
    FALLBACKS.labels(reason=reason).inc()


MEMBER = Gauge("jorge_member", "Per team member: open, won, lost, commission_won, avg_claim_seconds",
               ["member", "measure"], registry=TEAM_REGISTRY)  # fmt: skip
PERSONA = Gauge("jorge_persona", "Per persona: won, lost, commission_won", ["persona", "measure"],
                registry=TEAM_REGISTRY)  # fmt: skip
PERSONAS = ("buyer_specialist", "listing_specialist", "market_analyst", "negotiation_expert", "transaction_coordinator")
