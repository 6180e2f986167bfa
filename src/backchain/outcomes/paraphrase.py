"""Backchain's own plain wording of the ODI and the RMDQ, so every item can be answered in the app.

CLINICAL.md ("Outcome measures"): the official wording belongs to the questionnaires' authors
(ODI: Fairbank & Pynsent 2000, licensed through its distributor; RMDQ: Roland & Morris 1983).
These texts are written afresh from each item's published topic and severity step; they keep
the scoring (an ODI statement's position is its score 0-5, an RMDQ statement counts 1 when it
applies today). The official wording can be loaded from a file instead (`outcomes.wording`).
"""

from backchain.outcomes.models import PARAPHRASE_WORDING, Item, Questionnaire, Wording
from backchain.outcomes.scoring import ODI_SECTION_TOPICS

__all__ = ["ODI_PARAPHRASE", "ODI_STATEMENTS", "RMDQ_PARAPHRASE", "RMDQ_STATEMENTS"]

# For each section in `ODI_SECTION_TOPICS` order: six statements from no problem (0) to the
# most severe (5).
ODI_STATEMENTS: tuple[tuple[str, ...], ...] = (
    (  # pain intensity
        "I have no pain right now.",
        "My pain right now is slight.",
        "My pain right now is moderate.",
        "My pain right now is quite strong.",
        "My pain right now is very strong.",
        "My pain right now is as bad as I can imagine.",
    ),
    (  # personal care
        "I wash and dress as I normally do, and it doesn't hurt more.",
        "I wash and dress as I normally do, but it hurts more.",
        "Washing and dressing hurt, so I take them slowly and carefully.",
        "I need a little help, but I do most of my washing and dressing myself.",
        "Every day I need help with most of my washing and dressing.",
        "My back keeps me in bed: I don't get dressed, and washing is a real struggle.",
    ),
    (  # lifting
        "I can lift heavy things and it doesn't hurt more.",
        "I can lift heavy things, but it hurts more.",
        "I can't lift heavy things off the floor, but I can if they start at table height.",
        "I can't lift heavy things, but I can manage light or medium ones at table height.",
        "I can lift only very light things.",
        "I can't lift or carry anything.",
    ),
    (  # walking
        "My back doesn't limit how far I can walk.",
        "My back stops me walking more than about 1.5 km (a mile).",
        "My back stops me walking more than about 800 m (half a mile).",
        "My back stops me walking more than about 100 m.",
        "I can walk only with a stick or crutches.",
        "I spend most of the day in bed, and getting to the toilet is a struggle.",
    ),
    (  # sitting
        "Sitting is no problem, on any seat and for as long as I want.",
        "I can sit for as long as I want, but only on one particular seat.",
        "My back stops me sitting for more than an hour.",
        "My back stops me sitting for more than half an hour.",
        "My back stops me sitting for more than 10 minutes.",
        "My back stops me sitting at all.",
    ),
    (  # standing
        "I can stay on my feet for as long as I want, and it doesn't hurt more.",
        "I can stay on my feet for as long as I want, but it hurts more.",
        "My back stops me standing for more than an hour.",
        "My back stops me standing for more than half an hour.",
        "My back stops me standing for more than 10 minutes.",
        "My back stops me standing at all.",
    ),
    (  # sleeping
        "Pain never wakes me or keeps me awake.",
        "Pain sometimes disturbs my sleep.",
        "Because of pain I sleep less than 6 hours a night.",
        "Because of pain I sleep less than 4 hours a night.",
        "Because of pain I sleep less than 2 hours a night.",
        "Pain stops me sleeping at all.",
    ),
    (  # sex life
        "My sex life is as usual, and it doesn't hurt more.",
        "My sex life is as usual, but it hurts a little more.",
        "My sex life is almost as usual, but it hurts a lot.",
        "Pain limits my sex life a great deal.",
        "Because of pain I have almost no sex life.",
        "Pain has stopped my sex life altogether.",
    ),
    (  # social life
        "My social life is as usual, and it doesn't make the pain worse.",
        "My social life is as usual, but it makes the pain worse.",
        "Pain only keeps me from the more active things, such as sport or dancing.",
        "Because of pain I go out less often than I used to.",
        "Pain keeps my social life within my own home.",
        "Because of pain I have no social life.",
    ),
    (  # travelling
        "I can travel anywhere, and it doesn't hurt more.",
        "I can travel anywhere, but it hurts more.",
        "Travelling hurts a lot, but I manage journeys of over two hours.",
        "Pain limits me to journeys of under an hour.",
        "Pain limits me to short, necessary journeys of under 30 minutes.",
        "Pain stops me travelling, except to get treatment.",
    ),
)

# The 24 statements in the published order; each counts when it describes the person today.
RMDQ_STATEMENTS: tuple[str, ...] = (
    "Because of my back, I spend most of the day at home.",
    "Because of my back, I keep shifting how I sit or lie to get comfortable.",
    "Because of my back, I walk slower than I normally would.",
    "Because of my back, I've stopped doing my usual jobs around the home.",
    "Because of my back, I need the handrail to climb stairs.",
    "Because of my back, I lie down for a rest more often than usual.",
    "Because of my back, I need to grip something to get up from a soft chair.",
    "Because of my back, I ask other people to do things for me.",
    "Because of my back, getting dressed takes me longer than usual.",
    "Because of my back, I can stay standing only for a short while.",
    "Because of my back, I avoid bending over or kneeling.",
    "Because of my back, getting up from a chair is hard.",
    "My back hurts nearly all the time.",
    "Because of my back, rolling over in bed is hard.",
    "Because of my back pain, I don't feel much like eating.",
    "Because of my back, putting on socks or tights is hard.",
    "Because of my back, I keep my walks short.",
    "Because of my back, I sleep worse than usual.",
    "Because of my back, I need someone to help me get dressed.",
    "Because of my back, I spend most of the day sitting.",
    "Because of my back, I avoid heavy work around the home.",
    "Because of my back pain, I'm shorter-tempered with people than usual.",
    "Because of my back, I climb stairs more slowly than usual.",
    "Because of my back, I spend most of the day in bed.",
)

ODI_PARAPHRASE = Wording(
    questionnaire=Questionnaire.ODI,
    name=PARAPHRASE_WORDING,
    items=tuple(
        Item(id=str(number), text=topic, options=statements)
        for number, (topic, statements) in enumerate(
            zip(ODI_SECTION_TOPICS, ODI_STATEMENTS, strict=True), start=1
        )
    ),
)

RMDQ_PARAPHRASE = Wording(
    questionnaire=Questionnaire.RMDQ,
    name=PARAPHRASE_WORDING,
    items=tuple(
        Item(id=str(number), text=text) for number, text in enumerate(RMDQ_STATEMENTS, start=1)
    ),
)
