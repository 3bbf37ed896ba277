"""heel.privacy on event dictionaries as Rasa stores them: what goes, what stays."""

import json

from heel import privacy


def user(text, intent="inform"):
    return {"event": "user", "text": text, "parse_data": {"text": text, "intent": {"name": intent}, "entities": []}}


def slot(name, value):
    return {"event": "slot", "name": name, "value": value}


def bot(text):
    return {"event": "bot", "text": text}


def holds_personal_data(events):
    """Whether any personal slot still holds a value in these events."""
    return any(e.get("event") == "slot" and e.get("name") in privacy.PERSONAL_SLOTS and e.get("value") for e in events)


def booking_conversation():
    return [
        user("my heel hurts in the morning", "describe_symptoms"),
        bot("That sounds like plantar fasciitis."),
        user("/book_appointment", "book_appointment"),
        slot("requested_slot", "booking_consent"),
        user("/affirm", "affirm"),
        slot("booking_consent", True),
        slot("requested_slot", "booking_name"),
        bot("What name should the front desk use for you?"),
        user("Priya Natarajan"),
        slot("booking_name", "Priya Natarajan"),
        slot("requested_slot", "booking_contact"),
        user("ring me on 07911 123456 or priya.n@example.org"),
        slot("booking_phone", "+447911123456"),
        slot("booking_email", "priya.n@example.org"),
        slot("booking_contact", "07911 123456 and priya.n@example.org"),
        slot("requested_slot", "booking_reason"),
        user("sharp pain under the heel since the half marathon"),
        slot("booking_reason", "sharp pain under the heel since the half marathon"),
        slot("requested_slot", "booking_confirmed"),
        bot("Here's what I'll send: Priya Natarajan, 07911 123456 and priya.n@example.org"),
        user("/affirm", "affirm"),
        slot("booking_confirmed", True),
        bot("Thank you, Priya. Your request (reference #4) is now with the front desk."),
        slot("booking_name", None),
        slot(privacy.PRIVACY_SLOT, privacy.REDACT),
    ]


def test_no_contact_detail_survives_redaction_anywhere_in_the_stored_json():
    redacted = json.dumps(privacy.redact(booking_conversation()))
    for detail in ("Priya", "Natarajan", "07911 123456", "+447911123456", "priya.n@example.org", "half marathon"):
        assert detail not in redacted, detail
    assert not holds_personal_data(privacy.redact(booking_conversation()))


def test_what_is_not_personal_stays_as_it_was():
    events = booking_conversation()
    redacted = privacy.redact(events)
    assert len(redacted) == len(events)
    # the symptom description before the booking, the consent, the questions and the turn structure are kept
    assert redacted[0] == events[0] and redacted[1] == events[1]
    assert [e["event"] for e in redacted] == [e["event"] for e in events]
    assert redacted[5] == slot("booking_consent", True)
    assert redacted[7]["text"] == "What name should the front desk use for you?"
    assert "reference #4" in redacted[22]["text"]


def test_the_answers_to_personal_questions_are_replaced_with_their_parse_data():
    redacted = privacy.redact(booking_conversation())
    contact_answer = redacted[11]
    assert contact_answer["text"] == privacy.PLACEHOLDER
    assert contact_answer["parse_data"]["text"] == privacy.PLACEHOLDER
    assert contact_answer["parse_data"]["intent"] == {"name": "inform"}  # what the bot understood stays


def test_short_names_do_not_mask_ordinary_words():
    events = [
        user("Al", "inform"),
        slot("booking_name", "Al"),
        bot("Also, rest helps."),
        slot(privacy.PRIVACY_SLOT, privacy.REDACT),
    ]
    redacted = privacy.redact(events)
    assert redacted[0]["text"] == privacy.PLACEHOLDER  # the answer itself goes
    assert redacted[2]["text"] == "Also, rest helps."


def test_values_are_masked_as_whole_words_only():
    events = [slot("booking_name", "Ann"), bot("Thanks Ann. Annual check-ups are free."), user("ANN here")]
    redacted = privacy.redact(events)
    assert redacted[1]["text"] == f"Thanks {privacy.PLACEHOLDER}. Annual check-ups are free."
    assert redacted[2]["text"] == f"{privacy.PLACEHOLDER} here"


def test_the_store_is_asked_for_erase_or_redact_by_the_privacy_slot():
    assert privacy.requested([slot("booking_name", "x")]) is None
    assert privacy.requested([slot(privacy.PRIVACY_SLOT, privacy.REDACT)]) == privacy.REDACT
    both = [slot(privacy.PRIVACY_SLOT, privacy.REDACT), slot(privacy.PRIVACY_SLOT, privacy.ERASE)]
    assert privacy.requested(both) == privacy.ERASE
    assert privacy.requested([slot(privacy.PRIVACY_SLOT, None)]) is None


def test_a_message_that_filled_a_personal_slot_outside_a_form_is_replaced_too():
    events = [user("you can email me at sam@example.com", "request_human"), slot("booking_email", "sam@example.com")]
    redacted = privacy.redact(events)
    assert redacted[0]["text"] == privacy.PLACEHOLDER
    assert "sam@example.com" not in json.dumps(redacted)
