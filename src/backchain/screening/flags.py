"""The red-flag questions, exactly as listed in CLINICAL.md ("Safety screening").

Sources: NICE NG59 (low back pain and sciatica in over 16s) pathways; IFOMPT International
Framework for red flags, Finucane et al. 2020, JOSPT 50:350. Long-standing pain is not a red flag
in itself: it counts only while no clinician has checked it. Red flags have poor diagnostic
accuracy on their own, so every reason asks the person to get checked and never names a condition.
"""

from backchain.screening.models import RedFlag, Verdict

__all__ = ["RED_FLAGS", "red_flag"]

_URGENT = Verdict.URGENT
_CLINICIAN = Verdict.SEE_CLINICIAN

RED_FLAGS: tuple[RedFlag, ...] = (
    # Urgent, same day.
    RedFlag(
        "bladder",
        "Have you recently had new difficulty passing urine, or leaked urine without meaning to?",
        _URGENT,
        "New changes in passing or holding urine",
    ),
    RedFlag(
        "bowel",
        "Have you recently lost control of your bowels?",
        _URGENT,
        "New loss of bowel control",
    ),
    RedFlag(
        "saddle_numbness",
        "Do you have numbness or altered feeling around your genitals, buttocks or inner thighs?",
        _URGENT,
        "Numbness around the genitals, buttocks or inner thighs",
    ),
    RedFlag(
        "leg_weakness",
        "Is there weakness in your legs that is getting worse or is severe, or trouble walking?",
        _URGENT,
        "Leg weakness that is severe or getting worse, or trouble walking",
    ),
    RedFlag(
        "both_legs",
        "Do you have pain, pins and needles or numbness running down both legs?",
        _URGENT,
        "Pain or altered feeling running down both legs",
    ),
    RedFlag(
        "sexual_function",
        "Have you noticed new problems with sexual function since the back pain began?",
        _URGENT,
        "New changes in sexual function",
    ),
    # See a clinician before training.
    RedFlag(
        "new_pain_age",
        "Is this back pain new for you, a first episode that started recently?",
        _CLINICIAN,
        "New back pain under the age of 20 or over the age of 50",
        over_age=50,
        under_age=20,
    ),
    RedFlag(
        "cancer_history",
        "Have you ever had cancer?",
        _CLINICIAN,
        "A past history of cancer",
    ),
    RedFlag(
        "weight_loss",
        "Have you lost weight recently without trying to?",
        _CLINICIAN,
        "Weight loss you cannot explain",
    ),
    RedFlag(
        "night_pain",
        "Is the pain constant at night and not eased by changing position?",
        _CLINICIAN,
        "Constant night pain that changing position does not ease",
    ),
    RedFlag(
        "fever_unwell",
        "Do you have a fever, or feel generally unwell?",
        _CLINICIAN,
        "Fever or feeling generally unwell",
    ),
    RedFlag(
        "immunosuppressed",
        "Is your immune system weakened by an illness or by medicines?",
        _CLINICIAN,
        "A weakened immune system",
    ),
    RedFlag(
        "iv_drug_use",
        "Do you inject drugs, or have you done so recently?",
        _CLINICIAN,
        "Injecting drugs",
    ),
    RedFlag(
        "recent_infection",
        "Have you had an infection recently?",
        _CLINICIAN,
        "A recent infection",
    ),
    RedFlag(
        "major_trauma",
        "Did the back pain start after a significant injury, such as a fall from height or a road accident?",
        _CLINICIAN,
        "Back pain after a significant injury",
    ),
    RedFlag(
        "minor_trauma_bone_risk",
        "Did the pain start after a minor knock or fall, and do you have osteoporosis or take steroid "
        "medicines long-term?",
        _CLINICIAN,
        "Back pain after a minor injury with osteoporosis or long-term steroid use",
    ),
    # CLINICAL.md, "Chronic pain is not a red flag": failing to improve counts only while no
    # clinician has assessed this back pain (IFOMPT framework: a reason to get assessed).
    RedFlag(
        "not_improving",
        "Has the pain gone on for a month or more without getting better, and has no doctor or "
        "physiotherapist checked it yet?",
        _CLINICIAN,
        "Pain that has not improved after a month and has not been checked by a clinician",
        condition="no clinician has checked this back pain yet",
    ),
    RedFlag(
        "pregnancy",
        "Are you pregnant?",
        _CLINICIAN,
        "Pregnancy",
    ),
    RedFlag(
        "recent_back_surgery",
        "Have you had surgery on your back in the last 12 months?",
        _CLINICIAN,
        "Back surgery within the last year",
    ),
)

_BY_ID = {flag.id: flag for flag in RED_FLAGS}


def red_flag(flag_id: str) -> RedFlag | None:
    """The flag with this id, or None when there is no such flag."""
    return _BY_ID.get(flag_id)
