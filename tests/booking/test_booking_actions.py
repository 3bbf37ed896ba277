"""The booking and hand-off actions, turn by turn (form_driver replays Rasa's form loop), on a real database."""

import logging

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions import booking
from actions import privacy as privacy_actions
from heel.store.db import session_scope
from heel.store.requests import OutboxMessage, Request
from tests.booking.form_driver import FormDriver

PERSONAL = ("Sam Runner", "7911", "sam@example.com", "pain under my heel")


def stored(url=None):
    with session_scope(url) as session:
        return session.execute(select(Request).order_by(Request.id)).scalars().all()


async def fill_booking(
    driver,
    name="Sam Runner",
    contact="07911 123456",
    when="next Tuesday morning",
    reason="pain under my heel when I run",
    patient="I'm a new patient",
):
    turn = await driver.activate("booking_form")
    assert turn.responses == ["ask_booking_consent"]
    turn = await driver.say("yes", "affirm")
    assert turn.responses == ["ask_booking_name"]
    turn = await driver.say(name)
    assert turn.responses == ["ask_booking_contact"]
    turn = await driver.say(contact)
    assert turn.responses == ["ask_booking_preferred_time"]
    turn = await driver.say(when)
    assert turn.responses[-1] == "ask_booking_reason"
    turn = await driver.say(reason, "describe_symptoms")
    assert turn.responses == ["ask_booking_patient_type"]
    turn = await driver.say(patient)
    assert turn.responses == ["ask_booking_confirmed"]
    return turn


async def test_happy_path_stores_then_confirms(booking_env_any, caplog):
    caplog.set_level(logging.DEBUG)
    driver = FormDriver("conv-happy")
    summary = await fill_booking(driver)
    text = summary.text
    assert "- Name: Sam Runner" in text and "- Phone: 07911 123456" in text
    assert "morning (08:00-12:00)" in text and "- Patient: New patient" in text
    assert stored(booking_env_any.database_url) == []  # nothing before the visitor confirms

    turn = await driver.say("yes, send it", "affirm")
    assert turn.done
    turn = await driver.run_action(booking.ActionSubmitBooking)
    rows = stored(booking_env_any.database_url)
    assert len(rows) == 1
    row = rows[0]
    assert (row.kind, row.name, row.phone, row.patient_type) == ("booking", "Sam Runner", "+447911123456", "new")
    assert row.preferred_time.endswith("morning (08:00-12:00)") and row.preferred_time_text == "next Tuesday morning"
    assert row.preferred_time_data["parts"] == ["morning"]
    assert row.conversation_id == "conv-happy" and row.consent_version
    assert turn.responses == ["submitted"] and turn.reference == row.id
    assert "Thank you, Sam Runner." in turn.text
    assert "contact you by phone on 07911 123456" in turn.text and "The front desk is" in turn.text
    # The answers and the contact details leave the conversation; the request's id stays for a later call-back,
    # and the tracker store is asked to remove every stored copy (heel/privacy.py).
    assert driver.slots["booking_preferred_time"] is None and driver.slots["booking_submission_id"] is None
    assert driver.slots["booking_phone"] is None and driver.slots["booking_name"] is None
    assert driver.slots["contact_request_id"] == row.id and driver.slots["privacy_request"] == "redact"
    for record in caplog.records:
        if record.levelno >= logging.INFO:
            assert not any(secret in record.getMessage() for secret in PERSONAL), record.getMessage()


async def test_no_consent_stores_nothing_and_gives_the_phone_number(booking_env):
    driver = FormDriver()
    await driver.activate("booking_form")
    turn = await driver.say("no thanks", "deny")
    assert turn.done and driver.slots["booking_consent"] is False
    turn = await driver.run_action(booking.ActionSubmitBooking)
    assert turn.responses == ["declined"] and "020 7946 0018" in turn.text
    assert stored() == []


async def test_unclear_consent_is_asked_again_and_never_assumed(booking_env):
    driver = FormDriver()
    await driver.activate("booking_form")
    turn = await driver.say("what do you mean?", "nlu_fallback", 0.3)
    assert turn.responses == ["consent_unclear", "ask_booking_consent"]
    await driver.say("hmm", "nlu_fallback", 0.3)
    turn = await driver.say("maybe", "nlu_fallback", 0.3)
    assert turn.responses == ["consent_not_given"] and turn.done
    assert driver.slots["booking_consent"] is False


async def test_invalid_phone_is_re_asked_with_an_example_then_a_way_out(booking_env):
    driver = FormDriver()
    await driver.activate("booking_form")
    await driver.say("yes", "affirm")
    await driver.say("Sam")
    turn = await driver.say("0791112345")
    assert turn.responses == ["invalid_phone", "ask_booking_contact"]
    assert "For example: 07400 123456." in turn.text
    turn = await driver.say("12345")
    assert turn.responses == ["invalid_contact", "still_invalid", "ask_booking_contact"]
    assert "call the clinic on 020 7946 0018" in turn.text
    turn = await driver.say("sam@example.com")
    assert turn.responses == ["ask_booking_preferred_time"]
    assert (driver.slots["booking_phone"], driver.slots["booking_email"]) == (None, "sam@example.com")


async def test_invalid_name_is_re_asked(booking_env):
    driver = FormDriver()
    await driver.activate("booking_form")
    await driver.say("yes", "affirm")
    turn = await driver.say("07911 123456")
    assert turn.responses == ["invalid_name", "ask_booking_name"]
    assert driver.slots["booking_name"] is None


async def test_unreadable_time_is_asked_once_more_then_passed_on_as_written(booking_env):
    driver = FormDriver()
    await driver.activate("booking_form")
    for text in ("yes", "Sam", "07911 123456"):
        await driver.say(text, "affirm" if text == "yes" else "inform")
    turn = await driver.say("when my shifts allow")
    assert turn.responses == ["invalid_time", "ask_booking_preferred_time"]
    turn = await driver.say("depends on the rota")
    assert turn.responses == ["time_as_written", "ask_booking_reason"]
    assert driver.slots["booking_preferred_time"] == ""
    assert driver.slots["booking_preferred_time_text"] == "depends on the rota"


async def test_a_closed_day_is_flagged(booking_env):
    driver = FormDriver()
    await driver.activate("booking_form")
    for text in ("yes", "Sam", "07911 123456"):
        await driver.say(text, "affirm" if text == "yes" else "inform")
    turn = await driver.say("Sunday mornings")
    assert turn.responses == ["time_closed", "ask_booking_reason"]
    assert "closed on Sundays" in turn.text


async def test_an_education_question_mid_form_is_a_digression_not_a_name(booking_env):
    driver = FormDriver()
    await driver.activate("booking_form")
    await driver.say("yes", "affirm")
    turn = await driver.say("what is shockwave therapy?", "ask_shockwave", 0.97)
    assert turn.rejected and driver.slots["booking_name"] is None
    turn = await driver.resume()  # after the rules answered the question
    assert turn.responses == ["ask_booking_name"]
    turn = await driver.say("Alex")
    assert driver.slots["booking_name"] == "Alex" and turn.responses == ["ask_booking_contact"]


async def test_an_unsure_question_guess_does_not_block_an_answer(booking_env):
    driver = FormDriver()
    await driver.activate("booking_form")
    await driver.say("yes", "affirm")
    turn = await driver.say("Heel", "ask_causes", 0.55)
    assert not turn.rejected and driver.slots["booking_name"] == "Heel"


async def test_stop_and_red_flags_and_asking_for_a_person_are_never_slot_values(booking_env):
    driver = FormDriver()
    await driver.activate("booking_form")
    await driver.say("yes", "affirm")
    for intent in ("stop", "red_flag", "request_human"):
        turn = await driver.say("whatever they typed", intent)
        assert turn.rejected and driver.slots["booking_name"] is None


async def test_correction_at_the_summary_with_a_new_value(booking_env):
    driver = FormDriver()
    await fill_booking(driver)
    turn = await driver.say("change my phone to 07400 654321")
    assert turn.responses == ["updated", "ask_booking_confirmed"]
    assert driver.slots["booking_phone"] == "+447400654321"
    assert "- Phone: 07400 654321" in turn.text
    assert driver.slots["booking_confirmed"] is None


async def test_no_at_the_summary_asks_what_to_change(booking_env):
    driver = FormDriver()
    await fill_booking(driver)
    turn = await driver.say("no", "deny")
    assert turn.responses == ["what_to_change", "ask_booking_confirmed"]
    turn = await driver.say("change the time")
    assert turn.responses == ["ask_booking_preferred_time"]
    turn = await driver.say("weekday evenings")
    assert turn.responses == ["ask_booking_confirmed"]
    assert "Weekdays (Mon-Fri), evening" in turn.text
    turn = await driver.say("the email", "inform")
    assert turn.responses == ["ask_booking_contact"]


async def test_correcting_an_earlier_answer_mid_form(booking_env):
    driver = FormDriver()
    await driver.activate("booking_form")
    for text in ("yes", "Sam", "07911 123456"):
        await driver.say(text, "affirm" if text == "yes" else "inform")
    turn = await driver.say("actually my name is Samantha")
    assert driver.slots["booking_name"] == "Samantha"
    assert turn.responses == ["updated", "ask_booking_preferred_time"]


async def test_start_again_keeps_consent_and_asks_from_the_name(booking_env):
    driver = FormDriver()
    await fill_booking(driver)
    submission = driver.slots["booking_submission_id"]
    turn = await driver.say("start again")
    assert turn.responses == ["restarted", "ask_booking_name"]
    assert driver.slots["booking_consent"] is True and driver.slots["booking_phone"] is None
    assert driver.slots["booking_submission_id"] == submission


async def test_reason_is_prefilled_from_the_assessment(booking_env):
    driver = FormDriver(slots={"assessment_summary": "Likely plantar fasciitis. Pain under the heel."})
    await driver.activate("booking_form")
    for text in ("yes", "Sam", "07911 123456"):
        await driver.say(text, "affirm" if text == "yes" else "inform")
    turn = await driver.say("asap")
    assert turn.responses == ["ask_booking_patient_type"]
    assert driver.slots["booking_reason"] == "From the symptom check: Likely plantar fasciitis."


async def test_urgent_care_comes_first(booking_env):
    driver = FormDriver(slots={"care_level": "urgent"})
    turn = await driver.activate("booking_form")
    assert turn.responses == ["after_urgent_flag", "ask_booking_consent"]


async def test_cancel_resets_everything(booking_env):
    driver = FormDriver()
    await driver.activate("booking_form")
    await driver.say("yes", "affirm")
    await driver.say("Sam")
    assert (await driver.say("cancel", "stop")).rejected
    turn = await driver.run_action(booking.ActionCancelRequest)
    assert turn.responses == ["cancelled"]
    assert driver.active is None and driver.slots["booking_name"] is None and driver.slots["booking_consent"] is None
    assert stored() == []


async def test_start_again_classified_as_stop_restarts_instead_of_cancelling(booking_env):
    driver = FormDriver()
    await driver.activate("booking_form")
    await driver.say("yes", "affirm")
    await driver.say("Sam")
    assert (await driver.say("start over", "stop")).rejected
    turn = await driver.run_action(booking.ActionCancelRequest)
    assert turn.responses == ["restarted", "ask_booking_name"]
    assert driver.active == "booking_form" and driver.slots["booking_consent"] is True


async def test_double_submit_stores_one_request(booking_env_any):
    driver = FormDriver("conv-double")
    await fill_booking(driver)
    await driver.say("yes", "affirm")
    slots = dict(driver.slots)
    first = await driver.run_action(booking.ActionSubmitBooking)
    driver.slots = slots  # the same submit arrives again (retry, double click)
    second = await driver.run_action(booking.ActionSubmitBooking)
    rows = stored(booking_env_any.database_url)
    assert len(rows) == 1
    assert first.reference == second.reference == rows[0].id


async def test_a_second_booking_in_the_same_conversation_is_a_new_request(booking_env):
    driver = FormDriver("conv-two")
    await fill_booking(driver)
    await driver.say("yes", "affirm")
    await driver.run_action(booking.ActionSubmitBooking)
    await driver.activate("booking_form")
    turn = await driver.say("yes", "affirm")
    # the first request took the contact details out of the conversation: they are asked again
    assert turn.responses == ["ask_booking_name"]
    await driver.say("Sam Runner")
    await driver.say("07911 123456")
    await driver.say("friday afternoon")
    await driver.say("a check-up")
    await driver.say("I've been before")
    await driver.say("yes", "affirm")
    await driver.run_action(booking.ActionSubmitBooking)
    assert len(stored()) == 2


async def test_database_down_means_no_confirmation_and_a_retry_succeeds_once(booking_env, monkeypatch):
    from heel.store import requests_repo

    driver = FormDriver("conv-fault")
    await fill_booking(driver)
    await driver.say("yes", "affirm")
    real = requests_repo.create_request
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        raise requests_repo.StoreUnavailable("storing a request failed: OperationalError")

    monkeypatch.setattr(requests_repo, "create_request", failing)
    turn = await driver.run_action(booking.ActionSubmitBooking)
    assert calls and turn.responses == ["failed", "ask_booking_confirmed"]
    assert "020 7946 0018" in turn.text and "reference #" not in turn.text
    assert driver.active == "booking_form" and driver.slots["booking_name"] == "Sam Runner"
    assert stored() == []

    monkeypatch.setattr(requests_repo, "create_request", real)
    turn = await driver.say("yes, send it", "affirm")
    assert turn.done
    turn = await driver.run_action(booking.ActionSubmitBooking)
    assert turn.responses == ["submitted"]
    assert len(stored()) == 1


async def test_handoff_without_contact_asks_consent_then_contact_and_pauses(booking_env_any):
    driver = FormDriver("conv-human")
    driver._user("what is shockwave", "ask_shockwave", 0.99)
    driver._user("does it hurt?", "ask_shockwave", 0.9)
    turn = await driver.activate("handoff_form", "request_human", "can I talk to a real person")
    assert turn.responses == ["ask_handoff_consent"]
    assert "call the clinic on 020 7946 0018" in turn.text and "The front desk is" in turn.text
    turn = await driver.say("yes", "affirm")
    assert turn.responses == ["ask_handoff_contact"]
    turn = await driver.say("sam@example.com")
    assert turn.done
    turn = await driver.run_action(booking.ActionRequestHuman)
    [row] = stored(booking_env_any.database_url)
    assert row.kind == "handoff" and row.email == "sam@example.com" and row.bot_paused
    assert "Asked about: shockwave." in row.reason and '"can I talk to a real person"' in row.reason
    assert '"does it hurt?"' in row.reason and "sam@example.com" not in row.reason
    assert "Unfinished booking" not in row.reason
    assert turn.responses == ["handoff_created"]
    assert "contact you by email at sam@example.com" in turn.text and turn.reference == row.id
    assert driver.paused


async def test_handoff_with_known_contact_goes_straight_through(booking_env):
    driver = FormDriver(
        "conv-known",
        slots={
            "booking_name": "Sam",
            "booking_phone": "+447911123456",
            "booking_contact": "07911 123456",
            "assessment_summary": "Likely plantar fasciitis.",
        },
    )
    turn = await driver.activate("handoff_form", "request_human", "I want to speak to someone")
    assert turn.done and turn.messages == []
    turn = await driver.run_action(booking.ActionRequestHuman)
    [row] = stored()
    assert (row.name, row.phone, row.assessment_summary) == ("Sam", "+447911123456", "Likely plantar fasciitis.")
    assert "contact you by phone on 07911 123456" in turn.text
    assert driver.paused
    # The same request handled twice (a retried action) is one hand-off.
    driver.paused = False
    await driver.run_action(booking.ActionRequestHuman)
    assert len(stored()) == 1


async def test_handoff_declined_stores_nothing(booking_env):
    driver = FormDriver()
    await driver.activate("handoff_form", "request_human", "human please")
    turn = await driver.say("no", "deny")
    assert turn.done
    turn = await driver.run_action(booking.ActionRequestHuman)
    assert turn.responses == ["handoff_declined"] and "020 7946 0018" in turn.text
    assert stored() == [] and not driver.paused


async def test_handoff_with_the_database_down_says_so_and_does_not_pause(booking_env, monkeypatch):
    from heel.store import requests_repo

    def failing(*args, **kwargs):
        raise requests_repo.StoreUnavailable("storing a request failed: OperationalError")

    monkeypatch.setattr(requests_repo, "create_request", failing)
    driver = FormDriver(slots={"booking_phone": "+447911123456", "booking_contact": "07911 123456"})
    await driver.activate("handoff_form", "request_human", "human please")
    turn = await driver.run_action(booking.ActionRequestHuman)
    assert turn.responses == ["handoff_failed"] and not driver.paused


async def test_handoff_mid_booking_closes_the_booking_form(booking_env):
    driver = FormDriver(
        slots={
            "booking_phone": "+447911123456",
            "booking_contact": "07911 123456",
            "booking_consent": True,
            "booking_name": "Sam",
        }
    )
    driver.active = "booking_form"
    driver.slots["booking_preferred_time"] = "Any time"
    events = await booking.ActionRequestHuman().run(CollectingDispatcher(), driver.tracker(), {})
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    # Paused, and listening: once staff resume, the rules answer the visitor's next message.
    assert [e["event"] for e in events[-2:]] == ["pause", "action"] and events[-1]["name"] == "action_listen"
    [row] = stored()
    assert "preferred time: Any time" in row.reason


def test_notifications_are_queued_with_the_request(booking_env, monkeypatch):
    from heel import settings as config

    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FRONTDESK_EMAIL", "desk@example.com")
    monkeypatch.setenv("NOTIFY_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    config.get_settings.cache_clear()
    import asyncio

    async def go():
        driver = FormDriver("conv-notify")
        await fill_booking(driver)
        await driver.say("yes", "affirm")
        await driver.run_action(booking.ActionSubmitBooking)

    asyncio.run(go())
    with session_scope() as session:
        channels = sorted(session.execute(select(OutboxMessage.channel)).scalars())
        assert channels == ["email", "webhook"]
        assert session.execute(select(func.count()).select_from(Request)).scalar_one() == 1


def test_every_action_is_declared_in_the_domain_and_every_declared_one_exists():
    import importlib
    import inspect
    import pkgutil

    from rasa_sdk import Action

    import actions
    from tests.booking.form_driver import DOMAIN

    implemented = set()
    for module_info in pkgutil.iter_modules(actions.__path__):
        module = importlib.import_module(f"actions.{module_info.name}")
        implemented |= {
            cls().name()
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, Action)
            and cls.__module__ == module.__name__
            and not inspect.isabstract(cls)
            and not cls().name().endswith("_")
        }
    booking_actions = {
        cls().name()
        for _, cls in inspect.getmembers(booking, inspect.isclass)
        if issubclass(cls, Action) and cls.__module__ == booking.__name__ and not inspect.isabstract(cls)
    }
    # an entry is a name, or {name: {send_domain: true}} for the form validators that read the domain
    declared = {entry if isinstance(entry, str) else next(iter(entry)) for entry in DOMAIN["actions"]}
    assert booking_actions <= declared
    assert implemented == declared


def test_every_form_question_has_an_ask_action():
    from tests.booking.form_driver import ASK_ACTIONS, DOMAIN

    for form in ("booking_form", "handoff_form"):
        for slot in DOMAIN["forms"][form]["required_slots"]:
            assert f"action_ask_{form}_{slot}" in ASK_ACTIONS or f"action_ask_{slot}" in ASK_ACTIONS, (form, slot)


def test_every_message_placeholder_is_filled():
    """A typo in content/booking.yml shows up here, not in front of a visitor."""
    import re

    known = {"summary", "when_open", "phone", "example_phone", "closed_days", "visitor", "request_id", "contact_how"}
    known |= {"stopped", "requests", "count"}  # "delete my data"
    for section in ("questions", "messages"):
        for key, entry in booking.texts()[section].items():
            assert set(re.findall(r"\{([a-z_]+)\}", entry["text"])) <= known, key


# ------------------------------------------------------------------------------------------ delete my data
async def test_delete_my_data_mid_form_is_not_an_answer_and_stops_the_form(booking_env):
    driver = FormDriver("conv-delete")
    await driver.activate("booking_form")
    await driver.say("yes", "affirm")
    await driver.say("Sam Runner")
    turn = await driver.say("please delete my data", "delete_my_data")
    assert turn.rejected and driver.slots["booking_contact"] is None  # the rule takes over, nothing is filled
    turn = await driver.run_action(privacy_actions.ActionAskDeleteMyData)
    assert turn.responses == ["delete_confirm"] and "stopped there" in turn.text
    assert driver.active is None and driver.slots["booking_name"] is None
    assert driver.slots["privacy_request"] == "redact"  # what was typed into the form is forgotten either way


async def test_delete_my_data_deletes_the_requests_then_asks_the_store_to_erase(booking_env):
    driver = FormDriver("conv-erase")
    await fill_booking(driver)
    await driver.say("yes", "affirm")
    await driver.run_action(booking.ActionSubmitBooking)
    assert len(stored()) == 1
    driver._user("/affirm", "affirm", 1.0)
    turn = await driver.run_action(privacy_actions.ActionDeleteMyData)
    assert turn.responses == ["deleted"] and "1 request(s)" in turn.text
    assert stored() == [] and driver.slots["privacy_request"] == "erase"


async def test_a_no_deletes_nothing(booking_env):
    driver = FormDriver("conv-keep")
    await fill_booking(driver)
    await driver.say("yes", "affirm")
    await driver.run_action(booking.ActionSubmitBooking)
    driver._user("/deny", "deny", 1.0)
    turn = await driver.run_action(privacy_actions.ActionDeleteMyData)
    assert turn.responses == ["delete_kept"] and len(stored()) == 1
    assert driver.slots["privacy_request"] == "redact"  # unchanged since the booking


async def test_deletion_with_the_database_down_erases_nothing_and_says_so(booking_env, monkeypatch):
    from heel.store import requests_repo

    def down(*_args, **_kwargs):
        raise requests_repo.StoreUnavailable("down")

    monkeypatch.setattr(requests_repo, "delete_for_conversation", down)
    driver = FormDriver("conv-erase-down")
    driver._user("/affirm", "affirm", 1.0)
    turn = await driver.run_action(privacy_actions.ActionDeleteMyData)
    assert turn.responses == ["delete_failed"] and driver.slots["privacy_request"] is None
