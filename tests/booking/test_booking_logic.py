"""Unit tests for the pure booking logic: phone, e-mail, name, consent, preferred time, corrections, summaries."""

from datetime import date, datetime, time

import pytest

from heel.booking import logic

WEDNESDAY = datetime(2025, 11, 26, 10, 0)  # a Wednesday morning


@pytest.mark.parametrize(
    "text, phone, email",
    [
        ("07911 123456", "+447911123456", None),
        ("07911123456", "+447911123456", None),
        ("+44 7911 123456", "+447911123456", None),
        ("(0)7911 123456", "+447911123456", None),
        ("020 7946 0018", "+442079460018", None),
        ("call me on 020 7946 0018 please", "+442079460018", None),
        ("+1 202-555-0142", "+12025550142", None),
        ("sam@example.com", None, "sam@example.com"),
        ("Sam.Smith@Example.COM", None, "Sam.Smith@example.com"),
        ("my number is 07911 123 456 and my email sam@example.com", "+447911123456", "sam@example.com"),
    ],
)
def test_contact_details_are_found_and_normalised(text, phone, email):
    contact, error = logic.parse_contact(text, "GB")
    assert error is None
    assert (contact.phone, contact.email) == (phone, email)


@pytest.mark.parametrize(
    "text, error",
    [
        ("12345", "no_contact"),
        ("0791112345", "invalid_phone"),  # one digit short
        ("07700 900123", "invalid_phone"),  # Ofcom drama range: never a real line
        ("sam@example", "invalid_email"),
        ("sam@@example.com", "invalid_email"),
        ("no thanks", "no_contact"),
        ("", "no_contact"),
    ],
)
def test_unusable_contact_details_are_explained(text, error):
    contact, found_error = logic.parse_contact(text, "GB")
    assert not contact.any
    assert found_error == error


def test_email_is_checked_without_dns():
    # example.com has no mail server; syntax is all we check (no network in the action server).
    assert logic.check_email("someone@example.com").ok


def test_phone_default_region_comes_from_clinic_settings():
    assert logic.parse_contact("(202) 555-0142", "US")[0].phone == "+12025550142"
    assert logic.parse_contact("(202) 555-0142", "GB")[0].phone is None
    assert logic.region_from({"country": "ie"}) == "IE"
    assert logic.region_from({"phone": "+1 202 555 0142"}) == "US"
    assert logic.region_from({"phone": "020 7946 0018"}) == "GB"
    assert logic.region_from({}) == "GB"


def test_examples_and_display_use_the_clinic_region():
    assert logic.example_phone("GB").startswith("07")
    assert logic.check_phone(logic.example_phone("GB"), "GB").ok
    assert logic.format_phone("+447911123456", "GB") == "07911 123456"
    assert logic.format_phone("+12025550142", "GB") == "+1 202-555-0142"


@pytest.mark.parametrize(
    "text, name",
    [
        ("Sam", "Sam"),
        ("my name is Sam Smith", "Sam Smith"),
        ("I'm Jo", "Jo"),
        ("hi, I'm Ana María", "Ana María"),
        ("  Siobhán O'Neill. ", "Siobhán O'Neill"),
    ],
)
def test_names(text, name):
    assert logic.check_name(text).value == name


@pytest.mark.parametrize(
    "text, error",
    [
        ("07911 123456", "not_a_name"),
        ("sam@example.com", "not_a_name"),
        ("hello", "not_a_name"),
        ("!!!", "empty"),
        ("what causes heel pain and how do I fix it quickly", "too_long"),
    ],
)
def test_things_that_are_not_names(text, error):
    assert logic.check_name(text).error == error


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("yes", None, True),
        ("Yes, I agree", None, True),
        ("ok", None, True),
        ("sure, go ahead", None, True),
        ("no problem", None, True),
        ("that's fine", None, True),
        ("/affirm", "affirm", True),
        ("no", None, False),
        ("no thanks", None, False),
        ("I'd rather not", None, False),
        ("not ok", None, False),
        ("I don't agree", None, False),
        ("/deny", "deny", False),
        ("what do you mean?", None, None),
        ("maybe", None, None),
        ("yes and no", None, None),
    ],
)
def test_consent_is_explicit(text, intent, expected):
    assert logic.parse_yes_no(text, intent) is expected


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("I'm a new patient", None, "new"),
        ("never been", None, "new"),
        ("first time", None, "new"),
        ("I haven't been before", None, "new"),
        ("no", "deny", "new"),
        ("I've been to the clinic before", None, "returning"),
        ("returning", None, "returning"),
        ("yes", "affirm", "returning"),
        ("existing patient", None, "returning"),
        ("not sure", None, None),
        ("hmm", None, None),
    ],
)
def test_patient_type(text, intent, expected):
    assert logic.parse_patient_type(text, intent) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("next Tuesday morning", "Tue 2 Dec 2025, morning (08:00-12:00)"),
        ("weekday evenings", "Weekdays (Mon-Fri), evening (17:00-20:00)"),
        ("tomorrow afternoon", "Thu 27 Nov 2025, afternoon (12:00-17:00)"),
        ("Friday after 3pm", "Fri 28 Nov 2025, after 15:00"),
        ("3rd December", "Wed 3 Dec 2025"),
        ("12/12", "Fri 12 Dec 2025"),
        ("25th of December at 10:30", "Thu 25 Dec 2025, at 10:30"),
        ("1st January", "Thu 1 Jan 2026"),
        ("the 5th", "Fri 5 Dec 2025"),
        ("asap", "As soon as possible"),
        ("any time", "Any time"),
        ("mondays and wednesdays", "Mondays and Wednesdays"),
        ("Mon-Fri after 6", "Weekdays (Mon-Fri), after 18:00"),
        ("weekends", "Weekends (Sat-Sun)"),
        ("next week", "Week of Mon 1 Dec 2025"),
        ("between 2 and 4pm", "Between 14:00 and 16:00"),
        ("2-4pm on Saturday", "Sat 29 Nov 2025, between 14:00 and 16:00"),
        ("any day except Friday", "Not Friday, flexible"),
        ("lunchtime friday", "Fri 28 Nov 2025, lunchtime (12:00-14:00)"),
    ],
)
def test_preferred_time_is_normalised(text, expected):
    preference, error = logic.parse_preferred_time(text, WEDNESDAY, "GB")
    assert error is None
    assert preference.describe() == expected


def test_preferred_time_structure_for_the_front_desk():
    preference, _ = logic.parse_preferred_time("next Tuesday morning", WEDNESDAY, "GB")
    assert preference.dates == (date(2025, 12, 2),)
    assert preference.as_dict()["parts"] == ["morning"]
    assert preference.weekdays() == [1]
    evenings, _ = logic.parse_preferred_time("weekday evenings", WEDNESDAY, "GB")
    assert evenings.days == (0, 1, 2, 3, 4) and evenings.dates == ()
    after, _ = logic.parse_preferred_time("after 5", WEDNESDAY, "GB")
    assert after.after == time(17, 0)


def test_us_clinics_read_month_first():
    preference, _ = logic.parse_preferred_time("12/3", WEDNESDAY, "US")
    assert preference.dates == (date(2025, 12, 3),)


@pytest.mark.parametrize(
    "text, error",
    [
        ("yesterday", "past"),
        ("last monday", "past"),
        ("hello", "unreadable"),
        ("my heel hurts", "unreadable"),
        ("I sat down", "unreadable"),
        ("", "unreadable"),
    ],
)
def test_unusable_times(text, error):
    preference, found = logic.parse_preferred_time(text, WEDNESDAY, "GB")
    assert preference is None and found == error


@pytest.mark.parametrize(
    "text, field, value",
    [
        ("change my phone to 07911 123456", "phone", "07911 123456"),
        ("my email is wrong", "email", None),
        ("actually my name is Sam Jones", "name", "Sam Jones"),
        ("wrong number", "phone", None),
        ("change the time to friday afternoon", "preferred_time", "friday afternoon"),
        ("update my contact details", "contact", None),
        ("no, my phone number is 07911 123456", "phone", "07911 123456"),
        ("change new or returning", "patient_type", None),
        ("change the reason", "reason", None),
    ],
)
def test_corrections(text, field, value):
    assert logic.parse_correction(text) == logic.Correction(field, value)


@pytest.mark.parametrize("text", ["I can't change my running time", "my heel is sore", "Sam", "next Tuesday"])
def test_ordinary_answers_are_not_corrections(text):
    assert logic.parse_correction(text) is None


def test_free_text_answers_only_take_explicit_corrections():
    assert logic.parse_correction("my time is limited", free_text_slot=True) is None
    assert logic.parse_correction("change my name to Jo", free_text_slot=True) == logic.Correction("name", "Jo")


def test_bare_field_names_count_only_after_what_to_change():
    assert logic.parse_correction("the phone number") is None
    assert logic.parse_correction("the phone number", bare_field=True) == logic.Correction("phone")
    assert logic.parse_correction("Preferred time", bare_field=True) == logic.Correction("preferred_time")


@pytest.mark.parametrize(
    "text, expected",
    [("start again", True), ("can we start over", True), ("restart", True), ("Sam", False), ("again next week", False)],
)
def test_restart(text, expected):
    assert logic.is_restart(text) is expected


def test_summary_shows_normalised_time_and_the_visitors_words():
    text = logic.summary_text(
        {
            "name": "Sam",
            "phone": "+447911123456",
            "email": None,
            "preferred_time": "Tue 2 Dec 2025, morning (08:00-12:00)",
            "preferred_time_text": "next Tuesday morning",
            "reason": "heel pain",
            "patient_type": "new",
        },
        "GB",
    )
    assert "- Name: Sam" in text
    assert "- Phone: 07911 123456" in text
    assert "Email" not in text
    assert 'Tue 2 Dec 2025, morning (08:00-12:00) (you wrote: "next Tuesday morning")' in text
    assert "- Patient: New patient" in text


def test_reason_from_assessment_summary():
    assert logic.reason_from_summary("") is None
    reason = logic.reason_from_summary("Likely plantar fasciitis. Pain under the heel, worse in the morning.")
    assert reason == "From the symptom check: Likely plantar fasciitis."


def test_handoff_summary():
    summary = logic.handoff_summary(
        ["plantar fasciitis", "shockwave", "shockwave"],
        "Likely plantar fasciitis.",
        ["is shockwave painful?", "can I talk to someone"],
        {"preferred_time": "Any time", "name": "Sam"},
    )
    assert "Asked about: plantar fasciitis, shockwave." in summary
    assert "Symptom check: Likely plantar fasciitis." in summary
    assert "Unfinished booking (preferred time: Any time)." in summary and "Sam" not in summary
    assert "Unfinished booking" not in logic.handoff_summary([], None, [], {"email": "sam@example.com", "reason": None})
    assert '"can I talk to someone"' in summary
    assert len(logic.handoff_summary([], None, ["x" * 400] * 20, limit=500)) <= 500


def test_idempotency_key_is_stable_and_content_sensitive():
    fields = {"name": "Sam", "phone": "+447911123456"}
    key = logic.idempotency_key("conv-1", "sub-1", fields)
    assert key == logic.idempotency_key("conv-1", "sub-1", dict(reversed(list(fields.items()))))
    assert key != logic.idempotency_key("conv-2", "sub-1", fields)
    assert key != logic.idempotency_key("conv-1", "sub-2", fields)
    assert key != logic.idempotency_key("conv-1", "sub-1", {**fields, "name": "Jo"})
    assert len(key) == 64


@pytest.mark.parametrize(
    "intent, confidence, text, expected",
    [
        ("ask_shockwave", 0.95, "what is shockwave?", True),
        ("ask_shockwave", 0.95, "/ask_shockwave", True),
        ("ask_taping", 0.9, "tell me about taping first", True),
        ("more_info", 0.9, "can you tell me more", True),
        ("bot_challenge", 0.99, "are you a real person", True),
        # answers the classifier mistakes for questions stay answers
        ("ask_orthoses", 0.97, "Alex", False),
        ("ask_exercises", 0.92, "Alex Walker", False),
        ("ask_recovery_time", 0.9, "weekday evenings after 6", False),
        # not sure enough, or not a question intent
        ("ask_shockwave", 0.5, "what is shockwave?", False),
        ("inform", 0.99, "what?", False),
        (None, 0.0, "what is shockwave?", False),
    ],
)
def test_is_digression(intent, confidence, text, expected):
    assert logic.is_digression(intent, confidence, text) is expected
