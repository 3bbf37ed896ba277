"""Deterministic red-flag detector over a spaCy Doc from the project pipeline (build/spacy_heel).

Why rules and not the NLU model: a missed emergency is the worst failure of the assistant, so detection must be
predictable, testable and explainable. It runs on every message (also inside forms).

How it works, in order:
1. tokens -> sentences -> "forms" (lower case, norm, lemma, typo fixes) so "can't"/"cant"/"cannot" all read
   "can not", and "swolen"/"numbess" read "swollen"/"numb";
2. concept patterns (a tiny token-window DSL, see `_Pattern`) find clinical concepts (cold foot, injury, ...);
3. each occurrence is checked for NegEx-style negation, history ("years ago", or "in 2015 ... repaired and fine
   since"), things instead of the body ("my shoelace snapped"), transient benign sensations ("cold in the snow,
   warmed up straight away"), who it is about (me, my son, my friend; "my diabetes nurse" is the writer's) and
   whether the sentence is an information question or a hypothetical;
4. flag rules (any-of / all-of concepts, also combining facts from earlier turns via RedFlagContext) fire.

Decisions (SAFETY FIRST: when unsure, fire):
- Information questions with no first-person reference ("what does a pop mean?", "is numbness a red flag?")
  and hypotheticals ("what if my foot goes numb?") do not fire. A question that points at the visitor
  ("is it a rupture?", "should I worry that my foot is blue?") fires.
- Children ("my son fell and can't walk") and an unresolved "he"/"she" fire as the visitor's own: a carer may be
  writing for the patient. Another adult's current sign ("my husband fell and can't walk") is reported apart
  (`detect_split`), so the visitor is told where to send that person without their own care level changing;
  another adult's background alone ("my mum is diabetic") fires for no one.
- Plain tingling, burning or pins and needles never fire (nerve entrapment, not a red flag); numbness described
  as long-standing or coming and going with tingling at night does not fire either.
- Old events stay silent only with a time marker ("years ago"; or a year / "back in" / "when I was 30" plus a
  stated repair or recovery); transient sensations only with both a benign cause and a stated recovery.
Sources: shared/PRODUCT.md red-flag table (BRIEF); Ottawa ankle and foot rules (OTT); NICE NG19 diabetic foot
(NG19); Tu & Bytomski, Am Fam Physician 2011;84(8):909-916 (AFP); NICE CKS plantar fasciitis (CKS).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, fields, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

import yaml

from heel.safety.learned import Scorer
from heel.triage.engine import RED_FLAG_LEVELS, CareLevel

# ---------------------------------------------------------------------------------------------------------------
# Public types
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RedFlagHit:
    flag_id: str
    level: CareLevel
    evidence: str


@dataclass(frozen=True)
class RedFlagContext:
    """Facts said in earlier turns that combine with later ones (e.g. diabetes now, a blister later)."""

    has_diabetes: bool = False
    foot_wound: bool = False
    injury: bool = False
    cannot_bear_weight: bool = False
    hot_swollen_foot: bool = False
    fever_or_unwell: bool = False
    night_or_rest_pain: bool = False
    weight_loss: bool = False
    night_sweats: bool = False
    cancer_history: bool = False
    both_heels: bool = False
    morning_stiffness: bool = False
    other_joints: bool = False
    sudden_onset: bool = False
    cannot_tiptoe: bool = False
    inflammatory_disease: bool = False
    tingling: bool = False
    spreading_up: bool = False
    # what earlier turns establish for fragments and answers that follow
    foot_in_focus: bool = False  # the foot or heel was named: "swollen red hot" later is about it
    heel_symptom: bool = False  # a heel symptom was reported: a background condition told later combines with it
    morning_word: bool = False  # "mornings" as one answer ...
    stiff_long: bool = False  # ... "about 2 hours stiff" as the next

    def facts(self) -> FrozenSet[str]:
        return frozenset(concept for concept, name in _CONTEXT_FIELDS.items() if getattr(self, name))

    def merge(self, other: Optional["RedFlagContext"]) -> "RedFlagContext":
        if other is None:
            return self
        return RedFlagContext(**{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)})

    def to_dict(self) -> Dict[str, bool]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Optional[Mapping[str, Any]]) -> "RedFlagContext":
        known = {f.name for f in fields(cls)}
        return cls(**{k: bool(v) for k, v in (data or {}).items() if k in known})

    @classmethod
    def from_facts(cls, facts: Iterable[str]) -> "RedFlagContext":
        return cls(**{_CONTEXT_FIELDS[c]: True for c in facts if c in _CONTEXT_FIELDS})


# concept id -> RedFlagContext field (only concepts that are parts of multi-part rules need remembering)
_CONTEXT_FIELDS: Dict[str, str] = {
    "diabetes": "has_diabetes",
    "foot_wound": "foot_wound",
    "injury": "injury",
    "cannot_bear_weight": "cannot_bear_weight",
    "inflamed_foot": "hot_swollen_foot",
    "fever": "fever_or_unwell",
    "night_pain": "night_or_rest_pain",
    "weight_loss": "weight_loss",
    "night_sweats": "night_sweats",
    "cancer": "cancer_history",
    "both_heels": "both_heels",
    "morning_stiffness": "morning_stiffness",
    "morning_ache_long": "morning_stiffness",
    "both_answer": "both_heels",
    "other_joints": "other_joints",
    "sudden": "sudden_onset",
    "cannot_tiptoe": "cannot_tiptoe",
    "inflammatory_disease": "inflammatory_disease",
    "tingling": "tingling",
    "spreading_up": "spreading_up",
    "heel_symptom": "heel_symptom",
    "morning_word": "morning_word",
    "stiff_long": "stiff_long",
}

# ---------------------------------------------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------------------------------------------

FOOT_PARTS = frozenset(
    "foot feet toe toes heel heels ankle ankles sole soles arch arches instep leg legs calf calves shin shins "
    "achilles tendon tendons forefoot midfoot hindfoot limb".split()
)
OTHER_PARTS = frozenset(
    "hand hands finger fingers fingertips thumb arm arms face lip lips nose ear ears mouth stomach tummy belly "
    "chest head knee knees hip hips back neck shoulder shoulders wrist wrists elbow elbows eye eyes tongue throat "
    "gland glands lymph jaw knuckle knuckles bum buttock buttocks groin".split()
)
PERSONS = frozenset(
    "friend friends mate mates buddy pal mum mom mother mam mummy mommy dad father daddy parent parents brother "
    "sister sibling wife husband partner boyfriend girlfriend fiance fiancee spouse colleague colleagues coworker "
    "neighbour neighbor boss grandma granny nan nana nanna grandmother grandad granddad grandpa grandfather aunt "
    "auntie uncle cousin niece nephew family relative relatives teammate teammates coach client clients patient "
    "patients people person runner runners athlete athletes someone somebody anyone anybody everyone diabetics "
    "guy guys lady man woman men women colleague's gran grans gramps grampa gramma granma grandmum grandmom "
    "grandmama grandparent grandparents nanny nonna nonno stepmum stepmom stepmother stepdad stepfather "
    "stepbrother stepsister stepmum's inlaws in-laws flatmate flatmates housemate housemates roommate roommates "
    "hubby missus missis wifey bestie bff gf bf lodger tenant tenants resident residents footballer footballers "
    "player players sprinter sprinters cricketer cricketers dancer dancers".split()
)
# Pain words: a clause holding one that does not open as a question reports a symptom (reports_heel_symptom).
SYMPTOM_WORDS = frozenset(
    "pain pains painful hurt hurts hurting sore soreness ache aches aching achy stiff stiffness "
    "swollen swelling throbbing agony tender".split()
)
# Person words that name nobody in particular: what follows them is "generic", not another adult's.
NOBODY_IN_PARTICULAR = frozenset(
    "people someone somebody anyone anybody everyone diabetics patients footballer's footballers".split()
)
# "me" after these is an object ("my partner, sitting next to me, is on insulin"): the person talked about stays.
OBJECT_PREPS = frozenset("to with beside by near next behind for from around at".split())
# Opinion verbs: "my neighbour reckons numbness in the foot means a slipped disc" passes on a general claim.
HEARSAY_VERBS = frozenset(
    "reckons reckon reckoned thinks thought believes believed claims claimed swears insists says said".split()
)
POINTERS = frozenset(
    "he she his her hers they their them i my me it its he's she's hes shes they're theyre that this".split()
)
# The writer's own clinicians report on the writer ("my diabetes nurse", "the physio said it's torn"): they do not
# change whom the message is about (found in review: "my diabetes nurse" made the diabetes someone else's).
CLINICIANS = frozenset(
    "doctor doctors dr gp gps nurse nurses physio physios physiotherapist surgeon consultant podiatrist "
    "chiropodist specialist dietitian dietician diabetologist endocrinologist rheumatologist".split()
)
DEPENDENTS = frozenset(
    "son sons daughter daughters child children kid kids boy girl baby toddler teen teenager stepson "
    "stepdaughter grandson granddaughter grandchild grandchildren grandkid grandkids lad youngest eldest twins".split()
)
SELF_WORDS = frozenset("i me my myself we us our im i'm ive i've id i'd".split())
THIRD_PRONOUNS = frozenset("he she him his her hers himself herself".split())
ADDRESSED_VERBS = frozenset("asked ask said suggested wanted mentioned mention told".split())
GENERIC_WORDS = frozenset("you your yours yourself one's".split())
WH_WORDS = frozenset("what whats what's how why which who whose".split())
AUX_WORDS = frozenset("is are does do did can could should would will any".split())
AUX_SUBJECTS = frozenset(
    "i you it this that a an the my your he she they we there someone anyone people numbness swelling".split()
)
SUBJECT_STARTS = frozenset(
    "i i'm im my it it's its the this that he she his her they their we our you your there now then just only "
    "also though although so which since because when after before still yet today yesterday suddenly lately "
    "recently currently nowadays".split()
)
TERMINATORS = frozenset(
    "but however although though yet except apart aside whereas while whilst still which who because cause cos "
    "coz since so until till til unless whenever then anyway otherwise instead".split()
)
HARD_BREAKS = frozenset(list(".!?;:") + ["...", "…", "—", "–", "(", ")", "\n"])
NEGATED_MODALS = frozenset(
    "ca cannot cant can't couldnt couldn't wo wont won't unable cannae canna couldnae wouldnae willnae".split()
)  # start a clause
NEG_CUES = frozenset("no not never without denies deny denied nor none neither nothing nope nah zero nil".split())
PSEUDO_NEG = (
    "not only",
    "not just",
    "no doubt",
    "without doubt",
    "without a doubt",
    "no idea",
    "not sure",
    "not certain",
    "no matter",
    "nothing but",
    "not to mention",
    "no wonder",
    "not until",
    "no sooner",
    "not even sure",
    "not quite sure",
    "not know",
    "never know",
    "not go away",
    "not go",
    "not ease",
    "not stop",
    "not settle",
    "not get better",
    "not getting better",
    "not improve",
    "not improving",
    "not help",
    "not let up",
    "not heal",
    "not healing",
    "not going away",
    "not seem to",
    "not seeming to",
    "not budge",
    "nothing helps",
    "nothing seems to",
    "not matter",
    "no clue",
    "not that bad",
    "nothing else",
    # "nah its both of them", "no, it's both heels": a correction of the bot's guess, not a negation
    "nah its",
    "nah it 's",
    "no its",
    "no it 's",
    "nope its",
    "nope it 's",
    "no , its",
    "no , it 's",
    "nah , its",
    "nah , it 's",
    "nah both",
    "no both",
    "no , both",
    "nah , both",
)
# A topic asked for without a question: "reactive arthritis heel pain explained pls"
INFO_REQUEST = frozenset("explain explained explanation explaining info information overview summary".split())
ECHO_QUESTIONS = frozenset(
    (
        "anything else",
        "any other symptoms",
        "other symptoms",
        "anything more",
        "any injury",
        "any other problems",
        "anything else to add",
    )
)
MINIMISING = frozenset("probably prob prolly maybe likely possibly hopefully".split())  # "... nothing, but"
# After a question that names a background condition: the writer says they have it.
# First person only: "My sister got diagnosed last year" is hers (review).
OWN_DIAGNOSIS = (
    "i was diagnosed",
    "i've been diagnosed",
    "ive been diagnosed",
    "i have been diagnosed",
    "i got diagnosed",
    "i have it",
    "i've got it",
    "ive got it",
    "i had it diagnosed",
    "i am one",
    "i'm one",
    "im one",
    "i was diagnosed with it",
)
# A background condition the writer read about is a topic, not their diagnosis.
READING_ABOUT = (
    "came across",
    "come across",
    "read about",
    "reading about",
    "read up on",
    "googling",
    "googled",
    "looked up",
    "looking up",
    "an article",
    "a video",
    "on the internet",
    "online about",
    "read that",
    "read somewhere",
    "stumbled on",
    "stumbled across",
)
RUN_ON_AUX = frozenset("can could does do would will might may".split())
RUN_ON_SUBJECTS = frozenset("that this it these they".split())  # "... could that be linked to heel pain"
POST_NEG = frozenset("no none nope nah negative absent".split())
RESOLVED = (
    "gone away",
    "went away",
    "has gone",
    "have gone",
    "is gone",
    "are gone",
    "resolved",
    "settled",
    "disappeared",
    "cleared",
    "gone down",
    "went down",
    "better now",
    "wore off",
    "worn off",
    "wears off",
)
# A new onset named next to an older complaint ("heel pain for months, but new this week: I've lost feeling"):
# restores a numbness or weakness match that "for months" or "always had" would cancel.
NEW_ONSET = (
    "new thing",
    "new this week",
    "this week",
    "since last night",
    "since yesterday",
    "since this morning",
    "started today",
    "just started",
    "came on",
    "out of nowhere",
    "overnight",
    "wasnt like that",
    "wasn't like that",
    "never had that before",
    "never had this before",
    "from yesterday",
    "from today",
    "since monday",
    "since tuesday",
    "since wednesday",
    "since thursday",
    "since friday",
    "since saturday",
    "since sunday",
    "since the weekend",
    "since this afternoon",
)
# "the swelling has gone", "it's gone now": words that may follow "has/is gone" when a symptom resolved; any other
# word is a change of state ("has gone red", "has gone numb") and the symptom before it is current.
GONE_FOR_GOOD = frozenset(
    ". , ! ; now completely totally entirely thankfully already since and but though away down off fully".split()
)
NOT_ASKING = frozenset("sure idea know knows dunno clue wonder".split())  # "not sure why" reports, it does not ask
TELEGRAPHIC_SELF = frozenset(
    "diabetic diabetes type t1 t2 t1d t2d insulin psoriasis psoriatic crohns crohn "
    "colitis arthritis spondylitis ankylosing uveitis".split()
)
HISTORY_MARKERS = (
    "used to",
    "years ago",
    "year ago",
    "last year",
    "months ago",
    "in the past",
    "as a kid",
    "as a child",
    "when i was young",
    "when i was younger",
    "when i was a kid",
    "when i was a child",
    "when i was little",
    "ages ago",
    "a while back",
    "long time ago",
    "long ago",
    "previously",
    "decade ago",
    "as a teenager",
    "decades ago",
    "years back",
    "yrs ago",
    "yrs back",
    "years earlier",
)
# A past event that was treated or has resolved is history too, when its clause carries a softer time marker (a year,
# "back in", "when I was 30") and the sentence or the next one says it recovered: "I ruptured my achilles in 2015,
# it was repaired and fine since" (BRIEF: the urgent row is for a sudden, new event; a repaired tendon is under care).
PAST_TIME_RE = re.compile(
    r"\b(?:19[5-9]\d|20\d\d)\b|\bback in\b|\bwhen i was (?:\d+|at|in|doing|training|playing|younger)\b"
    r"|\b(?:at|from) (?:the )?age (?:of )?\d+|\baged \d+|\bin my (?:teens|twenties|thirties|forties|fifties|\d0s)\b"
    r"|\blast (?:summer|winter|spring|autumn|season)\b|\bat (?:school|uni|university|college)\b"
    r"|\bin (?:january|february|march|april|june|july|august|september|october|november|december)\b"
)
# A past episode told over several sentences (ConText's history modifier with a scope that reaches forward, NegEx
# style): a sentence with an old-past marker opens it, and the sentences after it stay in it until one speaks of
# the present. It sets the danger signs inside it aside only when the episode ends well (EPISODE_RECOVERY in it or
# in the sentence that closes it): "Twelve years ago I felt like someone hit the back of my leg with a bat. ... It's
# been fine for a decade." A sign in the present ("now I can't walk on it") is never inside one.
OLD_PAST_RE = re.compile(
    r"\b(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|several|few|"
    r"couple of|many) (?:years?|summers?|winters?|springs?|autumns?|seasons?|decades?) ago\b"
)
EPISODE_RECOVERY = (
    "healed|recovered",
    "came|come|comes ~1 back ~1 completely|fully|fine|normal|properly",
    "no ~2 since|afterwards",
    "fine|ok|okay|good|normal ~1 ever? since|now",
    "been ~1 fine|ok|okay|good|normal|great",
    "no problem|problems|issue|issues|trouble|bother ~1 since",
    "all good",
    "back ~1 to ~1 normal",
    "long ~1 gone|over|passed",
    "signed ~1 off",
)
PRIOR_WORDS = frozenset("old previous former earlier prior".split())  # right before a finding, it dates it
AGE_UNITS = frozenset("year years yr yrs yo month months week weeks day days - y".split())  # "a 12 year old"
PRESENT_WORDS = frozenset(
    "now today tonight yesterday currently lately recently since again new still am 'm is 's are 're 've have has "
    "can ca cannot keep keeps wo does do".split()
)
PRESENT_PHRASES = (
    "this morning",
    "this evening",
    "this afternoon",
    "this week",
    "at the moment",
    "these days",
    "over the last",
    "the last few",
    "the past few",
)
RECOVERY_PATTERNS = (  # token patterns (see _Pattern); a not/never just before or inside cancels one
    "repaired|repair|operated|operation|op|surgery|surgically|stitched|pinned|plated|fixed|healed|recovered|"
    "recovery|rehab|rehabbed|sorted|cast|plaster",
    "fine|ok|okay|good|normal ~1 ever? since|now",
    "no problem|problems|issue|issues|trouble|bother ~1 since",
    "all good",
    "back ~1 to ~1 normal",
    "long ~1 gone|over|passed",  # "a fever back in January, long gone"
)

# Transient, benign sensations (cold toes in the snow, a foot that "went to sleep" from kneeling) that are gone
# again are neither a foot that is cold or pale now nor "new numbness" (BRIEF red-flag table). Both a benign cause
# near the finding and a stated recovery after it are needed; "hasn't warmed up" or "still numb" keeps the flag.
BENIGN_CAUSE_PATTERNS = (
    "snow|snowy|snowing|rain|rainy|raining|sleet|frost|frosty|puddle|puddles|winter|outside|outdoors|swim|"
    "swimming|pool|sea|lido|plunge|paddling|paddle|aircon|fridge|freezer",
    "cold|freezing|wet|chilly ~1 weather|day|morning|night|floor|floors|tiles|water",
    "bus stop",
    "air con|conditioning",
    "ice bath",
    "ice|cold ~1 pack|packs|compress",
    "icing|iced",
    "freezing|cold|winter|frosty|icy ~1 run|runs|walk|walks|hike",
    "sitting|sat|sit|kneeling|knelt|kneel|squatting|squatted|squat|crouching|crouched|cross-legged|driving|"
    "drive|journey|flight|commute|slept|sleeping|lying|lay",
    "cross|crossed ~1 legged|legs",
    "legs crossed",
    "went|gone|go|goes|fell|fallen|falls|falling|going ~1 to? sleep|asleep",
    "tight ~1 laces|shoes|boots|socks|trainers",
    "laces ~2 tight",
)
TRANSIENT_RECOVERY_PATTERNS = (  # declarative only: "came back"/"a minute later" alone can mean it recurred
    "warmed|warming ~1 up|back|again",
    "warm|warms ~1 up ~1 quickly|fast|soon|again|straight",
    "warm|normal|fine|ok|okay|pink|better ~1 again",
    "look|looks|looked ~1 normal|fine|ok|okay",
    "back ~1 to ~1 normal",
    "normal|fine|ok|okay ~1 now|afterwards|after|within|straight",
    "normal|fine|ok|okay ~3 later",
    "feeling|sensation|colour|color|circulation ~2 came|come ~1 back",
    "came back ~1 to ~1 normal",
    "went|gone|goes ~1 away",
    "wore|worn|wears ~1 off",
    "recovered",
    "shook|shake|walked|walk ~1 it ~1 off|out",
    "pinked|pinking ~1 up|back",
    "back ~1 to ~1 pink|warm|normal",
    "pink|warm ~1 and? ~1 warm|pink? ~1 now",
)

# Pop / snap / rupture / kick words whose subject or object is a thing, not the visitor's tendon:
# "my shoelace snapped", "the heel counter snapped", "a balloon popped", "snapped a photo", "kicked a ball".
# A simile ("like a rubber band snapped") is the classic rupture description and keeps the finding (BRIEF:
# "sudden pop or 'kicked' feeling at the back of the heel").
THINGS = frozenset(
    "lace laces shoelace shoelaces bootlace bootlaces strap straps counter insole insoles orthotic orthotics "
    "orthotic's shoe shoes trainer trainers sandal sandals flip-flop flip-flops flipflop flipflops slipper slippers "
    "boot boots heel-cup cup cups pad pads gel cushion band bands elastic bungee cord string rope lead leash cable "
    "wire pen pencil stick sticks twig twigs branch balloon balloons bubble bubbles wrap cork champagne bottle "
    "lid popcorn music song songs photo photos picture pictures pic pics selfie knuckle knuckles gum pipe pipes "
    "tyre tyres tire tires ball balls football door car cars firework fireworks gun exhaust engine phone screen "
    "glass plate mug toy toys dog dogs puppy cat horse chair stool ladder floorboard floorboards board zip zipper "
    "button seam stitching disc disk appendix eardrum tv telly radio neighbours neighbors tape brace splint "
    "ibuprofen paracetamol painkiller painkillers tablet tablets pill pills nurofen naproxen co-codamol aspirin "
    "antibiotic antibiotics".split()
)
THING_SKIP = frozenset(
    "a an the some my his her their its this that these those from of loud big small little huge "
    "massive sudden few couple old new all both".split()
)
THING_STOP = frozenset(
    "and then n & , when while as heard hear felt feel feeling noticed sensed i i'm me something it".split()
)
SIMILE_CUES = frozenset("like if though sounded sounds".split())

# "Long" morning stiffness (BRIEF doctor-soon row; AFP: inflammatory enthesitis). We read 30 minutes or more, an
# hour, "hrs", "ages" or "all morning" as long; "a few minutes" is the mechanical first-steps pain of CKS.
LONG_DURATION_RE = re.compile(
    r"\bhours?\b|\bhrs?\b|\d\s*(?:h|hr|hrs|hour|hours)\b|\bages\b|\byonks\b|\bfor ?ever\b"
    r"|\b(?:all|half the|most of the) (?:morning|day)\b|\b(?:un)?til+ (?:lunch|midday|noon|mid-?morning)"
    r"|\blong time\b|\b(?:3\d|[4-9]\d|1\d\d) ?(?:-|to) ?\d* ?(?:min|mins|minutes)\b"
    r"|\b(?:3\d|[4-9]\d|1\d\d) ?(?:min|mins|minutes)\b|\b(?:thirty|forty|fifty|sixty|ninety) (?:min|mins|minutes)\b"
)
INFO_GENERIC = (
    "is it normal",
    "is it common",
    "is it possible",
    "is it bad",
    "is it serious",
    "is it ok",
    "is it okay",
    "is it safe",
    "is it dangerous",
    "is it true",
    "does it mean",
    "what does it mean",
    "what would it mean",
    "is it worrying",
    "is it a sign",
    "is it always",
    "is it usual",
    # existence questions about a named condition: "reactive arthritis in the heel, is that a thing"
    "is that a thing",
    "is that even a thing",
    "is this a thing",
    "is that a real thing",
    "is that real",
    "is that common",
    "is that possible",
    "is that true",
    "does that exist",
    "does that happen",
)
# Reported or pending questions: "my GP asked if I had psoriasis", "they tested me for gout". What follows is not
# a fact the visitor reports about themselves.
REPORTED_QUESTION = (
    "asked if",
    "asked me if",
    "asked whether",
    "asked me whether",
    "wondered if",
    "wondered whether",
    "wanted to know if",
    "wanted to know whether",
    "checked if",
    "checked whether",
    "checked for",
    "checked me for",
    "tested for",
    "tested me for",
    "test for",
    "test me for",
    "screened for",
    "screen for",
    "screened me for",
    "ask me about",
    "asks me about",
    "asked me about",
    "patients ask",
    "my patients",
    "clients ask",
)
HYPOTHETICAL = (
    "what if",
    "in case",
    "how do i know if",
    "how do you know if",
    "how can i tell if",
    "how would i know if",
    "how can you tell if",
    "how do i tell if",
    "how do i know whether",
    "if ever",
    "what happens if",
    "what would happen",
    "supposing",
    "suppose",
    "imagine",
    "hypothetically",
    "say i",
    "say my",
    "what would it mean if",
    "what would that mean if",
    "what would it mean",
    "would it be bad if",
    "would it be serious if",
    "would it be an emergency if",
    "would that be serious if",
    "would it be a problem if",
)
# "diagnosed with Crohn's in 2015, in case that is relevant", "on metformin for my diabetes if that matters": the
# writer hedges whether a fact matters, the fact itself is not a what-if.
RELEVANCE_HEDGE_RE = re.compile(
    r" (?:in case|if) (?:that|it|this|thats|that's|its|it's|this's)(?: is| was| 's| might be| may be)?"
    r" (?:relevant|important|matters|matter|helps|help|useful|helpful|of use|makes a difference)\b"
)
HYPO_IF_VERBS = frozenset(
    "goes go gets get turns turn turned starts start becomes become happens happen were ever "
    "developed develop suddenly".split()
)
# Elliptical "me too" phrases that share someone else's finding with the writer ("my mum is diabetic and so am I").
# Not "I also have ...": that names its own object ("my gran has an ulcer, I also have heel pain").
ALSO_ME = (
    "so am i",
    "so do i",
    "me too",
    "as am i",
    "as do i",
    "i am too",
    "i'm too",
    "same here",
    "i do too",
    "i have too",
    "both of us",
    "so have i",
    "like me",
    "same as me",
    "as well as me",
)

# Misspellings seen in patient messages -> canonical form; mirrors nlp/terms.yml lemma_overrides.
TYPOS: Dict[str, str] = {
    "numbess": "numb",
    "numbnes": "numb",
    "numness": "numb",
    "numbiness": "numb",
    "numm": "numb",
    "numbe": "numb",
    "numbish": "numb",
    "numbness": "numb",
    "numbed": "numb",
    "nunb": "numb",
    "numbb": "numb",
    "swolen": "swollen",
    "swoolen": "swollen",
    "swollan": "swollen",
    "swolled": "swollen",
    "sollen": "swollen",
    "sweling": "swelling",
    "swellin": "swelling",
    "swellling": "swelling",
    "swollin": "swollen",
    "diebetes": "diabetes",
    "diabeties": "diabetes",
    "diabetis": "diabetes",
    "diabetus": "diabetes",
    "diabetees": "diabetes",
    "diebetic": "diabetic",
    "diabetc": "diabetic",
    "diabectic": "diabetic",
    "dibetic": "diabetic",
    "dibetes": "diabetes",
    "diabtes": "diabetes",
    "diabeetus": "diabetes",
    "blister": "blister",
    "blistre": "blister",
    "bliser": "blister",
    "ulser": "ulcer",
    "ulsers": "ulcer",
    "feaver": "fever",
    "fevre": "fever",
    "fevr": "fever",
    "temprature": "temperature",
    "tempreture": "temperature",
    "temperture": "temperature",
    "shivvery": "shivery",
    "shiverry": "shivery",
    "feverfish": "feverish",
    "achillies": "achilles",
    "achilies": "achilles",
    "achiles": "achilles",
    "achillis": "achilles",
    "achilis": "achilles",
    "tendom": "tendon",
    "tendan": "tendon",
    "ankel": "ankle",
    "ancle": "ankle",
    "feel": "feel",
    "fealing": "feeling",
    "feelin": "feeling",
    "wieght": "weight",
    "weigth": "weight",
    "wait": "wait",
    "ruptured": "ruptured",
    "rupterd": "ruptured",
    "raptured": "ruptured",
    "psoriasis": "psoriasis",
    "soriasis": "psoriasis",
    "psorisis": "psoriasis",
    "psoraisis": "psoriasis",
    "chrons": "crohns",
    "crohn": "crohns",
    "crohn's": "crohns",
    "chron's": "crohns",
    "cancerous": "cancer",
    "walk": "walk",
    "wlak": "walk",
    "waik": "walk",
    "stannd": "stand",
    "unwel": "unwell",
    "unwelll": "unwell",
    "puple": "purple",
    "purpel": "purple",
    "purpule": "purple",
    "bleu": "blue",
    "palid": "pallid",
    "weakniss": "weakness",
    "weaknes": "weakness",
    "weekness": "weakness",
    "strenghtening": "strengthening",
    "strenghten": "strengthen",
    "strengthning": "strengthening",
    "strenthening": "strengthening",
    "strengtening": "strengthening",
    "nite": "night",
    "nites": "nights",
    "cant": "cant",
    "wont": "wont",
    "couldnt": "couldnt",
    "heal": "heal",
    "heals": "heals",
    # Scots: "went ower ma ankle, cannae put the fit doon", "nae numbness"
    "nae": "no",
    "ower": "over",
    "doon": "down",
    "paining": "pain",  # Indian English: "heel paining at night time"
}
# Scots words read as their English form ("the wife says ma fit looks aw white"); not "my ma" (mother)
DIALECT: Dict[str, str] = {"ma": "my", "aw": "all", "wi": "with", "oot": "out", "heid": "head"}
# Scots negated modals are one word; they are read as two tokens, like spaCy's "ca n't" ("cannae walk")
SPLIT_NEGATIONS: Dict[str, str] = {
    "cannae": "can",
    "canna": "can",
    "couldnae": "could",
    "wouldnae": "would",
    "willnae": "will",
    "dinnae": "do",
    "didnae": "did",
    "doesnae": "does",
    "isnae": "is",
    "wasnae": "was",
}
FUZZY_TARGETS = (
    "numbness",
    "swollen",
    "swelling",
    "diabetes",
    "diabetic",
    "shivering",
    "shivery",
    "feverish",
    "weakness",
    "ruptured",
    "psoriasis",
    "temperature",
    "blister",
    "blisters",
    "achilles",
    "tingling",
    "infected",
    "infection",
    "purple",
    "redness",
    "fracture",
    "sprained",
    "twisted",
    "tripped",
)
FUZZY_GUARD = frozenset(
    "smelling dwelling spelling selling telling yelling shelling swelled dialectic purples tinkling tickling".split()
)

# ---------------------------------------------------------------------------------------------------------------
# Tokens and sentences
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class _Tok:
    i: int
    text: str
    lower: str
    forms: FrozenSet[str]
    sent: int
    is_break: bool
    norm: str = ""
    ws: str = " "


def _damerau1(a: str, b: str) -> bool:
    """True when a and b differ by at most one edit (insert, delete, substitute, swap)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        return a[i + 1 :] == b[i + 1 :] or (
            a[i + 1 : i + 2] == b[i : i + 1] and a[i : i + 1] == b[i + 1 : i + 2] and a[i + 2 :] == b[i + 2 :]
        )
    if la > lb:
        return a[i + 1 :] == b[i:]
    return a[i:] == b[i + 1 :]


@lru_cache(maxsize=1)
def _dictionary() -> FrozenSet[str]:
    """Real English words (heel.language.encoder.vocabulary_words): a word listed there is a word, not a typo of a
    danger word ("injection" is not "infection"). Empty when the encoder package is missing, which leaves
    FUZZY_GUARD alone."""
    try:
        from heel.language.encoder import vocabulary_words

        return vocabulary_words()
    except (ImportError, OSError):
        return frozenset()


@lru_cache(maxsize=4096)
def _fuzzy(word: str) -> Optional[str]:
    if len(word) < 6 or word in FUZZY_GUARD or not word.isalpha() or word in _dictionary():
        return None
    for target in FUZZY_TARGETS:
        if word != target and _damerau1(word, target):
            return target
    return None


def _tokens(doc: Any) -> List[_Tok]:
    toks: List[_Tok] = []
    sent = 0
    for token in doc:
        text = token.text
        lower = text.lower().replace("\u2019", "'")
        if lower in DIALECT and not (toks and toks[-1].lower in ("my", "me", "our", "his", "her", "your", "the", "a")):
            lower = DIALECT[lower]
        if token.is_space:
            if "\n" in text and toks and not toks[-1].is_break:
                toks.append(_Tok(len(toks), "\n", "\n", frozenset({"\n"}), sent, True, "\n", " "))
                sent += 1
            continue
        if lower in SPLIT_NEGATIONS:
            modal = SPLIT_NEGATIONS[lower]
            toks.append(_Tok(len(toks), text, lower, frozenset({lower, modal}), sent, False, modal, ""))
            toks.append(_Tok(len(toks), "", "not", frozenset({"not"}), sent, False, "not", token.whitespace_ or ""))
            continue
        forms = {lower, token.norm_.lower().replace("\u2019", "'"), (token.lemma_ or lower).lower()}
        if lower in TYPOS:
            forms.add(TYPOS[lower])
        if lower in ("nt", "n't"):
            forms.add("not")
        if len(lower) > 4 and lower.endswith("in") and lower.isalpha():
            forms.add(lower + "g")  # dropped g: "wakin up sweatin buckets"
        if lower == "fit" and toks and toks[-1].lower in ("my", "his", "her", "left", "right"):
            forms.add("foot")  # Scots "ma fit"
        lemma_known = (token.lemma_ or lower).lower() != lower
        if not lemma_known and lower not in TYPOS:
            fixed = _fuzzy(lower)
            if fixed:
                forms.add(fixed)
        is_break = lower in HARD_BREAKS or bool(re.fullmatch(r"[.!?]+|\.{2,}", lower))
        norm = "not" if "not" in forms and lower in ("n't", "nt", "not") else token.norm_.lower()
        toks.append(_Tok(len(toks), text, lower, frozenset(forms), sent, is_break, norm, token.whitespace_ or ""))
        if is_break and lower not in (":", ";", "—", "–", "(", ")"):
            sent += 1
    return toks


# ---------------------------------------------------------------------------------------------------------------
# Pattern DSL: "can|could not ~2 walk|stand"  (alternatives with |, prefix with *, optional with ?, gap ~N)
# ---------------------------------------------------------------------------------------------------------------


class _Pattern:
    def __init__(self, source: str) -> None:
        self.source = source
        self.elems: List[Tuple[str, Any, bool]] = []
        for part in source.split():
            if part.startswith("~"):
                self.elems.append(("gap", int(part[1:]), False))
                continue
            optional = part.endswith("?") and len(part) > 1
            part = part[:-1] if optional else part
            alts = part.split("|")
            exact = frozenset(a.replace("_", " ") for a in alts if not a.endswith("*"))
            prefixes = tuple(a[:-1] for a in alts if a.endswith("*"))
            self.elems.append(("tok", (exact, prefixes), optional))
        # words one of which each non-optional, prefix-free element needs: a message without them cannot match
        self.required: Tuple[FrozenSet[str], ...] = tuple(
            spec[0] for kind, spec, optional in self.elems if kind == "tok" and not optional and not spec[1]
        )
        kind, spec, optional = self.elems[0]
        self.first_words: Optional[FrozenSet[str]] = (
            None if kind != "tok" or optional or spec[1] else spec[0]
        )  # exact words one of which must start a match; None when the first element is optional or a prefix

    @staticmethod
    def _tok_ok(tok: _Tok, spec: Tuple[FrozenSet[str], Tuple[str, ...]]) -> bool:
        exact, prefixes = spec
        if tok.forms & exact:
            return True
        if not prefixes:
            return False
        return any(form.startswith(prefixes) for form in tok.forms)

    def match_at(self, toks: Sequence[_Tok], start: int) -> Optional[int]:
        """End index (exclusive) of a match starting at start, or None. Never crosses a sentence boundary."""
        return self._rec(toks, toks[start].sent, 0, start)

    def _rec(self, toks: Sequence[_Tok], sent: int, ei: int, ti: int) -> Optional[int]:
        if ei == len(self.elems):
            return ti
        kind, spec, optional = self.elems[ei]
        if kind == "gap":  # skip up to `spec` tokens, none of them a break
            j = ti
            while True:
                end = self._rec(toks, sent, ei + 1, j)
                if end is not None:
                    return end
                if j - ti >= spec or j >= len(toks) or toks[j].is_break:
                    return None
                j += 1
        if ti < len(toks) and toks[ti].sent == sent and not toks[ti].is_break and self._tok_ok(toks[ti], spec):
            end = self._rec(toks, sent, ei + 1, ti + 1)
            if end is not None:
                return end
        return self._rec(toks, sent, ei + 1, ti) if optional else None


@lru_cache(maxsize=None)
def _compile(source: str) -> _Pattern:
    return _Pattern(source)


@lru_cache(maxsize=None)
def _phrase_re(phrases: Tuple[str, ...]) -> "re.Pattern[str]":
    """One compiled regex per phrase table: any phrase as whole words."""
    alternatives = "|".join(re.escape(p.lower().strip()) for p in sorted(set(phrases), key=len, reverse=True))
    return re.compile(r"(?<![a-z0-9])(?:" + (alternatives or r"(?!x)x") + r")(?![a-z0-9])")


def _form_index(toks: Sequence[_Tok]) -> Dict[str, List[int]]:
    """form -> token indices, so a pattern is tried only where its first word occurs (keeps long messages fast)."""
    index: Dict[str, List[int]] = {}
    for tok in toks:
        if not tok.is_break:
            for form in tok.forms:
                index.setdefault(form, []).append(tok.i)
    return index


def _find(
    toks: Sequence[_Tok], sources: Iterable[str], index: Optional[Mapping[str, List[int]]] = None
) -> List[Tuple[int, int]]:
    index = _form_index(toks) if index is None else index
    spans = []
    for source in sources:
        pattern = _compile(source)
        if any(map(index.keys().isdisjoint, pattern.required)):
            continue
        first = pattern.first_words
        if first is None:
            starts: Iterable[int] = range(len(toks))
        else:
            starts = sorted({i for word in first for i in index.get(word, ())})
        for start in starts:
            if toks[start].is_break:
                continue
            end = pattern.match_at(toks, start)
            if end is not None and end > start:
                spans.append((start, end))
    return spans


# ---------------------------------------------------------------------------------------------------------------
# Concepts
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Concept:
    """A clinical concept: token patterns plus filters that say when a match does not count."""

    cid: str
    patterns: Tuple[str, ...]
    anchor: str = "any"  # any | foot (foot part or none) | foot_or_pronoun | foot_strict
    veto_next: FrozenSet[str] = frozenset()  # a word right after the match (within 2 tokens) cancels it
    veto_prev: FrozenSet[str] = frozenset()  # a word right before the match (within 2 tokens) cancels it
    veto_sentence: Tuple[str, ...] = ()  # phrases anywhere in the sentence that cancel it
    unveto_sentence: Tuple[str, ...] = ()  # phrases that restore it despite veto_sentence
    acute: bool = True  # history markers ("years ago") cancel acute concepts only
    parts: FrozenSet[str] = FOOT_PARTS  # body parts that count as "the foot" for the anchor check
    things: bool = False  # cancelled when its subject or object is a thing (THINGS): "my shoelace snapped"
    transient: bool = False  # cancelled when a benign cause and a recovery go with it ("cold in the snow, warmed up")
    needs_long_duration: bool = False  # counts only with LONG_DURATION_RE in this or the next sentence
    negatable_tail: bool = False  # "hurts after running, never at night": a negation right before the last word
    veto_next_number: bool = False  # a number right after the match cancels it: "trying to hit 15,000 steps"
    fragment_only: bool = False  # counts only as a short answer in a conversation about the foot ("both")


def _fs(words: str) -> FrozenSet[str]:
    return frozenset(words.split())


KEEP_STILL = "sit|sitting|sat|lie|lying|lay|keep|keeping|stay|staying|stand|standing|hold|holding ~1 still"
CANT = "can|could|ca|cannot|cant|couldnt no? not|longer"  # "can't", "cannot", "can no longer" (norm: can + not)
NEG_ABLE = "unable|incapable|impossible"
OBJECTS = _fs(
    "shoe shoes trainer trainers sock socks tape insole insoles light lights line lines vein veins mark "
    "marks ink pen band brace boot boots splint car top shirt sky sea badge belt bottle bottles pack packs "
    "compress gel cream spray water weather bath shower tub floor floors tile tiles air flag flags wine "
    "meat yoga laser therapy treatment plunge noise tooth teeth wire dress jeans tablet tablets pill pills"
)
WEIGHT_VERBS = "walk|walking|stand|standing|step|steps|weight|weightbear|weight-bear|hobble|bear"
STIFF = "stiff|stiffness|stiffnes|stifness|stiffer|stiffen|stiffens|seized|locked|rigid"
ACHE = (
    "achy|achey|achiness|aching|ache|aches|ached|sore|soreness|painful|pain|pains|hurt|hurts|hurting|tight|"
    "tightness|creaky|rusty|" + STIFF
)
MORNING = "morning|mornings|mornin|mornins|morn|wake|waking|wakin|woke|bed"
GET_UP = "get|getting|gettin|got|gets up"

CONCEPTS: Tuple[Concept, ...] = (
    # --- cold_pale_foot: BRIEF (foot cold, pale or blue = possible arterial occlusion, emergency) ---
    Concept(
        "pale_colour",
        (
            "pale|paler|pallid|white|whitish|blue|bluish|blueish|purple|purplish|grey|gray|greyish|grayish|mottled|"
            "dusky|ashen|waxy|blotchy|colourless|colorless|grey-ish|blue-ish",
            "lost|losing|drained|no ~2 colour|color",
            "funny|weird|strange|odd|horrible ~1 colour|color",
            "gone|went|turned|turning|going|changed black",
        ),
        anchor="foot_or_pronoun",
        veto_next=OBJECTS
        | _fs(
            "skin patch patches spot spots dot dots nail nails bruise bruising area change changes changed difference"
        ),
        veto_prev=_fs("feel feeling felt of"),
        veto_sentence=(
            "bruise",
            "bruised",
            "bruising",
            "black and blue",
            "dry",
            "cracked",
            "flaky",
            "peeling",
            "callus",
            "hard skin",
            "dead skin",
            "athlete",
            "fungal",
            "verruca",
            "in the cold",
            "when it's cold",
            "when its cold",
            "when it is cold",
            "in winter",
            "raynaud",
            "raynauds",
            "raynaud's",
            "always",
            "red flag",
            "red flags",
            "out of the blue",
            "toenail",
            "toenails",
            "nail polish",
            "nail varnish",
            "painted",
            "polish",
            "varnish",
            "dye",
            "dyed",
            "paint",
            "sun",
            "suntan",
            "tan",
            "tanned",
            "pale skin",
            "pale skinned",
            "naturally pale",
        ),
        unveto_sentence=(
            "still white",
            "still blue",
            "still pale",
            "still purple",
            "still grey",
            "blue again",
            "white again",
            "pale again",
            "purple again",
            "won't warm",
            "wont warm",
            "can't warm",
            "cant warm",
            "haven't warmed",
            "hasn't warmed",
            "not warming",
        ),
        transient=True,
    ),
    Concept(
        "cold_limb",
        ("cold|colder|icy|freezing|frozen|chilly|ice-cold", "cool ~1 to ~1 touch", "ice ~1 cold", "stone cold"),
        anchor="foot_strict",
        veto_next=OBJECTS
        | _fs("morning mornings day days night nights temperature outside snap sore feet weather therapy"),
        veto_prev=_fs("a the in when if"),
        veto_sentence=(
            "in the cold",
            "when it's cold",
            "when its cold",
            "when it is cold",
            "in winter",
            "always",
            "usually",
            "raynaud",
            "raynauds",
            "ice pack",
            "iced",
            "icing",
            "ice it",
            "frozen bottle",
            "frozen water",
            "cold water",
            "cold pack",
            "cold compress",
            "weather",
            "cold feet",
            "get cold",
            "gets cold",
            "easily",
            "often",
            "tend to",
            "at night",
            "in bed",
            "circulation has always",
        ),
        transient=True,
    ),
    Concept(
        "no_pulse",
        (
            "no|not|cant|cannot ~3 pulse|pulses",
            "pulse ~2 gone|absent|weak",
            "no|lost|losing|cut ~2 circulation",
            "no|lost|losing|cut ~2 blood ~1 supply|flow",
            "circulation ~2 gone|stopped|cut",
        ),
        veto_sentence=(
            "watch",
            "monitor",
            "app",
            "strap",
            "battery",
            "garmin",
            "fitbit",
            "tracker",
            "heart rate",
            "smartwatch",
            "oximeter",
        ),
    ),
    # --- hot_swollen_foot_fever: BRIEF (possible infection / septic arthritis / cellulitis) ---
    Concept(
        "inflamed_foot",
        (
            "swollen|swelling|swell|swelled|puffy|puffed|puffing|ballooned|ballooning|inflamed|inflammation|red|"
            "redness|reddish|hot|warm|warmth|angry|infected|infection|cellulitis",
            # a nurse's shorthand: "R heel erythema ++ and oedema, calor present"
            "erythema|erythematous|oedema|oedematous|edema|edematous|calor|rubor",
        ),
        anchor="foot_or_pronoun",
        veto_next=OBJECTS | _fs("flag flags weather day days bath water bottle tub - glands"),
        veto_prev=_fs("a warm cool be"),
        veto_sentence=(
            "warm up",
            "warm-up",
            "warming up",
            "warm down",
            "red flag",
            "red flags",
            "hot and cold therapy",
            "hot and cold treatment",
            "hot and cold packs",
            "contrast bath",
            "contrast baths",
            "contrast therapy",
        ),
    ),
    Concept(
        "fever",
        (
            "fever|fevers|feverish|fevery|fevered|pyrexia|rigors|rigor|chills|shivery|shivering|shivers|shiver|"
            "flu-like|fluey|flu",
            "high|a|running|got|have ~2 temperature|temp|temps|temperatures",
            "temperature|temp ~2 38*|39*|40*|41*",
            "burning up",
            "hot and cold",
            "hot|boiling then cold",
            "cold sweats",
            # "roasting then freezing all night", "boiling one minute and freezing the next"
            "roasting|boiling|sweating|sweltering|baking ~4 then|and|next ~2 freezing|shivering|frozen|shivery",
            "feel|feeling|felt|feels|am|been|be|i'm|im|generally|very|really|so|quite|bit ~2 unwell|poorly|ill|sick|"
            "rough|awful|terrible|dreadful|rotten|grim|horrible|lousy|rubbish|crap|shit|faint|weak|dizzy|wiped",
            "feel|feeling|felt|feels|am|been|be ~2 not ~1 very? well|great|right|good",
            # "not (feeling) myself", but not "I'm not diabetic myself"
            "feel|feeling|felt|feels|am|been|be ~2 not feeling|really|quite|at|all|so? myself",
            "not|never ~2 feeling|feel|felt|feels ~2 well|great|good|right|myself",
            "under the weather",
            "out of sorts",
            "run down",
            "38.*|39.*|40.*",
            # rigors described in plain words: "I keep sweating and shaking", "got the shakes", "teeth chattering"
            "sweating|sweaty|sweats|clammy ~3 shaking|shakes|shaky|trembling|shivering",
            "shaking|shakes|shaky|trembling ~3 sweating|sweaty|sweats|clammy",
            "the shakes",
            "teeth ~1 chattering",
            "i ~1 feel|felt|am|be ~1 very|really|so? hot|boiling|clammy|feverish",
        ),
        veto_sentence=(
            "not weak",
            "not unwell",
            "not ill",
            "not poorly",
            "not sick",
            "not faint",
            "not dizzy",
            "sick of",
            "sick and tired",
            "sick about",
            "sick to death",
            "feel sick thinking",
            "hot and cold therapy",
            "hot and sweaty",
            "sweaty and hot",
            "hot after my run",
            "hot after running",
            "hot after a run",
            "hot from running",
            "hot from the run",
            "hot after the gym",
            "hot after training",
            "hot and cold treatment",
            "contrast",
        ),
        unveto_sentence=("shivering", "shivery", "chills", "rigors", "feverish", "the shakes"),
    ),
    # --- cannot_bear_weight_after_injury: BRIEF; Ottawa ankle/foot rules (unable to take four steps) ---
    Concept(
        "injury",
        (
            "fell|fall|fallen|falling|tripped|trip|slipped|slip|stumbled|stumble|twisted|twist|sprained|sprain|"
            "rolled|landed|landing|crashed|crash|collision|collided|accident|tackled|tackle|injured|injury|"
            "stamped|banged|whacked|smashed|struck|dropped|tumble|tumbled|tumbling",
            "went|gone|go|going|turned ~1 over",
            "jumped|jumping|jump|leapt|leaped ~1 off|down|from|out",
            "came|come ~1 down ~1 hard|awkwardly|heavily|badly|wrong",
            "missed ~1 step|steps|stair",
            "stepped|stepping|step|steps ~1 off|on|into|down ~2 kerb|curb|pothole|hole|step|stair|ledge|edge",
            "came|come|fell|fallen|falling ~1 off ~5 wall|roof|ladder|horse|bike|motorbike|scooter|trampoline|climbing|top",
            "missed ~1 the|a ~1 mat|step|steps|landing|bottom|stair|kerb|curb",
            "stepped|stepping|landed|landing|put ~3 wrong|awkwardly|badly|funny|funnily|awkward",
            "shoved|trampled|crushed|squashed|jammed|rammed",
            "stood|stepped|trod|trodden|landed|stamped ~1 on ~1 my|his|her ~1 foot|feet|heel|toes|ankle",
            # "I land on the foot of other player": another player's foot
            "land|lands|landed|landing on the|someone's|somebody's|another|other|his|her|their ~2 foot|feet|shoe",
            "ran|run|driven|drove|rolled ~1 over ~2 my|his|her ~1 foot|feet|heel|toes|ankle",
            "came|come|coming|thrown|knocked ~1 off ~2 bike|horse|ladder|wall|scooter|skateboard|board|motorbike|step",
            "broke|broken|fractured|fracture|break|cracked",
        ),
        veto_next=_fs(
            "asleep apart in_love in_line into behind over_laughing arch arches trip slip-on slippers out "
            "skin sleep heart promise record mileage training miles distance nearly almost about kilos "
            "kilo kg kgs pounds lbs stone weight half"
        ),
        veto_prev=_fs(
            "running overuse previous sports sport repetitive chronic stress an_old my_old the_old his_old "
            "her_old old_injury the_fall"
        ),
        veto_sentence=(
            "fallen arch",
            "fallen arches",
            "arches have fallen",
            "arch has fallen",
            "arches fall",
            "arch falls",
            "arches are falling",
            "fall asleep",
            "fell asleep",
            "falling asleep",
            "in the fall",
            "this fall",
            "last fall",
            "stress fracture",
            "broken skin",
            "heel spur",
            "jump in training",
            "jump in mileage",
            "jump in distance",
            "jumped in mileage",
            "jump in load",
            "jump in my",
            "jumped up",
            "break from",
            "take a break",
            "taking a break",
            "road trip",
            "a trip",
            "broken sleep",
            "broken shoes",
            "injury prevention",
            "avoid injury",
            "prevent injury",
            "avoid injuries",
            "skin cracked",
            "cracked skin",
            "cracked heels",
            "cracked heel",
            "cracks",
            "break in",
            "breaking in",
            "broke in",
            "broken in",
            "broke them in",
            "break them in",
            "breaking them in",
            "fall in mileage",
            "drop in mileage",
            "drop in training",
        ),
    ),
    Concept(
        "cannot_bear_weight",
        (
            f"{CANT} ~3 {WEIGHT_VERBS}",
            f"{CANT} ~2 put|take|get|manage|make|do ~5 weight|step|steps",
            f"{CANT} ~2 put|get ~2 foot|it|heel ~1 down|on|flat",
            f"{CANT} ~2 {WEIGHT_VERBS}|take|manage|do ~1 more than ~1 one|a|1|two|2|three|3|few|couple ~2 step|steps|hop|hops",
            # "NWB" (non-weight-bearing); "tried a couple of steps and had to give up"; "stand and it gives way"
            "nwb",
            "step|steps|walk|walking|stand|standing ~6 had|have to give|gave up",
            "stand|standing|step|steps|weight ~4 gives|gave|giving|give way",
            f"{NEG_ABLE} ~3 {WEIGHT_VERBS}",
            f"{NEG_ABLE} ~3 put|take ~3 weight|step|steps",
            f"{NEG_ABLE} ~2 put|get ~3 foot|it|heel ~1 down|on|flat",  # "unable to put the foot on ground"
            f"not ~2 able ~3 {WEIGHT_VERBS}",
            "not ~2 able ~3 put|take ~3 weight|step|steps",
            f"can|could|ca barely|hardly|scarcely|only ~2 {WEIGHT_VERBS}|hop|crawl",
            "have|had|having|'ve to ~1 hop|crawl|be",
            "hopping|crawling ~2 around|everywhere|about|on",
            f"{CANT} ~8 without ~2 crawling|crawl|hopping|hop",
            "non|not ~1 weight ~1 bearing",
            "no weight ~1 on|through",
            "not|never putting ~2 weight",
            "wo|wont|won't|will not ~2 take ~2 weight",
            # a child after a fall "won't put his foot down", "refuses to walk" (BRIEF: a child who can't walk)
            "wo|wont|won't|will not ~2 put|get ~2 foot|it|heel|weight ~1 down|on|flat",
            "wo|wont|won't|will not ~2 walk|stand|weight-bear|weightbear",
            "refuses|refused|refusing ~1 to ~1 walk|stand|step|weight-bear|weightbear|put",
            "not|never|havent|hasnt|haven't|hasn't ~1 managed ~2 to ~1 put|walk|stand|step|take",
            "not|never|havent|hasnt|haven't|hasn't ~1 been ~1 able ~2 to ~1 put|walk|stand|step|take",
            "carry|carried|carrying ~1 me|him|her ~3 to|out|off|home|back|down|in|into|up",
            f"not ~1 think ~2 can|could|able ~2 {WEIGHT_VERBS}|put",
            "no way|chance ~2 walk|walking|stand|standing",
            "collapse|collapses|collapsed|buckle|buckles|buckled|gives|gave ~3 stand|step|weight|put",
            "step|steps|stand|weight ~3 collapse|collapses|collapsed|buckle|buckles|buckled|crumple|crumples",
        ),
        veto_next=_fs(
            "far long for more much very as quickly fast briskly distance distances miles mile "
            "km barefoot upstairs downstairs uphill downhill anymore any_longer around_the"
        ),
        veto_sentence=(
            "walk far",
            "walk for long",
            "walk very far",
            "walk long",
            "stand for long",
            "for long periods",
            "for more than",
            "more than a",
            "without pain",
            "without it hurting",
            "without limping",
            "without discomfort",
            "stand the pain",
            "stand it",
            "bear the pain",
            "bear it",
            "run",
            "running",
        ),
        unveto_sentence=(
            "can't walk at all",
            "cannot walk at all",
            "can't stand at all",
            "no weight",
            "steps",
            "one step",
            "single step",
            "gives way",
            "gave way",
            "giving way",
            "put it down",
            "carried",
            "stretchered",
            "piggyback",
            "piggy back",
            "wheelchair",
            "crutches",
            "put the foot",
            "put his foot",
            "put her foot",
            "foot on the floor",
            "foot on the ground",
            "foot down",
            "put my foot",
            "bear weight",
            "any weight",
            "weight bear",
            "weight on",
            "put weight",
            "four steps",
            "4 steps",
            "a step",
            "a single step",
            "on it",
            "on my foot",
            "on the foot",
        ),
    ),
    # --- achilles_rupture: BRIEF ("sudden pop or kicked feeling at the back of the heel"); AFP ---
    Concept(
        "pop",
        (
            "pop|popped|popping|snap|snapped|snapping|twang|twanged|pinged|gunshot|whip|whipped|whiplash",
            "heard|felt|loud|sudden|big|massive ~2 bang|crack|cracking|rip|ripping|tear|tearing|ping|thud",
            "bang|crack|rip|tear|ping ~1 sound|noise",
            "gave|give|gives|went|goes ~1 way ~3 crack|bang|snap|pop|ping|twang",
            "went|go|goes|going ~1 ping|pop|snap|twang|bang|crack",
            "elastic|rubber ~1 band",
            "was|a ~1 bang|crack|snap|twang|thud ~3 behind|back|achilles|calf|heel|ankle",
            # "snap back of heel at 5 a side": 'back' after the match otherwise reads "snapped back"
            "pop|popped|snap|snapped|twang|twanged|ping|pinged in|at? the|my? back of",
        ),
        anchor="foot",
        veto_next=_fs(
            "into by over round to out along back up off pill pills blister blisters music song "
            "songs corn at_me shut concert concerts quiz star stars gig socket sockets tart tarts group "
            "punk culture at_him at_her at_them at_us at_you at_everyone at_everybody at_people "
            "at_someone at_somebody"
        ),
        # "£40 a pop", "125 dollars a pop": the price of each, not a sound
        veto_prev=_fs("to will i'll ill gonna knuckle knuckles dollars_a dollar_a bucks_a quid_a pounds_a euros_a"),
        veto_sentence=(
            "blister",
            "always",
            "often",
            "every time",
            "pop in to",
            "pop in for",
            "pop in and",
            "popped in to",
            "popped in for",
            "pop in at",
            "pop in when",
            "pop in next",
            "whenever",
            "clicks",
            "clicking",
            "crack my",
            "cracking my",
            "crick",
            "all the time",
            "sometimes",
            "usually",
            "crack in",
            "cracks in",
            "cracked heel",
            "cracked heels",
            "cracked skin",
            "heels are cracked",
            "hear my",
            "firework",
            "fireworks",
            "just a balloon",
            "only a balloon",
            "just the balloon",
            "kids' balloon",
            "kid's balloon",
            "kids balloon",
            "a balloon at",
            "bubble wrap",
            "champagne",
            "cork",
            "popcorn",
            "turns out",
            "turned out",
            "door slam",
            "door slamming",
            "door slammed",
            "slammed",
            "satisfying",
            "mobilised",
            "mobilized",
            "manipulated",
            "manipulation",
            "adjustment",
            "felt great",
            "felt better",
            "felt good",
            "felt amazing",
            "video",
            "youtube",
            "on tv",
            "on the telly",
            "watched",
            "clip",
        ),
        things=True,
    ),
    Concept(
        "kicked",
        (
            "like|if|though|thought|felt|feeling|someone|somebody|something|been|as ~4 kicked|hit|shot|struck|"
            "whacked|smacked|slapped|punched|kick|hit|booted|boot",
            "hit|struck|whacked ~1 by ~1 a|something|someone|ball|stone|rock|stick|bat|brick",
            "felt|feel|heard ~1 something|it ~1 go|went|give|gave|snap|tear|rip|break",
            "threw|thrown|throw|throwing|chucked|lobbed ~2 stone|rock|ball|something|brick|pebble ~2 at",
            "turned|turn|looked|look|spun ~1 round|around ~5 nobody|noone|nothing|no-one",
            "turned|turn|looked|look|spun ~1 round|around ~5 no ~1 one",
            "felt|feel|heard ~2 whack|thwack|thump|smack|wallop|knock|punch|kick|blow",
            "blow|whack|thump|smack|knock ~2 to|on|in ~2 back|achilles|calf|heel",  # "a blow to the back of my leg"
            "nobody|noone|no-one ~3 behind ~1 me",
            "no ~1 one ~3 behind ~1 me",  # "there was nobody behind me"
            "who|who'd|whod ~2 hit|kicked|kick|struck|whacked|threw|thrown|smacked",
        ),
        anchor="foot",
        veto_next=_fs(
            "the_wall wall a_wall ball football door off habit target goal pb milestone mileage "
            "steps the_gym the_road the_ground the_trails the_track the_shops the_pavement my_goal my_steps"
        ),
        veto_next_number=True,
        veto_prev=_fs("steroid cortisone booster flu vaccine covid given another injection a an"),
        veto_sentence=(
            "hit the wall",
            "hit a wall",
            "hit my pb",
            "hit my target",
            "kicked off",
            "kick off",
            "going to explode",
            "gonna explode",
            "going to burst",
            "gonna burst",
            "going to fall off",
            "gonna fall off",
            "going to drop off",
            "gonna drop off",
            "a shot of",
            "steroid shot",
            "cortisone shot",
            "flu shot",
        ),
        things=True,
    ),
    Concept(
        "ruptured",
        (
            "ruptured|rupture|torn|tore|tear|ripped|snapped|burst ~3 achilles|tendon|calf",
            "achilles|tendon ~3 ruptured|rupture|torn|tore|tear|ripped|snapped|burst|gone|went",
            "rupture|ruptured",
        ),
        veto_sentence=(
            "worried",
            "afraid",
            "scared",
            "fear",
            "risk",
            "avoid",
            "prevent",
            "prevention",
            "might",
            "could",
            "may",
            "chance",
            "how to",
            "don't want",
            "dont want",
            "ruled out",
            "rule out",
            "not a rupture",
            "no rupture",
            "not ruptured",
            "wasn't ruptured",
            "wasnt ruptured",
            "isn't ruptured",
            "isnt ruptured",
            "not torn",
            "excluded",
            "video",
            "youtube",
            "on tv",
            "on the telly",
            "watched",
            "clip",
        ),
        unveto_sentence=("ruptured", "torn", "tore", "snapped", "ripped", "burst"),
        things=True,
    ),
    # A palpable gap or dent in the tendon above the heel (AFP: palpable defect, Thompson test).
    Concept(
        "tendon_gap",
        (
            "gap|dent|dip|hollow|indent|indentation ~4 achilles|tendon|heel|ankle|calf|cord",
            "gap|dent|hollow|indent|indentation ~6 achilles|tendon|heel|cord",
            "gap|dent|dip|hollow|indent|indentation ~3 feel|felt|touch ~3 achilles|tendon|heel|ankle|calf",
            "achilles|tendon ~4 gap|dent|dip|hollow|indent|indentation",
            # a nurse's words: "a palpable defect above the calcaneus", "positive Thompson's"
            "defect ~6 achilles|tendon|heel|calcaneus|calcaneum|calf|cord",
            "palpable ~1 defect|gap",
            "positive ~3 thompson|thompson's|thompsons|simmonds|simmonds'",
            "thompson|thompson's|thompsons ~3 positive",
        ),
        veto_sentence=(
            "gap between",
            "gap in my training",
            "gap in training",
            "dip in mileage",
            "dip in form",
            "dip in training",
            "dip in performance",
            "toe gap",
            "arch",
        ),
        things=True,
    ),
    Concept(
        "sudden",
        (
            "sudden|suddenly|instantly|immediately",
            "all of a sudden",
            "out of nowhere",
            "out of the blue",
            "just like that",
        ),
    ),
    Concept(
        "cannot_tiptoe",
        (
            f"{CANT} ~3 tiptoe|tiptoes|tip-toe|tip-toes|tippytoe|tippytoes",
            f"{CANT} ~3 stand|go|get|rise|balance|push ~3 toes|tiptoe|tiptoes|tip|ball|balls",
            f"{CANT} ~3 push ~1 off",
            f"{CANT} ~3 calf|heel ~1 raise|raises",
            f"{NEG_ABLE} ~3 tiptoe|tiptoes|push ~1 off",
        ),
    ),
    # --- diabetic_foot_wound: BRIEF; NICE NG19 (ulcer, infection, Charcot: red, warm, swollen foot) ---
    # Said indirectly too (NG19 applies to anyone with diabetes): "type 1 since I was a kid", "T1D", "on insulin",
    # "my sugars are all over the place", "my HbA1c is high"; "my diabetes nurse" is the writer's (see CLINICIANS).
    Concept(
        "diabetes",
        (
            "diabetes|diabetic|diabetes's|prediabetic|prediabetes|pre-diabetic|diabeti*|diabet*|diebet*|dibet*",
            "type|t ~1 1|2|one|two|i|ii ~1 diabetes|diabetic|dm",
            "t1d|t2d|t1dm|t2dm|iddm|niddm|dm2|dm1",
            "type 1|2|one|two|1s|2s",
            "t1|t2|type1|type2|t1s|t2s",
            "insulin|metformin|gliclazide|glipizide|glimepiride|pioglitazone|sitagliptin|januvia|empagliflozin|"
            "jardiance|dapagliflozin|forxiga|ozempic|semaglutide|trulicity|dulaglutide|liraglutide|victoza|mounjaro|"
            "tirzepatide|novorapid|humalog|lantus|levemir|tresiba|toujeo",
            "hba1c|a1c|glucose|glucometer|cgm|libre|dexcom|hypo|hypos|hypoglycaemia|hypoglycemia|hyperglycaemia|"
            "hyperglycemia",
            "blood|my|me ~1 sugar|sugars",
            "sugar|sugars ~1 level|levels|reading|readings|control|spike|spikes|numbers",
            "sugars ~1 are|were|have|been|all|up|high|low|everywhere",
            "sugar diabetes",
            "sugar|sugars ~2 been|high|up|low|everywhere",
            "sugar ~1 patient|problem|problems|disease|issue|issues",
            # Indian English "I am having sugar since 10 years"; not "had sugar for breakfast"
            "have|having|has|had|got sugar since",
            "sugar since|for 1*|2*|3*|4*|5*|6*|7*|8*|9*|a|many|several|some|the|last|past|over ~1 year|years|yrs",
        ),
        acute=False,
        veto_next=_fs(
            "diet test tests testing screening screen risk weighted signal image images mri "
            "scan scans fibre fibres fiber fibers muscle collagen error fracture fractures "
            "injury"
        ),
        veto_prev=_fs("salter-harris harris grade"),
        veto_sentence=(
            "diabetes test",
            "tested for diabetes",
            "test for diabetes",
            "diabetes runs",
            "family history",
            "risk of diabetes",
            "at risk",
            "diabetic socks",
            "salter",
            "sugar intake",
            "sugar free",
            "sugar-free",
            "cut out sugar",
            "cut down on sugar",
            "less sugar",
            "sugary",
            # "blood sugar is always normal at my checkups" says the opposite
            "sugar is normal",
            "sugar is always normal",
            "sugars are normal",
            "sugars are always normal",
            "sugar was normal",
            "sugar levels are normal",
            "sugar level is normal",
            "sugar is fine",
            "sugars are fine",
            "normal blood sugar",
            "normal sugar",
            "sugar is ok",
            "sugar's normal",
        ),
        unveto_sentence=("diabetic", "diabetes", "insulin", "metformin", "type 1", "type 2"),
    ),
    Concept(
        "foot_wound",
        (
            "wound|wounds|blister|blisters|blistered|blistering|ulcer|ulcers|ulcerated|ulceration|sores|graze|grazed|"
            "scrape|scraped|puncture|punctured|infection|infected|pus|oozing|weeping|discharge|gash|laceration|"
            "swollen|swelling|swell|inflamed|red|redness|reddish|hot|warm|warmth|discoloured|discolored|"
            "discolouration|discoloration|black|bleeding|splinter|cellulitis|abscess",
            # loose wording (NG19: any break in the skin, redness, warmth or swelling of a diabetic foot)
            "nick|nicked|scratch|scratched|scratches|scab|scabs|scabbed|scabby|crusty|crusted|leaking|leaky|weepy|"
            "bleed|bleeds|bled|redder|reddening|reddened|pink|pinker|hotter|warmer|puffy|puffed|ballooned|raw",
            "purple|purplish|dusky|mottled|bruised|bruise",
            "dark|darker|black|blue|grey|gray ~1 patch|spot|area|mark|bit",
            "patch|spot|area|mark|hole ~5 not ~2 heal|healing|healed|close|closing|closed",
            "a|an|open|pressure|bed|the|this|that|weeping|infected|little|small|big|nasty|raw|new sore",
            "cut|cuts",
            "hole|holes ~3 skin|heel|heels|foot|sole|soles",
            "broken|cracked|split|open|peeling ~1 skin",
            "skin ~2 broken|split|cracked|open|peeling|breaking",
            "open|raw|weeping|oozing|broken ~2 patch|area|bit|spot|place",  # "a little open patch where the strap rubs"
            "crack|cracks|cracked|fissure|fissures|split ~2 heel|heels|skin|foot|sole",
            "stood|stepped|trod ~1 on ~1 a|some ~1 nail|glass|pin|tack|drawing|something|thorn|shell|stone|lego",
        ),
        anchor="foot",
        veto_next=OBJECTS
        | _fs(
            "back down out short up off it heel foot feet toe toes arch ankle calf leg achilles"
            " throat glands mileage training miles distance sugar carbs hours flag flags"
            " food diet vegan eggs"
        ),
        veto_prev=_fs("mouth stomach peptic gastric warm be a_warm from"),
        veto_sentence=(
            "warm up",
            "warm-up",
            "warming up",
            "warm down",
            "red flag",
            "red flags",
            "cut back",
            "cut down",
            "cut out",
            "cutting back",
            "cutting down",
            "mouth ulcer",
            "stomach ulcer",
            "hot water",
            "hot bath",
            "wound up",
        ),
    ),
    # --- new_neuro_deficit: BRIEF (new numbness, weakness or foot drop); tingling/burning = entrapment (AFP) ---
    # Tingling alone fits nerve entrapment; tingling that spreads up the leg is a progressing deficit (    # "pins and needles in my heel" ... "its moving tho, today my toes and calf as well").
    Concept(
        "tingling",
        (
            "tingling|tingle|tingles|tingly|tingled|prickling|prickly|pins_and_needles",
            "pins ~1 and|& ~1 needles",
            "like ~1 ants",
            "electric ~1 shock|shocks",
        ),
        anchor="foot",
    ),
    Concept(
        "spreading_up",
        (
            # (review: not "moving"/"climbing", which are often the visitor moving: "moving my leg helps")
            "spreading|spreads|spread|travelling|traveling|travels|creeping|creeps|crept ~4 leg|legs|shin|shins|calf|calves|knee|knees|thigh|thighs",
            "up ~1 into|to ~2 my|the? leg|legs|shin|shins|calf|calves|knee|knees|thigh|thighs",
            "until|till ~2 the|my? knee|knees|thigh|hip",
            # adjacent only: "today my toes and calf as well", not "my calves ache as well"
            "leg|legs|shin|shins|calf|calves|knee|knees|thigh|thighs as well",
            "now ~2 in|into|up ~2 my|the? leg|legs|shin|shins|calf|calves|knee|knees|thigh|thighs",
            "go|goes|going ~1 also ~2 leg|legs|shin|shins|calf|calves|knee|knees|thigh|thighs",
        ),
        veto_sentence=("stretch", "stretches", "stretching", "cramp", "cramps", "massage"),
    ),
    Concept(
        "numbness",
        (
            "numb|numbness|numbed|numbish|numbing",
            "lost|lose|losing|loss ~3 feeling|feelings|sensation|sensations",
            "no|reduced|without|lack|little ~1 feeling|feelings|sensation|sensations",
            # sensory loss in lay words: "like walking on cotton wool", "pinch it and barely feel it" (the pinch
            # pattern below); "I barely feel it now" alone is the pain going, so a pronoun is not enough here
            "cotton ~1 wool",
            "barely|hardly|scarcely ~1 feel ~3 foot|feet|toe|toes|heel|heels|sole|soles|floor|ground|"
            "anything|touch|pinch",
            "pinch|pinched|pinching|touch|touching|prod|poke|prick|scratch|tap ~6 barely|hardly|scarcely|cant|can't|cannot ~1 feel",
            f"{CANT} ~2 feel ~4 foot|feet|toe|toes|heel|heels|sole|soles|floor|ground|anything|leg|legs|it|them|"
            "bottom|ankle|arch|much|thing|properly",
            "unable|not|incapable ~1 able? ~1 to ~1 feel ~4 foot|feet|toe|toes|heel|heels|sole|soles|floor|ground|"
            "anything|leg|legs|it|them|bottom|ankle|arch",
            "feel|feels|felt|feeling|gone|went|like ~3 dead|wooden|wood",  # "like a lump of wood"
            "touch|touched|touching|pinch|pinched|prod|prodded|poke|poked|press|pressed|tap|tapped ~4 feel|felt nothing",
        ),
        anchor="foot",
        veto_next=_fs(
            "cream gel spray injection agent pain it_out skin tired difference improvement change benefit "
            "unusual wrong odd strange different "
            "any_difference"
        ),
        veto_sentence=(
            "for months",
            "for years",
            "for ages",
            "for a long time",
            "months now",
            "years now",
            "comes and goes",
            "come and go",
            "on and off",
            "off and on",
            "now and then",
            "now and again",
            "occasionally",
            "every so often",
            "intermittent",
            "at times",
            "always had",
            "always been",
            "numbing cream",
            "numbing gel",
            "numbing spray",
            "numbing injection",
            "injection",
            "local anaesthetic",
            "anaesthetic",
            "anesthetic",
            "nerve block",
            "fall asleep",
            "falls asleep",
            "fell asleep",
            "goes to sleep",
            "went to sleep",
            "crossing my legs",
            "cross my legs",
            "difference",
            "no feeling of",
            "numb the pain",
            "numbs the pain",
            "numbing the pain",
            "dead skin",
            "dead tired",
            "icing",
            "iced",
            "ice",
            "ice pack",
            "in the cold",
            "when it's cold",
            "when its cold",
            "until they warm",
            "until it warms",
            "until i warm",
            "few minutes",
            "cold water",
            "frozen",
            # "toes go a bit numb on long runs if my laces are tight"
            "laces",
            "lacing",
            "too tight",
            "tight shoes",
            "shoes are tight",
            "shoe is tight",
        ),
        unveto_sentence=(
            "like it's been",
            "like its been",
            "as if",
            "as though",
            "like i've had",
            "like ive had",
            "like an anaesthetic",
            "like an anesthetic",
            "like a local",
        )
        + NEW_ONSET,
        transient=True,
    ),
    Concept(
        "weakness",
        (
            "foot|feet ~1 drop|drops|dropping|slap|slaps|slapping|flops|flopping|floppy|drags|dragging|flapping",
            "drop|dropped ~1 foot",
            "dropfoot|footdrop|foot-drop|drop-foot",
            "dragging|drag|drags ~1 my|the ~1 foot|leg|toes",
            "toes|foot ~1 catching|catch|catches",
            "foot|feet ~2 started|keeps|begun|begin ~1 dropping|dragging|slapping|flopping",
            "catching|catch|catches|snagging|snag|snags|scuffing|scuff|scuffs ~1 my|the ~1 toes|toe|foot",
            f"{CANT} ~3 lift|raise|pull|bend|flex|move|wiggle|point|curl ~5 foot|toe|toes|ankle|it|them|up",
            # "my foot has begun to catch on the carpet"; "unable to lift the front of the foot"
            "foot|feet|toes ~3 catch|catching|catches ~2 on",
            f"{NEG_ABLE} ~3 lift|raise ~5 foot|toe|toes|ankle",
            "slap|slaps|slapping|slapped ~3 floor|ground|down",
            f"{NEG_ABLE} ~3 lift|raise|pull|move|wiggle ~3 foot|toe|toes|ankle|it|them",
            "weak|weakness|weaker|weakened|paralysed|paralyzed|paralysis|floppy",
            "lost|losing|loss|no ~2 strength|power|control",
            "foot|feet|toes|toe|ankle ~1 wo|will|does|do|can|ca|would ~1 not ~1 lift|move|raise|work|respond|go",
            "foot|feet|toes ~3 hangs|hanging|hang|droops|drooping|sags|sagging ~1 down",
            "scuffing|scuffs|scuff|scraping|scrapes ~1 the|on ~1 the? ~1 ground|floor|pavement|road",
            f"{CANT} ~2 pick|lift ~2 it|foot|up",
            "flopping|flops|floppy ~2 about|around",
        ),
        anchor="foot",
        veto_next=_fs(
            "calf calves arch arches muscle muscles glute glutes core hip hips knee knees ankles "
            "link spot point bladder tea grip"
        ),
        veto_prev=_fs("a walk with"),
        veto_sentence=(
            "strengthen",
            "strengthening",
            "always had",
            "always been",
            "for years",
            "for months",
            "weak ankles",
            "weak calves",
            "weak arches",
            "weak muscles",
            "weak calf",
            "limp ",
            "limping",
            "walk with a limp",
            "a limp",
            "pain",
            "because it hurts",
            "too painful",
            "too sore",
            "dragging my feet on",
            "dragging my feet over",
            "dragging my feet about",
            "drag my feet on",
            "dragged my feet on",
            "dragging my feet with",
            "dragging my heels",
            # about evidence, or a worry about the future, not a weak foot now
            "evidence",
            "research",
            "studies",
            "study",
            "proof",
            "get weaker",
            "get weak",
            "become weak",
            "become weaker",
            "make my feet weak",
            "make them weak",
            "make it weak",
            "make my foot weak",
            "weaken",
        ),
        unveto_sentence=(
            "foot drop",
            "drop foot",
            "dropfoot",
            "foot is weak",
            "sudden weakness",
            "suddenly weak",
            "slapping",
            "flopping",
            "floppy",
            "can't lift",
            "cannot lift",
            "can't move my toes",
            "cannot move my toes",
            "paralysed",
            "paralyzed",
            "won't lift",
            "wont lift",
            "will not lift",
            "not able to lift",
            "unable to lift",
            "became weak",
            "went weak",
            "gone weak",
            "feels weak",
            "is weak",
        )
        + NEW_ONSET,
        parts=_fs("foot feet toe toes ankle leg legs limb"),
        transient=True,
    ),
    # --- night_pain_systemic: BRIEF; AFP (night/rest pain + weight loss, sweats or cancer: tumour, infection) ---
    Concept(
        "night_pain",
        (
            "wakes|woke|waking|wake|wakening|keeps|kept ~1 me|us ~1 up|awake|at",  # "keeps us up at night"
            # "he wakes up crying with it at night"; "at night yes" / "nights are the worst" as answers
            "wakes|woke|waking|wake up ~2 crying|screaming|sobbing|in_pain|hurting",
            "at|during ~1 night|nights|nighttime ~1 yes|yeah|yep|too|also",
            "yes|yeah|yep ~2 at|during ~1 night|nights",
            "nights|night ~2 worst|worse",
            "there|present ~3 when|while ~3 resting|rest|sitting|lying",
            "hurting|hurts|hurt|pain|painful|aching|aches|ache|sore|throbs|throbbing also|too|even|still ~1 when|while ~3 "
            "sitting|resting|lying|sat|asleep|sleeping",
            "can|cannot|cant|ca not ~1 sleep",
            "pain|painful|hurts|hurt|hurting|ache|aches|aching|throbs|throbbing|"
            "throb|agony|sore ~6 night|nights|nighttime|night-time|overnight|bed|sleep|sleeping|asleep|rest|resting|"
            "lying",
            # "still" as in not moving ("hurts when I sit still"), not as in "the pain is still there"
            f"pain|painful|hurts|hurt|hurting|ache|aches|aching|throbs|throbbing|agony|sore ~6 {KEEP_STILL}",
            "night|nights|nighttime|overnight|bed|rest|resting|lying ~4 pain|painful|hurts|hurt|hurting|ache|aches|"
            "aching|throbs|throbbing|agony",
            "constant|constantly|nonstop|non-stop|24/7 ~3 pain|ache|aching|throbbing",
            "day ~1 and ~1 night",
            "even ~5 rest|resting|sitting|lying|still|sleeping|sat",
            # "waking at 3am with throbbing heel pain": the small hours are night
            "1|2|3|4|5 ~1 am ~5 pain|painful|hurts|hurt|hurting|ache|aches|aching|throbs|throbbing|agony",
            "pain|painful|hurts|hurt|hurting|ache|aches|aching|throbs|throbbing|agony ~6 1|2|3|4|5 ~1 am",
            "worst|worse ~3 lying|rest|resting|night|nights|bed",
            "worst|worse|wakes|woke|waking|throbs|throbbing|hurts|aches|pain ~4 1am|2am|3am|4am|5am|midnight",
            "worst|worse|wakes|woke|waking|throbs|throbbing|hurts|aches|pain ~4 1|2|3|4|5 am",  # "worst at 3am in bed"
            "disturbs|disturbing|disturbed|disrupts|disrupting|disrupted|interrupts|interrupting|ruins|ruining|wrecks|"
            "wrecking|breaks|breaking ~2 sleep|night|nights",  # "frequently disturbs my sleep"
            "present|there|pain|painful|hurts|aches|aching|ache|sore|throbs|throbbing ~3 at ~1 rest",
        ),
        veto_prev=_fs("after from"),
        negatable_tail=True,
        veto_sentence=(
            "after rest",
            "after resting",
            "after sitting",
            "rest of",
            "rest helps",
            "resting helps",
            "better with rest",
            "better when i rest",
            "eases with rest",
            "eases when i rest",
            "fine at rest",
            "fine when i rest",
            "ok at rest",
            "fine at night",
            "ok at night",
            "first thing",
            "morning",
            "get out of bed",
            "getting out of bed",
            "got out of bed",
            "out of bed",
            "last night i",
            "last night",
            "tonight",
            "night out",
            "rest day",
            "rest days",
            "good night's sleep",
            "good night",
        ),
        unveto_sentence=(
            "wakes me",
            "woke me",
            "waking me",
            "keeps me awake",
            "keeps me up",
            "even at rest",
            "at rest",
            "at night",
            "every night",
            "all night",
            "during the night",
        ),
    ),
    Concept(
        "weight_loss",
        (
            "lost|losing|dropped|dropping|shed|shedding ~3 weight|kilos|kilo|kg|kgs|pounds|lbs|stone|stones|pound|"
            "weight",
            "weight|weightloss|weight-loss ~1 loss",
            "weightloss",
            "weight ~2 dropped|dropping|falling|fallen|gone",
            "weight ~2 going|gone|went|coming|come ~1 down|off",
            "weight ~2 reduced|decreased|reducing|decreasing|dropped",  # "my weight has reduced by 5 kg"
            "clothes|trousers|jeans|belt ~3 loose|looser|hanging|baggy|falling|big|bigger",
            "lose|loses ~2 kilo|kilos|kg|kgs|pounds|lbs|stone|weight",
            "belt ~4 notch|notches|tighter|tighten|tightened",
            "shrunk|shrinking|wasting|wasted",
            "skin ~1 and ~1 bone|bones",
        ),
        acute=False,
        veto_prev=_fs("to"),
        veto_sentence=(
            "trying to",
            "try to",
            "want to",
            "need to",
            "should",
            "diet",
            "dieting",
            "slimming",
            "weight watchers",
            "on purpose",
            "intentionally",
            "deliberately",
            "gym",
            "calorie",
            "calories",
            "plan",
            "hoping",
            "advice",
            "how to",
            "would help",
            "help me",
            "running more",
            "training",
            "marathon",
            "exercise",
            "pregnan",
            "baby",
            "healthy eating",
            "meal plan",
            "goal",
            "if i lose",
        ),
        unveto_sentence=(
            "without trying",
            "not trying",
            "without dieting",
            "without diet",
            "not dieting",
            "not dieting",
            "not been dieting",
            "unexplained",
            "for no reason",
            "no reason",
            "not on a diet",
            "not on any diet",
            "no diet",
            "not been on a diet",
            "haven't been trying",
            "without meaning",
            "not meaning",
            "without even trying",
            "not intentionally",
            "not on purpose",
            "havent been trying",
            "not sure why",
            "don't know why",
            "dont know why",
            # "I lose weight, 6 kg, but I did not make any diet"
            "any diet",
            "any dieting",
            "didn't diet",
            "didnt diet",
            "did not diet",
            "not dieted",
            "no dieting",
        ),
    ),
    Concept(
        "night_sweats",
        (
            "night|nighttime ~1 sweat|sweats|sweating",
            "sweat|sweats|sweating|drenched|soaked|soaking ~5 night|bed|"
            "sheets|sleep|pyjamas|pajamas|pillow|waking|wake|woke|morning|mornings",
            "wake|waking|woke|wakes ~3 sweat|sweats|sweating|drenched|soaked",
        ),
        acute=False,
        veto_sentence=(
            "heatwave",
            "heat wave",
            "hot weather",
            "too hot",
            "so hot",
            "the heat",
            "humid",
            "humidity",
            "duvet",
            "heating",
        ),
    ),
    Concept(
        "cancer",
        (
            "cancer|cancers|tumour|tumor|tumours|tumors|malignancy|malignant|lymphoma|leukaemia|leukemia|myeloma|"
            "melanoma|sarcoma|metastases|metastatic|metastasis|chemo|chemotherapy|radiotherapy|oncology|oncologist|"
            "mastectomy",
        ),
        acute=False,
        veto_sentence=(
            "worried",
            "afraid",
            "scared",
            "fear",
            "frightened",
            "terrified",
            "anxious",
            "paranoid",
            "concerned",
            "could it",
            "could this",
            "might it",
            "might be",
            "could be",
            "is it",
            "rule out",
            "ruled out",
            "not cancer",
            "nothing serious",
            "google",
            "risk",
            "a sign of",
            "signs of",
            "symptom of",
            "symptoms of",
        ),
        unveto_sentence=(
            "had cancer",
            "have cancer",
            "history",
            "survivor",
            "treated for",
            "treatment for",
            "diagnosed",
            "remission",
            "had chemo",
            "having chemo",
            "had radiotherapy",
            "oncologist",
            "i had",
            "i've had",
            "ive had",
            "i have had",
            "my cancer",
            "had breast",
            "had prostate",
            "had bowel",
            "had lung",
            "had skin",
        ),
    ),
    # --- inflammatory_pattern: BRIEF; AFP (enthesitis in spondyloarthritis: bilateral, stiffness, other joints) ---
    # "my heels" (plural) and "hands and heels both" are both heels too; "wearing heels" is footwear
    Concept(
        "both_heels",
        (
            "both|bilateral|each ~3 heel|heels|foot|feet|sides|ankles|achilles|legs|them",
            "left ~1 and ~1 right",
            "right ~1 and ~1 left",
            "two|2 heels",
            "bilateral",
            "heels|feet|ankles|achilles|sides ~1 both",
            "heels",
        ),
        acute=False,
        veto_sentence=(
            "both of us",
            "both times",
            "both ways",
            "both shoes",
            "both pairs",
            "wear heels",
            "wearing heels",
            "wore heels",
            "high heels",
            "kitten heels",
            "block heels",
            "stiletto",
            "stilettos",
            "pair of heels",
            "put heels on",
        ),
        unveto_sentence=("both heels", "both my heels", "both of my heels", "heels both"),
    ),
    Concept(
        "morning_stiffness",
        (
            f"{STIFF} ~12 {MORNING}|first",
            f"{STIFF} ~12 {GET_UP}",
            f"{MORNING} ~12 {STIFF}",
            f"{GET_UP} ~12 {STIFF}",
            f"{STIFF} ~8 lunch|lunchtime|midday|noon|elevenses",
            f"{STIFF} ~8 every|each ~1 am",
        ),
        acute=False,
        veto_sentence=(
            "few minutes",
            "couple of minutes",
            "couple minutes",
            "first few steps",
            "few steps",
            "a minute",
            "a few mins",
            "few mins",
            "quickly",
            "soon eases",
            "soon wears off",
            "wears off quickly",
            "eases quickly",
            "after a few",
            "5 minutes",
            "five minutes",
            "ten minutes",
            "10 minutes",
            "once i get going",
            "once i get moving",
            "once i warm up",
            "warms up",
            "loosens up",
            "loosens off",
            "eases off",
            "calf",
            "calves",
        ),
        unveto_sentence=(
            "hour",
            "hours",
            "half the morning",
            "all morning",
            "most of the morning",
            "until lunch",
            "till lunch",
            "half an hour",
            "30 minutes",
            "45 minutes",
            "ages",
            "long time",
            "other joints",
            "knees",
            "hips",
            "back",
            "hands",
        ),
    ),
    # Achy or sore (not "stiff") on getting up counts only when it lasts long: "both heels achey in the mornings
    # for like an hour+" (BRIEF doctor-soon row: long morning stiffness; AFP: inflammatory enthesitis).
    Concept(
        "morning_ache_long",
        (
            f"{ACHE} ~12 {MORNING}",
            f"{ACHE} ~12 {GET_UP}",
            f"{ACHE} ~12 first thing",
            f"{MORNING} ~12 {ACHE}",
            f"{GET_UP} ~12 {ACHE}",
            f"first thing ~12 {ACHE}",
        ),
        acute=False,
        needs_long_duration=True,
        veto_sentence=(
            "after running",
            "after a run",
            "after my run",
            "after runs",
            "long run",
            "after training",
            "after exercise",
            "after work",
            "after standing",
            "after walking",
            "after football",
        ),
    ),
    # Answers to the assessment's questions, one per message: "both" (which heel?), "mornings" (when is
    # it worst?), "about 2 hours stiff" (how long?). Remembered across turns; the inflammatory rule combines them.
    Concept("both_answer", ("both",), acute=False, fragment_only=True),
    Concept("morning_word", (MORNING,), acute=False, veto_sentence=("good morning", "morning all", "morning everyone")),
    Concept("stiff_long", (STIFF,), acute=False, needs_long_duration=True),
    Concept(
        "other_joints",
        (
            "knee|knees|hip|hips|spine|neck|hand|hands|finger|fingers|wrist|wrists|shoulder|shoulders|elbow|elbows|"
            "jaw|buttock|buttocks|sacroiliac|joints|joint",
            "lower|my|low ~1 back",
            "back ~1 pain|ache|aches|stiffness|is|hurts|stiff",
            "sausage ~1 toe|toes|finger|fingers",
            "swollen ~1 finger|fingers|toe|toes",
            "knuckle|knuckles",
            "swollen|puffy|stiff|inflamed ~2 ankles|toes|fingers|hands|wrists",
            "ankles|toes|fingers|hands|wrists ~2 swollen|puffy|swell|swelling|inflamed",
            "ankles|toes|fingers|hands|wrists ~3 stiff|stiffness|sore|painful|achy|aching|ache|hurting|hurt|hurts",
            "toes|fingers|toe|finger ~5 sausage|sausages|puffed|puffy",
        ),
        acute=False,
        veto_next=_fs("of above below width widths wide"),
        veto_prev=_fs("on second hand-"),
        veto_sentence=(
            "back of",
            "on the other hand",
            "hand towel",
            "second hand",
            "hand wash",
            "by hand",
            # "hot when I put my hand on it": the hand feels
            "hand on it",
            "hand on her",
            "hand on his",
            "hand on my",
            "hand on the",
            "hands on it",
            "hand in",
            "ankle joint",
            "joint mobilisation",
            "joint mobilization",
            "hip flexor",
            "knee high",
            "knee-high",
            "knee socks",
            "neck of the",
            "back to",
            "back in",
            "came back",
            "come back",
            "comes back",
            "went back",
            "go back",
            "back home",
            "back on",
            "back up",
            "get back",
            "getting back",
            "bounce back",
            "back pain free",
        ),
    ),
    Concept(
        "inflammatory_disease",
        (
            "psoriasis|psoriatic|soriasis|psorisis|psoraisis|crohns|crohn|colitis|ibd|uveitis|iritis|spondylitis|"
            "spondyloarthritis|spondyloarthropathy|spondylo*",
            "inflammatory ~1 bowel|arthritis",
            "ankylosing ~1 spondylitis",
            "reactive ~1 arthritis",
            "ulcerative ~1 colitis",
            "crohn|crohns|chron ~1 disease|'s",
            # lay uveitis and dactylitis, both typical of spondyloarthritis (AFP): "inflammation inside the eye",
            # "my toe swelled up like a sausage"
            "inflammation|inflamed ~3 eye|eyes",
            "eye|eyes ~4 inflammation|inflamed",
            "sausage ~1 toe|toes|finger|fingers|digit|digits",
            "toe|toes|finger|fingers ~6 like ~1 a ~1 sausage|sausages",
        ),
        acute=False,
        veto_sentence=(
            "family history",
            "runs in",
            "ibs",
            "irritable bowel",
            "cleared up",
            "thought i had",
            "i thought it was",  # "...but the dermatologist said eczema"
            "no other joints",
            "no other joint",
            "only in one foot",
            "only one foot",
            "only in one heel",
            "only one heel",
            "just one heel",
            "just one foot",
            "grew out of",
            "no longer have",
            "used to have",
            "used to get",
            # "my friend has psoriasis but her heels are totally fine"
            "heels are fine",
            "heels are totally fine",
            "heels are perfectly fine",
            "heels are completely fine",
            "heels are ok",
            "heels are okay",
            "feet are fine",
            "feet are totally fine",
            "feet are perfectly fine",
            "feet are ok",
        ),
    ),
)
CONCEPT_BY_ID: Dict[str, Concept] = {c.cid: c for c in CONCEPTS}

EFFECTS_PATH = Path(__file__).resolve().parents[2] / "nlp" / "redflags" / "effects.yml"
_CONTRACTIONS = {"can't": CANT, "cant": CANT, "cannot": CANT, "couldn't": CANT, "won't": "wo|will not"}


def effect_pattern(phrase: str) -> str:
    """A plain lay phrase from the effects table as a pattern: its words in order, a negated modal as the CANT
    alternatives; base-form words also match their inflections (a token's forms hold its lemma)."""
    words = []
    for word in phrase.lower().replace("\u2019", "'").split():
        if word in _CONTRACTIONS:
            words.append(_CONTRACTIONS[word])
        elif word.endswith("n't"):
            words.append(f"{word[:-3]} not")
        else:
            words.append(re.sub(r"[|~?*]", "", word))
    return " ".join(w for w in words if w)


@lru_cache(maxsize=None)
def all_concepts(path: str = str(EFFECTS_PATH)) -> Tuple[Concept, ...]:
    """CONCEPTS, and each sign the effects table (nlp/redflags/effects.yml) lists told by its effects ("crawled to
    the kitchen", "my watch slides round my wrist"): the same concept, with its anchor, context rules and vetoes,
    whose patterns are the table's phrases and whose sentence vetoes gain the table's look-alikes."""
    table = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    told_by_effects = tuple(
        replace(
            CONCEPT_BY_ID[cid],
            patterns=tuple(effect_pattern(p) for p in spec["effects"]),
            veto_sentence=CONCEPT_BY_ID[cid].veto_sentence + tuple(spec.get("not") or ()),
        )
        for cid, spec in table.items()
    )
    return CONCEPTS + told_by_effects


# the pattern tables the context checks read (_Message._spans)
CONTEXT_PATTERNS = (BENIGN_CAUSE_PATTERNS, EPISODE_RECOVERY, RECOVERY_PATTERNS, TRANSIENT_RECOVERY_PATTERNS)


def prepare() -> int:
    """Everything the analysis reads once, read now (at model load) instead of on the first visitor's message: the
    effects table, every concept's compiled patterns and sentence vetoes, the typo matcher's dictionary. The number
    of patterns."""
    patterns = {p for concept in all_concepts() for p in concept.patterns}
    patterns.update(*CONTEXT_PATTERNS)
    for source in patterns:
        _compile(source)
    for concept in all_concepts():
        for phrases in (concept.veto_sentence, concept.unveto_sentence):
            if phrases:
                _phrase_re(tuple(phrases))
    _dictionary()
    return len(patterns)


# ---------------------------------------------------------------------------------------------------------------
# Flag rules: alternatives of concept conjunctions
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagRule:
    flag_id: str
    any_of: Tuple[Tuple[str, ...], ...]
    source: str

    @property
    def level(self) -> CareLevel:
        return RED_FLAG_LEVELS[self.flag_id]


FLAG_RULES: Tuple[FlagRule, ...] = (
    FlagRule(
        "cold_pale_foot",
        (("pale_colour",), ("cold_limb",), ("no_pulse",)),
        "BRIEF emergency row: foot cold, pale or blue (acute limb ischaemia)",
    ),
    FlagRule(
        "hot_swollen_foot_fever",
        (("inflamed_foot", "fever"),),
        "BRIEF emergency row: hot red swollen foot with fever or feeling unwell (infection)",
    ),
    FlagRule(
        "cannot_bear_weight_after_injury",
        (("injury", "cannot_bear_weight"),),
        "BRIEF emergency row; Ottawa ankle and foot rules: unable to bear weight for four steps after injury",
    ),
    FlagRule(
        "achilles_rupture",
        (("pop",), ("kicked",), ("ruptured",), ("tendon_gap",), ("sudden", "cannot_tiptoe")),
        "BRIEF urgent row: sudden pop or 'kicked' feeling at the back of the heel; AFP",
    ),
    FlagRule(
        "diabetic_foot_wound",
        (("diabetes", "foot_wound"),),
        "BRIEF urgent row; NICE NG19: diabetes with ulcer, wound, infection, redness, warmth or swelling",
    ),
    FlagRule(
        "new_neuro_deficit",
        (("numbness",), ("weakness",), ("tingling", "spreading_up")),
        "BRIEF urgent row: new numbness, weakness or foot drop (tingling alone fits nerve entrapment, AFP)",
    ),
    FlagRule(
        "night_pain_systemic",
        (
            ("night_pain", "weight_loss"),
            ("night_pain", "night_sweats"),
            ("night_pain", "cancer"),
            ("night_pain", "fever"),
        ),
        "BRIEF doctor-soon row: night or rest pain with weight loss, night sweats or cancer history; AFP "
        "(systemic signs with heel pain, fever among them: infection or tumour)",
    ),
    FlagRule(
        "inflammatory_pattern",
        (
            ("both_heels", "morning_stiffness", "other_joints"),
            ("both_heels", "morning_ache_long", "other_joints"),
            # the same told as answers: "both" / "mornings" / "about 2 hours stiff" /
            # "knuckles and wrists" (single messages keep the rows above)
            ("both_heels", "morning_word", "stiff_long", "other_joints"),
            ("inflammatory_disease",),
        ),
        "BRIEF doctor-soon row; AFP: enthesitis of spondyloarthritis (psoriasis, IBD)",
    ),
)

# ---------------------------------------------------------------------------------------------------------------
# Analysis of one message
# ---------------------------------------------------------------------------------------------------------------

PATIENT_OWNERS = ("self", "dependent", "third")
OTHER_OWNERS = ("other",)  # another adult the visitor writes about (detect_split)

# Another adult's danger sign is told to the visitor only when nobody is on it yet and it is not a story. These set
# it aside (whole message): already under care, a known cause, a cautionary tale, the visitor turning to themself.
# Kept narrow on purpose: a carer "looking after" someone, a foot gone cold "after surgery" or
# "in a cast", or a visitor "worried" about what they saw, still alerts; those are when the sign matters most.
OTHERS_UNDER_CARE = (
    "nurse is",
    "nurses are",
    "nurse comes",
    "nurses come",
    "podiatrist is",
    "podiatry are",
    "medical team",
    "vascular team",
    "nursing team",
    "care team",
    "is seeing",
    "are seeing",
    "is being seen",
    "has been seen",
    "was seen",
    "being treated",
    "is treating",
    "are treating",
    "being looked after",
    "looked after by",
    "under the care",
    "under a consultant",
    "district nurse",
    "practice nurse",
    "are dressing",
    "is dressing",
    "in hospital",
    "at the hospital",
    "at a&e",
    "in a&e",
    "fracture clinic",
    "had it repaired",
    "from diabetes",
    "from his diabetes",
    "from her diabetes",
    "neuropathy",
)
OTHERS_CAUTIONARY = (
    "happen to me",
    "happened to me",
    "happening to me",
    "happens to me",
    "avoid that",
    "avoid the same",
    "how do i avoid",
    "how can i avoid",
    "want to avoid",
    "nothing like that",
    "paranoid",
    "made me wince",
    "made me jump",
    "worried i might",
    "worried i'll",
    "worried that i might",
    "scared i might",
    "afraid i might",
    "in case it happens to me",
    "same thing to me",
    "what it feels like",
    "watched a video",
    "on a video",
    "in a video",
    "on tv",
    "on the telly",
    "documentary",
    "read about",
    "heard about",
)
# An injury of another adult with one of these in its sentence is a story from the past ("my friend snapped his
# achilles playing football last month"); a past cancer is not set aside by them (it is the flag's point).
OTHERS_PAST = ("last month", "last year", "months ago", "years ago", "a while back", "a while ago", "ages ago")


@dataclass(frozen=True)
class Occurrence:
    concept: str
    start: int
    end: int
    sent: int
    owner: str  # self | dependent | third | other | generic
    affirmed: bool
    why_not: str  # "" when affirmed, else negated | history | transient | question | hypothetical | veto | anchor


class _Message:
    """Token-level facts about one message: sentences, owners, negation scopes, question/hypothetical status."""

    def __init__(self, doc: Any, foot_in_focus: bool = False) -> None:
        self.toks = _tokens(doc)
        self.foot_in_focus = foot_in_focus  # earlier turns named the foot or heel
        self.fragment = sum(1 for t in self.toks if not t.is_break and t.lower not in (",", "?")) <= 4
        self.sents: Dict[int, List[_Tok]] = {}
        for tok in self.toks:
            self.sents.setdefault(tok.sent, []).append(tok)
        self._strings: Dict[int, Tuple[str, str]] = {}
        self.owners = self._owners()
        self.consumed: Set[int] = set()
        self._span_cache: Dict[str, List[Tuple[int, int]]] = {}
        self._finding_starts: Set[int] = set()  # where any concept matched (occurrences fills it)
        self.index = _form_index(self.toks)

    # sentences ---------------------------------------------------------------------------------------------
    def words(self, sent: int) -> List[str]:
        return [t.lower for t in self.sents.get(sent, [])]

    def sent_text(self, sent: int) -> str:
        return " ".join(t.text for t in self.sents.get(sent, []) if t.text != "\n").strip()

    def _sent_strings(self, sent: int) -> Tuple[str, str]:
        """(original lower-case text, token norms joined by spaces) of a sentence, for phrase look-ups."""
        cached = self._strings.get(sent)
        if cached is None:
            toks = self.sents.get(sent, [])
            original = "".join(t.lower + (t.ws or "") for t in toks)
            normed = " ".join(TYPOS.get(t.lower, t.norm or t.lower) for t in toks)
            cached = (" " + original.replace("\u2019", "'") + " ", " " + normed + " ")
            self._strings[sent] = cached
        return cached

    def has_phrase(self, sent: int, phrases: Iterable[str], outside: Iterable[str] = ()) -> bool:
        """A phrase of the table in the sentence; with `outside`, not counting text inside those phrases
        ("at night" restores a night-pain match, but not inside "fine at night", which cancelled it)."""
        original, normed = self._sent_strings(sent)
        pattern = _phrase_re(tuple(phrases))
        outside = tuple(o for o in outside if pattern.search(" " + o.lower() + " "))  # only phrases holding one
        if outside:
            blank = _phrase_re(outside)
            original, normed = blank.sub(" | ", original), blank.sub(" | ", normed)
        return bool(pattern.search(original) or pattern.search(normed))

    def is_question(self, sent: int) -> bool:
        """Ends with '?', starts with a wh-word, or starts with an auxiliary followed by a subject."""
        words = [w for w in self.words(sent) if w != "\n"]
        if not words:
            return False
        if " ".join(w for w in words if w not in ("?", ".", "!")) in ECHO_QUESTIONS:
            return False  # "anything else? yeah, ..." repeats the bot's question before answering it
        if "?" in words[-1]:
            return True
        if "," in words:  # a trailing tag question typed without "?": "reactive arthritis, is that a thing"
            tail = words[len(words) - words[::-1].index(",") :]
            if len(tail) > 1 and tail[0] in AUX_WORDS and tail[1] in AUX_SUBJECTS:
                return True
        if words[0] in WH_WORDS:
            return True
        return words[0] in AUX_WORDS and len(words) > 1 and words[1] in AUX_SUBJECTS

    # owners ------------------------------------------------------------------------------------------------
    def _owners(self) -> List[str]:
        """Who each token is about: self, dependent (child), third (unresolved he/she), other, generic (you)."""
        owners: List[str] = []
        current, last_person = "self", None
        toks = self.toks
        for idx, tok in enumerate(toks):
            word = tok.lower
            if word in ("my", "our"):
                person = self._person_after(idx)
                current = person or "self"
                if person:
                    last_person = person
            elif (
                word in ("me", "us")
                and idx
                and toks[idx - 1].lower in OBJECT_PREPS
                and current in ("other", "dependent")
            ):
                pass  # "my partner (sitting next to me) is on insulin" is still about the partner
            elif word in SELF_WORDS or tok.forms & {"i"}:
                current = "self"
            elif word in ("bro", "sis") and [t.lower for t in toks[idx + 1 : idx + 3]] == ["in", "law"]:
                current = last_person = "other"  # "bro in law, both heels sore ..."
            elif word in CLINICIANS or word.rstrip("s'") in CLINICIANS:
                pass  # "my GP says", "the physio thinks": a clinician reports on whoever is being discussed
            elif self._self_description(idx):
                pass  # "since I was a kid", "long time runner, ...": the writer describing themself
            elif word in DEPENDENTS:
                current = last_person = "dependent"
            elif (word in PERSONS or word.rstrip("s'") in PERSONS) and not (
                idx and toks[idx - 1].lower in ("like", "than", "as", "of", "with", "from", "for", "to", "if")
            ):
                if word in NOBODY_IN_PARTICULAR:
                    current = "generic"  # "people talk about a pop", "someone dropped weights"
                else:
                    current = last_person = "other"
            elif word in THIRD_PRONOUNS:
                current = last_person or "third"
            elif word in GENERIC_WORDS and not (idx + 1 < len(toks) and toks[idx + 1].lower in ADDRESSED_VERBS):
                current = "generic"  # but "like you asked, 38.5" speaks to the bot about the writer
            elif (
                word in ("heard", "read", "told", "learned", "learnt", "saw", "says", "said")
                and idx + 1 < len(toks)
                and toks[idx + 1].lower in ("that", "about", "online", "somewhere")
            ):
                current = "generic"
            elif (
                word in HEARSAY_VERBS
                and current == "other"
                and idx + 1 < len(toks)
                and toks[idx + 1].lower not in POINTERS
                and toks[idx + 1].lower not in PERSONS
            ):
                current = "generic"  # "my neighbour reckons numbness in the foot means ..."
            owners.append(current)
        return owners

    def _year_old(self, idx: int) -> bool:
        """'my 12 year old', 'our 8yo': a child named by age."""
        word = self.toks[idx].lower
        prev = self.toks[idx - 1].lower if idx else ""
        return (word == "old" and prev in ("year", "yr", "years", "yrs", "month", "months", "-")) or word in (
            "yo",
            "y/o",
        )

    def _self_description(self, idx: int) -> bool:
        """A person word that describes the writer, not someone else: "since I was a kid", "as kids",
        or a bare descriptor opening the message ("long time runner, diabetes for 10 years", "runner here")."""
        toks = self.toks
        word = toks[idx].lower
        if word not in DEPENDENTS and word not in PERSONS and word.rstrip("s'") not in PERSONS:
            return False
        before = [t.lower for t in toks[max(0, idx - 2) : idx]]
        if {"am", "i'm", "im"} & {t.lower for t in toks[max(0, idx - 3) : idx]} and word not in DEPENDENTS:
            return True  # "I am sugar patient", "I'm a runner": the writer
        if before[-2:] in (["was", "a"], ["as", "a"], ["since", "a"], ["were", "a"]) or before[-1:] in (
            ["as"],
            ["were"],
        ):
            return word in DEPENDENTS
        if before[-2:] in (["not", "a"], ["not", "an"]):
            return True  # "I'm a teacher, not a runner": still the writer
        opening = idx < 4 and not any(
            t.lower in ("my", "our", "his", "her", "their", "the", "a", "an", "this", "that") or t.lower in SELF_WORDS
            for t in toks[:idx]
        )
        after = toks[idx + 1].lower if idx + 1 < len(toks) else ""
        if opening and after == "of" and idx + 3 < len(toks) and toks[idx + 3].lower in ("here", ",", "-", ":", "."):
            return True  # "Hi, mother of two here.", "mum of a toddler, ..."
        return opening and after in (",", "here", "-", ":", "(")

    def _person_after(self, idx: int) -> Optional[str]:
        for tok in self.toks[idx + 1 : idx + 5]:
            if tok.is_break or tok.lower in FOOT_PARTS or tok.lower in OTHER_PARTS:
                return None
            if tok.lower in CLINICIANS or tok.lower.rstrip("s'") in CLINICIANS:
                return None  # "my diabetes nurse", "my GP": the writer's own clinician
            if tok.lower in DEPENDENTS or self._year_old(tok.i):
                return "dependent"
            if tok.lower in PERSONS or tok.lower.rstrip("s'") in PERSONS:
                return "other"
        return None

    # negation ----------------------------------------------------------------------------------------------
    def negated(self, start: int, end: int) -> bool:
        """NegEx-style: a cue up to 8 tokens before (scope stops at terminators), or a post-cue right after."""
        toks = self.toks
        sent = toks[start].sent
        j, steps = start - 1, 0
        while j >= 0 and toks[j].sent == sent and steps < 8:
            tok = toks[j]
            if tok.is_break or tok.lower in TERMINATORS:
                break
            if tok.lower in (",", "and", "&", "plus") and toks[j + 1].lower in SUBJECT_STARTS | NEGATED_MODALS:
                break  # "no fever, my foot is blue"; "can't get anywhere without crawling, can't put it down"
            if j not in self.consumed and (tok.forms & NEG_CUES) and not self._pseudo(j):
                return True
            j, steps = j - 1, steps + 1
        # post-negation: "fever? no", "numbness - none", "swelling: not really"
        k, hops = end, 0
        while (
            k < len(toks)
            and hops < 4
            and (
                toks[k].lower in ("?", ":", "-", "–", "—", "=", "is", "was", "are")
                or (hops < 2 and toks[k].lower in FOOT_PARTS)
            )
        ):
            k, hops = k + 1, hops + 1
        if k < len(toks) and toks[k].lower in POST_NEG:
            after = toks[k + 1].lower if k + 1 < len(toks) else "."
            if after in (".", "!", ",", ";", "?", "\n", "really", "at", "not", "thankfully", "thank"):
                return True
        tail = " ".join(t.lower for t in toks[end : end + 4] if t.sent == sent)
        if tail.startswith("free") or tail.startswith("- free"):
            return True
        lo, hi = self.clause(start)
        if {"ruled", "excluded"} & {t.lower for t in toks[lo:hi]}:
            return True  # "a rupture was ruled out", "they ruled out a tear"
        if self.is_question(sent):  # "A pop in my Achilles? No, nothing like that"
            nxt = [t.lower for t in toks if t.sent == sent + 1][:2]
            if nxt and (nxt[0] in POST_NEG or nxt[0] == "nothing" or nxt[:2] == ["not", "at"]):
                return True
        return self._resolved_after(end)

    def _resolved_after(self, end: int) -> bool:
        """'the swelling has gone down', 'numbness wore off' later in the same clause (not 'hasn't gone away')."""
        _, hi = self.clause(end - 1)
        words = [("not" if "not" in t.forms else t.lower) for t in self.toks[end : min(hi, end + 10)]]
        joined = " " + " ".join(words) + " "
        for phrase in RESOLVED:
            at = joined.find(" " + phrase + " ")
            if at >= 0:
                before = joined[:at].split()[-2:]
                after = joined[at + len(phrase) + 2 :].split()[:1]
                if phrase.endswith(" gone") and after and after[0] not in GONE_FOR_GOOD:
                    continue  # "my heel has gone red": a change of state, not a symptom that resolved
                if not ({"not", "never"} & set(before)):
                    return True
        return False

    def _own_diagnosis_after(self, sent: int) -> bool:
        """A later statement in the message says the writer has the condition the question named."""
        for later in sorted(s for s in self.sents if s > sent):
            if self.is_question(later):
                continue
            original, _ = self._sent_strings(later)
            if any(f" {p} " in original for p in OWN_DIAGNOSIS):
                return True
        return False

    def _pseudo(self, j: int) -> bool:
        """Pseudo-negations ('not only', 'no idea', "don't know") are not negation cues; nor is a visitor playing it
        down: "probably nothing, heel aches all night"."""
        if (
            self.toks[j].lower == "nothing"
            and j
            and self.toks[j - 1].lower in MINIMISING
            and not (j + 1 < len(self.toks) and self.toks[j + 1].lower in ("like", "else", "wrong"))
        ):
            return True
        window = " ".join(("not" if "not" in t.forms else t.lower) for t in self.toks[j : j + 4])
        return any((window + " ").startswith(p + " ") for p in PSEUDO_NEG)

    # question / hypothetical -------------------------------------------------------------------------------
    def suppressed_as_question(self, sent: int, start: int) -> Optional[str]:
        """'question' for information questions, 'hypothetical' for what-ifs; None when it may be about them."""
        words = self.words(sent)
        rel = max(0, start - self.sents[sent][0].i)
        original = RELEVANCE_HEDGE_RE.sub(" ", self._sent_strings(sent)[0])
        before = set(words[:rel])
        if self.is_question(sent):
            if any(f" {h} " in original for h in HYPOTHETICAL):
                return "hypothetical"
            if "if" in before:
                after_if = words[words.index("if") + 1 :]
                if set(after_if[:6]) & HYPO_IF_VERBS:
                    return "hypothetical"
                # a counterfactual: "if I had an achilles rupture would I still be able to walk?"
                if (
                    after_if[1:2] == ["had"]
                    and after_if[0] in ("i", "you", "someone", "one")
                    and {"would", "could", "might"} & set(after_if)
                ):
                    return "hypothetical"
            owners = {self.owners[t.i] for t in self.sents[sent]}
            if any(w in SELF_WORDS for w in words) or "dependent" in owners or self.telegraphic:
                return None
            if any(w in GENERIC_WORDS for w in words) or any(f" {g} " in original for g in INFO_GENERIC):
                return "question"
            if any(
                w in ("it", "this", "that", "these") and i and words[i - 1] in AUX_WORDS | {"might", "was"}
                for i, w in enumerate(words)
            ):
                return None  # "is it a rupture?", "could this be ...?" point at the visitor's own problem: fire
            return "question"
        if any(f" {h} " in original for h in ("what if", "in case", "if ever", "supposing", "hypothetically")):
            return "hypothetical"
        prefix = " " + " ".join(words[:rel]) + " "
        if any(f" {h} " in prefix for h in REPORTED_QUESTION):
            return "hypothetical"
        fear = {"worried", "worry", "afraid", "scared", "fear", "concerned", "anxious", "avoid", "prevent"}
        modal = {"might", "could", "may", "will", "would", "gonna", "wo"}
        if before & fear and before & modal:
            return "hypothetical"
        return None

    # anchors -----------------------------------------------------------------------------------------------
    def anchored(self, concept: Concept, start: int, end: int) -> bool:
        if concept.anchor == "any":
            return True
        sent = self.toks[start].sent
        best_foot, best_other = 99, 99
        for tok in self.sents[sent]:
            if tok.i in range(start, end):
                dist = 0
            else:
                dist = min(abs(tok.i - start), abs(tok.i - (end - 1)))
            if tok.forms & concept.parts and not self._tendon_elsewhere(tok.i):
                best_foot = min(best_foot, dist)
            elif tok.lower in OTHER_PARTS or tok.forms & FOOT_PARTS:
                if tok.lower == "back" and tok.i + 1 < len(self.toks) and self.toks[tok.i + 1].lower == "of":
                    continue
                if tok.lower == "back" and tok.i and self.toks[tok.i - 1].lower == "the":
                    continue  # "red and puffy round the back": a place on the heel, not the back
                if tok.lower in ("hand", "hands") and [t.lower for t in self.toks[tok.i + 1 : tok.i + 3]] in (
                    ["on", "it"],
                    ["on", "them"],
                    ["on", "her"],
                    ["on", "his"],
                ):
                    continue  # "hot when I put my hand on it": the hand feels, it is not the site
                best_other = min(best_other, dist)
        if best_other < best_foot:
            return False
        if best_foot < 99:
            return concept.anchor != "foot_strict" or best_foot <= 5
        if concept.anchor == "foot":
            return True
        if concept.anchor == "foot_or_pronoun" and self.foot_in_focus and best_other == 99:
            return True  # "swollen red hot" after "my heel ..." in an earlier message
        if concept.anchor == "foot_or_pronoun":
            lo = max(self.sents[sent][0].i, start - 5)
            return any(
                t.lower
                in (
                    "it",
                    "it's",
                    "its",
                    "they",
                    "they're",
                    "them",
                    "this",
                    "everything",
                    "area",
                    "spot",
                    "patch",
                    "skin",
                    "side",
                )  # "the area is swollen, red"
                for t in self.toks[lo:start]
            )
        return False

    def _tendon_elsewhere(self, i: int) -> bool:
        """'a tendon in my finger': a tendon named with another body part right after it is not the foot's."""
        if self.toks[i].lower not in ("tendon", "tendons"):
            return False
        return any(t.lower in OTHER_PARTS for t in self.toks[i + 1 : i + 5] if t.sent == self.toks[i].sent)

    def vetoed(self, concept: Concept, start: int, end: int) -> bool:
        toks = self.toks
        sent = toks[start].sent
        nxt = [t for t in toks[end : end + 2] if t.sent == sent]
        prv = [t for t in toks[max(0, start - 2) : start] if t.sent == sent]
        if nxt and concept.veto_next_number and nxt[0].lower.replace(",", "").replace(".", "").rstrip("k").isdigit():
            return True  # "trying to hit 15,000 steps", "hit 10k"
        if nxt and (
            nxt[0].lower in concept.veto_next
            or (len(nxt) > 1 and f"{nxt[0].lower}_{nxt[1].lower}" in concept.veto_next)
        ):
            return True
        if len(nxt) > 1 and nxt[0].lower in ("-", "'s") and nxt[1].lower in concept.veto_next:
            return True
        if prv and (
            prv[-1].lower in concept.veto_prev
            or (len(prv) > 1 and f"{prv[0].lower}_{prv[1].lower}" in concept.veto_prev)
        ):
            return True
        if concept.things and self.about_thing(start, end):
            return True
        if concept.needs_long_duration and not self.long_duration(sent):
            return True
        if concept.negatable_tail and any(
            t.lower in ("never", "not", "no", "n't", "without", "nt") for t in toks[max(start, end - 3) : end - 1]
        ):
            return True
        if concept.veto_sentence and self.has_phrase(sent, concept.veto_sentence):
            return not (
                concept.unveto_sentence
                and self.has_phrase(sent, concept.unveto_sentence, outside=concept.veto_sentence)
            )
        return False

    def about_thing(self, start: int, end: int) -> bool:
        """'my shoelace snapped', 'a balloon popped', 'snapped a photo', 'a bang from the car': a thing, not a tendon.

        Subject: the nearest word before the match in its clause (stopping at the visitor, a body part, a verb of
        perception or a conjunction); object: the first word after it past articles and 'from'. A simile
        ('like a rubber band snapped') describes the visitor's own sensation and keeps the finding.
        """
        toks = self.toks
        lo, hi = self.clause(start)
        if any(t.lower in SIMILE_CUES for t in toks[lo:start]):
            return False
        for j in range(start - 1, max(lo, start - 6) - 1, -1):
            tok = toks[j]
            if tok.lower in THINGS:
                return True
            if tok.lower in THING_STOP or tok.forms & FOOT_PARTS or tok.lower in OTHER_PARTS:
                break
        for k in range(end, min(hi, end + 4)):
            tok = toks[k]
            if tok.lower in THINGS:
                return True
            if tok.lower not in THING_SKIP:
                break
        # "I snapped at my husband": a sharp word, not a tendon
        return (
            end < hi
            and toks[end].lower == "at"
            and any(t.lower in PERSONS or t.lower in DEPENDENTS for t in toks[end + 1 : min(hi, end + 3)])
        )

    def long_duration(self, sent: int) -> bool:
        """A long duration ('for like an hour+', '2 hrs', 'for ages') in this sentence or the next one."""
        return any(LONG_DURATION_RE.search(self._sent_strings(s)[0]) for s in (sent, sent + 1) if s in self.sents)

    # recovery / transient ----------------------------------------------------------------------------------
    def _spans(self, key: str, patterns: Sequence[str]) -> List[Tuple[int, int]]:
        """Non-negated matches of a pattern table (cached per message): 'healed', not 'never healed'."""
        cached = self._span_cache.get(key)
        if cached is None:
            cached = []
            for start, end in _find(self.toks, patterns, self.index):
                # a not/never just before or inside ("feeling hasn't come back"); the first word may be "no" itself
                near = self.toks[max(0, start - 3) : start] + self.toks[start + 1 : end]
                if not any(t.forms & NEG_CUES or "not" in t.forms for t in near if t.sent == self.toks[start].sent):
                    cached.append((start, end))
            self._span_cache[key] = cached
        return cached

    def recovered_past(self, start: int) -> bool:
        """A softer past-time marker in the clause and a treatment or recovery in this sentence or the next."""
        lo, hi = self.clause(start)
        joined = " ".join(t.lower for t in self.toks[lo:hi])
        if not PAST_TIME_RE.search(joined):
            return False
        sent = self.toks[start].sent
        return any(self.toks[a].sent in (sent, sent + 1) for a, _ in self._spans("recovery", RECOVERY_PATTERNS))

    def transient(self, start: int, end: int) -> bool:
        """A benign cause near the finding (its sentence or a neighbour) and a recovery after it."""
        sent = self.toks[start].sent
        if not any(
            self.toks[a].sent in (sent - 1, sent, sent + 1) for a, _ in self._spans("cause", BENIGN_CAUSE_PATTERNS)
        ):
            return False
        return any(
            a >= end and self.toks[a].sent in (sent, sent + 1) and not self.is_question(self.toks[a].sent)
            for a, _ in self._spans("transient_recovery", TRANSIENT_RECOVERY_PATTERNS)
        )

    def clause(self, idx: int) -> Tuple[int, int]:
        """Token range of the clause around idx: breaks, terminators, and ', I ...' / 'and my ...' starts."""
        toks = self.toks

        def boundary(j: int) -> bool:
            tok = toks[j]
            if tok.is_break or tok.lower in TERMINATORS:
                return True
            # "keeps me up at night, plus I had lymphoma years back": 'plus' starts a clause too
            return tok.lower in (",", "and", "&", "plus") and j + 1 < len(toks) and toks[j + 1].lower in SUBJECT_STARTS

        lo = idx
        while lo > 0 and toks[lo - 1].sent == toks[idx].sent and not boundary(lo - 1):
            lo -= 1
        hi = idx
        while hi + 1 < len(toks) and toks[hi + 1].sent == toks[idx].sent and not boundary(hi + 1):
            hi += 1
        return lo, hi + 1

    def history(self, start: int) -> bool:
        """'used to', 'years ago' ... in the concept's own clause, or a word that dates the finding itself ('the old
        foot drop', 'my previous fracture'): an old event, not a new one."""
        if any(self._dates_finding(i) for i in range(max(0, start - 2), start)):
            return True
        lo, hi = self.clause(start)
        joined = " " + " ".join(t.lower for t in self.toks[lo:hi]) + " "
        # "a dip where it used to feel solid", "a gap where the cord used to be" describe now
        joined = re.sub(r" (where|which|that)( [^ ]+){0,2} used to ", " ", joined)
        return (
            any(f" {marker} " in joined for marker in HISTORY_MARKERS)
            or self.recovered_past(start)
            or self.recovered_later(start)
        )

    @cached_property
    def past_episodes(self) -> FrozenSet[int]:
        """The sentences inside a past episode that ended well (OLD_PAST_RE above)."""
        inside: Set[int] = set()
        recovered = {self.toks[a].sent for a, _ in self._spans("episode_recovery", EPISODE_RECOVERY)}
        current: List[int] = []

        def close(last: Optional[int]) -> None:
            if current and (recovered & set(current) or last in recovered):
                inside.update(current)
            current.clear()

        for sent in sorted(self.sents):
            words = self.words(sent)
            joined = " " + " ".join(words) + " "
            marker = any(f" {m} " in joined for m in HISTORY_MARKERS) or bool(
                PAST_TIME_RE.search(joined) or OLD_PAST_RE.search(joined)
            )
            present = bool(PRESENT_WORDS & set(words) - ({"now"} if " ago now " in joined else set())) or any(
                f" {p} " in joined for p in PRESENT_PHRASES
            )
            if marker and not present:
                current.append(sent)
            elif current and (present or marker):
                close(sent)
            elif current:
                current.append(sent)
        close(None)
        return frozenset(inside)

    def _dates_finding(self, i: int) -> bool:
        """A PRIOR_WORDS word at i, not the 'old' of an age ('my 12 year old landed badly')."""
        word = self.toks[i].lower
        before = self.toks[i - 1].lower if i > 0 else ""
        return word in PRIOR_WORDS and not (word == "old" and (before in AGE_UNITS or before[:1].isdigit()))

    def recovered_later(self, start: int) -> bool:
        """'I had foot drop after an operation but it recovered fully years ago': a recovery after the finding in
        the same sentence, with a past-time marker after the finding. A finding after the recovery stays new."""
        sent = self.toks[start].sent
        after = [t for t in self.toks[start:] if t.sent == sent]
        joined = " " + " ".join(t.lower for t in after) + " "
        if not (any(f" {marker} " in joined for marker in HISTORY_MARKERS) or PAST_TIME_RE.search(joined)):
            return False
        return any(
            a > start and self.toks[a].sent == sent and not self._other_finding_in_clause(a, start)
            for a, _ in self._spans("recovery", RECOVERY_PATTERNS)
        )

    def _other_finding_in_clause(self, idx: int, start: int) -> bool:
        """'it wakes me at night, and I had bowel cancer surgery last year': the surgery is the cancer's, not
        the night pain's recovery."""
        lo, hi = self.clause(idx)
        return any(lo <= s < hi and s != start for s in self._finding_starts)

    # occurrences -------------------------------------------------------------------------------------------
    @property
    def personal(self) -> bool:
        """The message speaks about the writer or someone they care for."""
        return (
            any(t.lower in SELF_WORDS or t.lower in ("my", "our") or "i" in t.forms for t in self.toks)
            or any(owner == "dependent" for owner in self.owners)
            or self.telegraphic
        )

    @cached_property
    def others_set_aside(self) -> bool:
        """Another adult's sign is already under care, has a known cause, or is a story (OTHERS_UNDER_CARE,
        OTHERS_CAUTIONARY)."""
        for sent in self.sents:
            # "the district nurse isn't in until monday" is nobody on it yet
            text = " " + " ".join("not" if "not" in t.forms else t.lower for t in self.sents[sent]) + " "
            for phrase in OTHERS_UNDER_CARE:
                at = text.find(f" {phrase} ")
                if at >= 0 and not {"not", "no", "never"} & set(text[at + len(phrase) + 2 :].split()[:3]):
                    return True
        return any(self.has_phrase(sent, OTHERS_CAUTIONARY) for sent in self.sents)

    @cached_property
    def reports_heel_symptom(self) -> bool:
        """A symptom the visitor reports rather than asks about: a pain word in a clause that does not open as a
        question ("colitis patient here, heels have started hurting, what should I do?" reports; "I have Crohn's,
        could that have anything to do with heel pain?" asks)."""
        clause: List[str] = []
        asking = False  # "is there a link between psoriasis and heel pain": the clause after "and" still asks
        words = [tok.lower for tok in self.toks] + ["."]
        breaks = [tok.is_break for tok in self.toks] + [True]
        for i, word in enumerate(words):
            # a question run on without punctuation opens its own clause: "i have psoriasis on my elbows could that be
            # linked to heel pain" asks about the heel pain
            run_on = bool(clause) and word in RUN_ON_AUX and i + 1 < len(words) and words[i + 1] in RUN_ON_SUBJECTS
            if run_on or word in (",", ".", ";", "?", "!", "and", "or", "but", "so", "-") or breaks[i]:
                if clause:
                    asking = (
                        asking or clause[0] in WH_WORDS or clause[0] in AUX_WORDS or bool(INFO_REQUEST & set(clause))
                    )
                    if not asking and SYMPTOM_WORDS & set(clause):
                        return True
                asking = run_on or (asking and word in ("and", "or"))  # the run-on clause asks
                clause = [word] if run_on else []
            else:
                clause.append(word)
        return False

    @cached_property
    def relation_named(self) -> bool:
        """A particular person is named ("bf has ...", "wife's been ..."), not people in general."""
        return "other" in self.owners  # person words that name nobody in particular read "generic"

    def _possessed_part(self, end: int, owner: str) -> str:
        """The owner of "his"/"her" when the finding is placed on their foot: "I found an ulcer under her heel" is
        hers."""
        toks = self.toks
        for k in range(end, min(end + 3, len(toks) - 1)):
            if toks[k].is_break:
                break
            if toks[k].lower in ("his", "her", "their") and toks[k + 1].lower in FOOT_PARTS:
                return self.owners[k]
            if k == end and toks[k].lower in ("him", "her", "them"):
                return self.owners[k]  # "someone booted him in the heel"
        return owner

    @cached_property
    def telegraphic(self) -> bool:
        """A message that opens with a bare self-description: "diabetic, heel fissure bleeding, is that ok",
        "T2 here - ...", "long time runner, ..." (the writer, without I or my)."""
        words = [t.lower for t in self.toks[:5]]
        for i, word in enumerate(words[:4]):
            if word in (",", "here", "-", ":", "(", ".", "diagnosed", "since"):
                return i > 0 and bool(
                    TELEGRAPHIC_SELF & set(words[:i]) or any(self._self_description(j) for j in range(i))
                )
        return False

    @property
    def asks(self) -> bool:
        """Some sentence asks something ('can psoriasis affect heels', 'arthritis and heels, whats the link')."""
        words = [t.lower for t in self.toks]
        wh = any(
            (w in WH_WORDS or w in ("whats", "what's")) and not (i and words[i - 1] in NOT_ASKING)
            for i, w in enumerate(words)
        )
        # "i have psoriasis can that affect ur heels": a question run on without punctuation
        run_on = any(words[i] in RUN_ON_AUX and words[i + 1] in RUN_ON_SUBJECTS for i in range(1, len(words) - 1))
        return bool(words) and (
            words[0] in AUX_WORDS
            or wh
            or run_on
            or bool(INFO_REQUEST & set(words))
            or any(self.is_question(s) for s in range(len(self.sents)))
        )

    def occurrences(self) -> List[Occurrence]:
        found: List[Tuple[Concept, int, int]] = []
        for concept in all_concepts():
            for start, end in _find(self.toks, concept.patterns, self.index):
                found.append((concept, start, end))
        self._finding_starts = {start for _, start, _ in found}
        # negation tokens inside a concept ("can't walk", "no feeling") are part of it, not cues for others
        for concept, start, end in found:
            if self.vetoed(concept, start, end):
                continue  # a vetoed match ("is not weak" read as feeling weak) must not swallow a negation
            for i in range(start, end):
                if self.toks[i].forms & NEG_CUES or "not" in self.toks[i].forms:
                    self.consumed.add(i)
        also_me = {s for s in self.sents if self.has_phrase(s, ALSO_ME)}
        # "My gran is diabetic. So am I, ...": a sentence that opens with "so am I" shares the previous one
        also_me |= {s - 1 for s in also_me if any(" ".join(self.words(s)).startswith(p) for p in ALSO_ME)}
        result: List[Occurrence] = []
        for concept, start, end in found:
            if concept.fragment_only and not (self.foot_in_focus and self.fragment):
                continue
            sent = self.toks[start].sent
            owner = self.owners[start]
            if any(t.lower in ("me", "myself") for t in self.toks[start:end]):
                owner = "self"  # "my colleagues had to carry me to the car"
            if sent in also_me and owner not in PATIENT_OWNERS:
                owner = "self"
            owner = self._possessed_part(end, owner)
            why = ""
            if self.vetoed(concept, start, end):
                why = "veto"
            elif not self.anchored(concept, start, end):
                why = "anchor"
            elif self.negated(start, end):
                why = "negated"
            elif concept.acute and (
                self.history(start)
                or sent in self.past_episodes
                or owner == "other"
                and self.has_phrase(sent, OTHERS_PAST)
                and not self.has_phrase(sent, ("now", "still", "today", "since", "currently"))
            ):
                why = "history"
            elif concept.transient and self.transient(start, end):
                why = "transient"
            elif (
                not concept.acute and self.has_phrase(sent, READING_ABOUT) and not self.has_phrase(sent, OWN_DIAGNOSIS)
            ):
                why = "reading"  # "i was googling and came across reactive arthritis"
            elif (
                not concept.acute and not self.personal and self.asks and not (owner == "other" and self.relation_named)
            ):
                # A background condition named with no I/my/child in the message is a topic, not a report:
                # "can ankylosing spondylitis affect the heels" asks for information.
                why = "impersonal"
            else:
                why = self.suppressed_as_question(sent, start) or ""
                if why == "question" and not concept.acute and self._own_diagnosis_after(sent):
                    why = ""  # "Can diabetes cause heel pain? I was diagnosed last year."
            result.append(Occurrence(concept.cid, start, end, sent, owner, why == "", why))
        return result


def sentences(doc: Any) -> List[str]:
    """The message's sentences as the detector splits them (the learned scorer reads the same ones)."""
    message = _Message(doc)
    return [message.sent_text(s) for s in sorted(message.sents)]


def analyse(doc: Any) -> List[Occurrence]:
    """All concept occurrences in a message with their status (for debugging and the eval script)."""
    return _Message(doc).occurrences()


def _patient_facts(
    occurrences: Iterable[Occurrence], owners: Tuple[str, ...] = PATIENT_OWNERS
) -> Dict[str, List[Occurrence]]:
    occurrences = list(occurrences)
    # "the psoriasis question is for my brother, I don't have psoriasis": a background condition the writer denies
    # having is not theirs, wherever else it is named in the message. It stays the brother's.
    denied = (
        {
            occ.concept
            for occ in occurrences
            if occ.owner == "self" and occ.why_not == "negated" and not CONCEPT_BY_ID[occ.concept].acute
        }
        if owners == PATIENT_OWNERS
        else set()
    )
    facts: Dict[str, List[Occurrence]] = {}
    for occ in occurrences:
        if occ.affirmed and occ.owner in owners and occ.concept not in denied:
            facts.setdefault(occ.concept, []).append(occ)
    return facts


def _in_context(doc: Any, context: Optional[RedFlagContext]) -> _Message:
    return _Message(doc, bool(context and context.foot_in_focus))


def detect(doc: Any, context: Optional[RedFlagContext] = None) -> List[RedFlagHit]:
    """The visitor's own red flags (or a child's they write for), most severe first, one hit per flag.
    context = facts from earlier turns."""
    message = _in_context(doc, context)
    return _hits(message, message.occurrences(), context)


def detect_and_remember(doc: Any, previous: Optional[RedFlagContext] = None) -> Tuple[List[RedFlagHit], RedFlagContext]:
    """One analysis of a turn: the visitor's flags with the earlier facts, and the facts to keep for later turns."""
    message = _in_context(doc, previous)
    occurrences = message.occurrences()
    return _hits(message, occurrences, previous), _remembered(message, occurrences, previous)


def detect_split(doc: Any, context: Optional[RedFlagContext] = None) -> Tuple[List[RedFlagHit], List[RedFlagHit]]:
    """(the visitor's own red flags, another adult's), one analysis. Another adult's ("my husband fell off the
    ladder and can't stand on it") are only looked for when the visitor reports none of their own: the visitor's
    own alert comes first, and the person they write about still needs care, so they are told where to send them.
    Earlier turns are not combined for another adult: one message has to hold the whole sign."""
    message = _in_context(doc, context)
    occurrences = message.occurrences()
    own = _hits(message, occurrences, context)
    return own, ([] if own or message.others_set_aside else _hits(message, occurrences, None, OTHER_OWNERS))


@dataclass(frozen=True)
class MessageAnalysis:
    """Everything the assistant needs from one message, from one analysis: the visitor's own flags, another adult's,
    whether a danger sign was only set aside (denied, past, passing, asked about in general), and the facts to keep
    for later turns."""

    own: List[RedFlagHit]
    others: List[RedFlagHit]
    set_aside_only: bool
    remembered: RedFlagContext


def analyse_message(doc: Any, scorer: Optional[Scorer] = None) -> MessageAnalysis:
    """The single-message analysis, run once per message in the NLU pipeline (no earlier turns). With a `scorer`
    (heel/safety/learned.py) a flag its windows reach joins the rules' flags, unless the rules read that flag's sign
    in the same sentences as denied, past, passing or asked about in general."""
    message = _Message(doc)
    occurrences = message.occurrences()
    own = _hits(message, occurrences, None)
    others = [] if own or message.others_set_aside else _hits(message, occurrences, None, OTHER_OWNERS)
    if scorer is not None:
        learned_own, learned_others = _learned(message, occurrences, scorer, {h.flag_id for h in own + others})
        own = _ordered(own + learned_own)
        others = [] if own or message.others_set_aside else _ordered(others + learned_others)
    set_aside = not own and not others and any(not o.affirmed or o.owner not in PATIENT_OWNERS for o in occurrences)
    return MessageAnalysis(own, others, set_aside, _remembered(message, occurrences, None))


FLAG_CONCEPTS: Dict[str, FrozenSet[str]] = {
    rule.flag_id: frozenset(c for conjunction in rule.any_of for c in conjunction) for rule in FLAG_RULES
}


FLAG_ORDER: Dict[str, int] = {rule.flag_id: i for i, rule in enumerate(FLAG_RULES)}


def _ordered(hits: List[RedFlagHit]) -> List[RedFlagHit]:
    """Most severe first; within a level, in FLAG_RULES order."""
    return sorted(hits, key=lambda h: (h.level.rank, FLAG_ORDER[h.flag_id]))


def _learned(
    message: _Message, occurrences: List[Occurrence], scorer: Scorer, fired: Set[str]
) -> Tuple[List[RedFlagHit], List[RedFlagHit]]:
    """The scorer's flags the rules did not give, split into the visitor's (or a child's) and another adult's.
    Who a window is about is the owner most of its words have (heel/safety/redflags.py `_owners`); a window about
    people in general ("you") is not anyone's report."""
    sent_ids = sorted(message.sents)
    own: List[RedFlagHit] = []
    others: List[RedFlagHit] = []
    for hit in scorer.hits([message.sent_text(s) for s in sent_ids]):
        if hit.flag_id in fired or hit.flag_id not in FLAG_CONCEPTS:
            continue
        sents = {sent_ids[i] for i in hit.window.sentences}
        here = [o for o in occurrences if o.sent in sents and o.concept in FLAG_CONCEPTS[hit.flag_id]]
        if here and not any(o.affirmed for o in here):
            continue  # the rules read this sign here as denied, past, passing or a general question
        owners = Counter(message.owners[t.i] for s in sents for t in message.sents[s] if not t.is_break)
        owner = owners.most_common(1)[0][0] if owners else "self"
        if owner == "generic":
            continue
        found = RedFlagHit(hit.flag_id, RED_FLAG_LEVELS[hit.flag_id], hit.window.text[:240])
        (others if owner == "other" else own).append(found)
    return own, others


def combine_turn(
    previous: RedFlagContext, alone: Iterable[str], facts: Iterable[str], doc: Callable[[], Any]
) -> Tuple[List[str], RedFlagContext]:
    """One user turn across messages: the flags that the earlier facts (`previous`) and this message make together and
    the message `alone` did not, and the facts to keep. `facts` are the message's own remembered facts (from
    analyse_message); `doc` parses the message, called only when there are earlier facts to read it with."""
    if not any(previous.to_dict().values()):
        return [], RedFlagContext.from_dict({name: True for name in facts})
    combined, updated = detect_and_remember(doc(), previous)
    alone = set(alone)
    return [hit.flag_id for hit in combined if hit.flag_id not in alone], updated


def set_aside_only(doc: Any) -> bool:
    """No red flag fires for anyone, and some danger sign in the message was set aside (denied, past, passing,
    asked about in general): "I'm not diabetic, it's a blister from new trainers". One analysis."""
    message = _Message(doc)
    occurrences = message.occurrences()
    others = [] if message.others_set_aside else _hits(message, occurrences, None, OTHER_OWNERS)
    return (
        not _hits(message, occurrences, None)
        and not others
        and any(not o.affirmed or o.owner not in PATIENT_OWNERS for o in occurrences)
    )


def _hits(
    message: _Message,
    occurrences: List[Occurrence],
    context: Optional[RedFlagContext],
    owners: Tuple[str, ...] = PATIENT_OWNERS,
) -> List[RedFlagHit]:
    facts = _patient_facts(occurrences, owners)
    remembered = context.facts() if context else frozenset()
    hits: List[RedFlagHit] = []
    for rule in FLAG_RULES:
        evidence = _rule_evidence(rule, facts, remembered, message, owners)
        if evidence is not None:
            hits.append(RedFlagHit(rule.flag_id, rule.level, evidence))
    return _ordered(hits)


def _rule_evidence(
    rule: FlagRule,
    facts: Mapping[str, List[Occurrence]],
    remembered: FrozenSet[str],
    message: _Message,
    owners: Tuple[str, ...] = PATIENT_OWNERS,
) -> Optional[str]:
    """Evidence sentence when some alternative of the rule holds for one patient, else None."""
    for conjunction in rule.any_of:
        current = [c for c in conjunction if c in facts]
        if (
            not current
            and len(conjunction) == 1
            and conjunction[0] in remembered
            and owners == PATIENT_OWNERS
            and not CONCEPT_BY_ID[conjunction[0]].acute
            and message.reports_heel_symptom
        ):
            # "I have psoriasis, can it affect my heels?" then "my heels are sore every morning": the
            # background condition said before, the heel symptom reported now
            return message.sent_text(min(message.sents))[:240]
        if not current:
            continue  # at least one part must be in this message, or old facts would re-fire every turn
        if (
            len(conjunction) == 1
            and not CONCEPT_BY_ID[conjunction[0]].acute
            and (
                owners == OTHER_OWNERS
                or message.asks
                and not message.reports_heel_symptom
                and "heel_symptom" not in remembered
            )
        ):
            # "my sister has psoriasis": nothing to send her anywhere for. "I have Crohn's, can it affect my
            # heels?": an education question; the inflammatory topic says when to see a GP.
            continue
        if any(c not in facts and c not in remembered for c in conjunction):
            continue
        owner_sets = [{o.owner for o in facts[c]} for c in current]
        # one patient for all parts: "I'm diabetic and my son has a cut" is two people; "third" (he/she) fits any
        if not any(all(owner in pool or "third" in pool for pool in owner_sets) for owner in owners):
            continue
        first = facts[current[0]][0]
        return message.sent_text(first.sent)[:240]
    return None


def parse(text: str, nlp: Any) -> Any:
    """The spaCy doc the detector reads: lower case, as Rasa's SpacyNLP (case_sensitive: false) hands it to
    RedFlagOverride, so scripts, actions and the live pipeline see the same tokens ("I CANT WALK" is split like
    "i cant walk")."""
    return nlp((text or "").lower())


def detect_text(text: str, nlp: Any, context: Optional[RedFlagContext] = None) -> List[RedFlagHit]:
    return detect(parse(text, nlp), context)


def most_severe(hits: Sequence[RedFlagHit]) -> Optional[RedFlagHit]:
    return min(hits, key=lambda h: h.level.rank) if hits else None


def context_from_text(doc: Any, previous: Optional[RedFlagContext] = None) -> RedFlagContext:
    """Facts about the patient in this message (affirmed, not hypothetical), merged with the previous context."""
    message = _in_context(doc, previous)
    return _remembered(message, message.occurrences(), previous)


def _remembered(message: _Message, occurrences: List[Occurrence], previous: Optional[RedFlagContext]) -> RedFlagContext:
    facts = set(_patient_facts(occurrences))
    if message.reports_heel_symptom and "other" not in message.owners:
        facts.add("heel_symptom")  # "bilat heel pain" ... later "my GP diagnosed ankylosing spondylitis"
    focus = any(t.forms & FOOT_PARTS for t in message.toks)
    return replace(RedFlagContext.from_facts(facts), foot_in_focus=focus).merge(previous)
