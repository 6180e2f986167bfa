"""The lessons as data: what they must cover and cite (CLINICAL.md), and how broken data fails."""

import re
from pathlib import Path

import pytest

from backchain.errors import BackchainError
from backchain.learn import Lesson, LessonError, Paragraph, SignList, load_lessons, parse_lessons

NICE = "NICE NG59"
LANCET = "Foster et al. 2018, Lancet 391:2368"
PAIN_MODEL = "Silbernagel et al. 2007, Am J Sports Med 35:897"

# Each CLINICAL.md message, the lesson that carries it, and the source it must cite.
COVERAGE = [
    ("hurt_is_not_harm", "no serious cause", NICE),
    ("hurt_is_not_harm", "no serious cause", LANCET),
    ("pain_during_training", "too much", PAIN_MODEL),
    ("keep_moving", "return to their normal activities", NICE),
    ("keep_moving", "return to their normal activities", LANCET),
    ("exercise_habit", "no single type clearly ahead", LANCET),
    ("flare_ups", "Flare-ups are common and they settle", LANCET),
    ("flare_ups", "does not mean you have damaged your back", NICE),
    ("scans", "scans are not recommended", LANCET),
    ("when_to_get_checked", "They are not a diagnosis", "Finucane et al. 2020, JOSPT 50:350"),
]


def text_of(lesson: Lesson) -> str:
    return " ".join(block.text for block in lesson.body if isinstance(block, Paragraph))


def one_lesson(**changes: object) -> str:
    """A one-lesson YAML document, with fields replaced or (given None) left out."""
    fields: dict[str, object] = {
        "id": "sample",
        "title": "A sample lesson",
        "summary": "One line about it.",
        "body": '\n      - text: "First paragraph."\n      - text: "Second paragraph."',
        "sources": '\n      - "A source, 2020."',
    }
    fields.update(changes)
    lines = [f"    {key}: {value}" for key, value in fields.items() if value is not None]
    return "lessons:\n  -" + "\n".join(lines)[3:] + "\n"


def test_five_to_eight_lessons_with_unique_ids() -> None:
    lessons = load_lessons()
    assert 5 <= len(lessons) <= 8
    ids = [lesson.id for lesson in lessons]
    assert len(set(ids)) == len(ids)


def test_the_packaged_lessons_are_read_once() -> None:
    assert load_lessons() is load_lessons()


@pytest.mark.parametrize(("lesson_id", "message", "source"), COVERAGE)
def test_each_message_is_taught_and_cited(lesson_id: str, message: str, source: str) -> None:
    lesson = load_lessons().get(lesson_id)
    assert message in text_of(lesson)
    assert any(source in cited for cited in lesson.sources), lesson.sources


def test_the_pain_lesson_states_the_pain_monitoring_limits() -> None:
    # CLINICAL.md: pain during exercise above 5 of 10 is too much; progress needs pain <= 3, RPE <= 8.
    text = text_of(load_lessons().get("pain_during_training"))
    assert "Pain up to 5 is still acceptable" in text
    assert "Pain above 5 is too much for now" in text
    assert "effort (RPE) 8 or less and pain 3 or less" in text
    assert "next morning" in text


def test_every_placeholder_is_filled() -> None:
    for lesson in load_lessons():
        assert not re.search(r"[{}]", text_of(lesson)), lesson.id


def test_the_checked_lesson_lists_the_screening_signs_by_severity() -> None:
    lesson = load_lessons().get("when_to_get_checked")
    urgent, clinician = (block for block in lesson.body if isinstance(block, SignList))
    # CLINICAL.md lists six same-day signs; the other list holds the see-a-clinician ones.
    assert len(urgent.items) == 6
    assert "New loss of bowel control" in urgent.items
    assert "Pregnancy" in clinician.items
    assert not set(urgent.items) & set(clinician.items)
    assert len(clinician.items) >= 10


@pytest.mark.parametrize("condition", ["cauda equina", "fracture", "tumour", "herniat", "slipped"])
def test_lessons_never_name_a_condition(condition: str) -> None:
    for lesson in load_lessons():
        assert condition not in text_of(lesson).lower(), lesson.id


def test_unknown_lesson_names_the_known_ones() -> None:
    with pytest.raises(
        LessonError, match=r"Unknown lesson 'nope'\. Choose one of: hurt_is_not_harm"
    ):
        load_lessons().get("nope")


def test_a_lesson_error_is_a_user_error() -> None:
    assert issubclass(LessonError, BackchainError)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lessons: [\n", r"^broken\.yaml: not valid YAML at line \d+; fix the file's syntax\.$"),
        ("items: []\n", r"expected a top-level 'lessons:' list"),
        ("lessons: []\n", r"the 'lessons:' list is empty"),
        (one_lesson(sources=None), r"lesson 'sample': field 'sources': Field required"),
        (
            one_lesson(sources="[]"),
            r"lesson 'sample': field 'sources': List should have at least 1",
        ),
        (one_lesson(id="Not A Slug"), r"lesson 'Not A Slug': field 'id': String should match"),
        (one_lesson(id=None), r"lesson #1: field 'id': Field required"),
        (
            one_lesson(body='\n      - text: "Pain {nope} of 10."\n      - text: "Two."'),
            r"lesson 'sample': field 'body\.0\.text\.text': unknown fact '\{nope\}'; "
            r"a lesson may quote max_acceptable_pain",
        ),
        (
            one_lesson(body='\n      - text: "One."\n      - signs: whenever'),
            r"lesson 'sample': field 'body\.1\.signs\.signs': Input should be 'urgent' or "
            r"'see_clinician'",
        ),
        (
            one_lesson(body='\n      - text: "Only one."'),
            r"field 'body': List should have at least 2",
        ),
        (
            one_lesson() + one_lesson()[len("lessons:\n") :],
            r"lesson 'sample' appears more than once",
        ),
    ],
)
def test_broken_data_is_one_clear_message(text: str, message: str) -> None:
    with pytest.raises(LessonError, match=message):
        parse_lessons(text, source="broken.yaml")


def test_a_valid_document_parses_in_order() -> None:
    lessons = parse_lessons(one_lesson(), source="ok.yaml")
    assert [lesson.id for lesson in lessons] == ["sample"]
    assert lessons.number(lessons.get("sample")) == 1


def test_a_missing_file_is_a_lesson_error(tmp_path: Path) -> None:
    with pytest.raises(LessonError, match=r"Cannot read lesson data .*missing\.yaml"):
        load_lessons(tmp_path / "missing.yaml")


def test_a_file_on_disk_is_read(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(one_lesson(title="Read from a file"), encoding="utf-8")
    assert load_lessons(path).get("sample").title == "Read from a file"
