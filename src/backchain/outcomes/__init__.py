"""Outcome measures: pain (NRS), disability (ODI, RMDQ) and clinically important change."""

from backchain.outcomes.models import Change, Direction, Measure, PainScore, Score
from backchain.outcomes.scoring import (
    MCID_PERCENT,
    MCID_POINTS,
    ODI_BANDS,
    ODI_SECTION_TOPICS,
    ODI_SECTIONS,
    RMDQ_ITEMS,
    change,
    score_answers,
    score_nrs,
    score_odi,
    score_rmdq,
)

__all__ = [
    "MCID_PERCENT",
    "MCID_POINTS",
    "ODI_BANDS",
    "ODI_SECTIONS",
    "ODI_SECTION_TOPICS",
    "RMDQ_ITEMS",
    "Change",
    "Direction",
    "Measure",
    "PainScore",
    "Score",
    "change",
    "score_answers",
    "score_nrs",
    "score_odi",
    "score_rmdq",
]
