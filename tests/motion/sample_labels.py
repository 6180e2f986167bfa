"""The sample clips' labels, read once for the tests and the motion benchmark: rep counts from
labels.tsv and labels-more.tsv, holds where labelled, and per-rep faults (data/labelled_faults.tsv).

Scoring a fault: on every labelled rep, each rule of the exercise is judged unless the labels
leave it out; a reported fault the labels expect is a true positive, one they do not a false
positive, an expected one not reported a false negative.
"""

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO.parent / "shared" / "samples"
LABEL_FILES = ("labels.tsv", "labels-more.tsv")
FAULT_LABELS = Path(__file__).parent / "data" / "labelled_faults.tsv"


@dataclass(frozen=True)
class LabelledClip:
    path: Path
    exercise: str
    reps: int
    duration_s: float
    sha256: str
    holds: tuple[float | None, ...] = ()  # labelled time at the top, per rep


@dataclass(frozen=True)
class LabelledRep:
    expected: frozenset[str]
    unjudged: frozenset[str]


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    misses: list[str] = field(default_factory=list)  # "clip rep N: +found / -missed"

    @property
    def precision(self) -> float | None:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else None

    @property
    def recall(self) -> float | None:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else None


def labelled_clips(samples: Path = SAMPLES) -> list[LabelledClip]:
    """Every labelled clip; none when the samples folder is absent."""
    clips = []
    for name in LABEL_FILES:
        if not (samples / name).is_file():
            continue
        with (samples / name).open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(file, delimiter="\t"):
                reps = int(row["reps"])
                clips.append(
                    LabelledClip(
                        samples / row["file"],
                        row["exercise"],
                        reps,
                        float(row["duration_s"]),
                        row["sha256"],
                        _holds(row.get("holds_s_by_eye") or "", reps),
                    )
                )
    return clips


def _holds(text: str, reps: int) -> tuple[float | None, ...]:
    """ "3.3; 3.3; 2.3" one per rep, or "about 1.4 each"; a number with "+" (still holding when
    the clip ends) leaves its rep unlabelled."""
    if "each" in text:
        number = re.search(r"\d+(\.\d+)?", text)
        return (float(number.group()),) * reps if number else ()
    holds: list[float | None] = []
    for part in (p.strip() for p in text.split(";") if p.strip()):
        number = re.match(r"(\d+(?:\.\d+)?)(\+?)", part)
        holds.append(float(number.group(1)) if number and not number.group(2) else None)
    return tuple(holds)


def fault_labels(path: Path = FAULT_LABELS) -> dict[str, dict[int, LabelledRep]]:
    """Clip file name -> rep number -> its labelled faults."""
    labels: dict[str, dict[int, LabelledRep]] = {}
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    for row in csv.DictReader(lines, delimiter="\t"):
        first, _, last = row["reps"].partition("-")
        rep = LabelledRep(_ids(row["expected"]), _ids(row["unjudged"]))
        for index in range(int(first), int(last or first) + 1):
            labels.setdefault(row["file"], {})[index] = rep
    return labels


def _ids(text: str) -> frozenset[str]:
    return frozenset(i.strip() for i in text.split(",") if i.strip() not in ("", "-"))


def score_clip(
    score: Score,
    clip: str,
    rules: Iterable[str],
    labels: dict[int, LabelledRep],
    found: dict[int, set[str]],
) -> None:
    """Add one clip's reps to `score`: `found` is rep number -> the fault ids reported."""
    for index, label in labels.items():
        judged = set(rules) - label.unjudged
        reported = found.get(index, set()) & judged
        expected = label.expected & judged
        score.true_positives += len(reported & expected)
        score.false_positives += len(reported - expected)
        score.false_negatives += len(expected - reported)
        if reported != expected:
            extra = "".join(f" +{f}" for f in sorted(reported - expected))
            missed = "".join(f" -{f}" for f in sorted(expected - reported))
            score.misses.append(f"{clip} rep {index}:{extra}{missed}")
