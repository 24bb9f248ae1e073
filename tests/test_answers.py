"""Answers, not scripts: the rule brain answers what the lead said, acts on it, records what a
person must do, and asks at most one new thing. On a real Redis, through the pipeline."""

from __future__ import annotations

import pytest

from agents.brain import RuleBrain
from agents.knowledge import Knowledge, PerLanguage
from agents.overseer import Overseer
from agents.types import Persona
from bot.configuration.config import load_config
from bot.conversation import Conversation, Turn
from bot.runtime.wiring import build_overseer
from bot.store.leads import LeadStore
from bot.transport.outbound import DryRunSender

CONFIG = load_config()
PHONE = "+19095550177"


@pytest.fixture
def conversation(store: LeadStore) -> Conversation:
    overseer = build_overseer(CONFIG)
    return Conversation(store, RuleBrain(overseer), DryRunSender(echo=False), allowed_contacts=CONFIG.contacts())


async def _say(conversation: Conversation, *texts: str) -> list[Turn]:
    return [await conversation.receive(PHONE, text) for text in texts]


def _reply(turn: Turn) -> str:
    assert turn.reply is not None, turn.silenced
    return turn.reply


async def test_a_question_is_answered_before_the_next_step(conversation: Conversation) -> None:
    first, second = await _say(conversation, "Hi, looking for a 3 bed in Fontana, maybe 550k",
                               "not yet. what credit score do we need?")  # fmt: skip
    assert "580" in _reply(second) and "620" in _reply(second)
    assert "lender" in _reply(second)
    assert "price range" not in _reply(second) and "bedrooms" not in _reply(second)
    assert second.lead.facts.preapproved is False  # "not yet" answered the bot's question
    assert _reply(first) != _reply(second)


async def test_accepting_a_step_records_a_task_for_a_person(conversation: Conversation, store: LeadStore) -> None:
    turns = await _say(conversation, "what credit score do i need to buy?", "yes please")
    assert "lender" in _reply(turns[0]) and turns[0].decision.question == "step:lender_intro"
    assert "task" in turns[1].events
    tasks = await store.tasks(PHONE)
    assert [t.text for t in tasks] == ["Introduce the lead to a lender we trust"]
    assert "connect you with a lender" in _reply(turns[1])


async def test_a_showing_request_is_recorded_with_the_day_time_and_address(
    conversation: Conversation, store: LeadStore
) -> None:
    (turn,) = await _say(conversation, "Can you show me 1234 Haven Ave this Saturday at 2?")
    assert "appointment" in turn.events
    assert "Saturday at 2 pm" in _reply(turn) and "1234 Haven Ave" in _reply(turn)
    assert "which area" not in _reply(turn).lower()
    (appointment,) = await store.appointments(PHONE)
    assert (appointment.kind, appointment.day, appointment.time, appointment.address) == (
        "showing", "saturday", "2 pm", "1234 Haven Ave"
    )  # fmt: skip


async def test_missing_details_are_asked_one_at_a_time_and_complete_the_same_request(
    conversation: Conversation, store: LeadStore
) -> None:
    turns = await _say(conversation, "What's my house worth? 4 bed in Alta Loma", "can jorge come by thursday at 6?",
                       "12 Cedar Ct. see you then")  # fmt: skip
    assert "address" in _reply(turns[1]).lower() or turns[1].escalation is not None
    (appointment,) = await store.appointments(PHONE)
    assert (appointment.kind, appointment.day, appointment.time) == ("listing_consult", "thursday", "6 pm")
    assert appointment.address == "12 Cedar Ct"
    assert "condition" not in (_reply(turns[2]) if turns[2].reply else "")


async def test_a_question_nothing_here_answers_goes_to_a_person(conversation: Conversation, store: LeadStore) -> None:
    (turn,) = await _say(conversation, "what's the name of the guy who built the tract homes on Baseline in 1987?")
    assert "task" in turn.events
    (task,) = await store.tasks(PHONE)
    assert "built the tract homes" in task.text
    assert "guess" in _reply(turn)


async def test_you_didnt_answer_my_question_answers_it_or_passes_it_on(
    conversation: Conversation, store: LeadStore
) -> None:
    turns = await _say(conversation, "Looking in Upland", "who designed the Upland city hall building?",
                       "you didn't answer my question")  # fmt: skip
    assert "task" in turns[2].events or "task" in turns[1].events
    assert "Sorry" in _reply(turns[2])
    assert any("city hall" in t.text for t in await store.tasks(PHONE))


async def test_a_correction_changes_the_persona_and_the_words(conversation: Conversation) -> None:
    turns = await _say(
        conversation, "how fast are homes selling in Rancho?", "no im BUYING. i dont have a house to sell"
    )
    assert turns[1].decision.persona is Persona.BUYER
    reply = _reply(turns[1]).lower()
    assert " sell " not in f" {reply} " and "condition" not in reply


async def test_thanks_gets_a_short_answer_and_no_script_question(conversation: Conversation) -> None:
    turns = await _say(conversation, "Looking for a 4 bed in Upland", "ok thanks!")
    assert _reply(turns[1]) in ("You're welcome!", "Sure! You're welcome!")
    assert turns[1].decision.question is None


async def test_no_reply_is_repeated_word_for_word(conversation: Conversation) -> None:
    turns = await _say(conversation, "hi", "ok", "what's a tract home?", "what's a tract home?", "ok", "thanks", "ok")
    replies = [t.reply for t in turns if t.reply]
    assert len(replies) == len(set(replies)), replies


async def test_a_plain_opt_out_silences_everything_after_its_confirmation(conversation: Conversation) -> None:
    turns = await _say(conversation, "Looking for a 4 bed in Upland", "pls stop texting me, my brother is helping us",
                       "wait one more thing, do you know any good lenders?")  # fmt: skip
    assert turns[1].decision.action.value == "opt_out" and "opted_out" in turns[1].events
    assert "START" in _reply(turns[1])
    assert turns[2].reply is None


async def test_spanish_questions_get_spanish_answers(conversation: Conversation) -> None:
    turns = await _say(
        conversation, "hola buscamos casa en fontana de 3 recamaras", "y cuanto necesitamos de enganche?"
    )
    assert "%" in _reply(turns[1]) and turns[1].decision.language.value == "es"


async def test_a_reply_that_promises_a_person_gets_a_task_behind_it(store: LeadStore) -> None:
    knowledge = CONFIG.knowledge()
    promising = knowledge.topics["schools"].model_copy(
        update={"answer": PerLanguage(en="Jorge will call you with the district boundaries.", es="Jorge le llamará.")}
    )
    edited = Knowledge(topics={**knowledge.topics, "schools": promising}, steps=knowledge.steps, acts=knowledge.acts)
    conversation = Conversation(store, RuleBrain(Overseer(CONFIG.catalog, edited)), DryRunSender(echo=False))
    turn = await conversation.receive(PHONE, "how are the schools in Ontario?")
    assert "Jorge will call you" in _reply(turn)
    assert "task" in turn.events
    (task,) = await store.tasks(PHONE)
    assert "Jorge will call you" in task.text


async def test_the_bots_own_question_is_answered_in_few_words(conversation: Conversation) -> None:
    turns = await _say(conversation, "Looking for a house in Ontario", "like 650", "like 3")
    assert [t.decision.question for t in turns] == ["budget", "bedrooms", "preapproved"]
    assert turns[2].lead.facts.price == 650_000 and turns[2].lead.facts.bedrooms == 3
    assert "how many bedrooms" not in _reply(turns[2]).lower()


async def test_a_follow_up_gets_the_details_not_the_same_answer(store: LeadStore) -> None:
    knowledge = CONFIG.knowledge()
    detailed = knowledge.topics["mello_roos"].model_copy(
        update={
            "more": PerLanguage(
                en="It lasts until the district's bonds are paid off, often 25-40 years.",
                es="Dura hasta que se pagan los bonos, a menudo 25-40 años.",
            )
        }
    )
    edited = Knowledge(topics={**knowledge.topics, "mello_roos": detailed}, steps=knowledge.steps, acts=knowledge.acts)
    conversation = Conversation(store, RuleBrain(Overseer(CONFIG.catalog, edited)), DryRunSender(echo=False))
    first = await conversation.receive(PHONE, "do the new homes in Ontario Ranch have mello roos?")
    second = await conversation.receive(PHONE, "does it ever go away?")
    third = await conversation.receive(PHONE, "and who decides that?")
    assert "Mello-Roos" in _reply(first)
    assert "25-40 years" in _reply(second) and "task" not in second.events
    assert "task" in third.events  # the details were given once: now a person answers


async def test_a_step_asked_for_outright_is_taken_once(conversation: Conversation, store: LeadStore) -> None:
    first, again = await _say(conversation, "ok cool, connect me w a lender", "pls send me the lender info")
    assert "connect you with a lender" in _reply(first) and first.decision.steps == ["lender_intro"]
    assert [t.text for t in await store.tasks(PHONE)] == ["Introduce the lead to a lender we trust"]  # not twice
    assert "lender" not in (again.decision.question or "")


async def test_a_step_turned_down_is_not_taken(conversation: Conversation, store: LeadStore) -> None:
    (turn,) = await _say(conversation, "please don't send me listings yet, just looking at prices in Upland")
    assert "listings" not in turn.decision.steps and await store.tasks(PHONE) == []


async def test_not_yet_to_pre_approval_offers_the_lender_intro(conversation: Conversation) -> None:
    first, second = await _say(conversation, "looking to buy in fontana, 3 bed around 575k", "not yet")
    assert first.decision.question == "preapproved"
    assert second.decision.question == "step:lender_intro" and "lender" in _reply(second)


@pytest.mark.parametrize(
    ("text", "field", "value", "questions"),
    [("like 850", "price", 850_000, ("price", "budget")), ("3+", "bedrooms", 3, ("bedrooms",))],
)
async def test_a_number_alone_fills_the_slot_it_fits(
    conversation: Conversation, text: str, field: str, value: int, questions: tuple[str, ...]
) -> None:
    _, turn = await _say(conversation, "how much are closing costs when buying in chino hills", text)
    assert getattr(turn.lead.facts, field) == value
    assert turn.decision.question not in questions  # not asked for what was just said


async def test_a_meeting_at_a_day_and_time_is_recorded_though_it_names_jorge(
    conversation: Conversation, store: LeadStore
) -> None:
    (turn,) = await _say(conversation, "ok lets set up a call with jorge tomorrow at noon")
    assert "appointment" in turn.events
    (appointment,) = await store.appointments(PHONE)
    assert appointment.kind == "call" and appointment.day == "tomorrow" and appointment.time == "noon"


async def test_a_second_opt_out_request_after_the_confirmation_gets_no_text(conversation: Conversation) -> None:
    turns = await _say(conversation, "Looking for a 4 bed in Upland", "STOP", "and delete my number")
    assert "START" in _reply(turns[1])
    assert turns[2].reply is None and turns[2].lead.opted_out


async def test_yes_from_a_subscribed_lead_is_an_answer_not_an_opt_in(conversation: Conversation) -> None:
    turns = await _say(conversation, "what does it cost to sell a house in rancho?", "ok", "yes")
    assert turns[2].decision.action.value == "reply" and "opted_in" not in turns[2].events


async def test_ok_to_an_offer_takes_it(conversation: Conversation, store: LeadStore) -> None:
    first, second = await _say(conversation, "what credit score do i need to buy?", "ok")
    assert first.decision.question == "step:lender_intro"
    assert second.decision.steps == ["lender_intro"] and "task" in second.events
    assert [t.text for t in await store.tasks(PHONE)] == ["Introduce the lead to a lender we trust"]


async def test_maybe_later_is_met_warmly_with_nothing_asked(conversation: Conversation) -> None:
    _, later = await _say(conversation, "thinking of selling my house in upland", "maybe later, still sorting it out")
    assert later.decision.question is None and "ready" in _reply(later)


async def test_no_calls_please_is_never_booked_as_a_call(conversation: Conversation, store: LeadStore) -> None:
    _, turn = await _say(conversation, "looking for a 3 bed in ontario", "ok. pls dont call me, text only. im at work")
    assert "appointment" not in turn.events and await store.appointments(PHONE) == []
    assert "call" not in _reply(turn).lower()


async def test_a_new_hour_moves_the_meeting_being_arranged(conversation: Conversation, store: LeadStore) -> None:
    _, second = await _say(conversation, "Can you show me 1234 Haven Ave on Saturday at 2?", "actually 5 works better")
    assert "appointment" in second.events and second.lead.facts.bedrooms is None
    (appointment,) = await store.appointments(PHONE)
    assert appointment.day == "saturday" and appointment.time == "5 pm"


async def test_an_heirs_situation_is_their_reason_and_not_asked_again(conversation: Conversation) -> None:
    turns = await _say(conversation, "my mom passed in march and left me her house in upland, we want to sell",
                       "no trust. there's a will", "ok")  # fmt: skip
    assert turns[0].lead.facts.motivation == "inherited the home"
    assert turns[1].lead.facts.timeline is None  # "there's a will" does not say when
    assert all(t.decision.question != "motivation" for t in turns)


async def test_see_you_then_only_when_a_day_and_time_are_set(conversation: Conversation) -> None:
    turns = await _say(conversation, "can i see 1234 Haven Ave?", "ok")
    assert "see you" not in _reply(turns[1]).lower()


async def test_an_address_alone_gets_a_text_not_an_empty_one(conversation: Conversation) -> None:
    turns = await _say(conversation, "got an email with new wiring instructions from escrow, is that normal?",
                       "ok called them, it was legit phew. its 3350 e celebration st")  # fmt: skip
    assert _reply(turns[1]).strip()


async def test_a_remark_after_an_answer_gets_its_details(conversation: Conversation) -> None:
    first, remark = await _say(conversation, "just got an email from escrow w new wiring instructions, legit??",
                               "the email looks exactly like theirs tho, same logo")  # fmt: skip
    assert "wire_fraud" in first.decision.topics
    assert remark.decision.topics == ["wire_fraud:more"] and "Got it" not in _reply(remark)


async def test_does_that_change_it_asks_about_the_answer_and_books_nothing(
    conversation: Conversation, store: LeadStore
) -> None:
    first, second = await _say(conversation, "If I sell my house in upland do I pay capital gains tax?",
                               "ok. we bought it 2 yrs ago tho, does that change it")  # fmt: skip
    assert "capital_gains" in first.decision.topics
    assert second.decision.topics == ["capital_gains:more"] and not second.decision.draft.startswith("Sounds good")
    assert "appointment" not in second.events and await store.appointments(PHONE) == []


async def test_a_place_corrected_is_echoed_as_the_lead_said_it(conversation: Conversation) -> None:
    _, corrected = await _say(
        conversation, "looking to buy a house in chino hills", "sorry I meant Chino not chino hills"
    )
    assert corrected.lead.market == "chino_hills" and corrected.lead.facts.place == "Chino"
    assert "in Chino" in _reply(corrected) and "Chino Hills" not in _reply(corrected)


async def test_a_monthly_payment_is_worked_out_on_the_leads_own_price(conversation: Conversation) -> None:
    _, turn = await _say(conversation, "3 bed in ontario up to 550k", "what would the monthly payment be?")
    assert "$3,130 a month" in _reply(turn)  # $550k, 10% down, 6.5% over 30 years


async def test_what_was_heard_is_echoed_in_other_words_on_other_turns(conversation: Conversation) -> None:
    turns = await _say(conversation, "3 bed in fontana", "up to 550k", "actually make it 4 beds")
    assert sum(", got it." in _reply(t) for t in turns) == 1  # not ", got it." on every text


async def test_a_bare_hour_asked_moves_the_meeting(conversation: Conversation, store: LeadStore) -> None:
    await _say(conversation, "can you show me 1234 Haven Ave on Saturday at 10?", "wait no 10 doesnt work. 12?")
    (appointment,) = await store.appointments(PHONE)
    assert appointment.day == "saturday" and appointment.time == "12 pm"


async def test_an_emoji_does_not_hide_a_yes(conversation: Conversation) -> None:
    first, second = await _say(conversation, "what credit score do i need to buy?", "si porfa 😊")
    assert first.decision.question == "step:lender_intro" and second.decision.steps == ["lender_intro"]


async def test_a_day_and_time_taken_is_booked_over_a_faint_topic(conversation: Conversation, store: LeadStore) -> None:
    turns = await _say(conversation, "I am 81 and want to sell my home in Alta Loma, I'd rather speak to a person",
                       "Thursday morning around 10. My number is this one.")  # fmt: skip
    assert "appointment" in turns[1].events and turns[1].decision.topics == []
    (appointment,) = await store.appointments(PHONE)
    assert appointment.day == "thursday" and appointment.time == "around 10 am"


async def test_not_interested_is_thanked_and_gets_no_check_ins(conversation: Conversation, store: LeadStore) -> None:
    _, turn = await _say(conversation, "how much could i sell my house in fontana?", "ah ok. not interested in selling")
    assert turn.decision.question is None and "thanks" in _reply(turn).lower()
    stored = await store.get(PHONE)
    assert stored is not None and stored.followups_stopped


async def test_hello_is_a_greeting_and_an_email_is_not_a_wire_fraud_question(conversation: Conversation) -> None:
    _, hello, email = await _say(conversation, "3 bed in fontana", "hello?", "My email is dan.whitaker@gmail.com")
    assert hello.decision.topics == [] and "Mello" not in _reply(hello)
    assert email.decision.topics == [] and "wire" not in _reply(email).lower()


async def test_a_held_reply_to_is_this_a_real_person_says_it_is_the_assistant(conversation: Conversation) -> None:
    _, turn = await _say(conversation, "3 bed in fontana", "is this a real person?")
    assert turn.decision.escalate and "assistant" in turn.decision.reply


async def test_next_weekend_is_said_as_next_weekend(conversation: Conversation) -> None:
    (turn,) = await _say(conversation, "4 bed in rancho up to 800k, would love to see a few next weekend")
    assert "confirm next weekend" in _reply(turn) and "next this" not in _reply(turn)


async def test_a_question_passed_on_is_not_followed_by_market_figures(conversation: Conversation) -> None:
    (turn,) = await _say(conversation, "whats the best pizza place in upland?")
    assert turn.decision.unanswered and "median" not in _reply(turn)


async def test_pressure_to_sign_for_cash_while_behind_gets_a_warning_for_jorge(conversation: Conversation) -> None:
    (turn,) = await _say(conversation, "im 4 months behind on my mortgage and a guy offered cash if i sign today")
    assert turn.decision.escalate and "foreclosure" in turn.decision.topics
    assert "Don't sign anything under pressure" in turn.decision.draft
