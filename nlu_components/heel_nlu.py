"""Custom Rasa NLU components built on the project's spaCy pipeline.

HeelEntityExtractor: turns the entity ruler's matches into entities whose value is the canonical id.
RedFlagOverride: runs the deterministic red-flag detector on every message, after the classifiers, and forces the
intent to `red_flag` when it fires, so safety never depends on the statistical model being right.
AspectRouter: applies the aspect rule of docs/labels.md (nlp/aspects.yml) to a condition intent.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from heel.language import aspects
from heel.names import DESCRIBE_INTENT, FALLBACK_INTENT, QUESTION_TOPICS, RED_FLAG_FACTS, RED_FLAG_INTENT
from nlu_components import ranking as ranking_utils
from nlu_components.embedding_classifier import EMBEDDING_RANKING

ENTITY_LABELS = ("condition", "body_part", "symptom", "treatment")
# Entity-ruler ids that differ from the content topic ids they stand for.
CONDITION_ALIASES = {
    "enthesitis": "inflammatory_heel_pain",
    "haglund": "achilles_tendinopathy",
    "retrocalcaneal_bursitis": "achilles_tendinopathy",
    "sever": "severs_disease",
    "tarsal_tunnel": "nerve_entrapment",
    "baxter": "nerve_entrapment",
}


def with_readings(messages: List[Message]) -> List[Message]:
    """The messages and, after each, its questions' own readings (nlu_components.joint_classifier): the routing
    components route each reading as they route a message."""
    return [each for message in messages for each in [message, *(message.get(ranking_utils.QUESTION_READINGS) or [])]]


def _doc(message: Message) -> Optional[Any]:
    return message.get(SPACY_DOCS[TEXT])


class _RuleComponent(GraphComponent):
    """What the project's components share: nothing to train, nothing to persist, they read the spaCy doc.
    A component with settings declares them in get_default_config; config.yml overrides them."""

    def __init__(self, config: Optional[Dict[Text, Any]] = None) -> None:
        self._config = {**self.get_default_config(), **(config or {})}

    @classmethod
    def required_components(cls) -> List[type]:
        return [SpacyNLP]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "_RuleComponent":
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class HeelEntityExtractor(_RuleComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            doc = _doc(message)
            if doc is None:
                continue
            found = []
            for ent in doc.ents:
                if ent.label_ not in ENTITY_LABELS:
                    continue
                value = ent.ent_id_ or ent.text.lower()
                if ent.label_ == "condition":
                    value = CONDITION_ALIASES.get(value, value)
                found.append(
                    {
                        "entity": ent.label_,
                        "value": value,
                        "start": ent.start_char,
                        "end": ent.end_char,
                        "extractor": self.__class__.__name__,
                    }
                )
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages


RED_FLAG_ANALYSIS = ranking_utils.RED_FLAG_ANALYSIS


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class RedFlagDetector(_RuleComponent):
    """Runs the red-flag analysis once per message, early; IntentGuard and RedFlagOverride read its result, and the
    facts to remember travel with the parsed message to CrossTurnRedFlagPolicy (core_components/).
    `scorer`: the learned windows (heel/safety/learned.py), built by `make` from nlp/redflags/ (nlp/redflag_scorer.py)
    and read when the model loads; `judge`: the learned reading of a whole message the rules find no flag in
    (nlp/redflag_judge.py). null runs without them."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"scorer": None, "judge": None}

    def __init__(self, config: Optional[Dict[Text, Any]] = None) -> None:
        from heel.safety import redflags

        super().__init__(config)
        redflags.prepare()  # with the model, not on the first visitor's message
        self._scorer = None
        if self._config.get("scorer"):
            from nlp.redflag_scorer import load

            self._scorer = load(self._config["scorer"])
        self._judge = None
        if self._config.get("judge"):
            from nlp.redflag_judge import load as load_judge

            self._judge = load_judge(self._config["judge"])

    def process(self, messages: List[Message]) -> List[Message]:
        from heel.safety import redflags  # here, not at module import (no work at import)

        for message in messages:
            doc = _doc(message)
            text = message.get(TEXT)
            if doc is None or not text or text.startswith("/"):
                continue  # button payloads are not free text
            # the text as written: the intent classifier encodes the same string, so the judge's encoding is reused
            analysis = redflags.analyse_message(doc, self._scorer, self._judge, text)
            message.set(RED_FLAG_ANALYSIS, analysis)
            facts = sorted(name for name, value in analysis.remembered.to_dict().items() if value)
            if facts:
                message.set(RED_FLAG_FACTS, facts, add_to_output=True)
        return messages


VISITOR_TOPIC_MIN_CONFIDENCE = 0.3  # FallbackClassifier's threshold: below it the classifier has no idea


def visitor_topic(ranking: List[Dict[str, Any]]) -> Optional[str]:
    """What the visitor asked for themself beside another adult's danger sign, if anything: the best topic in the
    ranking when the classifier is reasonably sure of it ("my husband can't walk after a fall, and would insoles
    help me?"); None for a message that only reports the other person's problem."""
    for item in ranking:
        name = str(item.get("name", ""))
        if name.startswith("ask_"):
            return name if float(item.get("confidence") or 0.0) >= VISITOR_TOPIC_MIN_CONFIDENCE else None
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RedFlagOverride(_RuleComponent):
    @classmethod
    def required_components(cls) -> List[type]:
        return [RedFlagDetector]

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            analysis = message.get(RED_FLAG_ANALYSIS)
            text = message.get(TEXT)
            if analysis is None or not text:
                continue
            own, others = analysis.own, analysis.others
            hits = own or others
            if not hits:
                continue
            original = message.get(INTENT) or {}
            ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get("name") != RED_FLAG_INTENT]
            message.set(INTENT, {"name": RED_FLAG_INTENT, "confidence": 1.0}, add_to_output=True)
            message.set(
                INTENT_RANKING_KEY, [{"name": RED_FLAG_INTENT, "confidence": 1.0}] + ranking, add_to_output=True
            )
            entities = [
                {
                    "entity": "red_flag",
                    "value": hit.flag_id,
                    "start": 0,
                    "end": len(text),
                    "extractor": self.__class__.__name__,
                    "level": hit.level.value,
                    "evidence": hit.evidence,
                    "model_intent": original.get("name"),
                    "patient": "visitor" if own else "someone_else",
                    "visitor_topic": visitor_topic(ranking),
                }
                for hit in hits
            ]
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class AspectRouter(_RuleComponent):
    """After the classifiers, before FallbackClassifier: a condition intent becomes the aspect the visitor asked
    about, and a topic question about prices becomes clinic information (docs/labels.md, nlp/aspects.yml); a
    treatment the visitor already has gives way to what they ask about; a topic whose words are missing gives way to
    a close rival whose words are there; a description ending in a clear aspect question gets that aspect; a
    treatment the visitor already tried ("tried stretching, nothing changes, could it be a nerve") is not an aspect
    asked. The confidence is kept, so the fallback threshold still applies."""

    @classmethod
    def required_components(cls) -> List[type]:
        return []

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # described_question_intent: the topic for a description that asks a question with no aspect cue ("what
        # could this be?"); None keeps the assessment. min_share: an aspect cue moves a condition's answer only to an
        # aspect the classifier gave at least this share of the condition's confidence (0: any ranked aspect).
        return {"described_question_intent": None, "min_share": 0.0}

    def process(self, messages: List[Message]) -> List[Message]:
        from heel.triage.answers import looks_like_question  # lazily: keeps model loading cheap

        table = aspects.load_table()
        for message in with_readings(messages):
            text = message.get(TEXT)
            intent = message.get(INTENT) or {}
            if not text or text.startswith("/"):
                continue
            ranking = message.get(INTENT_RANKING_KEY, [])
            target = aspects.price_reroute(intent.get("name"), text, table) or self._cue_target(
                message, intent, ranking, table
            )
            if target is None:
                target = aspects.described_question_reroute(
                    intent.get("name"),
                    ranking,
                    text,
                    table,
                    asks=looks_like_question(text),
                    question_intent=self._config["described_question_intent"],
                )
            if target is None:
                continue
            # The two swap confidences, so FallbackClassifier's ambiguity check sees the classifier's real margin.
            promoted = ranking_utils.promote(ranking, target, intent.get("confidence", 0.0))
            message.set(INTENT, {**promoted[0], "routed_from": intent.get("name")}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, promoted, add_to_output=True)
        return messages

    def _cue_target(
        self, message: Message, intent: Dict[str, Any], ranking: List[Dict[str, Any]], table: aspects.AspectTable
    ) -> Optional[str]:
        """The intent a cue of nlp/aspects.yml moves the answer to (a condition's aspect only if likely enough)."""
        text, name, entities = message.get(TEXT), intent.get("name"), message.get(ENTITIES, [])
        share = float(self._config["min_share"])
        if name in table.condition_intents:
            aspect = aspects.reroute(name, ranking, aspects.asked_aspects(text, entities, table), table, share)
            if aspect:
                return aspect
        return (
            aspects.treatment_reroute(name, ranking, text, entities, table)
            or aspects.reported_result_reroute(name, ranking, text, table)
            or aspects.unsupported_reroute(name, ranking, text, table, entities)
        )


DIET_RANKING = "diet_intent_ranking"
SECOND_RANKING = "second_intent_ranking"  # the n-gram regression's own ranking, kept beside the blend


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class KeepRanking(_RuleComponent):
    """Right after DIET: keeps DIET's intent ranking, which the next classifier overwrites, for IntentEnsemble."""

    @classmethod
    def required_components(cls) -> List[type]:
        return []

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            message.set(DIET_RANKING, list(message.get(INTENT_RANKING_KEY) or []))
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class IntentEnsemble(_RuleComponent):
    """After the classifiers: the intent is a weighted mean of their confidences. DIET and the second classifier
    (logistic regression on the same sparse features) are mixed by `diet_weight`; that mix and the ranking of
    EmbeddingIntentClassifier (sentence embeddings, when it is in the pipeline) by `embedding_weight`. Different
    learners err on different messages (docs/evaluation.md)."""

    @classmethod
    def required_components(cls) -> List[type]:
        return []

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # long_message_words / long_embedding_weight: a message of at least that many words (a story told before
        # the question) takes the embedding ranking at that weight instead; None keeps one weight for all.
        return {"diet_weight": 0.5, "embedding_weight": 0.0, "long_message_words": None, "long_embedding_weight": None}

    def _embedding_weight(self, message: Message) -> float:
        words, weight = self._config.get("long_message_words"), self._config.get("long_embedding_weight")
        if words is not None and weight is not None and len(str(message.get(TEXT) or "").split()) >= int(words):
            return float(weight)
        return float(self._config["embedding_weight"])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            first = message.get(DIET_RANKING)
            if not first:
                continue
            second = list(message.get(INTENT_RANKING_KEY) or [])
            message.set(SECOND_RANKING, second)
            blended = ranking_utils.ensemble(
                first,
                second,
                message.get(EMBEDDING_RANKING),
                float(self._config["diet_weight"]),
                self._embedding_weight(message),
            )
            message.set(INTENT, dict(blended[0]), add_to_output=True)
            message.set(INTENT_RANKING_KEY, blended, add_to_output=True)
        return messages


CONTROL_INTENTS = frozenset({"stop", "skip", "continue_form", "request_human", "delete_my_data"})
FIRST_PERSON = frozenset("i my me i'm im i've ive mine myself".split())


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class IntentGuard(_RuleComponent):
    """After AspectRouter, before FallbackClassifier: two rules the classifiers get wrong on their own.

    - An education intent needs a question (docs/labels.md): a first-person message that does not read like a
      question, with `describe_symptoms` the model's own runner-up (>= `describe_min`) and the topic below
      `topic_max`, describes the visitor's heel and starts the assessment instead of a topic answer.
    - A `red_flag` guessed by the model alone (the detector in RedFlagOverride, later, forces the real ones) needs
      `model_red_flag_min`; below it the next intent wins. A weak guess on "none, I can move my toes fine" must
      not stop a form; the assessment still asks about every warning sign.
    - A control intent that ends or skips something (stop, skip, carry on, a person) needs `control_min`: a form
      answer the model half-reads as "stop" must not end the form ("after the fall I carried on jogging on tarmac"
      read as continue_form at 0.31 looped the assessment). Saying "stop" again always works.
    """

    @classmethod
    def required_components(cls) -> List[type]:
        return [RedFlagDetector]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"describe_min": 0.15, "topic_max": 0.8, "model_red_flag_min": 0.6, "control_min": 0.5}

    def process(self, messages: List[Message]) -> List[Message]:
        from heel.triage.answers import looks_like_question  # lazily: keeps model loading cheap

        limits = self._config
        for message in with_readings(messages):
            text = message.get(TEXT) or ""
            intent = message.get(INTENT) or {}
            ranking = message.get(INTENT_RANKING_KEY) or []
            if not text or text.startswith("/") or not ranking:
                continue
            name, confidence = intent.get("name") or "", float(intent.get("confidence") or 0.0)
            weak_red_flag = name == RED_FLAG_INTENT and (
                confidence < limits["model_red_flag_min"] or _denied_by_detector(message)
            )
            weak_control = name in CONTROL_INTENTS and confidence < limits["control_min"]
            if (weak_red_flag or weak_control) and len(ranking) > 1:
                ranking = ranking_utils.without(ranking, name)
                message.set(INTENT, dict(ranking[0]), add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
                continue
            if not name.startswith("ask_") or confidence >= limits["topic_max"] or looks_like_question(text):
                continue
            if name in aspects.aspect_candidates(aspects.asked_part(text), [], aspects.load_table()):
                continue  # "... sore most mornings. anyway how long does it take to get better" asks
            described = ranking_utils.confidence_of(ranking, DESCRIBE_INTENT)
            words = set(text.lower().replace("\u2019", "'").split())
            if described >= limits["describe_min"] and words & FIRST_PERSON:
                promoted = ranking_utils.promote(ranking, DESCRIBE_INTENT)
                message.set(INTENT, {**promoted[0], "routed_from": name}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, promoted, add_to_output=True)
        return messages


def _denied_by_detector(message: Message) -> bool:
    """The model guesses `red_flag`, the detector finds no red flag, and it found a danger sign it set aside as
    denied, past, passing, someone else's or asked about in general ("I'm not diabetic, just a blister from new
    trainers"). The detector owns negation: on the look-alike sets the model alone raised 2-16% false alarms
    (docs/evaluation.md). A message with no danger sign the detector knows keeps the model's guess."""
    analysis = message.get(RED_FLAG_ANALYSIS)
    return analysis is not None and analysis.set_aside_only


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class QuestionOrder(_RuleComponent):
    """After TopicMargin: a message that asks several things is answered in the order asked. Its first question's
    reading (the story with that question alone, routed like the message) answers when the whole message ranks that
    topic among its `top` best or could not choose a topic; the topic each question was read as travels with the
    parse (QUESTION_TOPICS), so the answer offers the other as a button (heel.content.story.second_question). A
    reading counts as a topic only as FallbackClassifier would let it (`threshold`, `ambiguity_threshold`: its
    settings) and as TopicMargin did."""

    @classmethod
    def required_components(cls) -> List[type]:
        return []

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"top": 3, "threshold": 0.3, "ambiguity_threshold": 0.03}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            readings = message.get(ranking_utils.QUESTION_READINGS) or []
            if not readings:
                continue
            message.set(ranking_utils.QUESTION_READINGS, None)  # read once, here
            topics = [self._topic(reading) for reading in readings]
            intent = message.get(INTENT) or {}
            ranking = message.get(INTENT_RANKING_KEY) or []
            best = [str(r.get("name")) for r in ranking if r.get("name") != FALLBACK_INTENT][: int(self._config["top"])]
            first = topics[0]
            if first and (first in best or intent.get("name") == FALLBACK_INTENT):
                message.set(INTENT, {**readings[0].get(INTENT), "read_from": "first_question"}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, readings[0].get(INTENT_RANKING_KEY), add_to_output=True)
            asked = [topic for topic in topics if topic]
            if asked:
                message.set(QUESTION_TOPICS, asked, add_to_output=True)
        return messages

    def _topic(self, reading: Message) -> Optional[str]:
        """The topic a question's reading answers, or None (a clarifying menu, a description, too unsure)."""
        intent = reading.get(INTENT) or {}
        name, confidence = str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)
        if not name.startswith("ask_") or confidence < float(self._config["threshold"]):
            return None
        others = [
            float(r.get("confidence") or 0.0) for r in reading.get(INTENT_RANKING_KEY) or [] if r.get("name") != name
        ]
        runner_up = max(others, default=0.0)
        return name if confidence - runner_up >= float(self._config["ambiguity_threshold"]) else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class TopicMargin(_RuleComponent):
    """After FallbackClassifier: a question whose topic wins by less than `topic_margin` over the runner-up gets
    the clarifying question (nlu_fallback, with the close topics as buttons) instead of a topic answer. A wrong
    topic answers confidently with the wrong facts; two buttons cost one click. Only for messages that read like a
    question: a form answer is read by the form either way, and a description is IntentGuard's. Chosen on
    the development sets (docs/evaluation.md). A word with a meaning in each of the top two topics ("heel raises":
    an exercise, an insert; nlp/aspects.yml `ambiguous_terms`) asks whatever the margin, and so does a topic
    marked `clarify` whose own words are missing (the privacy answer without a word about data, the clinic's
    practicalities without a word about the clinic, the nerve topic without a nerve word or entity)."""

    @classmethod
    def required_components(cls) -> List[type]:
        return []

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"topic_margin": 0.2}

    def process(self, messages: List[Message]) -> List[Message]:
        from heel.triage.answers import looks_like_question  # lazily: keeps model loading cheap

        for message in with_readings(messages):
            text = message.get(TEXT) or ""
            intent = message.get(INTENT) or {}
            name = intent.get("name") or ""
            if not text or text.startswith("/") or not name.startswith("ask_"):
                continue
            top = float(intent.get("confidence") or 0.0)
            others = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") not in (name, FALLBACK_INTENT)]
            second = max(others, key=lambda r: float(r.get("confidence") or 0.0), default=None)
            runner_up = float(second.get("confidence") or 0.0) if second else 0.0
            table = aspects.load_table()
            ambiguous = bool(second) and aspects.ambiguous_between(text, name, str(second.get("name")), table)
            close = ambiguous or top - runner_up < float(self._config["topic_margin"])
            # a topic without its own words asks even when the message does not read like a question (the privacy
            # answer to "our GP mentioned sever's no idea what that even is" is wrong either way)
            if not (close and looks_like_question(text)) and not aspects.missing_own_words(
                name, text, table, message.get(ENTITIES, [])
            ):
                continue
            fallback = {"name": FALLBACK_INTENT, "confidence": top, "routed_from": name}
            message.set(INTENT, fallback, add_to_output=True)
            message.set(
                INTENT_RANKING_KEY, [dict(fallback)] + list(message.get(INTENT_RANKING_KEY) or []), add_to_output=True
            )
        return messages
