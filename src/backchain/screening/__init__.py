"""Safety screening: red flags that stop training, and the STarT Back risk group."""

from backchain.screening.flags import RED_FLAGS, red_flag
from backchain.screening.models import (
    Bothersomeness,
    Clearance,
    RedFlag,
    Risk,
    ScreeningAnswers,
    ScreeningResult,
    StartBackAnswers,
    StartBackResult,
    Verdict,
)
from backchain.screening.service import (
    HIGH_RISK_ADVICE,
    MESSAGES,
    clearance_date,
    cleared_by,
    parse_answers,
    parse_clearance,
    raised_flags,
    screen,
    verdict_for,
)
from backchain.screening.startback import ITEM_PROMPTS, load_wording, score_startback

__all__ = [
    "HIGH_RISK_ADVICE",
    "ITEM_PROMPTS",
    "MESSAGES",
    "RED_FLAGS",
    "Bothersomeness",
    "Clearance",
    "RedFlag",
    "Risk",
    "ScreeningAnswers",
    "ScreeningResult",
    "StartBackAnswers",
    "StartBackResult",
    "Verdict",
    "clearance_date",
    "cleared_by",
    "load_wording",
    "parse_answers",
    "parse_clearance",
    "raised_flags",
    "red_flag",
    "score_startback",
    "screen",
    "verdict_for",
]
