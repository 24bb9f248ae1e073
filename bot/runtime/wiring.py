"""Builds the application's objects once, from settings, and hands them in through constructors."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from slack_sdk.web.async_client import AsyncWebClient

from agents.brain import Brain, RuleBrain
from agents.errors import ConfigError
from agents.overseer import Overseer
from bot.configuration.config import Config, load_config
from bot.configuration.settings import Settings
from bot.conversation import Conversation, Guards
from bot.store.connection import connect
from bot.store.leads import LeadStore
from bot.team.board import TeamBoard
from bot.telemetry.metrics import record_fallback, record_usage
from bot.transport.outbound import DryRunSender, Sender
from bot.transport.slack import DryRunNotifier, Notifier, SlackNotifier


@dataclass
class Services:
    settings: Settings
    config: Config
    redis: Redis
    store: LeadStore
    overseer: Overseer
    brain: Brain
    sender: Sender
    conversation: Conversation
    board: TeamBoard
    slack: AsyncWebClient | None = None


def build_overseer(config: Config) -> Overseer:
    return Overseer(
        config.catalog, config.knowledge(), allowed_contacts=config.contacts(), backstop=config.approvers[0].name
    )


def build(
    settings: Settings, *, redis: Redis | None = None, sender: Sender | None = None, notifier: Notifier | None = None
) -> Services:
    config = load_config(settings.jorge_config)
    redis = redis if redis is not None else connect(settings.redis_url)
    store = LeadStore(redis, prefix=settings.jorge_namespace)
    overseer = build_overseer(config)
    brain = build_brain(settings, config, overseer)
    sender = sender if sender is not None else DryRunSender()
    guards = Guards(daily_cap=settings.jorge_daily_cap, kill_switch=settings.jorge_kill_switch)
    slack = slack_client(settings)
    if notifier is None:
        notifier = (
            SlackNotifier(slack, settings.jorge_slack_channel or "")
            if slack is not None
            else DryRunNotifier(echo=settings.redis_url is None)
        )
    conversation = Conversation(
        store, brain, sender, allowed_contacts=config.contacts(), guards=guards, notifier=notifier,
        backstop=config.approvers[0].name, member_ids={m.name: m.slack_user_id for m in config.team},
    )  # fmt: skip
    board = TeamBoard(store, config.team, config.assignment)
    return Services(settings, config, redis, store, overseer, brain, sender, conversation, board, slack)


def build_brain(settings: Settings, config: Config, overseer: Overseer, *, choice: str | None = None) -> Brain:
    """Claude when ANTHROPIC_API_KEY is set (or `choice` says so), the rule brain otherwise."""
    wanted = choice or ("claude" if settings.claude_enabled else "rules")
    if wanted == "rules":
        return RuleBrain(overseer)
    if not settings.anthropic_api_key:
        raise ConfigError("the Claude brain needs ANTHROPIC_API_KEY")
    from anthropic import AsyncAnthropic  # imported only when Claude is on: the SDK takes seconds

    from agents.claude import CircuitBreaker, ClaudeBrain

    client = AsyncAnthropic(
        api_key=settings.anthropic_api_key,
        base_url=settings.anthropic_base_url,
        timeout=settings.anthropic_timeout,
        max_retries=0,  # one call per inbound: a failure falls back to the rules at once
    )
    breaker = CircuitBreaker(threshold=3, cooldown=settings.anthropic_cooldown.total_seconds())
    return ClaudeBrain(
        client, overseer, config.catalog, model=settings.anthropic_model, breaker=breaker,
        on_usage=record_usage, on_fallback=record_fallback, allowed_contacts=config.contacts(),
    )  # fmt: skip


def slack_client(settings: Settings) -> AsyncWebClient | None:
    if not settings.slack_enabled:
        return None
    # A short timeout: Slack posts happen inside jobs that must finish well within JOB_TIMEOUT.
    return AsyncWebClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_url or "https://slack.com/api/", timeout=5
    )
