"""Jorge's voice: templates, disclosure, length, GSM-7, and the quality gate."""

from importlib.resources import files

import pytest

from agents.knowledge import Knowledge, PerLanguage
from agents.overseer import Overseer
from agents.quality import check_reply
from agents.sms import MAX_REPLY, fit, is_gsm7, to_gsm7
from agents.types import Facts, Lead, Persona
from agents.voice import keep
from bot.configuration.config import load_config
from bot.runtime.wiring import build_overseer

CONFIG = load_config()
OVERSEER = build_overseer(CONFIG)


def test_templates_ship_inside_the_package() -> None:
    names = {entry.name for entry in files("templates").joinpath("sms", "en").iterdir()}
    assert {"reply.j2", "holding.j2", "opt_out.j2", "followup.j2"} <= names


@pytest.mark.parametrize("text", ["Looking for a 3 bed in Ontario", "Busco casa en Fontana de 3 recamaras"])
def test_first_reply_discloses_the_assistant_and_opt_out(text: str) -> None:
    reply = OVERSEER.decide(Lead(phone="+19095550001"), text).reply
    assert "assistant" in reply or "asistente" in reply
    assert "STOP" in reply


def test_later_replies_do_not_repeat_the_disclosure() -> None:
    lead = Lead(phone="+19095550001", replies_sent=1, persona=Persona.BUYER, market="ontario")
    reply = OVERSEER.decide(lead, "3 bedrooms please").reply
    assert "assistant" not in reply and reply


@pytest.mark.parametrize(
    "text",
    [
        "Hola, quiero comprar en Rancho Cucamonga, ¿cuánto cuestan las casas de 4 recámaras?",
        "Necesito vender mi casa en Upland, ¿cuánto vale?",
        "Looking for a 4 bed in Chino Hills under 950k, pre-approved, moving in 2 months",
        "What are prices per square foot in Upland these days, and is it a good time to buy?",
    ],
)
def test_replies_fit_one_320_character_gsm7_text(text: str) -> None:
    reply = OVERSEER.decide(Lead(phone="+19095550001"), text).reply
    assert 0 < len(reply) <= MAX_REPLY
    assert is_gsm7(reply), reply


def test_gsm7_folding_keeps_spanish_letters_the_alphabet_has() -> None:
    assert to_gsm7("¿Qué recámaras? Señor “Núñez” …") == '¿Qué recamaras? Señor "Nuñez" ...'


def test_fit_cuts_at_a_sentence_then_a_word_never_mid_word() -> None:
    text = "First sentence here. " + "word " * 100
    assert fit(text, 40) == "First sentence here."
    cut = fit("alpha beta gamma delta epsilon", 20)
    assert cut.endswith("...") and len(cut) <= 20
    assert cut[:-3].split()[-1] in {"alpha", "beta", "gamma"}


@pytest.mark.parametrize(
    "draft",
    [
        "It's a safe neighborhood with good schools.",
        "Very family-friendly street!",
        "This one is guaranteed to appreciate.",
        "Our commission is 2.5%.",
        "Call the seller at (909) 555-0199.",
        "Email them at owner@example.com",
        "Great Christian community nearby.",
    ],
)
def test_quality_gate_blocks(draft: str) -> None:
    assert check_reply(draft, lead_phone="+19095550001")


@pytest.mark.parametrize(
    "draft",
    [
        "The master bedroom is huge and the family room opens to the yard.",
        "Jorge will go over his fees personally.",
        "Text me back at +1 909 555 0001 anytime.",  # the lead's own number
        "No one can promise that, but a lender can show you the options.",
        "I can't guarantee a price; the market decides.",
        "Nadie puede garantizar que los precios suban.",
        "We don't call any area a safe neighborhood; the police crime map has the facts.",
    ],
)
def test_quality_gate_does_not_over_block(draft: str) -> None:
    assert check_reply(draft, lead_phone="+19095550001") == []


def test_a_draft_that_fails_the_gate_is_escalated_never_sent() -> None:
    # An answer Jorge edited into steering language: the draft must not go out.
    knowledge = CONFIG.knowledge()
    bad = knowledge.topics["credit_score"].model_copy(
        update={"answer": PerLanguage(en="Fontana is a very safe neighborhood with great schools.", es="Igual.")}
    )
    edited = Knowledge(topics={**knowledge.topics, "credit_score": bad}, steps=knowledge.steps, acts=knowledge.acts)
    overseer = Overseer(CONFIG.catalog, edited)
    decision = overseer.decide(Lead(phone="+19095550001"), "what credit score do we need?")
    assert decision.escalate and "compliance" in decision.reasons
    assert "safe" not in decision.reply


def test_the_negotiation_expert_never_sends_on_its_own() -> None:
    decision = OVERSEER.decide(Lead(phone="+19095550001", facts=Facts(price=600_000)), "should we counter?")
    assert decision.persona is Persona.NEGOTIATION and decision.escalate
    assert decision.draft and decision.reply != decision.draft


@pytest.mark.parametrize(
    ("draft", "blocked"),
    [
        ("Jorge will go over his fees for a $1.1M home personally.", False),
        ("Our listing fee is 2.5% of the price.", True),
        ("We charge a $5,000 flat fee.", True),
        ("Homes near $650k sold 3% above last year.", False),
    ],
)
def test_fee_figures_are_blocked_but_prices_near_the_word_fee_are_not(draft: str, blocked: bool) -> None:
    assert bool(check_reply(draft, lead_phone="+19095550001")) is blocked


def test_the_teams_own_contact_details_pass_the_gate() -> None:
    maria = CONFIG.team[1].model_copy(update={"phone": "+19095550199", "email": "maria@jorgeteam.example"})
    config = CONFIG.model_copy(update={"team": [CONFIG.team[0], maria, *CONFIG.team[2:]]})
    allowed = config.contacts()
    assert check_reply("Call Maria at (909) 555-0199 or maria@jorgeteam.example", allowed_contacts=allowed) == []
    assert check_reply("Call the seller at (909) 555-0142", allowed_contacts=allowed)


def test_only_the_answers_a_reply_still_holds_count_as_answered() -> None:
    answers = ["Buyers' closing costs often run 2-5% of the price.", "HOA dues vary by community: often $100-$300."]
    spoken = "A home in Ontario, got it. Buyers' closing costs often run 2-5% of the price. When are you moving?"
    assert keep(answers, spoken) == [True, False]
