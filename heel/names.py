"""Intent, slot, action and message-attribute names that more than one part of the assistant uses, defined once.
They must match domain.yml and data/ (tests/unit/test_names.py checks that they do)."""

# intents
RED_FLAG_INTENT = "red_flag"
DESCRIBE_INTENT = "describe_symptoms"
FALLBACK_INTENT = "nlu_fallback"

# actions and forms
ALERT_ACTION = "action_red_flag_alert"
ASSESSMENT_FORM = "assessment_form"

# slots
RED_FLAG_CONTEXT_SLOT = "red_flag_context"  # facts said so far that later messages may complete
RED_FLAGS_THIS_TURN_SLOT = "red_flags_this_turn"  # flags that earlier facts completed at this turn
RED_FLAGS_SOMEONE_ELSE_SLOT = "red_flags_for_someone_else"  # ... and they are another adult's, not the visitor's
RED_FLAGS_SLOT = "red_flags"  # every flag alerted in the conversation
PRIVACY_SLOT = (
    "privacy_request"  # set by an action in the turn the tracker store must redact or erase (heel/privacy.py)
)
CONTACT_REQUEST_SLOT = "contact_request_id"  # the conversation's latest stored request (its contact details stay there)

# parsed-message attributes written by the NLU pipeline
RED_FLAG_FACTS = "red_flag_facts"  # the message's own facts for later turns (RedFlagDetector)
QUESTION_TOPICS = "question_topics"  # the topic each question of a message was read as, in order (intent classifier)
