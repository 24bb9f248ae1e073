"""The `jorge` command: serve, worker, chat, route, eval."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator

import typer

from agents.errors import ConfigError
from bot.configuration.config import load_config
from bot.configuration.settings import load_settings
from bot.runtime.wiring import build, build_brain, build_overseer
from bot.telemetry.logs import configure_logging
from bot.tools.chat import run_chat
from bot.tools.evaluation import evaluate, read_cases
from bot.tools.knowledge_check import check_knowledge
from bot.tools.replay import replay_lines, silent_transports
from bot.tools.route import route_lines
from bot.transport.outbound import DryRunSender

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Jorge bot: lead response for Jorge's team.",
)


@app.callback()
def _group() -> None:
    """Jorge bot: lead response for Jorge's team."""


BRAIN = typer.Option("", help="claude or rules (default: claude when ANTHROPIC_API_KEY is set)")


def _brain_choice(command: str, brain: str) -> str | None:
    if brain not in ("", "claude", "rules"):
        typer.echo(f"jorge {command}: --brain must be claude or rules", err=True)
        raise typer.Exit(2)
    return brain or None


def _write_lines(done: str, lines: AsyncIterator[tuple[str, bool]]) -> None:
    """Write each output line as it comes; exit 1 naming how many input lines failed."""

    async def run() -> int:
        failed = 0
        async for output, ok in lines:
            sys.stdout.write(output + "\n")
            sys.stdout.flush()
            failed += not ok
        return failed

    failed = asyncio.run(run())
    if failed:
        typer.echo(f"{failed} input line(s) could not be {done}", err=True)
        raise typer.Exit(1)


@app.command()
def route(brain: str = BRAIN) -> None:
    """Read {"id", "text", "from"} JSON lines on stdin; write one decision a line on stdout."""
    choice = _brain_choice("route", brain)
    settings = load_settings()
    config = load_config(settings.jorge_config)
    _write_lines("routed", route_lines(build_brain(settings, config, build_overseer(config), choice=choice), sys.stdin))


@app.command()
def replay(brain: str = BRAIN) -> None:
    """Read conversations ({"id", "from", "turns"} JSON lines) on stdin; play each on the embedded
    default and write one line per conversation with every reply, decision and event."""
    choice = _brain_choice("replay", brain)
    settings = load_settings(redis_url=None, twilio_account_sid=None, twilio_auth_token=None, slack_bot_token=None,
                             jorge_coalesce_window="0s")  # fmt: skip
    services = build(settings, **silent_transports())
    if choice:
        services.conversation.brain = build_brain(settings, services.config, services.overseer, choice=choice)
    _write_lines("replayed", replay_lines(services, sys.stdin))


@app.command()
def serve() -> None:
    """Run the web app (Twilio webhooks, Slack, API) on HOST:PORT; jobs in-process without REDIS_URL."""
    import uvicorn

    from jorge.app import create_app

    settings = load_settings()
    configure_logging()
    # Without Twilio credentials (dry-run) unsigned webhooks are taken from loopback only: the peer
    # must really be loopback, so no proxy header may stand in for it.
    uvicorn.run(
        create_app(settings), host=settings.host, port=settings.port, proxy_headers=settings.twilio_enabled,
        log_config=None,
    )  # fmt: skip


@app.command()
def worker() -> None:
    """Run background jobs from Redis (needs REDIS_URL; start as many as you like)."""
    settings = load_settings()
    if not settings.redis_url:
        typer.echo("jorge worker needs REDIS_URL; without it, `jorge serve` runs jobs in its own process.", err=True)
        raise typer.Exit(2)
    configure_logging()
    import uvloop

    from bot.runtime.worker import run_worker

    uvloop.install()  # the same fast event loop uvicorn gives `jorge serve`
    run_worker(settings)


@app.command("eval")
def eval_(cases: str = typer.Argument(..., help="labelled cases, JSON lines")) -> None:
    """Score the router on labelled cases: per-field accuracy, escalation precision/recall, misses."""
    overseer = build_overseer(load_config(load_settings().jorge_config))
    try:
        loaded = read_cases(cases)
    except (OSError, ValueError) as error:
        typer.echo(f"jorge eval: cannot read {cases}: {error}", err=True)
        raise typer.Exit(2) from None
    for line in evaluate(overseer, loaded).lines():
        typer.echo(line)


@app.command()
def knowledge() -> None:
    """Check the knowledge files (JORGE_CONFIG's knowledge_dir, else the shipped ones) and show each answer."""
    config = load_config(load_settings().jorge_config)
    shown, problems = check_knowledge(config.knowledge(), config)
    for line in shown:
        typer.echo(line)
    for problem in problems:
        typer.secho(f"problem: {problem}", fg="red", err=True)
    typer.echo(f"{len(shown) // 2} topics checked, {len(problems)} problem(s)")
    if problems:
        raise typer.Exit(1)


@app.command()
def chat(phone: str = typer.Option("+19095550100", help="the lead's number (E.164)")) -> None:
    """Text the bot as a lead, in this terminal (embedded default: nothing to set up)."""
    services = build(load_settings(), sender=DryRunSender(echo=False))
    asyncio.run(run_chat(services.conversation, phone, input))


def main() -> None:
    try:
        app()
    except ConfigError as error:
        typer.echo(f"jorge: {error}", err=True)
        sys.exit(2)
