import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.content import ActionAnswerTopic, ActionClarify, ActionMoreInfo
from heel.settings import PROJECT_ROOT, get_clinic
from heel.store import content_repo
from tests.support.trackers import make_tracker

EDUCATION_INTENTS = [
    i for i in yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())["intents"] if i.startswith("ask_")
]


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, {})
    return dispatcher.messages, events


@pytest.mark.parametrize("intent", EDUCATION_INTENTS)
def test_every_education_intent_is_answered_from_the_store(content_db, intent):
    topic = content_repo.get_topic_by_intent(intent)
    assert topic is not None, f"no topic file answers {intent}"
    messages, events = run(ActionAnswerTopic(), make_tracker(intent))
    assert len(messages) == 1
    text = messages[0]["text"]
    assert "{" not in text, f"unfilled placeholder in {topic.id}: {text}"
    assert "Sources:" in text
    assert {"event": "slot", "name": "last_topic", "value": topic.id} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
    payloads = [button["payload"] for button in messages[0]["buttons"]]
    assert payloads[0] == "/more_info"
    assert all(p.startswith("/") for p in payloads)


def test_clinic_info_uses_clinic_settings(content_db):
    messages, _ = run(ActionAnswerTopic(), make_tracker("ask_clinic_info"))
    clinic = get_clinic()
    assert clinic.phone in messages[0]["text"]
    # price questions are routed here (nlp/aspects.yml), so the answer says where prices come from
    assert clinic.data["prices"] in messages[0]["text"]
    assert "{" not in messages[0]["text"]


def test_follow_up_recovery_question_answers_about_the_condition_in_focus(content_db):
    plantar = content_repo.get_topic("plantar_fasciitis")
    recovery = content_repo.get_topic("recovery_time")
    _, events = run(ActionAnswerTopic(), make_tracker("ask_plantar_fasciitis"))
    condition = next(e["value"] for e in events if e.get("name") == "condition")
    assert condition == "plantar_fasciitis"
    messages, _ = run(ActionAnswerTopic(), make_tracker("ask_recovery_time", slots={"condition": condition}))
    assert recovery.condition_notes["plantar_fasciitis"].strip()[:60] in messages[0]["text"]
    assert messages[0]["text"].startswith(plantar.title)


def test_recovery_question_without_context_gets_the_general_answer(content_db):
    recovery = content_repo.get_topic("recovery_time")
    messages, _ = run(ActionAnswerTopic(), make_tracker("ask_recovery_time"))
    assert messages[0]["text"].startswith(recovery.summary.strip()[:60])


def test_condition_named_in_the_message_wins_over_the_earlier_one(content_db):
    recovery = content_repo.get_topic("recovery_time")
    tracker = make_tracker(
        "ask_recovery_time",
        slots={"condition": "plantar_fasciitis"},
        entities=[{"entity": "condition", "value": "stress_fracture"}],
    )
    messages, _ = run(ActionAnswerTopic(), tracker)
    assert recovery.condition_notes["stress_fracture"].strip()[:60] in messages[0]["text"]


def test_more_info_gives_the_detail_of_the_last_topic(content_db):
    topic = content_repo.get_topic("exercises")
    messages, _ = run(ActionMoreInfo(), make_tracker("more_info", slots={"last_topic": "exercises"}))
    assert topic.detail.strip()[:60] in messages[0]["text"]
    assert "/more_info" not in [b["payload"] for b in messages[0]["buttons"]]


def test_more_info_without_a_topic_asks_which_one(content_db):
    messages, _ = run(ActionMoreInfo(), make_tracker("more_info"))
    assert messages[0]["buttons"] and "Which topic" in messages[0]["text"]


def test_clarify_offers_the_likeliest_topics_as_buttons(content_db):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "ask_shockwave", "confidence": 0.4},
        {"name": "ask_ultrasound", "confidence": 0.35},
        {"name": "greet", "confidence": 0.1},
    ]
    messages, _ = run(ActionClarify(), make_tracker("nlu_fallback", intent_ranking=ranking))
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == ["/ask_shockwave", "/ask_ultrasound", "/out_of_scope"]


def test_a_question_after_a_description_opens_with_the_likely_cause_and_offers_the_check(content_db):
    said = (
        "For three months I've had a stabbing pain under my heel with the first steps every morning. "
        "Will a cortisone injection help?"
    )
    messages, _ = run(ActionAnswerTopic(), make_tracker("ask_injections", text=said))
    text = messages[0]["text"]
    assert text.startswith("From what you describe (pain under the heel and worst with the first steps")
    assert "plantar fasciitis is a likely cause" in text
    assert content_repo.get_topic("injections").summary.strip()[:60] in text
    assert "/request_assessment" in [b["payload"] for b in messages[0]["buttons"]]


def test_a_visitor_who_names_their_diagnosis_gets_the_answer_without_a_guess(content_db):
    said = "I was diagnosed with plantar fasciitis, pain under my heel every morning. Will an injection help?"
    tracker = make_tracker(
        "ask_injections", text=said, entities=[{"entity": "condition", "value": "plantar_fasciitis"}]
    )
    messages, _ = run(ActionAnswerTopic(), tracker)
    assert messages[0]["text"].startswith(content_repo.get_topic("injections").summary.strip()[:60])


def test_a_parent_asking_about_a_child_gets_the_answer_for_the_child(content_db):
    messages, _ = run(
        ActionAnswerTopic(),
        make_tracker("ask_severs", text="My 10 year old son's heels ache after football, what is Sever's?"),
    )
    assert messages[0]["text"].startswith("About your son's heel:")


def test_a_second_question_is_offered_as_a_button(content_db):
    said = "Is ice or heat better for my heel? And how do I get back to running after this?"
    ranking = [{"name": "ask_pain_relief", "confidence": 0.6}, {"name": "ask_return_to_running", "confidence": 0.3}]
    messages, _ = run(ActionAnswerTopic(), make_tracker("ask_pain_relief", text=said, intent_ranking=ranking))
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[:2] == ["/more_info", "/ask_return_to_running"]
    one = run(
        ActionAnswerTopic(), make_tracker("ask_pain_relief", text="Is ice or heat better?", intent_ranking=ranking)
    )
    assert "/ask_return_to_running" not in [b["payload"] for b in one[0][0]["buttons"]]


def test_the_other_question_offered_is_the_topic_it_was_read_as(content_db):
    """With each question's reading in the parse (QuestionOrder), the button is the other question's topic, even
    when the whole message's ranking does not hold it."""
    said = "Is ice or heat better for my heel? And how do I get back to running after this?"
    ranking = [{"name": "ask_pain_relief", "confidence": 0.9}, {"name": "ask_footwear", "confidence": 0.05}]
    tracker = make_tracker(
        "ask_pain_relief",
        text=said,
        intent_ranking=ranking,
        question_topics=["ask_pain_relief", "ask_return_to_running"],
    )
    messages, _ = run(ActionAnswerTopic(), tracker)
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert "/ask_return_to_running" in payloads
    assert "/ask_footwear" not in payloads


def test_an_answer_about_an_older_person_adds_the_later_life_note(content_db):
    said = "my mum is 81, would insoles help her sore heels?"
    messages, _ = run(ActionAnswerTopic(), make_tracker("ask_orthoses", text=said))
    assert "For someone in later life" in messages[0]["text"]
    plain, _ = run(ActionAnswerTopic(), make_tracker("ask_orthoses", text="would insoles help my sore heels?"))
    assert "later life" not in plain[0]["text"]
