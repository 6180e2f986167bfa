"""A questionnaire's wording from a JSON file, e.g. the official text under its licence.

One format per questionnaire, items in the published order (CLINICAL.md: ship the app's own
paraphrase, allow the official wording from a file, and say which wording was used):

    startback.json  a list of the 9 item texts; or {"name": text, "items": [9 texts],
                    "choices": [5 texts]}, where "choices" are item 9's answers from "not at
                    all" to "extremely" (Backchain's own labels when left out)
    odi.json        a list of the 10 sections, each {"topic": text, "statements": [6 texts]}
                    with statement 0 (no problem) to 5 (the most severe); or {"name": text,
                    "items": [those 10 sections]}
    rmdq.json       a list of the 24 statement texts; or {"name": text, "items": [24 texts]}

A plain list is named "official". A "name" is a short label (at most 60 characters) that the
store keeps with each answer; "backchain" is reserved for Backchain's own paraphrase.
"""

from collections.abc import Mapping, Sequence
from pathlib import Path

from backchain.datafile import strict_json
from backchain.errors import WordingError
from backchain.outcomes.models import PARAPHRASE_WORDING, Item, Questionnaire, Wording

__all__ = [
    "MAX_NAME_CHARS",
    "OFFICIAL_WORDING",
    "WordingError",
    "load_wording",
    "parse_wording",
    "wording_file",
    "wording_in",
]

OFFICIAL_WORDING = "official"  # the name of a wording file given as a plain list
MAX_NAME_CHARS = 60  # a label for reports and the store, not a description

_SHORT = {
    Questionnaire.STARTBACK: "STarT Back",
    Questionnaire.ODI: "ODI",
    Questionnaire.RMDQ: "RMDQ",
}
_NOUN = {
    Questionnaire.STARTBACK: "item",
    Questionnaire.ODI: "section",
    Questionnaire.RMDQ: "statement",
}
_CHOICES_KEY = "choices"  # STarT Back only: item 9's five answers
_ODI_KEYS = ("topic", "statements")


def wording_file(questionnaire: Questionnaire) -> str:
    """The file name a wording folder holds this questionnaire's wording under."""
    return f"{questionnaire.value}.json"


def wording_in(folder: Path, *, paraphrase: Wording) -> Wording:
    """The wording in `folder` for the paraphrase's questionnaire; the paraphrase without a file."""
    if not folder.is_dir():
        raise WordingError(f"The wording folder {folder} does not exist; check the path.")
    path = folder / wording_file(paraphrase.questionnaire)
    return load_wording(path, paraphrase=paraphrase) if path.exists() else paraphrase


def load_wording(path: Path, *, paraphrase: Wording) -> Wording:
    """A wording file for the paraphrase's questionnaire, checked against the paraphrase's shape."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WordingError(f"{path}: no such file; check the path.") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not a UTF-8 text file"
        raise WordingError(f"{path}: cannot read it ({reason}).") from None
    data = strict_json(text, refuse=lambda problem: WordingError(f"{path}: {problem}."))
    return parse_wording(data, paraphrase=paraphrase, source=str(path))


def parse_wording(data: object, *, paraphrase: Wording, source: str) -> Wording:
    """Parsed wording data; every item keeps the paraphrase's number and number of answers."""
    questionnaire = paraphrase.questionnaire
    name, entries, choices = _unpack(data, paraphrase, source)
    count, noun = len(paraphrase.items), _NOUN[questionnaire]
    if len(entries) != count:
        raise WordingError(
            f"{source}: the {_SHORT[questionnaire]} wording needs {count} {noun}s, "
            f"got {len(entries)}."
        )
    where = f"{source}: {_SHORT[questionnaire]} {noun}"
    if questionnaire is Questionnaire.ODI:
        items = tuple(
            _odi_section(entry, model, f"{where} {model.id}")
            for entry, model in zip(entries, paraphrase.items, strict=True)
        )
    else:
        items = tuple(
            Item(model.id, _text(entry, f"{where} {model.id}"), model.options)
            for entry, model in zip(entries, paraphrase.items, strict=True)
        )
    if choices is not None:
        last = items[-1]
        assert last.options is not None  # _unpack accepts "choices" only where they exist
        where_choices = f'{source}: "{_CHOICES_KEY}"'
        options = _texts(choices, len(last.options), where_choices, "answer", first=1)
        items = (*items[:-1], Item(last.id, last.text, options))
    return Wording(questionnaire=questionnaire, name=name, items=items)


def _unpack(
    data: object, paraphrase: Wording, source: str
) -> tuple[str, Sequence[object], object | None]:
    """The name, the item entries and (STarT Back only) item 9's choices of a wording file."""
    questionnaire = paraphrase.questionnaire
    if isinstance(data, list):
        return OFFICIAL_WORDING, data, None
    keys = {"name", "items"}
    if questionnaire is Questionnaire.STARTBACK:
        keys.add(_CHOICES_KEY)
    if not isinstance(data, Mapping):
        raise _not_a_wording(paraphrase, source)
    unknown = sorted(str(key) for key in data if key not in keys)
    if unknown:
        allowed = ", ".join(f'"{key}"' for key in sorted(keys))
        raise WordingError(f'{source}: unknown key "{unknown[0]}"; the keys are {allowed}.')
    if not isinstance(data.get("items"), list):
        raise _not_a_wording(paraphrase, source)
    return _name(data.get("name", OFFICIAL_WORDING), source), data["items"], data.get(_CHOICES_KEY)


def _not_a_wording(paraphrase: Wording, source: str) -> WordingError:
    questionnaire = paraphrase.questionnaire
    return WordingError(
        f"{source}: the {_SHORT[questionnaire]} wording must be a JSON list of "
        f'{len(paraphrase.items)} {_NOUN[questionnaire]}s, or an object with "name" and "items".'
    )


def _name(value: object, source: str) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name or len(name) > MAX_NAME_CHARS or name.casefold() == PARAPHRASE_WORDING:
        raise WordingError(
            f'{source}: "name" must be a text of 1 to {MAX_NAME_CHARS} characters other than '
            f'"{PARAPHRASE_WORDING}" (Backchain\'s own wording).'
        )
    return name


def _odi_section(entry: object, model: Item, where: str) -> Item:
    assert model.options is not None  # every ODI section has its statements
    count = len(model.options)
    if not isinstance(entry, Mapping) or set(entry) != set(_ODI_KEYS):
        raise WordingError(
            f'{where} must be an object {{"topic": text, "statements": [{count} texts, from '
            "no problem to the most severe]}."
        )
    topic = _text(entry["topic"], f"{where}'s topic")
    return Item(model.id, topic, _texts(entry["statements"], count, where, "statement", first=0))


def _texts(value: object, count: int, where: str, noun: str, *, first: int) -> tuple[str, ...]:
    """`count` different texts; `first` numbers them in messages (ODI statements count from 0)."""
    if not isinstance(value, list) or len(value) != count:
        raise WordingError(f"{where} needs a list of {count} {noun}s.")
    texts = tuple(
        _text(entry, f"{where}, {noun} {n}") for n, entry in enumerate(value, start=first)
    )
    if len(set(texts)) != count:
        raise WordingError(f"{where} has the same {noun} twice; each must differ.")
    return texts


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise WordingError(f"{where} must be a text that is not empty.")
    return value.strip()
