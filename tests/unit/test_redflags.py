"""Red-flag detector: phrasings that must fire (right flag, right level) and look-alikes that must not.

Cases are written for this test file only; the evaluation sets in eval/sets/ are never used to write rules.
"""

from __future__ import annotations

import pytest

from heel.safety import matcher, redflags
from heel.safety.redflags import (
    RedFlagContext,
    RedFlagHit,
    concepts,
    context_from_text,
    detect,
    detect_split,
    detect_text,
    flag_rules,
    most_severe,
)
from heel.triage.engine import RED_FLAG_LEVELS, CareLevel

E, U, D = CareLevel.EMERGENCY, CareLevel.URGENT, CareLevel.DOCTOR_SOON

FIRES = {
    "cold_pale_foot": [
        "My foot has gone cold and pale",
        "my toes look blue and feel freezing",
        "The whole foot went white about an hour ago",
        "its gone a funny purple colour",
        "my foot is freezing cold to touch and it's gone a bluish colour",
        "Since this morning my toes have turned white and I can't warm them up",
        "the skin on my left foot looks really pale and it's cold compared to the other one",
        "the foot's gone all mottled and purple and it's icy",
        "Toes are blue",
        "I've been running for years, had heel pain on and off, but tonight my whole foot suddenly turned pale and "
        "cold, should I be worried?",
        "my foot is really cold and I can't feel a pulse",
        "my foot is white as a sheet and stone cold",
        "my heel pain has been going on for months, I've tried stretching, insoles, everything. last night though "
        "my whole foot felt freezing and this morning the toes are a purplish colour",
    ],
    "hot_swollen_foot_fever": [
        "My foot is hot, red and swollen and I've got a fever",
        "swollen red ankle and I feel really unwell with chills",
        "my ankle is swolen and im shivery and feverish",
        "my heel is red hot and swollen and I've been shivering all night",
        "the foot is swollen and warm to touch, temperature of 38.5",
        "foot really swollen and red, I'm burning up and feel awful",
        "I have a high temperature and my ankle is hot and puffy",
        "feverish, shivery, and the whole foot has swelled up and gone red",
        "Not feeling well at all, got the chills, and my heel is swollen and hot",
        "heel is throbbing, the whole foot is red and puffy and hot to touch, and I've been shaking and sweating "
        "with a temperature since last night",
        "Got a fever and my foot's swollen up like a balloon",
    ],
    "cannot_bear_weight_after_injury": [
        "I fell off a ladder and can't put any weight on my foot",
        "twisted my ankle playing football and I cannot walk on it",
        "landed badly from a jump and couldn't take more than a couple of steps",
        "slipped on the stairs yesterday and now I can't stand on my foot at all",
        "I jumped off a wall and landed on my heels, now I can hardly walk",
        "came off my bike, foot is agony and I can't weight bear",
        "rolled my ankle on a trail run and I'm unable to put weight through it",
        "fell down the stairs, can't take four steps without collapsing",
        "my son fell off the trampoline and he can't walk on it",
        "Went over on my ankle playing netball and now I'm hopping everywhere",
        "I was doing a jump in parkour and landed wrong, can't put my foot down",
        "So the story is I was at my daughter's party, jumped off the bouncy castle (stupid I know) and landed "
        "really awkwardly on my left heel, it's swollen now and honestly I can't put any weight on it at all, "
        "I had to be carried to the car. Is it just a bruise?",
        "Since falling off the horse I can't bear weight on my foot",
        "Tripped on the kerb, now I physically cannot walk",
        "Took a tumble down the stairs and I can't walk on my foot",
        "I'm not able to walk properly since I twisted my ankle",
    ],
    "achilles_rupture": [
        "I heard a pop at the back of my heel",
        "felt like someone kicked me in the back of the leg while playing squash",
        "I think I've ruptured my achilles",
        "playing badminton and felt a massive snap in my calf, now I can't push off",
        "it felt like I'd been hit with a stone at the back of my ankle",
        "heard a loud crack at the back of my ankle when I lunged",
        "I thought someone had kicked me in the heel but nobody was there",
        "Something went pop in my achilles during a sprint",
        "my achilles just went during netball, there was a bang",
        "suddenly couldn't stand on my tiptoes after a sharp pain in my heel",
        "is it a rupture? I felt a twang",
        "Hi there, I've been training for the London marathon and upped my miles a lot over the last month, my "
        "heel has been sore in the mornings which I figured was plantar fasciitis, but today during my long run I "
        "felt this sudden pop at the back of my ankle and now I'm limping badly. Anyway what do you think?",
        "Felt something go at the back of my heel playing tennis",
        "felt a sharp whack on the back of my calf like a ball hit me",
    ],
    "diabetic_foot_wound": [
        "I'm diabetic and have a blister on my heel",
        "I have type 2 diabetes and there's a cut on the bottom of my foot",
        "diebetes and a sore on my heel that wont heal",
        "I'm type 1 and found an open sore under my heel",
        "as a diabetic I'm worried about the red patch on my heel that's warm",
        "I take metformin and I have a blister on the back of my heel that's weeping",
        "my diabetes is well controlled but I noticed my heel is red and hot",
        "T2 diabetic, stepped on a nail last week and the foot is swollen now",
        "diabetic here - got an ulcer on my foot",
        "I have sugar diabetes and a cut on my toe that isn't healing",
        "Been diabetic for 20 years, usually my feet are fine, I check them, but the last couple of days I've "
        "noticed a small blister on my heel from my new work boots and it looks a bit red around it",
        "Diabetic, heel skin is cracked and bleeding",
        "my blood sugar is all over the place and there's a sore on my heel that won't heal",
        "I'm diabetic and my heel has gone black",
    ],
    "new_neuro_deficit": [
        "My foot has gone numb",
        "I can't feel my toes since this morning",
        "I can't lift my foot up, it just slaps on the floor",
        "my foot feels numbess",
        "since yesterday my foot has been numb and I keep tripping over my toes",
        "I've got no feeling in the sole of my foot",
        "my foot keeps slapping the ground when I walk",
        "suddenly lost all sensation in my heel",
        "can't move my toes properly and the foot feels weak",
        "I have foot drop since my back op",
        "my foot's gone dead and floppy",
        "hi, quick question about booking... also not sure it matters but since Tuesday the top of my foot has "
        "gone numb and I keep catching my toes on the stairs",
        "I can't feel the floor under my foot",
        "my foot won't lift properly when I walk",
        "my foot went numb and it has not gone away",
    ],
    "night_pain_systemic": [
        "heel hurts at night and I've lost a stone without trying",
        "night pain in the heel and I had breast cancer 3 years ago",
        "the pain wakes me up at night and I've been losing weight without dieting",
        "I get drenching night sweats and the heel aches even at rest",
        "heel pain at rest, I had prostate cancer a few years back",
        "constant throbbing heel pain, worse in bed, and I've dropped 6kg without trying",
        "the heel aches all night and I've been sweating through my sheets",
        "I'm a cancer survivor and this heel pain keeps me awake at night",
        "I'm 58, heel pain for 3 months, tried everything. the pain is there even when I'm lying in bed and I've "
        "lost nearly a stone without meaning to, my wife is worried",
        "pain in heel worse at night, unexplained weight loss of 5kg",
    ],
    "inflammatory_pattern": [
        "both heels hurt, stiff for hours in the morning, and my knees and hips ache too",
        "I have psoriasis and heel pain",
        "my lower back and both heels are stiff for hours every morning",
        "I've got Crohn's and now my heel hurts",
        "I have ulcerative colitis and my achilles is sore",
        "both my heels hurt, I'm stiff for about an hour each morning and my fingers are swollen",
        "I have psoriasis on my elbows and now heel pain",
        "heel pain in both feet, morning stiffness that lasts ages, and my knees hurt too",
        "I've got psoriasis (mostly on my scalp) and the back of both my heels have started to ache",
    ],
}

POSITIVE = [(text, flag) for flag, texts in FIRES.items() for text in texts]

SILENT = [
    # negated
    "No numbness or tingling, just pain under the heel",
    "I don't have any fever and the foot isn't swollen",
    "my foot is not cold or pale, it's just sore",
    "I didn't fall or twist it, but walking is painful in the morning",
    "There was no pop or snap, it came on gradually",
    "I'm not diabetic and there are no cuts or blisters",
    "no weight loss, no night sweats, and I've never had cancer",
    "only one heel hurts and no other joints are affected",
    "My foot isn't cold, pale or blue",
    "no fever, but my heel is a bit swollen",
    "didn't hear any pop, it just gradually got worse",
    "Tingling in my heel, no numbness",
    "numbness? no. tingling? a little",
    "I'm not diabetic",
    "no redness, warmth or swelling",
    "it's not numb, it's more of a burning pain",
    "I'd say the pain wakes me up sometimes, but I haven't lost weight",
    "I'm fine, no fever, no swelling, no numbness, nothing like that",
    "I'm not in agony, I can walk, just sore under the heel in the mornings",
    "no history of cancer or weight loss",
    "My heel hurts like hell when I first get up, there's no swelling, no redness, I can walk on it",
    "I haven't had any injury, fall or twist, the pain just started",
    "The doctor said it's not an achilles rupture",
    "The physio said there's no sign of a rupture",
    "I'm not feeling numb at all, just sore",
    "the pain at night is bad but I'm otherwise well, no weight loss",
    # resolved or old
    "The swelling has gone down now",
    "the swelling went away after a day and I have no temperature",
    "I used to get numbness years ago but not anymore",
    "I tripped last year but that healed fine",
    "My wife broke her ankle last year and couldn't walk for weeks",
    "the numbness after my injection wore off quickly",
    # other people
    "My friend's foot went blue after her cast",
    "My mum is diabetic but I'm not, I just have heel pain",
    "my husband has diabetes and a blister on his foot",
    "my dad has psoriasis",
    "diabetes runs in my family but I don't have it",
    "I'm not diabetic but my dad is, and I have a blister",
    # questions and hypotheticals
    "What does a pop at the back of the heel mean?",
    "Is numbness a sign of nerve entrapment?",
    "What are the red flags for heel pain?",
    "how do I prevent a stress fracture?",
    "Does diabetes cause foot ulcers?",
    "does psoriasis cause heel pain?",
    "should I ice it if it gets hot and swollen?",
    "what if my foot goes numb?",
    "Can shockwave make your foot numb?",
    "sorry if this is a silly question, can a heel spur cause numbness?",
    "what should a diabetic do about heel pain?",
    "Should I be worried about diabetes?",
    "Are there any warning signs I should look out for?",
    "I'm worried I might rupture my achilles",
    "I'm scared it could be cancer, it hurts at night",
    # nerve entrapment symptoms are not red flags
    "I get tingling and burning under my heel at night",
    "pins and needles in my toes when I run",
    "I have tingling and a burning feeling along the inside of my heel",
    "I've had tingling on and off for a year",
    # look-alike words
    "I use a cold pack on my heel after runs",
    "I bought some blue running shoes",
    "I wear white socks and blue trainers",
    "I bought a blue foam roller",
    "my heel is bruised and purple after stepping on a stone",
    "my toenail is black from running",
    "cracked heels with dry white skin",
    "my feet are always cold in winter",
    "my feet get cold easily",
    "I have a cold and heel pain",
    "feeling a bit blue about not running",
    "The heel pain came out of the blue last week",
    "it's warm and sunny today and my heel is sore",
    "hot bath helps my heel",
    "I do a warm up before running and my calves are tight",
    "I have a red flag question: when should I see a doctor?",
    "I'm sick of this heel pain",
    "felt a bit under the weather last week, heel is sore",
    "I've got a bit of a temperature from a cold but my heel is just sore, not swollen",
    "the area is a little swollen but I feel fine otherwise",
    "I'm not sure if it's swollen",
    "my heel is sore and a bit red from my new shoes rubbing",
    "I can walk but it hurts a lot in the morning",
    "I can't walk far without pain",
    "I can't run at the moment because of my heel",
    "I can't stand for long periods at work",
    "It's not that I can't walk, it just hurts",
    "I can still walk on it fine after I tripped",
    "I fell over last month but I can walk normally",
    "I've cut back my mileage",
    "I have plantar fasciitis and my arches have fallen",
    "I jumped in my mileage from 20 to 40 miles a week and now my heel hurts when I run",
    "Dropped my phone on the floor",
    "my knee pops sometimes when I squat",
    "I felt a twinge at the back of my heel",
    "my dog kicked over the water bowl",
    "I hit the wall at mile 20 of my marathon",
    "Had a cortisone shot in my heel last week",
    "My heel is killing me, it feels like I'm walking on glass",
    "feels like a knife stabbing my heel",
    "my heel is painful when I stand on tiptoe",
    "I can't stand on my toes for long because of calf pain",
    "I'm doing calf raises to strengthen my achilles",
    "My calf muscles feel weak after the marathon",
    "I've got weak calf muscles according to my physio",
    "ice numbs the pain a bit",
    "I used numbing cream before the injection",
    "my foot went to sleep while sitting on the toilet",
    "I lost my running shoes",
    "I need to lose weight, would that help?",
    "I'm trying to lose weight and my heel hurts at night",
    "my heel hurts at night but I've gained weight recently",
    "My heel hurts when I get out of bed in the morning",
    "I wake up stiff for a few minutes then it eases",
    "both heels hurt in the morning for a few minutes",
    "I had a blister last month from new shoes",
    "I'm 12 weeks into marathon training and my heel is sore in the morning",
    "my 8 year old has heel pain after football",
    "the heel feels bruised, worse barefoot on tiles",
]


# A second batch, written in other voices (slang, typos, multi-sentence) after the rules above were stable.
MORE_FIRES = [
    ("my foot has turned a greyish blue colour and it's cold", "cold_pale_foot"),
    ("why is my foot so pale and cold all of a sudden?", "cold_pale_foot"),
    ("my left foot is ice cold compared to my right and looks really white", "cold_pale_foot"),
    ("toes have gone a dark purple and feel cold", "cold_pale_foot"),
    ("foot looks blueish and feels like ice", "cold_pale_foot"),
    ("URGENT my foot has gone completely white", "cold_pale_foot"),
    ("my foots gone really pale and cold to touch since this afternoon", "cold_pale_foot"),
    ("the colour has drained from my foot and it's freezing", "cold_pale_foot"),
    ("my heel is swollen, hot and red and I'm running a temperature", "hot_swollen_foot_fever"),
    ("feel like I've got flu and my foot has blown up, really red and hot", "hot_swollen_foot_fever"),
    ("the foot is very swollen and I've got chills and a fever of 39", "hot_swollen_foot_fever"),
    ("my ankle has swelled right up and is hot, and I feel very unwell and shivery", "hot_swollen_foot_fever"),
    ("high temp and my heel is red and inflamed", "hot_swollen_foot_fever"),
    ("i feel really ill, feverish, and the foot is hot, swollen and angry looking", "hot_swollen_foot_fever"),
    ("I fell off a step and now I can't walk at all", "cannot_bear_weight_after_injury"),
    ("sprained my ankle badly, cannot put any weight on it", "cannot_bear_weight_after_injury"),
    ("I landed on my heel from a height and I can't stand", "cannot_bear_weight_after_injury"),
    ("twisted my foot stepping off the kerb, can't weight bear at all", "cannot_bear_weight_after_injury"),
    ("after my fall I'm unable to walk on my left foot", "cannot_bear_weight_after_injury"),
    ("jumped down from the wall and now I literally can't walk on that foot", "cannot_bear_weight_after_injury"),
    ("fell while running and it's impossible to put weight on my foot", "cannot_bear_weight_after_injury"),
    ("i rolled my ankle and now i can barely take a step", "cannot_bear_weight_after_injury"),
    ("I felt a snap in my achilles", "achilles_rupture"),
    ("there was a popping sound in my heel and now it really hurts", "achilles_rupture"),
    ("felt like I'd been shot in the back of the leg", "achilles_rupture"),
    ("i think i tore my achilles tendon playing football", "achilles_rupture"),
    ("heard a snap at the back of my ankle during squash", "achilles_rupture"),
    ("it felt like somebody hit me in the heel with a bat", "achilles_rupture"),
    ("my achilles popped when I pushed off", "achilles_rupture"),
    ("I felt a sudden pop in my calf", "achilles_rupture"),
    ("I'm a type 2 diabetic with a sore on my heel", "diabetic_foot_wound"),
    ("diabetic and I have an open wound on my foot", "diabetic_foot_wound"),
    ("I've got diabetes and my heel looks red and feels warm", "diabetic_foot_wound"),
    ("type 1 diabetic, found a blister on my heel", "diabetic_foot_wound"),
    ("I'm diabetic and there's a crack in my heel that's weeping", "diabetic_foot_wound"),
    ("i have diabetes and theres an ulcer under my heel", "diabetic_foot_wound"),
    ("Diabetes, heel is swollen and hot", "diabetic_foot_wound"),
    ("I've lost feeling in my heel", "new_neuro_deficit"),
    ("my foot has gone numb since yesterday", "new_neuro_deficit"),
    ("sudden numbness in my whole foot", "new_neuro_deficit"),
    ("my toes are numb and I can't wiggle them", "new_neuro_deficit"),
    ("my foot feels weak and keeps dropping", "new_neuro_deficit"),
    ("I have no sensation in the bottom of my foot", "new_neuro_deficit"),
    ("numbness in my foot that started today", "new_neuro_deficit"),
    ("I keep tripping because my foot drags", "new_neuro_deficit"),
    ("I wake up every night with heel pain and have lost weight without trying", "night_pain_systemic"),
    ("heel pain at night and night sweats", "night_pain_systemic"),
    ("I've had cancer and now my heel hurts at night", "night_pain_systemic"),
    ("the heel pain is worse at night and I've lost 8 kilos recently without dieting", "night_pain_systemic"),
    ("pain at rest and I keep waking up drenched in sweat", "night_pain_systemic"),
    ("my heel keeps me up at night and I have a history of lung cancer", "night_pain_systemic"),
    ("I have psoriatic arthritis and now my heels hurt", "inflammatory_pattern"),
    ("I've been diagnosed with ankylosing spondylitis and get heel pain", "inflammatory_pattern"),
    (
        "both heels are sore and stiff for over an hour in the morning, my wrists and knees ache too",
        "inflammatory_pattern",
    ),
    ("I have IBD and sore heels", "inflammatory_pattern"),
    ("psoriasis sufferer with heel pain", "inflammatory_pattern"),
    ("both achilles hurt, morning stiffness lasting hours, lower back pain too", "inflammatory_pattern"),
    ("help my foot is white and cold", "cold_pale_foot"),
    ("foot gone blue n cold after i took the cast off, what do i do", "cold_pale_foot"),
    (
        "Hi. I have had heel pain for a while. Today something different happened. My foot turned a purple-blue colour and it's cold. Is this related?",
        "cold_pale_foot",
    ),
    ("me toes are proper blue mate", "cold_pale_foot"),
    ("foot looks pale and feels numb and cold", "cold_pale_foot"),
    ("foot swollen n hot, got a temp too", "hot_swollen_foot_fever"),
    (
        "my foot is red, swollen and warm and I've been feeling shivery and sick since yesterday",
        "hot_swollen_foot_fever",
    ),
    ("I have a fever. Also my heel has gone red and swollen.", "hot_swollen_foot_fever"),
    ("the heel is really inflamed and hot, and I'm getting hot and cold sweats", "hot_swollen_foot_fever"),
    ("swelling and redness all over my foot, I feel terrible, think I have a temperature", "hot_swollen_foot_fever"),
    ("fell over playing footy, cant walk on it now", "cannot_bear_weight_after_injury"),
    ("I slipped on ice and now I can't put my foot on the floor", "cannot_bear_weight_after_injury"),
    (
        "Hi, I came down hard on my heel off a box jump at the gym and I honestly can't stand on it",
        "cannot_bear_weight_after_injury",
    ),
    ("had a fall at work, foot is killing me and I cant put weight on it", "cannot_bear_weight_after_injury"),
    ("my daughter landed on her foot awkwardly at gymnastics and she can't walk", "cannot_bear_weight_after_injury"),
    ("I stumbled down some steps and now I can't walk without help", "cannot_bear_weight_after_injury"),
    ("it felt like someone whacked the back of my ankle", "achilles_rupture"),
    ("playing 5 a side and heard a pop in my heel, now limping", "achilles_rupture"),
    ("I think my achilles has snapped", "achilles_rupture"),
    ("sudden snapping feeling at the back of my heel when I sprinted", "achilles_rupture"),
    ("something snapped in my calf while I was running", "achilles_rupture"),
    ("my achilles went bang during a game of tennis", "achilles_rupture"),
    ("im diabetic n ive got a blister on me heel", "diabetic_foot_wound"),
    ("I have diabetes. There is a small wound on my heel that is not healing.", "diabetic_foot_wound"),
    ("diabetic, heel looks infected", "diabetic_foot_wound"),
    ("I'm on insulin and have a cut on my foot", "diabetic_foot_wound"),
    ("diabetic with redness on my heel", "diabetic_foot_wound"),
    ("I have diabeties and my heel has a sore that is leaking", "diabetic_foot_wound"),
    ("cant feel my foot properly since this morning", "new_neuro_deficit"),
    ("my foots gone numb and wont move properly", "new_neuro_deficit"),
    ("I woke up and couldn't lift my foot", "new_neuro_deficit"),
    ("my foot is slapping when I walk and I can't lift my toes", "new_neuro_deficit"),
    ("numbness has spread across my whole foot", "new_neuro_deficit"),
    ("my heel has gone numb", "new_neuro_deficit"),
    ("I've got bone cancer history and the heel pain wakes me at night", "night_pain_systemic"),
    ("constant pain in my heel even at night and I'm losing weight and don't know why", "night_pain_systemic"),
    ("the heel pain keeps me awake and I'm having night sweats", "night_pain_systemic"),
    ("I'm on chemo and my heel aches at night", "night_pain_systemic"),
    ("heel pain at night and I've been losing weight for no reason", "night_pain_systemic"),
    ("pain while resting and I've lost a lot of weight recently without trying", "night_pain_systemic"),
    ("I have crohns disease and my heels hurt", "inflammatory_pattern"),
    ("heel pain and I have psoriasis on my knees", "inflammatory_pattern"),
    ("I have colitis and heel pain", "inflammatory_pattern"),
    (
        "stiff heels on both sides for over an hour every morning, and my hands are swollen and stiff too",
        "inflammatory_pattern",
    ),
    ("I have a psoriasis flare and my heels are sore", "inflammatory_pattern"),
    ("both feet hurt at the heel, mornings I'm stiff for ages, and my back and shoulders ache", "inflammatory_pattern"),
    ("no injury but my foot went cold and blue", "cold_pale_foot"),
    ("I don't know what happened, my foot just went numb", "new_neuro_deficit"),
    ("I can't believe it but my foot is blue", "cold_pale_foot"),
    ("Not sure why but my toes have gone white", "cold_pale_foot"),
    ("No idea what's going on, my foot has gone blue and cold", "cold_pale_foot"),
    ("nothing else, just that my heel went numb", "new_neuro_deficit"),
    ("never had this before: my foot is numb", "new_neuro_deficit"),
    ("There's no way I can walk on it after the fall", "cannot_bear_weight_after_injury"),
    ("I can't even stand up since I fell", "cannot_bear_weight_after_injury"),
    ("I don't think I can walk after falling off the ladder", "cannot_bear_weight_after_injury"),
    ("my foot has no feeling", "new_neuro_deficit"),
    ("not able to feel my toes", "new_neuro_deficit"),
    ("I'm unable to feel the bottom of my foot", "new_neuro_deficit"),
    ("no injury, but the foot is red, hot and swollen and I have a fever", "hot_swollen_foot_fever"),
    ("I'm diabetic, no pain really, but there's a blister on my heel", "diabetic_foot_wound"),
    ("I didn't fall, I just felt a pop at the back of my heel", "achilles_rupture"),
    ("I think there's no circulation in my foot, it's gone pasty", "cold_pale_foot"),
    ("my foot is infected and I've got a fever", "hot_swollen_foot_fever"),
    ("I feel hot and shaky and my foot is swollen", "hot_swollen_foot_fever"),
    ("heard what sounded like a gunshot at the back of my ankle", "achilles_rupture"),
    ("felt like I'd been whipped on the achilles", "achilles_rupture"),
    ("the heel pain doesn't go away even at rest and I have lost weight without trying", "night_pain_systemic"),
    ("diabetic and my heel has a cut that won't heal", "diabetic_foot_wound"),
    ("sudden weakness in my leg and my foot flops", "new_neuro_deficit"),
    # session 3 (v5 first look), our own phrasings: "went ping/pop", a dip further from "tendon",
    # "weight is going down", "other joints" after "both heels"
    ("felt something go pop at the back of my ankle playing squash and now I can't push off", "achilles_rupture"),
    ("my achilles went snap on the stairs this morning", "achilles_rupture"),
    ("there is a hollow you can actually feel just above my heel in the tendon since last night", "achilles_rupture"),
    ("heel aches all night long and my weight keeps going down though I eat normally", "night_pain_systemic"),
    (
        "both heels are stiff for a couple of hours after I get up and my other joints are sore too",
        "inflammatory_pattern",
    ),
    # session 3 (v6 first look), our own phrasings: a foot that has started to drop, toes that snag
    ("my right foot has begun slapping down when I walk since Tuesday", "new_neuro_deficit"),
    ("I keep snagging my toes on the stairs, the foot won't come up properly", "new_neuro_deficit"),
]
MORE_SILENT = [
    "my heel is a bit swollen after my long run but otherwise I'm fine",
    # the price of each session, not a sound
    "the shockwave sessions are 60 quid a pop and my heel is no better after three",
    # a real word is not a typo of a danger word ("injection" is not "infection")
    "I'm diabetic with no wounds, is a steroid injection in my heel safe?",
    # "still" as in continuing, not as in lying still; "not better" about the pain, not about feeling unwell
    "ten weeks of exercises and my heel pain is still not really better, what next?",
    # "barely feel it" with no body part or test: the pain going, not the skin going numb
    "three weeks in and during the day I barely feel it now, but I hobbled after my run on Friday",
    "the heel pain is almost gone, I can hardly feel it in the mornings any more",
    "I have heel pain first thing in the morning that eases after a few minutes of walking",
    "no numbness, no tingling, no weakness, just a dull ache",
    "I'm diabetic but my feet are fine, no cuts or sores, I just have heel pain after running",
    "I'm type 2 diabetic and have pain under my heel in the mornings",
    "nothing popped, it just started hurting",
    "does a cold foot mean bad circulation?",
    "how do I know if I've ruptured my achilles?",
    "what are the symptoms of a stress fracture?",
    "is tingling in the heel serious?",
    "how long does plantar fasciitis take to heal?",
    "my heel hurts when I walk barefoot on hard floors",
    "the physio thinks it's fat pad syndrome",
    "can you tell me about shockwave therapy?",
    "my heels are sore after standing all day at work",
    "I've been icing my heel and it feels numb for a few minutes afterwards",
    "I sometimes get pins and needles in my foot when I sit cross legged",
    "heel pain that is worse at night but no other symptoms",
    "I'm a bit overweight and my heel hurts",
    "the back of my heel is swollen where my shoe rubs",
    "I twisted my ankle last week but I can walk on it ok now",
    "I felt a pull in my calf but no pop",
    "my heel looks a bit red where my shoe rubs",
    "I had a fever last week but it's gone and my heel still hurts",
    "I'm worried about my heel, it's been sore for months",
    "what's the difference between plantar fasciitis and a heel spur?",
    "my achilles is stiff in the morning",
    "my heel has a hard lump at the back",
    "I have a burning sensation under my heel",
    "both heels hurt when I run",
    "my toes go white when I'm cold, I've got Raynaud's",
    "I lost weight on purpose and now my heels hurt more",
    "my running club friend had an achilles rupture last year",
    "my heel throbs after running",
    "my heel clicks when I walk",
    "my feet sweat a lot in my trainers",
    "what happens if you don't treat plantar fasciitis?",
    "my foot feels tired and achy after a long day",
    "I can't walk as far as I used to because of my heel",
    "I stood on a lego and now my heel is sore",
    "My heel is sore when I push off uphill",
    "the pain is sharp, like a stone in my shoe",
    "my partner thinks my heel pain is from my shoes",
    "my ankle is a little puffy in the evenings",
    "I'm pregnant and my heels hurt",
    "I'd like to book an appointment please",
    "I have a verruca on my heel",
    "should I use heat or ice?",
    "my heel hurts more in cold weather",
    "I fell asleep on the sofa and woke up with heel pain",
    "my arch collapses when I stand",
    "my Achilles feels a bit weak after my injury last year",
    "heel pain, no history of diabetes",
    "I used to have psoriasis as a kid but it cleared up",
    "my heels are dry and cracked",
    "I run in the cold and my feet get numb until they warm up",
    "My foot isn't numb at all",
    "I haven't lost any weight",
    "my foot is warm and a normal colour",
    "there's been no injury",
    "my foot is not swollen, not hot, and I don't have a temperature",
    "Never had a pop or snap",
    "I'm not diabetic, no wounds",
    "no pain at night",
    "it doesn't wake me up at night",
    "no morning stiffness",
    "I have no other joint problems",
    "I can put weight on it fine",
    "I can walk normally despite falling",
    "there's no redness or heat",
    "I don't feel unwell",
    "the colour of my foot is normal",
    "sensation is normal, I can feel everything",
    "I can move my toes and lift my foot fine",
    "no blisters or cuts, although I am diabetic",
    "Not cold, not blue, not numb",
    "I wouldn't say it's swollen, and I definitely don't have a fever",
    "I've never had cancer",
    "no, none of those",
    "None of the above",
    "no fevers or chills, and the foot isn't red",
    "nope, no numbness, no weakness",
    "I haven't fallen or hurt it",
    "no sudden pop, it came on slowly over weeks",
    "I don't have diabetes or psoriasis",
    "no night pain and no weight loss",
    "neither heel is swollen",
    "I have not noticed any numbness or loss of feeling",
    "It does not feel cold and it is not pale",
    "foot drop? no",
    "numbness: none",
    "swelling - nope",
    "my foot hasn't gone numb",
    "I'm not losing weight",
    "I didn't feel any snap",
    "I don't think I've ruptured anything, it's just sore",
    "I had my feet checked by the diabetic nurse and there were no ulcers",
    "I'm diabetic and my feet get checked regularly, everything is fine",
    "Without any injury, my heel started hurting",
    "I don't get night sweats",
    "I can stand on tiptoe fine",
    "both heels hurt but I have no stiffness and no other joint pain",
]

# Session 2: reported questions, tag questions without "?", and "hit" meaning reaching a number.
SESSION2_FIRES = [
    ("felt like i was hit by a stone at the back of my heel and cant push off", "achilles_rupture"),
    ("i have psoriasis and both heels are stiff every morning, is that normal", "inflammatory_pattern"),
    ("the nurse checked my sugar and I'm diabetic, now there's an open sore on my heel", "diabetic_foot_wound"),
    (
        "was out on a run when something hit the back of my ankle, heard a snap and now I can't stand on tiptoe",
        "achilles_rupture",
    ),
    ("my heel is swollen and red and hot, I've got the shakes and feel clammy", "hot_swollen_foot_fever"),
    ("foot is puffy and angry looking, been shivering and sweaty all afternoon", "hot_swollen_foot_fever"),
    ("jumping at netball my ankle went with a bang and there's a dent in the tendon now", "achilles_rupture"),
    ("there is a dip in my achilles where it used to feel solid, happened at squash today", "achilles_rupture"),
    ("type 2 diabetic, found a small hole on the sole of my foot this morning", "diabetic_foot_wound"),
    ("both my heels are stiff until about midday and my wrists are swollen", "inflammatory_pattern"),
    ("heels on both sides stiff till lunch every day and my knuckles ache and swell", "inflammatory_pattern"),
]
SESSION2_SILENT = [
    "the physio asked whether I had gout in the family, why would that matter for my heel",
    "my doctor wants to test me for arthritis because of my heel, what would that show",
    "ankylosing spondylitis and heel pain, is that a thing",
    "plantar fasciitis from diabetes, is that even a thing",
    "I've been trying to hit 12,000 steps every day and my heels ache in the evening",
    "aiming to hit 10k steps daily, heel is a bit sore after",
    "hit the gym hard this week and now my heel is sore when I get up",
    "would it be serious if my achilles made a snapping noise?",
    "what would it mean if my foot went numb during a run",
    "I had a melanoma removed in 2019 and I'm fine now, my heel aches after long walks but never at night",
    "my heel is only sore when I'm up and about, not at rest",
    "I broke my heel falling off a ladder but it healed well years ago, now it's just stiff after runs",
    "had weakness in my foot after a slipped disc but that recovered completely last year",
    "there's a gap in my training log because of my heel, how do I restart",
    "my daughter painted my toenails purple, my heel still aches after parkrun",
    "something went pop behind me, only a balloon at the party, my heel is just its usual sore self",
]
MORE_FIRES += SESSION2_FIRES
MORE_SILENT += SESSION2_SILENT
POSITIVE += MORE_FIRES
SILENT += MORE_SILENT


def flags(nlp, text, context=None):
    """The flag ids the detector reads in `text`, lower-cased as the live pipeline hands it over."""
    return [hit.flag_id for hit in detect_text(text, nlp, context)]


def split_flags(nlp, text):
    """(the visitor's own flag ids, another adult's), the text lower-cased as the live pipeline hands it over."""
    own, others = detect_split(nlp(text.lower()))
    return {hit.flag_id for hit in own}, {hit.flag_id for hit in others}


def test_case_counts():
    assert len(POSITIVE) >= 70 and len(SILENT) >= 50
    assert all(len(texts) >= 6 for texts in FIRES.values())
    assert set(FIRES) == set(RED_FLAG_LEVELS)


@pytest.mark.parametrize("text,flag", POSITIVE)
def test_fires(heel_nlp, text, flag):
    hits = {hit.flag_id: hit for hit in detect(heel_nlp(text))}
    assert flag in hits, f"{flag} missed in {text!r}; got {sorted(hits)}"
    assert hits[flag].level == RED_FLAG_LEVELS[flag]
    assert hits[flag].evidence


@pytest.mark.parametrize("text", SILENT)
def test_silent(heel_nlp, text):
    assert flags(heel_nlp, text) == []


@pytest.mark.parametrize(
    "flag,level",
    [
        ("cold_pale_foot", E),
        ("hot_swollen_foot_fever", E),
        ("cannot_bear_weight_after_injury", E),
        ("achilles_rupture", U),
        ("diabetic_foot_wound", U),
        ("new_neuro_deficit", U),
        ("night_pain_systemic", D),
        ("inflammatory_pattern", D),
    ],
)
def test_levels(flag, level):
    assert RED_FLAG_LEVELS[flag] == level


def test_every_rule_cites_a_source():
    assert all(rule.source for rule in flag_rules())
    assert {rule.flag_id for rule in flag_rules()} == set(RED_FLAG_LEVELS)
    assert all(concept.patterns for concept in concepts())


def test_sorted_most_severe_first_and_one_hit_per_flag(heel_nlp):
    text = (
        "I'm diabetic with a blister on my heel, my foot went numb, and I fell off a ladder and can't walk. "
        "Also my foot is numb"
    )
    hits = detect(heel_nlp(text))
    ids = [hit.flag_id for hit in hits]
    assert ids == ["cannot_bear_weight_after_injury", "diabetic_foot_wound", "new_neuro_deficit"]
    assert len(ids) == len(set(ids))
    assert [hit.level.rank for hit in hits] == sorted(hit.level.rank for hit in hits)
    assert most_severe(hits).flag_id == "cannot_bear_weight_after_injury"
    assert most_severe([]) is None


def test_detect_text_and_hit_type(heel_nlp):
    hits = detect_text("my foot has gone blue", heel_nlp)
    assert hits == [RedFlagHit("cold_pale_foot", E, hits[0].evidence)]
    assert "blue" in hits[0].evidence


def test_empty_and_punctuation_only(heel_nlp):
    assert flags(heel_nlp, "") == []
    assert flags(heel_nlp, "?!...") == []


@pytest.mark.parametrize(
    "turns,expected",
    [
        (["I'm diabetic", "there's a blister on my heel"], ["diabetic_foot_wound"]),
        (["I have type 1 diabetes", "what causes heel pain?", "my heel has an ulcer"], ["diabetic_foot_wound"]),
        (
            ["I fell off a ladder yesterday", "now I can't put any weight on my foot"],
            ["cannot_bear_weight_after_injury"],
        ),
        (["my foot is red and swollen", "I've also got a fever now"], ["hot_swollen_foot_fever"]),
        (["the heel pain wakes me up at night", "I've lost a lot of weight without trying"], ["night_pain_systemic"]),
        (["I'm diabetic and have a blister on my heel", "ok thanks"], []),  # old facts do not re-fire every turn
        (["my mum is diabetic", "there's a blister on my heel"], []),
        (["I'm not diabetic", "there's a blister on my heel"], []),
        (["is diabetes a risk for foot ulcers?", "I have a blister on my heel"], []),
    ],
)
def test_context_from_earlier_turns(heel_nlp, turns, expected):
    context = None
    hits = []
    for turn in turns:
        doc = heel_nlp(turn)
        hits = detect(doc, context)
        context = context_from_text(doc, context)
    assert [hit.flag_id for hit in hits] == expected


def test_context_round_trip_and_merge():
    context = RedFlagContext.from_dict({"has_diabetes": True})
    merged = context.merge(RedFlagContext.from_dict({"injury": True}))
    assert merged.has_diabetes and merged.injury
    assert RedFlagContext.from_dict(merged.to_dict()) == merged
    assert RedFlagContext.from_dict({"has_diabetes": 1, "unknown": True}).has_diabetes
    assert RedFlagContext.from_dict(None) == RedFlagContext()
    assert "diabetes" in merged.facts()


def test_explicit_context_argument(heel_nlp):
    assert flags(heel_nlp, "I have a cut on my heel", RedFlagContext.from_dict({"has_diabetes": True})) == [
        "diabetic_foot_wound"
    ]
    assert flags(heel_nlp, "I have a cut on my heel") == []


@pytest.mark.parametrize(
    "text,expected",
    [
        ("my daughter is diabetic and she has a blister on her heel", ["diabetic_foot_wound"]),  # carer for a child
        ("I'm diabetic and my son has a cut on his foot", []),  # two different people
        ("my friend fell and can't walk", []),
        ("she's diabetic and has an ulcer on her heel", ["diabetic_foot_wound"]),  # unresolved she: fire
        ("my mum is diabetic and so am I, and I've got a blister on my heel", ["diabetic_foot_wound"]),
    ],
)
def test_attribution(heel_nlp, text, expected):
    assert flags(heel_nlp, text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("is it a rupture?", ["achilles_rupture"]),  # points at their own problem
        ("could this be a torn achilles?", ["achilles_rupture"]),
        ("what does a pop at the back of the heel mean?", []),
        ("I heard a pop at the back of my heel, what does that mean?", ["achilles_rupture"]),
        ("should I worry that my foot is numb?", ["new_neuro_deficit"]),
        ("what should I do if my foot goes numb?", []),
    ],
)
def test_questions(heel_nlp, text, expected):
    assert flags(heel_nlp, text) == expected


def test_pseudo_negation_does_not_hide_a_flag(heel_nlp):
    assert flags(heel_nlp, "not only is my heel sore, my foot has gone numb") == ["new_neuro_deficit"]
    assert flags(heel_nlp, "I'm not sure but I think my foot is numb") == ["new_neuro_deficit"]


def test_scope_ends_at_but(heel_nlp):
    assert flags(heel_nlp, "no fever, but my foot has gone cold and white") == ["cold_pale_foot"]
    assert flags(heel_nlp, "I didn't fall but my foot went numb") == ["new_neuro_deficit"]


def test_eval_script(heel_nlp, tmp_path):
    import yaml

    from scripts.eval_redflags import evaluate, passes

    cases = {
        "red_flags": [{"text": "my foot went blue", "flag": "cold_pale_foot", "level": "emergency"}],
        "negated": [{"text": "my foot is not blue"}],
    }
    report = evaluate(cases, heel_nlp)
    assert passes(report) and report["recall"] == 1.0 and report["false_alarm_rate"] == 0.0
    cases["red_flags"].append({"text": "heel hurts a bit", "flag": "achilles_rupture", "level": "urgent"})
    report = evaluate(cases, heel_nlp)
    assert not passes(report) and report["misses"][0]["flag"] == "achilles_rupture"
    path = tmp_path / "cases.yml"
    path.write_text(yaml.safe_dump(cases), encoding="utf-8")
    assert path.exists()


def test_a_set_labelled_by_care_level_only_counts_anyones_alert(heel_nlp):
    """Story sets name the level, not the flag: any alert catches a case (the visitor's or another adult's), the
    level is reported apart, and a look-alike that alerts for anyone is a false alarm."""
    from scripts.eval_redflags import evaluate

    cases = {
        "red_flags": [
            {"text": "my husband fell off a ladder and cannot put any weight on his foot", "level": "emergency"},
            {"text": "my heel aches after runs", "level": "urgent"},
        ],
        "negated": [{"text": "my wife's foot went blue and cold this morning", "why_quiet": "written to alert"}],
    }
    report = evaluate(cases, heel_nlp)
    assert report["per_flag"] == {"emergency": (1, 1), "urgent": (0, 1)}
    assert report["false_alarm_rate"] == 1.0 and not report["wrong_level"]


@pytest.mark.parametrize(
    "text",
    [
        "my phone number is 07700 900123",
        "Before I give you my number, how is my personal information stored?",
        "what number do I call to book",
    ],
)
def test_phone_numbers_are_not_numbness(heel_nlp, text):
    """The lookup lemmatizer maps 'number' to 'numb'; the pipeline must override it (found in review)."""
    assert detect_text(text, heel_nlp) == []


@pytest.mark.parametrize(
    "text",
    [
        "does psoriasis ever cause heel problems",
        "can crohns disease affect your feet",
        "reactive arthritis and the achilles, is there a link?",
        "what's the connection between spondylitis and sore heels",
    ],
)
def test_questions_naming_a_background_condition_are_topics_not_reports(heel_nlp, text):
    assert detect_text(text, heel_nlp) == []


@pytest.mark.parametrize(
    "text, flag",
    [
        ("psoriasis, and now both heels ache", "inflammatory_pattern"),
        ("I've got colitis and my heel has been sore for weeks", "inflammatory_pattern"),
        ("type 1 diabetic, blister on my heel that's gone red", "diabetic_foot_wound"),
    ],
)
def test_telegraphic_self_reports_still_fire(heel_nlp, text, flag):
    assert flag in [hit.flag_id for hit in detect_text(text, heel_nlp)]


# ---------------------------------------------------------------------------------------------------------------
# Error classes reported by an external evaluation (described abstractly there; every phrasing below is our own).
# Each false-alarm class has guards: near-identical messages that must still fire (safety first).
# ---------------------------------------------------------------------------------------------------------------

OBJECT_POPS = [  # pop / snap / rupture / kick words about objects or other things
    "my shoelace snapped halfway round my run and now my heel is sore",
    "the heel counter on my old trainers snapped, could that be why my heel hurts?",
    "a balloon popped right next to me at the party, anyway my heel aches in the morning",
    "I had pop music blasting on my run and my heel started aching",
    "I crack my knuckles all the time, unrelated, but my heel hurts",
    "my insole snapped in half so I need new ones for my heel pain",
    "I kicked a ball around with my kids and my heel is sore after",
    "heard a loud bang from the car next door while I was stretching my calves",
    "the gel pad in my heel cup ruptured and leaked everywhere",
    "the strap on my sandal snapped and my heel has been sore since",
    "the kids were popping bubble wrap while I iced my heel",
    "I snapped a photo of my heel to show you",
    "my lace snapped and I had to walk home with a sore heel",
    "my dog snapped at my ankle but didn't bite, anyway my heel aches",
    "someone kicked the ball and it smacked my achilles, bit of a bruise",
    "I had a ruptured disc in my back a while ago and now my heel hurts",
    "the back tab of my running shoe snapped off and it's been rubbing my heel",
    "kids were letting off fireworks, loud bangs all night, my heel is sore from running",
    "I popped a couple of ibuprofen for my heel",
    "the heel of my boot snapped off on the stairs but I'm fine",
    "I snapped at my husband because my heel hurts so much",
    "my kids popped all the balloons and I trod on one, heel sore",
]
OBJECT_POP_GUARDS = [  # the sensation is the visitor's: must still fire
    "it felt like a rubber band snapped at the back of my heel",
    "sounded like a balloon popping at the back of my ankle",
    "my laces came undone and then I felt a pop in my heel",
    "bent down to tie my shoe and heard a pop at the back of my heel",
    "something snapped at the back of my heel while I was putting my trainers on",
    "heard a loud crack from my heel when I jumped",
    "my achilles snapped like an elastic band",
]

PAST_RESOLVED = [  # a past, treated, resolved event with a time marker
    "I ruptured my achilles in 2015, it was repaired and fine since; now the other heel is sore",
    "broke my heel years ago and couldn't walk for 6 weeks, it healed fine, but now it aches after running",
    "I tore my achilles back in 2019, had surgery and it's all good now, but my plantar fascia is playing up",
    "In 2018 I snapped my achilles playing squash. It healed well after the op. Now I have heel pain on the "
    "other side.",
    "ruptured my left achilles in 2012, repaired surgically, no problems since. right heel sore in the mornings",
    "my achilles snapped when I was 30 and was repaired, since then no problems, now heel pain",
    "back in 2016 I felt a pop in my achilles and had it stitched, fine ever since. Current issue is arch pain",
    "I fell off a ladder in 2020 and couldn't walk for a month, it healed fine, this heel pain is new",
    "I'm diabetic; I had an ulcer on my heel in 2019 that healed completely, now it's just plantar fasciitis",
    "Snapped my achilles about 8 years back, operated on, no issues since. Now my other heel aches",
    "When I was 25 I ruptured my achilles, it was fixed with surgery and I've been fine since",
]
PAST_RESOLVED_GUARDS = [  # a new event next to an old one, or an old one that never recovered
    ("I ruptured my achilles in 2015 and it was repaired, but today I felt a pop in the same heel", "achilles_rupture"),
    ("My achilles was repaired in 2018 and yesterday I heard a snap at the back of the heel again", "achilles_rupture"),
    ("I broke my heel years ago, and today I fell off a ladder and can't walk", "cannot_bear_weight_after_injury"),
    (
        "I tore my achilles in 2016, it was never repaired, and this morning I felt a pop in it again",
        "achilles_rupture",
    ),
]

TRANSIENT_BENIGN = [  # transient sensation with a benign cause, gone again
    "my feet got really cold in the snow but warmed up straight away once I got inside",
    "toes went white and cold in the rain on my run but were fine after a hot shower",
    "my foot went numb from sitting cross-legged and was normal again after a minute",
    "my foot went to sleep during the film, fine now, but my heel aches",
    "kneeling in church made my foot go numb, it came back to normal quickly",
    "feet were chilly at the bus stop, warmed up in the car, heel still aches though",
    "I sat on my foot and it went numb, then pins and needles, then normal again",
    "after kneeling to do the gardening my foot was numb, totally fine a minute later",
    "My feet got freezing cold in the snow yesterday. They warmed up straight away once I got inside.",
    "my foot went dead after sitting on it on the train, it was fine a minute later",
    "foot went numb on a long drive, fine after I got out and walked it off",
    "toes were blue with cold after the rain but pink again after a bath",
    # session 3 (v5 first look): "warm up quickly" / "look normal" are recoveries too
    "my toes go icy after a cold plunge at the lido but they warm up fast and look fine",
    # a dip or gap that is not in the tendon
    "there's been a dip in my pace since my heel started hurting",
    "took a dip in the sea, my achilles was sore after",
    "had a gap of two weeks off running and my heel still aches",
    # session 3 (v6 first look): a feeling that something will happen is not an event; psoriasis with
    # one-sided heel pain and no other joints is not the inflammatory pattern
    "after the hill reps my achilles feels like it's gonna fall off haha",
    "I've got psoriasis on my scalp, but my heel pain is only in one heel after football and no other joint hurts",
    "feet turned cold and a bit white after paddling in the sea, they looked normal again after ten minutes",
    # footwear or sitting as the cause, the feeling stated back; "came right"; "normal since"
    "my toes went numb on my run because my laces were too tight, I loosened them and the feeling was back quickly",
    "the top of my foot went numb in my ski boots, I undid the buckles and the sensation returned, my heel is the issue",
    "my foot went numb sitting cross-legged at the concert, it came right after a short walk",
    "my toes went numb from lacing my trainers too tightly and have been totally normal since",
]
TRANSIENT_GUARDS = [  # same causes, but the sensation stayed or came back
    ("My feet got cold in the snow and they still haven't warmed up hours later and look white", "cold_pale_foot"),
    ("my foot went numb from kneeling and it's still numb two hours later", "new_neuro_deficit"),
    ("my foot went numb while sitting and the feeling hasn't come back yet", "new_neuro_deficit"),
    ("my toes went white in the snow, warmed up, but now they're white and cold again", "cold_pale_foot"),
    ("my foot is cold and pale and hasn't warmed up", "cold_pale_foot"),
    ("my foot went numb while sitting at my desk and the numbness keeps coming back", "new_neuro_deficit"),
    ("my foot went numb while lying in bed and 20 minutes later it's still numb", "new_neuro_deficit"),
    ("my toes went numb from tight laces, I loosened them but the feeling still isn't back", "new_neuro_deficit"),
    ("my foot went numb after sitting on the floor and the sensation has not returned", "new_neuro_deficit"),
    ("my foot went white and cold while sitting in the garden, is it ok now?", "cold_pale_foot"),
]

OTHER_PERSON_THEN_ME = [  # the concepts belong to someone else; the writer only later speaks about themself
    "my gran is diabetic and has an ulcer on her foot... I'd like to ask about insoles for me",
    "My gran is diabetic. She has an ulcer on her foot. I'd like to ask about insoles for me.",
    "my flatmate is diabetic and has an infected blister on her heel, I'm asking about my plantar fasciitis",
    "my gran's foot has gone blue, and I want to ask about my heel",
    "asking for my gramps: diabetic with a weeping sore on his heel. Also what insoles would suit me?",
    "my housemate's foot went numb, I have heel pain",
    "my mum is diabetic and has a cut on her foot that won't heal, and I also have a sore heel",
    "my stepdad fell off his roof and can't walk. I just want to book for my own heel pain",
    "my nanna is diabetic and she's got a sore on her heel that's weeping. For me, I want to ask about heel cups",
    "My grandparents are both diabetic and my gran has a foot ulcer; I'm just here about my heel pain",
]
OTHER_PERSON_GUARDS = [
    ("my gran is diabetic and so am I, and I have a blister on my heel", "diabetic_foot_wound"),
    ("my gran has diabetes like me, and I've got a cut on my heel that won't heal", "diabetic_foot_wound"),
    ("My gran is diabetic. So am I, and there's an ulcer on my heel.", "diabetic_foot_wound"),
]

INDIRECT_DIABETES_WOUNDS = [  # diabetes said indirectly, wound described loosely
    "Type 1 since I was a kid, and I've got a cut on my heel that's still open after a week",
    "T1D here, there's a sore patch on my heel that's getting redder",
    "type 2, blister on my heel that won't heal",
    "on metformin, got a cut on my heel that's still open after a week",
    "my diabetes nurse is away and I have a blister on my heel that won't heal",
    "my sugars are all over the place and there's a sore patch on my heel getting redder",
    "I go to the diabetic clinic, there's a graze on my heel that's weeping",
    "been type one since childhood, heel has a cut that hasn't closed up",
    "T2 and there's a red sore spot on my heel",
    "my sugar levels are high and I've got a blister on my foot",
    "I'm type 1, my heel has a nick that's gone a bit pink and puffy",
    "my hba1c is high and there's a spot on my heel that won't heal",
    "my diabetic nurse said to ask, i've a crack in my heel thats bleeding",
    "on insulin since 2010, scraped my heel on a step and it's weeping",
    "my libre says my sugars are high, there's a blister on my heel",
    "type1 diabetic, rubbed my heel raw on a hike",
]

INFORMAL_INFLAMMATORY = [  # both heels, long morning stiffness (or achiness), other joints: informal wording
    "both heels achey in the mornings for like an hour+, my toes n knees too",
    "stiff for ages when I get up, both heels, and my hands",
    "hands and heels both stiff for ages when i get up",
    "both heels r achey in da mornin for like an hour n my knees hurt 2",
    "my heels are achy for over an hour every morning and my knees and fingers ache too",
    "both my heels ache for 1hr+ after I get up and my lower back is stiff",
    "both feet achy first thing for a good hour, and my wrists and knees too",
    "heels both sore n stiff for hrs when i wake up, knees too",
    "heels both achy every morning till lunch, plus my knees n wrists",
    "my heels are sore for hours when I get out of bed and my hips and knees ache",
]
INFORMAL_INFLAMMATORY_SILENT = [  # short-lived or no other joints: mechanical, not inflammatory
    "both heels achey in the mornings for a few minutes, my knees too",
    "both heels ache in the morning and my knees hurt after running",
    "both heels are a bit achy first thing but it goes after 5 mins, knees fine",
    "I wear heels at work and my feet ache for hours in the morning, knees are fine",
]


@pytest.mark.parametrize(
    "text", OBJECT_POPS + PAST_RESOLVED + TRANSIENT_BENIGN + OTHER_PERSON_THEN_ME + INFORMAL_INFLAMMATORY_SILENT
)
def test_error_classes_silent(heel_nlp, text):
    assert flags(heel_nlp, text) == []


@pytest.mark.parametrize(
    "text,flag",
    [(t, "achilles_rupture") for t in OBJECT_POP_GUARDS]
    + PAST_RESOLVED_GUARDS
    + TRANSIENT_GUARDS
    + OTHER_PERSON_GUARDS
    + [(t, "diabetic_foot_wound") for t in INDIRECT_DIABETES_WOUNDS]
    + [(t, "inflammatory_pattern") for t in INFORMAL_INFLAMMATORY],
)
def test_error_classes_fire(heel_nlp, text, flag):
    assert flag in flags(heel_nlp, text)


def test_error_classes_have_enough_cases():
    for cases in (
        OBJECT_POPS,
        PAST_RESOLVED,
        TRANSIENT_BENIGN,
        OTHER_PERSON_THEN_ME,
        INDIRECT_DIABETES_WOUNDS,
        INFORMAL_INFLAMMATORY,
    ):
        assert len(cases) >= 6


def test_indirect_diabetes_is_remembered_for_a_later_wound(heel_nlp):
    context = context_from_text(heel_nlp("T1D since I was 12"))
    assert flags(heel_nlp, "there's a graze on my heel that's weeping", context) == ["diabetic_foot_wound"]


@pytest.mark.parametrize(
    "text,expected",
    [
        # falls "in" a place are falls (found in review: a veto on "fell in" hid them)
        ("I fell in the bathroom and can't put weight on my foot", ["cannot_bear_weight_after_injury"]),
        ("had a fall in the garden and now I can't walk on it", ["cannot_bear_weight_after_injury"]),
        ("slipped in the shower and can't stand on my foot", ["cannot_bear_weight_after_injury"]),
        ("I'm breaking in new trainers and can't walk far in them", []),
        # new diabetes and wound wording must not read unrelated words as diabetes or a wound
        ("I'm diabetic, is the clinic still open today?", []),
        ("I'm type 2 diabetic and my plantar fasciitis is a bit better but still not healed", []),
        ("my MRI showed a T2 signal in the heel, and my heel is a bit puffy", []),
        ("my son had a Salter-Harris type 2 fracture, his heel is swollen", []),
        ("I'm trying to cut down on sugar, my heel is a bit red where my shoe rubs", []),
        ("what type 2 insoles do you sell?", []),
        # plural heels count as both heels, high heels do not
        ("I wear heels to work every day, my feet ache for hours in the morning and my knees hurt", []),
        ("both heels hurt for hours after my long run on sunday morning, and my knees ache", []),
        # the writer's clinician does not make a finding someone else's
        ("my GP says I'm diabetic and I've got a sore on my heel", ["diabetic_foot_wound"]),
        ("the physio thinks I've ruptured my achilles", ["achilles_rupture"]),
    ],
)
def test_review_findings(heel_nlp, text, expected):
    assert flags(heel_nlp, text) == expected


def test_detection_stays_fast(heel_nlp):
    """Every message is screened: well under 10 ms each, also for a long rambling one."""
    import time

    docs = [heel_nlp(text) for text in [t for t, _ in POSITIVE] + SILENT]
    docs.append(heel_nlp(". ".join(t for t, _ in POSITIVE[:25])))
    for doc in docs:
        detect(doc)  # warm caches
    import gc

    slowest = 0.0
    gc.disable()  # a collector pause is not the detector's time
    try:
        for doc in docs:
            began = time.perf_counter()
            detect(doc)
            slowest = max(slowest, time.perf_counter() - began)
    finally:
        gc.enable()
    assert slowest < 0.05  # generous bound for slow CI machines; typical is about 0.5 ms


@pytest.mark.parametrize(
    "text, flag",
    [
        (
            "twisted my ankle coming down the stairs and I have not been able to stand on it since",
            "cannot_bear_weight_after_injury",
        ),
        ("fell off my bike, haven't been able to put any weight through the foot", "cannot_bear_weight_after_injury"),
        ("went over on my ankle on a run and can't put my foot down", "cannot_bear_weight_after_injury"),
        ("I can't lift up the toes of my right foot since this morning", "new_neuro_deficit"),
        ("my foot keeps slapping down on the ground when I walk now", "new_neuro_deficit"),
    ],
)
def test_loosely_worded_emergencies_and_foot_drop_fire(heel_nlp, text, flag):
    """Found on a fresh held-out set: 'not been able to', a longer object after 'lift', and foot slap."""
    assert flag in [hit.flag_id for hit in detect_text(text, heel_nlp)]


@pytest.mark.parametrize(
    "text",
    [
        "my ankle is not weak, I can stand on tiptoe fine",
        "the foot isn't weak and I'm not unwell, it's just sore under the heel",
    ],
)
def test_negated_weakness_is_not_read_as_feeling_unwell(heel_nlp, text):
    assert detect_text(text, heel_nlp) == []


# Classes found by the first looks at held-out v10-v15 (docs/evaluation.md, session 5), each with phrasings of our
# own: SESSION5_FIRES must fire with its flag, SESSION5_SILENT must stay silent.
SESSION5_FIRES: list = []
SESSION5_SILENT: list = []

SESSION5_FIRES += [  # v10
    # "has gone red" is a change of state, not "the swelling has gone": the symptom before it is current
    ("running a temperature since last night and my heel has gone hot and swollen", "hot_swollen_foot_fever"),
    ("I'm type 2 and the graze on my heel has gone pink and weepy", "diabetic_foot_wound"),
    ("I'm diabetic, the cut under my foot has gone a funny dark colour", "diabetic_foot_wound"),
    # a child who won't or refuses to walk after a fall
    ("my daughter tripped on the trampoline and she won't stand on that foot", "cannot_bear_weight_after_injury"),
    ("toddler fell down two steps and refuses to walk now", "cannot_bear_weight_after_injury"),
    ("jumped off the wall and he wont put any weight on it", "cannot_bear_weight_after_injury"),
    # other joints that are stiff or sore rather than swollen
    ("both heels stiff for hours every morning and my fingers are sore and stiff too", "inflammatory_pattern"),
    ("each morning both heels are rigid till lunch, and my wrists ache as well", "inflammatory_pattern"),
]


SESSION5_SILENT += [  # v10
    "zero numbness and zero weakness, it's just a dull ache under the heel",
    "the swelling has gone now and it's only sore after long walks",
    "the redness has gone completely, just a bit tender",
    "I twisted it ages ago and I won't walk far in those shoes any more",
    "my fingers are stiff from typing all day, heel hurts after runs",
]


SESSION5_FIRES += [  # v11
    ("slipped on the ice and can't manage more than a couple of steps on that foot", "cannot_bear_weight_after_injury"),
    # "as a kid", a bare self-description at the start: the writer, not a child or another person
    ("been diabetic since I was a child and now there's a sore on my heel that won't close", "diabetic_foot_wound"),
    ("keen walker, type 2 for years, and there's a blister on my heel that's gone weepy", "diabetic_foot_wound"),
    ("T2 here - crack in my heel skin is bleeding, should I just put cream on it?", "diabetic_foot_wound"),
    # sensory loss in lay words, a comparison with an injection, a new onset next to an old complaint
    ("the bottom of my foot feels like cotton wool since yesterday", "new_neuro_deficit"),
    ("I poke my heel and can barely feel it, that's new", "new_neuro_deficit"),
    ("whole sole numb like I've had a dental injection, started this morning", "new_neuro_deficit"),
    ("plantar fasciitis for months but since last night my foot is numb on the outside", "new_neuro_deficit"),
    ("heel has hurt for ages, but this week my toes won't lift when I walk", "new_neuro_deficit"),
    # "not sure why" reports, it does not ask; sweats on waking
    ("heel aches at rest and in bed, and I've lost weight, no idea why", "night_pain_systemic"),
    ("heel pain wakes me every night and I wake up drenched most mornings", "night_pain_systemic"),
]


SESSION5_SILENT += [  # v11
    "nil swelling and nil numbness, sore arch after long runs",
    "no colour changes at all and my feet are warm, just morning heel pain",
    "no fever, not feeling poorly, heel just aches after football",
    "snapped a tendon in my thumb years back, my heel is just a bit stiff",
    "twisted it last month and I can't walk more than a mile before it aches",
    "my mum is diabetic, she has a blister on her heel, what should she put on it?",
]


SESSION5_FIRES += [  # v12
    (
        "stepped into a pothole on my way home and now I can't put any weight on that foot",
        "cannot_bear_weight_after_injury",
    ),
    ("landed awkwardly off the last step and I cannot stand on it at all", "cannot_bear_weight_after_injury"),
    (
        "at netball it felt like someone lobbed a ball at my heel, nobody had, and now I can't push off",
        "achilles_rupture",
    ),
    ("something hit the back of my ankle at badminton, I turned round and no one was behind me", "achilles_rupture"),
    ("heel aches even when resting in bed, and my jeans are hanging off me, not on any diet", "night_pain_systemic"),
    ("heel pain every night, I lose 5 kg this month without trying", "night_pain_systemic"),
    ("heel throbs at night even in bed and I've lost a stone without dieting", "night_pain_systemic"),
]


SESSION5_SILENT += [  # v12
    "heard a crack behind me at the gym, turned out someone dropped a weight, my heel is only a bit sore",
    "after the cold pack my heel looked whitish for a bit but it's back to pink now",
    "toes went pale on an icy run yesterday, pinked up once I was inside, heel still achy",
    "night sweats in this heat wave, but the heel is fine at night and only sore when I run",
    "asking for my dad who has psoriasis, I don't have psoriasis myself, my heels ache after netball",
]


SESSION5_FIRES += [  # v13
    (
        "went over on my ankle hiking and my mates had to carry me down, I still can't put it down",
        "cannot_bear_weight_after_injury",
    ),
    ("at tennis I spun round to see who kicked me in the heel, no one was there, can't tiptoe now", "achilles_rupture"),
    ("on metformin for years, and the skin over my heel has gone purplish", "diabetic_foot_wound"),
    ("I'm type 2 and there's a dark patch on the side of my heel", "diabetic_foot_wound"),
    ("hot and sweaty all day, shivering tonight, and my heel is red and swollen", "hot_swollen_foot_fever"),
]


SESSION5_SILENT += [  # v13
    "the scan ruled out a ruptured achilles, they think it's just irritated",
    "my fitness tracker said no pulse for a minute, the strap was loose, heel just aches",
    "I keep dragging my feet about booking a physio, the heel has been sore for months",
    "always hot and sweaty after a long run and my heel is a bit tender afterwards",
]


@pytest.mark.parametrize(
    "text",
    [
        "if I wear a night splint every night will my ankle get weaker",
        "is shockwave any good or is the research on it weak",
        "does taping make my feet weak if I use it for months",
    ],
)
def test_questions_about_weak_evidence_or_future_weakness_are_topics(heel_nlp, text):
    """Found by running the detector over every held-out intent utterance (session 5): education questions."""
    assert detect_text(text, heel_nlp) == []


SESSION5_FIRES += [  # v14
    ("FELL OFF THE LADDER AND I CANT STAND ON MY LEFT FOOT", "cannot_bear_weight_after_injury"),
    ("came off the horse yesterday, haven't managed to walk on that foot since", "cannot_bear_weight_after_injury"),
    ("tripped on the stairs and the lads had to carry me home", "cannot_bear_weight_after_injury"),
    ("a pallet truck ran over my foot at work and I cannot walk on it", "cannot_bear_weight_after_injury"),
    (
        "slipped on the wet deck while out running and I still can't put the foot on the ground",
        "cannot_bear_weight_after_injury",
    ),
    ("there's a hollow a couple of fingers above my heel where the cord used to be", "achilles_rupture"),
    ("my sugars have been high for ages and there's a blister on my heel", "diabetic_foot_wound"),
    ("I am sugar patient, small cut on my heel is not closing", "diabetic_foot_wound"),
    ("keep catching my toes since Friday, the foot sort of hangs down when I lift it", "new_neuro_deficit"),
    (
        "heel pain a long time, but since Tuesday my foot became weak and I'm not able to lift my toes",
        "new_neuro_deficit",
    ),
    ("it throbs in bed at night, and I had breast cancer surgery two years ago", "night_pain_systemic"),
    ("colitis patient here, heels have started hurting, what should I do?", "inflammatory_pattern"),
]


SESSION5_SILENT += [  # v14
    "Numb toes? No, not at all, it's just a dull ache under the heel",
    "Swollen foot: no. Fever: no. Just stiff first thing.",
    "cold feet - none, colour - normal, it's only sore after football",
]


SESSION5_FIRES += [  # v15
    ("my 9 year old fell off the climbing frame and he can't put his foot down", "cannot_bear_weight_after_injury"),
    ("came off the back of the quad bike, now when I take a step the ankle buckles", "cannot_bear_weight_after_injury"),
    (
        "fell off the top of the ladder and missed the bottom rung, can't hobble a single step",
        "cannot_bear_weight_after_injury",
    ),
    (
        "mid rally there was a crack behind my heel like a rubber band, can't get up on the ball of my foot",
        "achilles_rupture",
    ),
    ("felt a thump on the back of my ankle at five-a-side, spun round and nobody was there", "achilles_rupture"),
    ("my foot keeps scuffing the pavement and I can't lift it up properly since this morning", "new_neuro_deficit"),
    ("heel is worse lying in bed and my belt is two notches tighter without trying", "night_pain_systemic"),
    ("had a lymphoma treated years ago, and lately my heel aches even at rest", "night_pain_systemic"),
    ("Psoriatic arthritis diagnosed last year and now both heels hurt, related?", "inflammatory_pattern"),
    (
        "I'm a plumber, not a runner; both heels ache for an hour every morning and a toe swelled up like a sausage",
        "inflammatory_pattern",
    ),
]


SESSION5_SILENT += [  # v15
    "I'm a podiatry student and my patients ask about diabetic ulcers, what do you advise?",
    "if my foot ever turned blue would you want me to go to A&E? just asking hypothetically",
    "the physio manipulated my ankle and there was a satisfying pop, felt much better after",
    "my legs are pale as I never get any sun, feet warm, heel sore after parkrun",
    "saw a clip of a sprinter whose achilles snapped, my heel is only a bit sore",
]


@pytest.mark.parametrize("text, flag", SESSION5_FIRES)
def test_session5_classes_fire(heel_nlp, text, flag):
    assert flag in [hit.flag_id for hit in detect_text(text, heel_nlp)]


@pytest.mark.parametrize("text", SESSION5_SILENT)
def test_session5_classes_silent(heel_nlp, text):
    assert detect_text(text, heel_nlp) == []


# Session 6: another adult's current danger sign is reported apart (detect_split), never as the visitor's own.
SOMEONE_ELSE_FIRES = [
    ("my husband came off his bike this morning and can't put his foot down at all", "cannot_bear_weight_after_injury"),
    ("my mum's foot has gone white and cold and she can't warm it up", "cold_pale_foot"),
    ("my dad's heel is hot, red and swollen and he's running a temperature", "hot_swollen_foot_fever"),
    (
        "my girlfriend felt something snap at the back of her heel at netball and now she can't stand on tiptoe",
        "achilles_rupture",
    ),
    ("my gran is diabetic and there's a sore on her heel that's weeping", "diabetic_foot_wound"),
    ("I was checking my aunt's feet and found an open sore under her heel, she's type 2", "diabetic_foot_wound"),
    ("my flatmate, who lives with me, can't feel her foot at all since this morning", "new_neuro_deficit"),
    ("my uncle keeps waking at night with heel pain and he's lost a stone without trying", "night_pain_systemic"),
    ("my wife had bowel cancer a few years ago and now her heel aches all night", "night_pain_systemic"),
    ("sis in law, both heels really stiff for hours every am and her knees ache too", "inflammatory_pattern"),
]
SOMEONE_ELSE_SILENT = [  # nobody to send anywhere: under care, background only, a story, hearsay, fine
    "my dad has a diabetic foot ulcer and the district nurse is dressing it, what insoles are good for me?",
    "my sister has psoriasis, can it run in families?",
    "my friend snapped her achilles last year, how do I avoid that?",
    "people say a pop means a rupture, is that right?",
    "my coach reckons numbness in the foot is always a nerve thing",
    "my friend has psoriasis but her heels are fine, does it affect feet?",
    "my brother's foot drop after his back operation years ago has recovered, I just have heel pain",
    "my dad's diabetic ulcer is being looked after by the district nurse, what shoes would suit me?",
]


@pytest.mark.parametrize("text,flag", SOMEONE_ELSE_FIRES)
def test_another_adults_sign_is_reported_apart(heel_nlp, text, flag):
    own, others = redflags.detect_split(redflags.parse(text, heel_nlp))
    assert own == [] and flag in [hit.flag_id for hit in others]


@pytest.mark.parametrize("text", SOMEONE_ELSE_SILENT)
def test_another_adults_story_or_managed_problem_alerts_no_one(heel_nlp, text):
    assert redflags.detect_split(redflags.parse(text, heel_nlp)) == ([], [])


@pytest.mark.parametrize(
    "text, flag",
    [  # review, session 6: set-aside phrases must not swallow these
        ("I'm looking after my mum today and her foot has gone cold and white", "cold_pale_foot"),
        ("my dad had knee surgery on monday and now his foot is cold and blue", "cold_pale_foot"),
        ("my husband's foot has gone cold and grey in his cast", "cold_pale_foot"),
        ("my brother's foot went numb after his back operation, I just have heel pain", "new_neuro_deficit"),
        (
            "I watched my wife fall down the stairs and she can't put any weight on her foot",
            "cannot_bear_weight_after_injury",
        ),
        (
            "my partner's heel is hot and swollen and she has a fever, I'm worried I left it too long",
            "hot_swollen_foot_fever",
        ),
    ],
)
def test_another_adults_sign_in_a_carers_or_witness_words_still_alerts(heel_nlp, text, flag):
    own, others = redflags.detect_split(redflags.parse(text, heel_nlp))
    assert flag in [hit.flag_id for hit in own + others]


def test_a_carer_who_is_not_coming_is_nobody_on_it(heel_nlp):
    own, others = redflags.detect_split(
        redflags.parse(
            "gran's diabetic and her heel has an open sore that's weeping, the district nurse isn't due till friday",
            heel_nlp,
        )
    )
    assert own == [] and [hit.flag_id for hit in others] == ["diabetic_foot_wound"]


def test_the_visitors_own_flag_comes_first_and_alone(heel_nlp):
    own, others = redflags.detect_split(
        redflags.parse(
            "my foot has gone cold and blue, and my husband can't walk after falling off the ladder", heel_nlp
        )
    )
    assert [hit.flag_id for hit in own] == ["cold_pale_foot"] and others == []


def test_another_adults_sign_is_not_set_aside_for_the_intent_guard(heel_nlp):
    assert not redflags.set_aside_only(redflags.parse("my mum's foot has gone white and cold", heel_nlp))
    assert redflags.set_aside_only(redflags.parse("my mum's foot went white and cold years ago", heel_nlp))


def test_a_misspelt_strengthening_question_is_not_weakness(heel_nlp):
    # session 6 (held-out v17a): "strengthening" misspelt lost the veto that keeps exercise questions silent
    assert flags(heel_nlp, "got any strenghtening ideas for my weak arches and feet") == []
    assert flags(heel_nlp, "my foot suddenly went weak this morning, any strenghtening exercises?") == [
        "new_neuro_deficit"
    ]


@pytest.mark.parametrize(
    "text",
    [  # session 6: a background condition named in an education question
        "I've got ulcerative colitis, can it cause heel problems?",
        "diagnosed with ankylosing spondylitis, is heel pain part of it?",
        "I have psoriasis. Is there any connection with sore heels or is that a myth?",
    ],
)
def test_a_background_condition_in_a_question_is_the_topic_not_an_alert(heel_nlp, text):
    assert flags(heel_nlp, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "I have psoriasis and my heel has been sore for weeks, could it be connected?",
        "crohn's sufferer, both heels aching lately, what should I do",
    ],
)
def test_a_background_condition_with_a_reported_heel_symptom_still_fires(heel_nlp, text):
    assert flags(heel_nlp, text) == ["inflammatory_pattern"]


def test_cross_turn_eval_script_scores_due_late_missed_and_false_alarms(heel_nlp):
    from scripts.eval_crossturn import alerts_per_turn, evaluate

    fired = alerts_per_turn(
        ["I'm type 2 diabetic, what trainers are good?", "there's a blister on my heel that has gone red"], heel_nlp
    )
    assert fired == [set(), {"diabetic_foot_wound"}]
    cases = {
        "conversations": [
            {
                "turns": ["I'm diabetic", "a blister on my heel has gone red"],
                "alert_turn": 2,
                "flag": "diabetic_foot_wound",
                "level": "urgent",
            },
            {
                "turns": ["my heel aches", "a blister on my heel has gone red", "I'm diabetic by the way"],
                "alert_turn": 2,
                "flag": "diabetic_foot_wound",
                "level": "urgent",
            },  # due at 2 by this label, the facts come at 3: late
            {"turns": ["my heel aches after runs"], "alert_turn": 1, "flag": "achilles_rupture", "level": "urgent"},
            {"turns": ["I'm diabetic", "my heel aches after runs"], "alert_turn": None, "flag": None, "level": None},
            {"turns": ["my foot has gone white and cold"], "alert_turn": None, "flag": None, "level": None},
        ]
    }
    report = evaluate(cases, heel_nlp)
    assert report["per_flag"] == {"achilles_rupture": (0, 1), "diabetic_foot_wound": (1, 2)}
    assert len(report["late"]) == 1 and len(report["misses"]) == 1
    assert report["false_alarm_rate"] == 0.5


# v25 review (session 8): danger signs over several messages, answers as fragments; our own phrasings. Used with
# the v21 cases by test_danger_signs_completed_across_turns below.
V25_ACROSS_TURNS = [
    # a fragment after the heel was named is about the heel
    (
        ["my left heel has been sore since Tuesday", "red hot and puffy", "and shivery all night, 38.7"],
        "hot_swollen_foot_fever",
        3,
    ),
    (["heel pain", "swelled up like a balloon and hot", "temperature 39 this morning"], "hot_swollen_foot_fever", 3),
    # a place on the heel is not the back; the hand that feels it is not the site
    (
        ["sore heel", "it's angry and swollen at the back and warm when I put my hand on it", "feverish too"],
        "hot_swollen_foot_fever",
        3,
    ),
    # answers one word at a time
    (
        ["heel pain", "both", "mornings", "stiff for a good 2 hours", "yes my knees and fingers"],
        "inflammatory_pattern",
        5,
    ),
    (["heel", "3 months", "yes at night", "lost a lot of weight without trying"], "night_pain_systemic", 4),
    (
        ["sore heel for weeks", "nights are the worst, even when I'm resting", "I had breast cancer six years ago"],
        "night_pain_systemic",
        3,
    ),
    (["heel aching for weeks", "keeps us up at night", "and I'm waking up soaked in sweat"], "night_pain_systemic", 3),
    # the bot's question repeated before the answer, and a heel symptom told before the condition
    (
        [
            "both heels hurt at the achilles insertion",
            "no injury",
            "anything else? I was diagnosed with crohn's in 2019",
        ],
        "inflammatory_pattern",
        3,
    ),
    # clinical shorthand
    (["nurse here, heel erythema and oedema since yesterday", "pyrexial 38.5 today"], "hot_swollen_foot_fever", 2),
    (["jumped off a wall this afternoon", "NWB since"], "cannot_bear_weight_after_injury", 2),
    (
        ["landed on the foot of another player at netball", "can't manage more than one hop on it"],
        "cannot_bear_weight_after_injury",
        2,
    ),
    (
        ["tripped over a step last night", "heel is huge", "every time I stand it gives way"],
        "cannot_bear_weight_after_injury",
        3,
    ),
    (["back of heel agony since sprinting", "there's a defect I can feel above the heel bone"], "achilles_rupture", 2),
]


# --- v21 review (danger signs spread over several messages); our own phrasings, not the held-out items ---------


def conversation_flags(nlp, turns):
    """Flags as the assistant alerts on them turn by turn (single message, or completed by earlier turns)."""
    from scripts.eval_crossturn import alerts_per_turn

    return alerts_per_turn(turns, nlp)


@pytest.mark.parametrize(
    "turns, flag, due",
    [
        (
            ["type 1 diabetic here, any tips for heel pain?", "the back of my heel has a raw patch from my boots"],
            "diabetic_foot_wound",
            2,
        ),
        (
            ["I take insulin for diabetes, if it matters", "there's an open bit of skin on my heel now"],
            "diabetic_foot_wound",
            2,
        ),
        (
            ["Does diabetes make heel pain worse? I got diagnosed in March.", "my heel has a weeping spot"],
            "diabetic_foot_wound",
            2,
        ),
        (
            ["slipped off the kerb this afternoon", "can't get to the loo without hopping, can't put it down"],
            "cannot_bear_weight_after_injury",
            2,
        ),
        (
            [
                "my heel aches most of the day",
                "it's there even at rest and it keeps disturbing my sleep",
                "I've had a temperature on and off all week",
            ],
            "night_pain_systemic",
            3,
        ),
        (["my heel pain wrecks my sleep most nights", "been running a fever too"], "night_pain_systemic", 2),
    ]
    + V25_ACROSS_TURNS,
)
def test_danger_signs_completed_across_turns(heel_nlp, turns, flag, due):
    """v21 review, and v25 review (V25_ACROSS_TURNS above)."""
    fired = conversation_flags(heel_nlp, turns)
    assert flag in fired[due - 1], fired


@pytest.mark.parametrize(
    "text, flag",
    [
        ("playing squash and it felt like a blow to the back of my calf", "achilles_rupture"),
        ("sharp pain at my achilles and I looked round but there was no one behind me", "achilles_rupture"),
        (
            "sore achilles in the mornings. I had Crohn's diagnosed years back, in case that's relevant",
            "inflammatory_pattern",
        ),
        (
            "heel pain for months, and last year the eye clinic treated me for inflammation in my eye",
            "inflammatory_pattern",
        ),
        ("my heels hurt and one of my fingers puffed up like a sausage", "inflammatory_pattern"),
        ("got psoriasis and my heels ache every morning could it be linked", "inflammatory_pattern"),
        ("crohns patient my heels are sore all the time would that be connected", "inflammatory_pattern"),
    ],
)
def test_v21_single_message_wording(heel_nlp, text, flag):
    """Reported symptoms still count beside a run-on question (session 9): "I have psoriasis and my heels ache
    every morning, could it be linked" reports the heels before it asks."""
    assert flag in [h.flag_id for h in detect_text(text, heel_nlp)]


@pytest.mark.parametrize(
    "text",
    [
        "i have psoriasis could that affect my heels",  # a run-on question: a topic (ask_inflammatory), not a report
        # session 9: the heel pain inside a run-on question is asked about, not reported (v26a review)
        "got crohns in my gut would that be behind heel pain",
        "psoriasis on my scalp for years can it cause sore heels",
        "I was reading about reactive arthritis online, can it cause heel pain?",
        "came across ankylosing spondylitis on a forum, is that linked to heels",
        "nah it's not numb, just sore",  # "nah it's" corrects a guess, but "not numb" still negates
        "it only hurts at rest days when I skip stretching",  # "rest days" is not rest pain
    ],
)
def test_v21_look_alikes_stay_quiet(heel_nlp, text):
    assert detect_text(text, heel_nlp) == []


def test_v21_a_correction_is_not_a_negation(heel_nlp):
    # "nah its both": the answer to "is it one heel?" affirms both heels, which the three-part rule then uses
    turns = [
        "my heel is stiff for over an hour every morning",
        "nah its both of them",
        "and my lower back and hips ache too",
    ]
    fired = conversation_flags(heel_nlp, turns)
    assert "inflammatory_pattern" in set().union(*fired)


def test_a_background_condition_said_before_and_a_heel_symptom_reported_now(heel_nlp):
    fired = conversation_flags(
        heel_nlp, ["I have psoriasis, can it affect the heels?", "well both my heels ache every morning now"]
    )
    assert fired == [set(), {"inflammatory_pattern"}]
    # another person's condition, or a question with no symptom reported, does not combine
    assert conversation_flags(heel_nlp, ["my sister has psoriasis", "my heel aches in the morning"]) == [set(), set()]
    assert conversation_flags(
        heel_nlp, ["I have psoriasis, can it affect the heels?", "what stretches would help?"]
    ) == [set(), set()]


# --- v21 part b review (read after its final look; our own phrasings) ------------------------------------------


@pytest.mark.parametrize(
    "turns, flag, due",
    [
        (
            ["a prickly tingling under my heel for a few days", "now it's creeping up into my calf"],
            "new_neuro_deficit",
            2,
        ),
        (["tingly heel since friday", "today it's up to the knee"], "new_neuro_deficit", 2),
        (
            ["my right heel is sore", "the area looks puffy and red and it's hot to touch", "and I've got the shivers"],
            "hot_swollen_foot_fever",
            3,
        ),
        (
            ["heel has ballooned and is red hot", "thermometer says 38.9 like you suggested"],
            "hot_swollen_foot_fever",
            2,
        ),
        (
            ["dad of two here, heel aches worse at night", "and I had bowel cancer a few years back"],
            "night_pain_systemic",
            2,
        ),
        (
            ["dropped a stone and I haven't been on any diet", "my heel throbs at 2am every night"],
            "night_pain_systemic",
            2,
        ),
    ],
)
def test_v21b_danger_signs_completed_across_turns(heel_nlp, turns, flag, due):
    assert flag in conversation_flags(heel_nlp, turns)[due - 1]


@pytest.mark.parametrize(
    "turns",
    [
        ["my wife is diabetic and says to get my blister looked at", "I'm not diabetic myself, my sugar is normal"],
        ["tingling in the heel when my laces are tight", "my calf is tight as well after runs"],
        ["tingling under my heel", "stretching my calves moves the tingle up my leg a bit"],
    ],
)
def test_v21b_look_alikes_stay_quiet(heel_nlp, turns):
    assert conversation_flags(heel_nlp, turns) == [set()] * len(turns)


def test_not_myself_is_unwell_but_not_when_another_word_sits_between(heel_nlp):
    assert "fever" in {o.concept for o in redflags.analyse(heel_nlp("i'm not feeling myself today")) if o.affirmed}
    assert "fever" not in {o.concept for o in redflags.analyse(heel_nlp("i'm not diabetic myself"))}


@pytest.mark.parametrize(
    "turns",
    [
        ["tingling under my heel at night", "my calves ache as well after parkrun"],
        ["pins and needles in the heel", "moving my leg around helps it"],
        ["tingly heel", "now I have some pain in my calf from hill sprints"],
    ],
)
def test_spreading_means_the_tingling_moves_up_the_leg_not_any_leg_word(heel_nlp, turns):
    """Review of the v21b fix: the leg words must describe the tingling moving, not another complaint."""
    assert conversation_flags(heel_nlp, turns) == [set()] * len(turns)


@pytest.mark.parametrize(
    "text",
    [
        "Can psoriasis cause heel pain? My sister got diagnosed last year. My heels hurt every morning.",
        "Can psoriasis cause heel pain? She was diagnosed in May and my heels ache.",
    ],
)
def test_someone_elses_diagnosis_after_a_question_is_not_the_writers(heel_nlp, text):
    assert detect_text(text, heel_nlp) == []


# --- v24 review (single messages: dialect, minimising, lay words); our own phrasings, not the held-out items -------


@pytest.mark.parametrize(
    "text, flag",
    [
        # Scots: one-word negated modals, "ower" for over
        ("fell ower on the stairs an noo I cannae stand on it at aw", "cannot_bear_weight_after_injury"),
        ("twisted my ankle at the fitba, couldnae walk a step after", "cannot_bear_weight_after_injury"),
        # playing it down does not negate what follows
        (
            "probably nothing but the heel throbs all night even lying still and I've dropped a lot of weight",
            "night_pain_systemic",
        ),
        ("maybe nothing, heel is fiery red and swollen and I'm burning up", "hot_swollen_foot_fever"),
        # fever in lay words
        ("heel gone red and puffy and I'm sweating then shivering all evening", "hot_swollen_foot_fever"),
        ("swollen hot red heel and been running high temps since yesterday", "hot_swollen_foot_fever"),
        # "snap at the back of", which 'back' after the match used to cancel
        ("felt a snap at the back of my heel jumping for a header", "achilles_rupture"),
        # Indian English: diabetes as "sugar", pain as a verb, weight "reduced"
        ("having sugar since 2015, a cut on my heel is not closing and is red", "diabetic_foot_wound"),
        ("I have sugar for 8 years and there is a blister on my sole turning black", "diabetic_foot_wound"),
        ("heel paining at night also when sitting, weight reduced 6 kg without any dieting", "night_pain_systemic"),
        # numbness in lay words
        ("I can press on my heel and feel nothing at all since Monday", "new_neuro_deficit"),
        ("my foot feels like a block of wood since my back went", "new_neuro_deficit"),
        # not able to put the foot down after an injury
        ("fell off my bike and I'm unable to put my foot on the floor", "cannot_bear_weight_after_injury"),
        # a clause started by 'plus' keeps its own history marker
        ("the heel keeps me awake every night, plus I had leukaemia ten years ago", "night_pain_systemic"),
        # v25 review: single messages from the conversations
        ("my foot keeps catching on the stairs and I can't lift the front of my foot up", "new_neuro_deficit"),
        ("the wife says ma fit is aw blue and cold as ice", "cold_pale_foot"),
        (
            "he wakes up screaming with his heel at night and he's lost weight, his clothes hang off him",
            "night_pain_systemic",
        ),
        ("heel hurting also when I'm sitting, and I'm losing weight without dieting", "night_pain_systemic"),
    ],
)
def test_session8_single_message_wording(heel_nlp, text, flag):
    """v24 and v25 review."""
    assert flag in {hit.flag_id for hit in detect_text(text, heel_nlp)}


@pytest.mark.parametrize(
    "text",
    [
        "nae swelling an nae numbness, just a sair heel efter football",
        "If I had torn my achilles would I even be able to walk on it?",
        "if you had a stress fracture could you still run on it?",
        "it's nothing like a pop, more of a slow ache at the back of the heel",  # 'nothing like' still negates
        "had sugar for breakfast and my heel has a blister from new shoes",
        "I tapped my heel and felt nothing unusual, just a bit tender",
        "I can feel nothing wrong with the shoe but my heel still aches",
    ],
)
def test_v24_look_alikes_stay_quiet(heel_nlp, text):
    assert detect_text(text, heel_nlp) == []


@pytest.mark.parametrize(
    "text, silent",
    [
        ("psoriatic arthritis and heel pain explained please", True),
        ("gout heel pain info", True),
        ("I have psoriasis and my heels hurt, explain why", False),  # the first clause reports a symptom
    ],
)
def test_a_topic_asked_for_without_a_question_is_not_a_report(heel_nlp, text, silent):
    """v23 review: a background condition named in a request for information does not fire the doctor-soon flag."""
    assert (detect_text(text, heel_nlp) == []) == silent


# --- v25 review (danger signs over several messages, answers as fragments); our own phrasings ----------------------


@pytest.mark.parametrize(
    "turns",
    [
        ["my heel is sore at night", "I had flu back in March but that's long gone", "no weight loss"],
        ["I thought I had psoriasis on my knee but it turned out to be dermatitis", "heel hurts after parkrun"],
        ["my toes tingle and go numb when my laces are tied too tight", "fine once I loosen them"],
        ["diabetic here. burnt my hand on the oven, it's a bit red", "separate thing, my heel aches after walks"],
        ["heel pain", "both", "just for a few minutes in the mornings"],  # short stiffness, no other joints
        ["my heel's been sore", "dropped nearly 5 kilos on purpose for my wedding", "hurts at night too"],
        ["good morning, my heels are stiff", "it wears off after five minutes"],
    ],
)
def test_v25_look_alikes_stay_quiet(heel_nlp, turns):
    assert conversation_flags(heel_nlp, turns) == [set()] * len(turns)


def test_both_counts_as_both_heels_only_as_a_short_answer_about_the_foot(heel_nlp):
    from heel.safety.redflags import RedFlagContext

    focus = RedFlagContext.from_dict({"foot_in_focus": True})
    assert "both_heels" in context_from_text(heel_nlp("both"), focus).facts()
    assert "both_heels" not in context_from_text(heel_nlp("both"), RedFlagContext()).facts()
    assert "both_heels" not in context_from_text(heel_nlp("both of us run parkrun on saturdays"), focus).facts()


# --- signs told by their effects (nlp/redflags/rules/effects.yml): data joined to the rules' concepts ---


def test_an_effect_phrase_becomes_a_pattern_of_its_words():
    assert redflags.effect_pattern("hop on the good foot") == "hop ~3 on the good foot"
    assert redflags.effect_pattern("it keeps me awake") == "it ~3 keeps me|him|her|them|us awake"  # anyone's
    assert redflags.effect_pattern("can't put any weight on") == f"{redflags.W.CANT} ~3 put any weight on"
    assert redflags.effect_pattern("shoe won't go on") == "shoe ~3 wo|will not go on"
    assert redflags.effect_pattern("hop everywhere") == "hop everywhere"  # two words stay together
    assert redflags.effect_pattern("doesn't ~2 fit?") == "does not ~3 2 fit"  # the pattern syntax is not data's


def test_the_effects_table_extends_concepts_it_names_and_keeps_their_rules(tmp_path):
    table = tmp_path / "effects.yml"
    table.write_text("weight_loss:\n  effects:\n  - belt on a tighter notch\n  not:\n  - new belt\n")
    joined = redflags.all_concepts(str(table))
    assert joined[: len(concepts())] == concepts()
    (added,) = joined[len(concepts()) :]
    base = redflags.concept_by_id()["weight_loss"]
    assert added.cid == "weight_loss" and added.patterns == ("belt ~3 on a tighter notch",)
    assert added.anchor == base.anchor and added.acute == base.acute
    assert added.veto_sentence == base.veto_sentence + ("new belt",)


@pytest.mark.parametrize(
    "text, flag",
    [  # each caught only through the effects table
        (
            "tripped over the dog last night and I've been crawling to the bathroom since",
            "cannot_bear_weight_after_injury",
        ),
        (
            "jumped off the garden wall this afternoon and now I go downstairs on my bum",
            "cannot_bear_weight_after_injury",
        ),
        ("my heel pain wakes me up every night now and my clothes hang off me, I'm not dieting", "night_pain_systemic"),
    ],
)
def test_a_sign_told_by_its_effects_fires_with_its_partner(text, flag, heel_nlp):
    assert flag in {hit.flag_id for hit in detect_text(text, heel_nlp)}


@pytest.mark.parametrize(
    "text",
    [
        "hopping everywhere at the trampoline park with the kids, now my heel is sore",  # no injury, no partner
        "my heel pain wakes me up at night and I'm trying to lose weight for the wedding",  # weight loss wanted
        "I sweat through my pyjamas in this heat wave and my heel aches in the morning",  # no night pain
    ],
)
def test_an_effect_without_its_partner_or_with_a_look_alike_is_quiet(text, heel_nlp):
    assert detect_text(text, heel_nlp) == []


# --- a past episode told over several sentences, ended well, is history; the present is never inside one ---


@pytest.mark.parametrize(
    "text",
    [
        "This all happened two winters ago. I slipped on the ice, landed on my heel and couldn't put any weight on "
        "it, I hopped everywhere for a week. It healed well after a boot. Lately my arch aches after long walks.",
        "Some background: a few years ago, at netball, I felt like someone had kicked my achilles. They put me in a "
        "boot. It's been fine ever since. These days my other heel is stiff in the mornings.",
        # the feeling came back, a sentence later
        "Back in 2019 I had a slipped disc. My foot went numb and weak for a while. It came back completely after "
        "physio. These days it's an ache under my heel in the mornings.",
        # a word that dates the finding itself
        "My heel is sore after long shifts. Could my previous foot drop have anything to do with it?",
    ],
)
def test_a_past_episode_that_ended_well_is_quiet(text, heel_nlp):
    assert detect_text(text, heel_nlp) == []


@pytest.mark.parametrize(
    "text, flag",
    [
        # the sign is in the present, after the episode
        (
            "Two years ago I ruptured my right achilles and it healed well. This morning I heard a pop in the left "
            "one and can't push off.",
            "achilles_rupture",
        ),
        # an old-past sentence with no recovery in sight opens no episode that could hide what follows
        (
            "Some background: about three years ago I had an operation on my back. I fell off the ladder onto my "
            "heel and crawled to the bathroom.",
            "cannot_bear_weight_after_injury",
        ),
        # past and present in one sentence: the present part is not inside the episode
        (
            "A few years ago I broke my heel and it healed, but I fell down the stairs today and now I can't put "
            "any weight on it.",
            "cannot_bear_weight_after_injury",
        ),
    ],
)
def test_a_present_sign_or_an_unresolved_episode_still_fires(text, flag, heel_nlp):
    assert flag in {hit.flag_id for hit in detect_text(text, heel_nlp)}


def test_prepare_reads_everything_the_first_message_would(heel_nlp):
    patterns = {p for concept in redflags.all_concepts() for p in concept.patterns}
    assert redflags.prepare() == len(patterns.union(*redflags.context_patterns()))
    compiled = matcher.compile_pattern.cache_info().misses
    detect_text("I fell off a ladder this morning and can't put any weight on my heel", heel_nlp)
    assert matcher.compile_pattern.cache_info().misses == compiled  # nothing left to compile on a visitor's message


def test_an_effect_told_by_a_carer_or_with_words_in_between_is_the_same_effect(heel_nlp):
    carer = "my husband fell off the ladder this morning, we had to piggyback him to the car"
    assert "cannot_bear_weight_after_injury" in {h.flag_id for h in detect_split(heel_nlp(carer))[1]}
    gap = "i fell down the stairs and crawled all the way to the toilet"
    assert "cannot_bear_weight_after_injury" in flags(heel_nlp, gap)


def test_no_heel_raise_after_an_injury_is_a_rupture_sign(heel_nlp):
    text = "i slipped off the kerb yesterday and since then i can't go up on tiptoe on that side"
    assert "achilles_rupture" in flags(heel_nlp, text)


def test_the_writers_actions_on_another_persons_foot_are_that_persons_signs(heel_nlp):
    text = "my grandad fell down the stairs this morning and we can't get him to stand on it"
    own, others = detect_split(heel_nlp(text))
    assert not own and "cannot_bear_weight_after_injury" in {h.flag_id for h in others}


@pytest.mark.parametrize(
    "text",
    [
        # another adult's past, told over sentences, however it ended
        "When I was a kid my grandmother had diabetes. She had an ulcer on her heel that never healed. I have sore heels.",
        # a condition in its own clause
        "If my foot ever went cold and pale I would go straight to A&E. My heel just aches after runs.",
        # what the writer read about
        "I've been reading about foot drop and got myself worried, but my heel is only sore after parkrun.",
        # a passing sensation from heat or a strap, gone within moments
        "After a long hot bath my foot looked pale for a minute, then it went back to normal.",
        "My foot went numb on the bike. The strap was too tight. It came back a few seconds after I loosened it.",
        # healthy skin, and pain that runs down the leg
        "I'm diabetic; my heels are a good pink colour and the skin is fine, they just ache in the morning.",
        "My heel is a bit swollen and red from new shoes, and the pain seems to run down from my calf into it.",
        # a snap the story puts down to a thing
        "Heard a loud snap on the stairs and panicked that it was my achilles. Turned out the heel of my old slipper "
        "had split in half.",
        # a denial inside the words a pattern skipped over
        "My heel is swollen after the hike but I haven't got a temperature and I feel fine.",
        # studying the signs
        "I'm revising for my exams and the red flag lists say a foot gone cold and pale is an emergency. My heel "
        "just aches.",
        # another adult's past, told by a decade of their life or by their death
        "My late grandad had a clot and his foot went cold and white. My own heel just aches after football.",
        "My aunt had a blocked artery in her sixties; her foot went pale and cold. I only have morning heel pain.",
    ],
)
def test_context_rows_keep_these_quiet(heel_nlp, text):
    own, others = split_flags(heel_nlp, text)
    assert not own and not others


@pytest.mark.parametrize(
    "text",
    [
        # the same signs in the present stay alerts
        "My uncle had an ulcer years ago. Now I've got diabetes and an open sore on my heel.",
        "My foot went cold and pale an hour ago and it is still white.",
        "I fell off a wall and managed one step before I collapsed.",
    ],
)
def test_context_rows_do_not_hide_a_present_sign(heel_nlp, text):
    assert detect_text(text, heel_nlp)


@pytest.mark.parametrize(
    "text",
    [
        "playing squash something at the back of my heel just gave way and now I walk flat-footed",
        # "back" as a direction is no competing body part
        "I went back for a lob and felt a thwack across the back of my heel",
    ],
)
def test_a_rupture_told_as_something_giving_way_or_a_blow(heel_nlp, text):
    assert "achilles_rupture" in flags(heel_nlp, text)


def test_the_back_as_a_body_part_still_competes_with_the_foot(heel_nlp):
    assert not detect_text("my lower back is hot and swollen and I have a fever", heel_nlp)


def test_a_thing_named_later_does_not_hide_the_tendon_it_was(heel_nlp):
    text = "Heard a loud pop at the back of my heel playing squash. It turned out my achilles had gone."
    assert "achilles_rupture" in flags(heel_nlp, text)


def test_a_reading_on_a_thermometer_is_the_persons_not_a_general_claim(heel_nlp):
    own, others = detect_split(heel_nlp("my mum's foot is red, swollen and hot; her thermometer says 38.9."))
    assert "hot_swollen_foot_fever" in {h.flag_id for h in others}


def test_whose_party_it_was_does_not_change_whom_the_story_is_about(heel_nlp):
    text = "My daughter fell off the trampoline at her friend's birthday. She landed on her heel and can't stand on it."
    assert "cannot_bear_weight_after_injury" in flags(heel_nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        # getting about without standing on it
        "I jumped off the garden wall and came straight down onto the patio. Since then I've been scooting about "
        "the house on my office chair.",
        "Fell off my bike an hour ago and I've been hopping round the kitchen on my good leg.",
        "My son fell off the climbing frame at school and has been crawling along the hall to get to the toilet.",
        # a few steps and then down; not getting up
        "My dad slid down the stairs last night. He got two steps this morning then had to sit down again.",
        "I fell off the ladder and now I can't get myself up off the floor.",
    ],
)
def test_cannot_bear_weight_told_by_how_they_get_about(heel_nlp, text):
    own, others = split_flags(heel_nlp, text)
    assert "cannot_bear_weight_after_injury" in own | others


@pytest.mark.parametrize(
    "text",
    [
        # weight loss told by clothes and a belt; a denied diet makes it unexplained, not explained
        "My heel aches every night and has me up pacing at three in the morning. My shirts swamp me now and I "
        "haven't been trying to lose weight.",
        "Dad's heel throbs when he's lying in bed at night, and his belt is on a new hole.",
    ],
)
def test_night_pain_with_weight_loss_told_in_lay_words(heel_nlp, text):
    own, others = split_flags(heel_nlp, text)
    assert "night_pain_systemic" in own | others


def test_a_denied_veto_still_vetoes_where_denial_does_not_change_the_cause(heel_nlp):
    assert not detect_text("my legs are pale as i never get any sun, feet warm, heel sore after parkrun", heel_nlp)


def test_if_i_did_in_a_question_is_a_what_if(heel_nlp):
    text = "If I did fall off a rock and couldn't walk on the foot afterwards, would I go to hospital or wait?"
    assert not detect_text(text, heel_nlp)


@pytest.mark.parametrize(
    "text,flag,whose",
    [
        # a he/she after both a child and another adult are named may be either: the sign stays the patient's
        (
            "My son came off his bike at the skate park. His friend's dad had to carry him to the car and he "
            "can't put that foot down at all.",
            "cannot_bear_weight_after_injury",
            "own",
        ),
        # "you" after see/ask/thank is the clinic addressed, not people in general
        (
            "Heel pain for weeks, I was going to see you about it. Since lunchtime the whole foot has turned white "
            "and icy cold.",
            "cold_pale_foot",
            "own",
        ),
        # anyone's sleep lost to pain is night pain
        (
            "My grandma had bowel cancer a few years back. Her heel pain keeps her awake now.",
            "night_pain_systemic",
            "others",
        ),
        # an injury told in the present tense, by a second-language writer
        (
            "Yesterday I land very hard on my heel off the top step, today I cannot stand on this foot.",
            "cannot_bear_weight_after_injury",
            "own",
        ),
        # not bearing weight told as the foot giving way
        (
            "Jumped down off the loading bay at work onto my heels, and every time I try to get up my foot gives way.",
            "cannot_bear_weight_after_injury",
            "own",
        ),
    ],
)
def test_carers_and_lay_stories_whose_sign_and_how_it_is_told(heel_nlp, text, flag, whose):
    own, others = detect_split(redflags.parse(text, heel_nlp))
    hits = {h.flag_id for h in (own if whose == "own" else others)}
    assert flag in hits


def test_a_media_cue_sets_another_adults_sign_aside_only_when_the_visitor_read_it(heel_nlp):
    told = "My dad has an open ulcer on his heel this week and he's diabetic. He read about heel spurs online."
    own, others = detect_split(redflags.parse(told, heel_nlp))
    assert "diabetic_foot_wound" in {h.flag_id for h in own + others}


@pytest.mark.parametrize(
    "text",
    [
        "Something went crack at the back of my heel on the stairs. I've since done fifteen one-leg calf raises on "
        "that side, no bother at all.",
        "It felt like a kick behind my ankle during squash, but afterwards I could hop on it and stand on tiptoe on "
        "each leg just like before.",
    ],
)
def test_a_rise_on_one_leg_told_after_the_sound_stands_the_rupture_down(heel_nlp, text):
    """AFP: a complete Achilles rupture makes a single-leg heel raise impossible (flags.yml `set_aside`)."""
    assert "achilles_rupture" not in flags(heel_nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        # the rise came before the pop
        "I was halfway through my single leg heel raises when something popped at the back of my heel.",
        # a failed or weak rise is no rise
        "Heard a snap behind the heel playing netball. I tried a one leg calf raise after and I couldn't do it.",
        "pop at the back of my heel, and a single leg calf raise on that side is really weak now",
        # hopping on the other leg is a sign of the injury, not against it
        "felt something snap at the back of my ankle and had to hop on my good leg to the car",
        # a named rupture or a gap is not stood down
        "the doctor says my achilles has ruptured, though I can still go up on my toes on that leg",
    ],
)
def test_the_rupture_still_alerts_without_a_rise_done_since(heel_nlp, text):
    assert "achilles_rupture" in flags(heel_nlp, text)


@pytest.mark.parametrize(
    "flag, quiet, alert",
    [
        # a colour that came off the skin vs one that did not
        (
            "cold_pale_foot",
            "My toes looked purple when I got home from the walk. It was the dye from my new socks, it came off with "
            "soap. What helps a sore heel?",
            "My toes looked purple when I got home from the walk. I tried to scrub it with soap but nothing came "
            "off. What helps a sore heel?",
        ),
        # a tight tendon that feels as if it might snap vs one that did
        (
            "achilles_rupture",
            "Every morning my achilles feels like it's going to snap, tight as a rope. What stretches help?",
            "This morning my achilles went snap on the stairs and now I can't push off. What stretches help?",
        ),
        # popping a blister vs a pop from the tendon
        (
            "achilles_rupture",
            "New shoes gave me a big blister on the back of my heel. Should I pop it or leave it?",
            "Playing squash I heard a pop at the back of my heel and now I can't push off. Should I ice it?",
        ),
        # a thing named before a place phrase ("the band around my ankle") vs the tendon itself
        (
            "achilles_rupture",
            "At the gym the resistance band around my ankle snapped and flicked my leg. My heel aches a bit.",
            "At the gym the tendon behind my heel snapped and I can't walk on it properly.",
        ),
        # a walking boot as a noun vs a kick felt
        (
            "achilles_rupture",
            "I've been out of the boot for eight weeks after a heel fracture and it still aches in the evening.",
            "Mid-run it felt like someone booted me in the back of the heel and now I can't go up on my toes.",
        ),
        # a past infection said to have cleared vs one not said to have cleared
        (
            "hot_swollen_foot_fever",
            "Last month I had cellulitis in my foot, red, hot and swollen with a high temperature. The antibiotics "
            "cleared it completely. Now my heel is just stiff first thing. When can I run again?",
            "Last month I had cellulitis in my foot, red, hot and swollen with a high temperature. I finished the "
            "antibiotics on Friday. Now my heel is just stiff first thing. When can I run again?",
        ),
    ],
)
def test_a_sign_explained_away_is_set_aside_and_the_same_sign_unexplained_alerts(heel_nlp, flag, quiet, alert):
    assert flag not in flags(heel_nlp, quiet)
    assert flag in flags(heel_nlp, alert)


@pytest.mark.parametrize(
    "alert",
    [
        "For a few days now my sandal slips off the left foot when I walk, the toes just won't hold it. Heel sore too.",
        "Since Monday the toes on my right foot keep catching the lip of each stair and I nearly went over twice.",
        "My right foot goes slap on the floor with every step since yesterday and my heel hurts.",
        "Since the weekend my left foot won't come up properly when I walk. Is that my heel problem?",
    ],
)
def test_foot_drop_told_by_its_effects_on_walking_alerts(heel_nlp, alert):
    assert "new_neuro_deficit" in flags(heel_nlp, alert)


@pytest.mark.parametrize(
    "quiet",
    [
        "I took my sandals off at the beach and walked on the sand; my heel was sore after.",
        "The dog's lead caught on the edge of the step this morning and I dropped my keys. My heel aches.",
        "It went quiet at the gym when the music stopped, then my heel started to ache on the treadmill.",
    ],
)
def test_shoes_stairs_and_knees_without_the_foot_failing_stay_quiet(heel_nlp, quiet):
    assert "new_neuro_deficit" not in flags(heel_nlp, quiet)


def test_rest_pain_told_as_a_nuisance_that_does_not_let_up_completes_a_cancer_history(heel_nlp):
    history = "I had bowel cancer three years ago. "
    constant = history + "Since the autumn my heel has throbbed constantly. Would insoles help?"
    nagging = history + "My heel nags at me when I'm lying in bed and won't settle. Would insoles help?"
    walking = history + "My heel hurts on long walks and is fine otherwise. Would insoles help?"
    assert "night_pain_systemic" in flags(heel_nlp, constant)
    assert "night_pain_systemic" in flags(heel_nlp, nagging)
    assert "night_pain_systemic" not in flags(heel_nlp, walking)


@pytest.mark.parametrize(
    "effect, flagged",
    [
        ("My running shorts keep sliding down these days.", True),
        ("My belt strap is now three holes tighter.", True),
        ("Friends keep telling me I look poorly.", True),
        ("Friends keep telling me I look well.", False),
        ("My running shorts are new and fit fine.", False),
    ],
)
def test_weight_loss_told_by_clothes_or_by_what_others_see_completes_night_pain(heel_nlp, effect, flagged):
    text = f"My heel wakes me every night with a deep ache. {effect} Which shoes should I buy?"
    assert ("night_pain_systemic" in flags(heel_nlp, text)) is flagged


def test_a_morning_told_of_no_one_belongs_to_the_person_the_rest_is_about(heel_nlp):
    text = (
        "My husband is 52 and both his heels have hurt since March. He says the first two hours of every morning "
        "are awful: his heels are stiff and his knuckles are swollen. Are gel insoles worth it for him?"
    )
    short = text.replace("the first two hours of every morning are awful", "every morning is awful for a minute")
    own, others = detect_split(heel_nlp(text))
    assert "inflammatory_pattern" in {h.flag_id for h in others}
    own, others = detect_split(heel_nlp(short))
    assert "inflammatory_pattern" not in {h.flag_id for h in own + others}


def test_an_age_and_a_person_word_opening_the_message_describe_the_writer(heel_nlp):
    story = (
        " Both heels sore at the back for months. Every morning I'm stiff for at least an hour, my lower back too."
        " Would heel raises help?"
    )
    own, _ = detect_split(heel_nlp("31 year old guy." + story))
    assert "inflammatory_pattern" in {h.flag_id for h in own}
    own, _ = detect_split(heel_nlp("Runner, plays squash too." + story))
    assert "inflammatory_pattern" in {h.flag_id for h in own}


@pytest.mark.parametrize(
    "rest_pain, flagged",
    [
        ("It isn't a morning thing, it's worst at night and a constant ache when I'm off my feet.", True),
        ("The ache is there when I sit and when I lie down in the evening.", True),
        ("It hurts for the first few steps in the morning, then it settles.", False),
    ],
)
def test_rest_pain_with_weight_loss_whatever_the_sentence_also_says(heel_nlp, rest_pain, flagged):
    text = f"I've lost a stone without trying since the summer. {rest_pain} Should I see a physio?"
    assert ("night_pain_systemic" in flags(heel_nlp, text)) is flagged


@pytest.mark.parametrize(
    "stretch, flagged",
    [
        # "the last month": a stretch of time that reaches now, so the rest pain is current
        ("For the last month or so his heel has ached in bed every night.", True),
        ("Over the last year his heel has throbbed at night and kept him awake.", True),
        # "last month": a time gone by, and another adult's past is not a sign to act on now
        ("Last month his heel ached in bed every night, before his new shoes.", False),
    ],
)
def test_the_last_month_is_a_stretch_up_to_now_and_last_month_is_the_past(heel_nlp, stretch, flagged):
    text = f"My father was treated for bowel cancer ten years ago. {stretch} Which slippers would help?"
    assert ("night_pain_systemic" in split_flags(heel_nlp, text)[1]) is flagged


@pytest.mark.parametrize(
    "after, flagged",
    [
        # fewer than four steps, told as the count that ended it (Ottawa rules)
        ("She tried with her stick but gave up after a couple of hops.", True),
        ("He only managed one shuffle towards the door and sat back down.", True),
        ("She tried two steps and her leg just buckled under her.", True),
        ("Two hops at most, then I have to sit.", True),
        # a nearby place out of reach on foot
        ("Now he can't get to the loo without us holding him up.", True),
        # controls: walking told as fine, a place out of reach for other reasons
        ("She walked to the car afterwards and did twenty steps of her physio routine.", False),
        ("I can't get to the clinic until Friday because of work.", False),
    ],
)
def test_not_bearing_weight_told_by_the_steps_managed_or_a_place_out_of_reach(heel_nlp, after, flagged):
    text = f"My nan slipped on the ice this morning and landed on her heel. {after} What should we do?"
    own, others = split_flags(heel_nlp, text)
    assert ("cannot_bear_weight_after_injury" in own | others) is flagged


def test_a_child_who_went_down_crying_and_will_not_stand_has_had_a_fall(heel_nlp):
    text = "my son was on the bouncy castle and went down with a scream. since then he won't stand on that foot."
    assert "cannot_bear_weight_after_injury" in flags(heel_nlp, text)
    calm = "my son was on the bouncy castle and the swelling went down by teatime. he is standing and running about."
    assert "cannot_bear_weight_after_injury" not in flags(heel_nlp, calm)


@pytest.mark.parametrize(
    "text, flagged",
    [
        ("Mid-match it was like somebody hurled a ball at the back of my leg.", True),
        ("Playing squash, it was as if someone had flicked a pebble at the back of my ankle.", True),
        # a pain told as someone's doing, not a blow
        ("Every morning it feels like someone is stabbing a pin into the back of my heel.", False),
        ("My heel feels like somebody has been standing on it all day.", False),
    ],
)
def test_a_blow_told_as_a_simile_of_someone_behind_is_a_rupture_sign(heel_nlp, text, flagged):
    assert ("achilles_rupture" in flags(heel_nlp, text)) is flagged


@pytest.mark.parametrize(
    "mornings, flagged",
    [
        # long morning stiffness told by how it ends, or by getting up
        ("Mornings are awful, it's well over an hour before both heels loosen up.", True),
        ("First thing it takes until mid-morning before I can walk without hobbling.", True),
        ("When I get up I'm stiff for hours.", True),
        # the mechanical first steps of plantar heel pain: minutes, not hours
        ("Mornings are awful for the first few steps, then both heels loosen up within minutes.", False),
    ],
)
def test_long_morning_stiffness_told_by_how_it_ends(heel_nlp, mornings, flagged):
    text = f"Both my heels are sore and my knuckles are swollen. {mornings} Would insoles help?"
    assert ("inflammatory_pattern" in flags(heel_nlp, text)) is flagged
