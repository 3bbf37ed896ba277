"""End to end over REST: red flags interrupt anything, negations do not alarm, a paused chat still gets alerts."""

import uuid

import pytest

pytestmark = pytest.mark.e2e


def sender() -> str:
    return f"safety-{uuid.uuid4().hex[:8]}"


def texts(replies):
    return " ".join(r.get("text", "") for r in replies)


def payloads(replies):
    return [b["payload"] for r in replies for b in r.get("buttons", [])]


def alert_is_last(replies) -> bool:
    """The alert (split into parts by the REST channel) ends with the disclaimer; nothing may follow it."""
    from heel.safety.text import DISCLAIMER

    return bool(replies) and replies[-1].get("text", "").strip() == DISCLAIMER


def assert_booking_stopped_and_nothing_stored(stack, user) -> None:
    """No form is active any more, and the front desk holds no request for this conversation."""
    from tests.support.servers import http_get

    assert not stack.tracker(user)["active_loop"].get("name")
    status, body = http_get(
        f"{stack.frontdesk_url}/api/requests?conversation_id={user}",
        headers={"Authorization": f"Bearer {stack.frontdesk_token}"},
    )
    assert status == 200 and body.strip() == b"[]"


def test_emergency_as_first_message_gets_emergency_care_and_no_booking(stack):
    replies = stack.talk(sender(), "I fell off a ladder this morning and I can't put any weight on my foot at all")
    assert "emergency" in texts(replies).lower()
    assert not any("book" in p for p in payloads(replies))


def test_negated_symptoms_do_not_raise_an_alarm(stack):
    replies = stack.talk(sender(), "no numbness or tingling and no swelling, it's just sore under my heel when I run")
    assert "emergency" not in texts(replies).lower() and "today" not in texts(replies).lower()


def test_red_flag_mid_assessment_interrupts_then_the_visitor_can_carry_on(stack):
    user = sender()
    stack.talk(user, "can you check my symptoms")
    replies = stack.talk(user, "actually I just felt a pop at the back of my ankle like someone kicked me")
    assert "today" in texts(replies)
    assert "/continue_form" in payloads(replies)
    resumed = stack.talk(user, "/continue_form")
    assert resumed and "?" in texts(resumed)  # the next assessment question
    tracker = stack.tracker(user)
    assert tracker["active_loop"].get("name") == "assessment_form"


def test_a_paused_conversation_stays_quiet_but_still_alerts_on_a_red_flag(stack):
    user = sender()
    stack.talk(user, "can I talk to a real person")
    stack.talk(user, "/affirm")
    confirmation = stack.talk(user, "jo.bloggs@example.com")
    assert "reference" in texts(confirmation).lower()
    assert stack.tracker(user)["paused"] is True
    assert stack.talk(user, "hello, is anyone there?") == []
    alert = stack.talk(user, "my foot has suddenly gone cold and blue")
    assert "emergency" in texts(alert).lower()
    assert stack.tracker(user)["paused"] is True


def test_a_paused_conversation_still_alerts_when_earlier_messages_complete_a_red_flag(stack):
    user = sender()
    stack.talk(user, "I'm type 2 diabetic, can I talk to a real person please")
    stack.talk(user, "/affirm")
    stack.talk(user, "sam.jones@example.com")
    assert stack.tracker(user)["paused"] is True
    # the model reads this as a question about insoles: only the earlier "diabetic" makes it a red flag
    alert = stack.talk(user, "what insoles would you suggest? I have a cut on my heel too")
    assert "today" in texts(alert)
    assert stack.tracker(user)["paused"] is True


def test_red_flag_mid_booking_stops_the_booking_and_stores_nothing(stack):
    user = sender()
    stack.talk(user, "/book_appointment")
    stack.talk(user, "/affirm")
    stack.talk(user, "Chris Day")
    replies = stack.talk(user, "sorry, I've just noticed my whole foot has gone white and cold")
    assert "emergency" in texts(replies).lower()
    assert not any("book" in p or p == "/continue_form" for p in payloads(replies))
    assert_booking_stopped_and_nothing_stored(stack, user)


def test_diabetes_in_one_message_and_a_wound_in_the_next_is_caught(stack):
    user = sender()
    stack.talk(user, "I'm type 1 diabetic, which running shoes would you recommend?")
    replies = stack.talk(user, "also I've noticed a blister on my heel that has gone red and warm")
    assert "today" in texts(replies)
    assert not any("book" in p for p in payloads(replies))
    assert alert_is_last(replies)  # no normal answer after it (core_components/red_flag_policy.py)
    assert stack.tracker(user)["slots"]["care_level"] == "urgent"


def test_a_danger_sign_that_earlier_turns_complete_stops_a_booking_and_stores_nothing(stack):
    user = sender()
    stack.talk(user, "I'm diabetic, type 2, is shockwave safe for me?")
    stack.talk(user, "/book_appointment")
    stack.talk(user, "/affirm")
    replies = stack.talk(user, "Sam Jones. oh and there is a blister on my heel that has gone red and warm")
    assert "today" in texts(replies)
    assert alert_is_last(replies)  # no next booking question after it
    assert_booking_stopped_and_nothing_stored(stack, user)


def test_another_adults_emergency_says_where_to_send_them_and_keeps_the_visitors_question(stack):
    user = sender()
    replies = stack.talk(
        user,
        "my husband fell off the ladder an hour ago and can't put any weight on his foot, "
        "and separately, would insoles help my plantar fasciitis?",
    )
    text = texts(replies)
    assert "person you mention" in text and "emergency" in text.lower()
    assert "/ask_orthoses" in payloads(replies)  # the visitor's own question, one tap away
    assert stack.tracker(user)["slots"].get("care_level") in (None, "")  # the visitor's own record is untouched
    answer = stack.talk(user, "/ask_orthoses")
    assert "insole" in texts(answer).lower() or "orthos" in texts(answer).lower()


def test_another_adults_managed_problem_is_not_an_alert(stack):
    replies = stack.talk(
        sender(),
        "my dad's diabetic ulcer is being looked after by the district nurse, "
        "what shoes would you suggest for me with heel pain?",
    )
    assert "person you mention" not in texts(replies) and "emergency" not in texts(replies).lower()
