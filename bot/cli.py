"""The `jorge` command: serve, worker, chat, route, eval."""

from __future__ import annotations

import sys

import typer

from agents.overseer import Overseer
from bot.config import load_config
from bot.errors import ConfigError
from bot.route import route_lines
from bot.settings import load_settings

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=True, help="Jorge bot: lead response for Jorge's team.")


@app.callback()
def _group() -> None:
    """Jorge bot: lead response for Jorge's team."""


def _overseer() -> Overseer:
    settings = load_settings()
    config = load_config(settings.jorge_config)
    return Overseer(config.catalog, allowed_contacts=config.contacts())


@app.command()
def route() -> None:
    """Read {"id", "text", "from"} JSON lines on stdin; write one decision a line on stdout."""
    overseer = _overseer()
    failed = 0
    for output, ok in route_lines(overseer, sys.stdin):
        sys.stdout.write(output + "\n")
        failed += not ok
    sys.stdout.flush()
    if failed:
        typer.echo(f"{failed} input line(s) could not be routed", err=True)
        raise typer.Exit(1)


def main() -> None:
    try:
        app()
    except ConfigError as error:
        typer.echo(f"jorge: {error}", err=True)
        sys.exit(2)
