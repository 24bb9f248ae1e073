"""`jorge chat` driven as a person would: text in, replies and decisions out, approve inline."""

from typer.testing import CliRunner

from jorge.cli import app


def test_chat_shows_replies_decisions_and_the_approval_prompt() -> None:
    script = "Looking for a 3 bed in Ontario\nunder 650k\nshould we counter at 655?\na\nquit\n"
    run = CliRunner().invoke(app, ["chat", "--phone", "+19095550177"], input=script)
    assert run.exit_code == 0, run.output
    out = run.stdout
    assert "bot: Hi, this is Jorge's automated assistant" in out
    assert "persona=buyer_specialist" in out and "market=ontario" in out
    assert "facts=price:650000,bedrooms:3" in out
    assert "Approval needed" in out and "negotiation" in out
    assert "Jorge: " in out  # the approved draft went out
