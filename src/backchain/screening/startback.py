"""STarT Back Screening Tool: its nine items and their scoring (Hill et al. 2008, Arthritis Rheum
59:632; CLINICAL.md).

Items 1-8 score 1 when the person agrees; item 9 scores 1 only for "very much" or "extremely".
The psychosocial subscale is items 5-9. The items below are Backchain's own wording of each
item's topic (the official wording is Keele University's); it can be loaded from a file instead
(see `load_wording` and `outcomes.wording` for the format).
"""

from pathlib import Path

from backchain import outcomes
from backchain.outcomes import PARAPHRASE_WORDING, Item, Questionnaire, Wording
from backchain.screening.models import Bothersomeness, Risk, StartBackAnswers, StartBackResult

__all__ = [
    "BOTHERSOME_CHOICES",
    "ITEM_PROMPTS",
    "LOW_RISK_MAX_TOTAL",
    "PLAN_FOR_EVERY_GROUP",
    "PSYCHOSOCIAL_FIRST_ITEM",
    "STARTBACK_PARAPHRASE",
    "load_wording",
    "score_startback",
]

# Hill et al. 2008: total <= 3 is low risk; otherwise a psychosocial score >= 4 is high risk.
LOW_RISK_MAX_TOTAL = 3
HIGH_RISK_MIN_PSYCHOSOCIAL = 4
PSYCHOSOCIAL_FIRST_ITEM = 5  # items 5-9 form the psychosocial subscale
BOTHERSOME_SCORES = frozenset({Bothersomeness.VERY_MUCH, Bothersomeness.EXTREMELY})

# Items 1-8, as statements to agree or disagree with; read with "Thinking of the last two weeks".
_STATEMENTS = (
    "At some point in the last two weeks, pain from my back has spread into one or both legs.",
    "At some point in the last two weeks, I have also had pain in my neck or shoulders.",
    "My back pain has kept me to short walks.",
    "In the last two weeks, my back has made me slower at getting dressed.",
    "With a back like mine, being physically active does not feel really safe.",
    "Worries have been on my mind much of the time.",
    "My back pain feels awful, and I think it will never get better.",
    "On the whole, I have not enjoyed the things I used to enjoy.",
)
_BOTHERSOME_QUESTION = "All in all, how much has your back pain bothered you in the last two weeks?"
# Item 9's answers, in scale order. Plain scale words: other words would move the cut-off.
BOTHERSOME_CHOICES: dict[Bothersomeness, str] = {
    Bothersomeness.NOT_AT_ALL: "Not at all",
    Bothersomeness.SLIGHTLY: "Slightly",
    Bothersomeness.MODERATELY: "Moderately",
    Bothersomeness.VERY_MUCH: "Very much",
    Bothersomeness.EXTREMELY: "Extremely",
}

STARTBACK_PARAPHRASE = Wording(
    questionnaire=Questionnaire.STARTBACK,
    name=PARAPHRASE_WORDING,
    items=(
        *(Item(id=str(n), text=text) for n, text in enumerate(_STATEMENTS, start=1)),
        Item(
            id=str(len(_STATEMENTS) + 1),
            text=_BOTHERSOME_QUESTION,
            options=tuple(BOTHERSOME_CHOICES[b] for b in Bothersomeness),
        ),
    ),
)
ITEM_PROMPTS: tuple[str, ...] = tuple(item.text for item in STARTBACK_PARAPHRASE.items)

# CLINICAL.md gives the groups one consequence only: high risk -> a clinician alongside the app
# (`service.HIGH_RISK_ADVICE`). The plan itself does not depend on the group.
PLAN_FOR_EVERY_GROUP = (
    "Backchain makes the same plan whatever your group: this result does not change your exercises."
)


def score_startback(answers: StartBackAnswers) -> StartBackResult:
    """Total (0-9), psychosocial subscale (0-5) and risk group."""
    items = [*answers.agree, answers.bothersome in BOTHERSOME_SCORES]
    total = sum(items)
    psychosocial = sum(items[PSYCHOSOCIAL_FIRST_ITEM - 1 :])
    if total <= LOW_RISK_MAX_TOTAL:
        risk = Risk.LOW
    elif psychosocial >= HIGH_RISK_MIN_PSYCHOSOCIAL:
        risk = Risk.HIGH
    else:
        risk = Risk.MEDIUM
    return StartBackResult(total=total, psychosocial=psychosocial, risk=risk)


def load_wording(path: Path) -> Wording:
    """STarT Back wording from a file: a JSON list of nine item texts (e.g. the official wording),
    or an object with "name", "items" and optionally item 9's five "choices"."""
    return outcomes.load_wording(path, paraphrase=STARTBACK_PARAPHRASE)
