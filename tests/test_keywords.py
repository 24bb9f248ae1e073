import pytest

from agents.keywords import keyword_action
from agents.types import Action


@pytest.mark.parametrize(
    "text",
    ["STOP", "stop", " Stop. ", "STOPALL", "unsubscribe", "Cancel!", "END", "quit", "REVOKE", "optout", "\tOPTOUT\n"],
)
def test_opt_out_words_alone_opt_out(text: str) -> None:
    assert keyword_action(text) is Action.OPT_OUT


@pytest.mark.parametrize("text", ["START", "unstop", "Yes", "yes!"])
def test_opt_in_words(text: str) -> None:
    assert keyword_action(text) is Action.OPT_IN


@pytest.mark.parametrize("text", ["HELP", "help?", "Info", "INFO."])
def test_help_words(text: str) -> None:
    assert keyword_action(text) is Action.HELP


@pytest.mark.parametrize(
    "text",
    [
        "We might stop renting next year",
        "Can you help us sell our condo?",
        "please stop sending condos",
        "cancel the showing tomorrow",
        "yes please send more info",
        "stop by the open house?",
        "stop sending condos, only houses",
        "can't stop thinking about that kitchen",
        "ya no me manden condominios",
        "don't stop sending me texts about Fontana",
    ],
)
def test_sentences_with_keywords_are_ordinary_messages(text: str) -> None:
    assert keyword_action(text) is None


@pytest.mark.parametrize(
    "text",
    ["opt out", "OPT-OUT", "Stop all", "Stop texting me", "please stop messaging me",
     "Remove me from your list", "don't text me again", "No me manden más mensajes", "Dejen de escribirme",
     "Ya no me manden mensajes por favor", "no nos envíen más textos", "Bórrenme de su lista, ya no me interesa",
     "pls stop texting me, my brother is helping us", "stop please", "Stop. Thank you", "stop it", "lose my number",
     "wrong number", "no me escriban más", "ya compramos, bórrenme", "actually nvm. STOP", "STOP 🛑", "just stop"],
)  # fmt: skip
def test_plain_requests_to_stop_texting_opt_out(text: str) -> None:
    assert keyword_action(text) is Action.OPT_OUT


def test_a_carrier_word_inside_other_sentences_is_not_an_opt_out() -> None:
    assert keyword_action("I need to cancel. Can we do Monday?") is None
    assert keyword_action("the kids wont stop. anyway 3 beds") is None


def test_asking_to_stop_one_kind_of_listing_is_not_an_opt_out() -> None:
    assert keyword_action("please stop sending me condos over 700k") is None
    assert keyword_action("no me manden mensajes de condominios, solo casas") is None


def test_yes_answers_the_conversation_and_opts_in_otherwise() -> None:
    assert keyword_action("Yes!", talking=True) is None
    assert keyword_action("Yes!") is Action.OPT_IN
    assert keyword_action("START", talking=True) is Action.OPT_IN
