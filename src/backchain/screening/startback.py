"""STarT Back Screening Tool scoring (Hill et al. 2008, Arthritis Rheum 59:632; CLINICAL.md).

Items 1-8 score 1 when the person agrees; item 9 scores 1 only for "very much" or "extremely".
The psychosocial subscale is items 5-9. The item prompts below are Backchain's paraphrases of
each item's topic; the official wording can be loaded from a file (see `load_wording`).
"""

import json
from pathlib import Path

from backchain.errors import ScreeningError
from backchain.screening.models import Bothersomeness, Risk, StartBackAnswers, StartBackResult

__all__ = ["ITEM_PROMPTS", "LOW_RISK_MAX_TOTAL", "load_wording", "score_startback"]

# Hill et al. 2008: total <= 3 is low risk; otherwise a psychosocial score >= 4 is high risk.
LOW_RISK_MAX_TOTAL = 3
HIGH_RISK_MIN_PSYCHOSOCIAL = 4
PSYCHOSOCIAL_FIRST_ITEM = 5  # items 5-9 form the psychosocial subscale
BOTHERSOME_SCORES = frozenset({Bothersomeness.VERY_MUCH, Bothersomeness.EXTREMELY})

ITEM_PROMPTS: tuple[str, ...] = (
    "In the last two weeks, has your back pain spread down one or both legs at some point?",
    "In the last two weeks, have you had pain in your shoulder or neck at some point?",
    "Have you walked only short distances because of your back pain?",
    "In the last two weeks, have you been slower than usual getting dressed because of your back?",
    "Do you feel it is not really safe for someone with your back to be physically active?",
    "Have worrying thoughts been on your mind much of the time?",
    "Do you feel your back pain is terrible and will never get better?",
    "In general, have you stopped enjoying the things you used to enjoy?",
    "Overall, how bothersome has your back pain been in the last two weeks?",
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


def load_wording(path: Path) -> tuple[str, ...]:
    """Item prompts from a JSON list of nine strings, e.g. the licensed official wording."""
    try:
        prompts = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ScreeningError(f"Cannot read wording file {path}: {error.strerror}.") from error
    except json.JSONDecodeError as error:
        raise ScreeningError(f"{path} is not valid JSON (line {error.lineno}).") from error
    if not (
        isinstance(prompts, list)
        and len(prompts) == len(ITEM_PROMPTS)
        and all(isinstance(p, str) and p.strip() for p in prompts)
    ):
        raise ScreeningError(f"{path} must hold a JSON list of {len(ITEM_PROMPTS)} item texts.")
    return tuple(prompts)
