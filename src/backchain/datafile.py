"""Reading data files with a one-line error for anything wrong: Backchain's own YAML (the exercise
catalogue, the lessons), and JSON from outside (an export to import, a profile, a session log).

`strict_json` refuses what `json.loads` would guess at or choke on — a key given twice, NaN or
Infinity, a number too long or too large to store, nesting deep enough to exhaust the parser, a
byte that is not UTF-8, text a database cannot hold — and says where. A count of brackets and
the parser's own hooks find these at little cost; only once one is found does a slower scan of
the text run, to give its line and column.
"""

import json
import math
import re
from collections.abc import Callable, Mapping
from itertools import accumulate

import yaml

from backchain.errors import BackchainError

__all__ = [
    "MAX_JSON_DEPTH",
    "MAX_NUMBER_DIGITS",
    "MAX_WHOLE_NUMBER",
    "Refusal",
    "quoted",
    "strict_json",
    "top_level_list",
]

# An export nests 12 deep (people, plans, weeks, sessions, exercises, a rep range); 64 leaves room
# for hand-written answers and stays far below the depth that exhausts Python's parser.
MAX_JSON_DEPTH = 64
# Nothing Backchain writes has more than 17 significant digits; past 4300 Python refuses by itself.
MAX_NUMBER_DIGITS = 30
# The largest whole number a PostgreSQL INTEGER column holds; no count Backchain keeps comes near.
MAX_WHOLE_NUMBER = 2**31 - 1
_QUOTE_CHARS = 40  # of a key or a number quoted in a message

#: Makes the exception for a problem, given as a phrase ('the field "date" appears twice …').
Refusal = Callable[[str], BackchainError]

# libyaml's parser when PyYAML has it (its wheels do): the same documents and the same errors,
# ten times faster, which every `backchain` command that reads the catalogue feels.
_YAML_LOADER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


def top_level_list(
    text: str, *, source: str, key: str, error: type[BackchainError]
) -> list[object]:
    """The list under `key` in a YAML document; `error` names what is wrong and where."""
    try:
        document = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise error(f"{source}: not valid YAML{where}; fix the file's syntax.") from problem
    if not isinstance(document, Mapping) or not isinstance(document.get(key), list):
        raise error(f"{source}: expected a top-level '{key}:' list.")
    entries: list[object] = document[key]
    return entries


def strict_json(data: str | bytes, *, refuse: Refusal) -> object:
    """The JSON value in `data`; any problem is raised as `refuse(problem)`."""
    try:
        return _parse(data)
    except _Problem as problem:
        raise refuse(problem.phrase) from None


class _Problem(ValueError):
    """What is wrong with the input, then (once the scan knows it) where, then why."""

    def __init__(self, what: str, why: str = "", *, where: str = "") -> None:
        self.what, self.why, self.where = what, why, where
        self.phrase = f"{what}{f' at {where}' if where else ''}{why}"
        super().__init__(self.phrase)


def _parse(data: str | bytes) -> object:
    """Cheap checks and the parser's hooks find a problem; only then does the slower scan run, to
    say where it is."""
    text = _utf8(data) if isinstance(data, bytes) else data
    if _deepest(text) > MAX_JSON_DEPTH:  # the parser would recurse until it ran out of stack
        _scan(text)  # to say where
        raise _Problem(f"the file nests lists and objects more than {MAX_JSON_DEPTH} deep")
    try:
        value = json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_constant=_no_constant,
            parse_int=_whole_number,
            parse_float=_number,
        )
    except json.JSONDecodeError as error:
        what = error.msg.removesuffix(" at")  # "Unterminated string starting at"
        raise _Problem(
            f"the file is not valid JSON ({what} at line {error.lineno}, column {error.colno})"
        ) from None
    except _Problem as problem:  # from a hook, which does not know where it is
        _scan(text)
        raise problem from None
    _check_storable(value, "")
    return value


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")  # a byte-order mark, as some editors add, is harmless
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - data.rfind(b"\n", 0, error.start)
        raise _Problem(
            f"the file is not UTF-8 text (a byte at line {line}, column {column} is not)"
        ) from None


# A string; one with no closing quote ends at the line's end (JSON strings hold no line break),
# so that no quote is read twice: text full of escaped quotes would otherwise take quadratic time.
_STRING = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"?'
_STRINGS = re.compile(_STRING)
_NOT_BRACKETS = re.compile(r"[^][{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _deepest(text: str) -> int:
    """How deep lists and objects nest, counted without recursion (a file may be cut short)."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


# What the scan looks at; it steps over the rest (commas, true, false, null, white space, short
# numbers: a number needs checking only when it is long or has an exponent, as nine digits stay
# below MAX_WHOLE_NUMBER).
_TOKEN = re.compile(
    rf"(?P<string>{_STRING})(?P<key>[ \t\n\r]*:)?"
    r"|(?P<open>[\[{])|(?P<close>[]}])"
    r"|(?P<number>-?[0-9][0-9.eE+-]{9,}|-?[0-9][0-9.]*[eE][0-9eE+-]*)"
    r"|(?P<word>-?(?:NaN|Infinity))"
)


def _scan(text: str) -> None:
    """Refuse the first problem with its line and column; slow, so it runs once a problem is
    known. The grammar is the parser's to check: in valid JSON every quote outside a string
    opens one, so the scan never reads a string's text as structure."""
    keys: list[set[str] | None] = []  # for each open object its keys so far; None for a list
    for token in _TOKEN.finditer(text):
        kind = token.lastgroup
        problem: _Problem | None = None
        if kind == "key" and keys and (seen := keys[-1]) is not None:
            problem = _repeated(_decoded(token.group("string")), seen)
        elif kind == "open":
            if len(keys) == MAX_JSON_DEPTH:
                problem = _Problem(
                    f"the file nests lists and objects more than {MAX_JSON_DEPTH} deep"
                )
            keys.append(set() if token.group() == "{" else None)
        elif kind == "close" and keys:
            keys.pop()
        elif kind == "number":
            problem = _number_problem(token.group())
        elif kind == "word":
            problem = _not_a_number(token.group())
        if problem is not None:
            raise _Problem(problem.what, problem.why, where=_place(text, token.start()))


def _place(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    return f"line {line}, column {index - text.rfind(chr(10), 0, index)}"


def _decoded(token: str) -> str:
    """A string token's text, so that "a" and "\\u0061" are the same key."""
    if "\\" not in token:
        return token[1:-1]
    try:
        text: str = json.loads(token)
    except ValueError:
        return token  # a bad escape: the parser says so
    return text


def _repeated(key: str, seen: set[str]) -> _Problem | None:
    if key in seen:
        return _Problem(f"the field {quoted(key)} appears twice in one object")
    seen.add(key)
    return None


def _number_problem(token: str) -> _Problem | None:
    """What the hooks below would refuse in this number, if anything."""
    try:
        _whole_number(token) if token.lstrip("-").isdigit() else _number(token)
    except _Problem as problem:
        return problem
    except ValueError:
        return None  # not a number at all: the parser says so
    return None


def _whole_number(token: str) -> int:
    if len(token.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _Problem(f"the file holds a number of more than {MAX_NUMBER_DIGITS} digits")
    number = int(token)
    if abs(number) > MAX_WHOLE_NUMBER:
        raise _Problem(f"the file holds a number too large to store ({_cut(token)})")
    return number


def _number(token: str) -> float:
    if sum(character.isdigit() for character in token) > MAX_NUMBER_DIGITS:
        raise _Problem(f"the file holds a number of more than {MAX_NUMBER_DIGITS} digits")
    number = float(token)
    if not math.isfinite(number):
        raise _Problem(f"the file holds a number too large to store ({_cut(token)})")
    return number


def _not_a_number(name: str) -> _Problem:
    return _Problem(f"the file holds {name}", ": JSON numbers are never NaN or infinite")


def _no_constant(name: str) -> object:
    raise _not_a_number(name)


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    seen: set[str] = set()
    for key, _ in pairs:
        if (problem := _repeated(key, seen)) is not None:
            raise problem
    return dict(pairs)


def _check_storable(value: object, path: str) -> None:
    """Refuse a string no database stores. Nesting is bounded by the scan."""
    if isinstance(value, str):
        _storable(value, f"the text at {path or 'the top'}")
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key, f"a field name in {path or 'the top object'}")
            _check_storable(item, f"{path}.{_name(key)}" if path else _name(key))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            _check_storable(item, f"{path}[{number}]")


def _storable(text: str, what: str) -> None:
    if "\x00" in text:
        raise _Problem(f"{what} holds a NUL character", ", which cannot be stored")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _Problem(f"{what} holds half of a surrogate pair", ", which is not text") from None


def _name(key: str) -> str:
    return key if key.isidentifier() else quoted(key)


def quoted(text: str) -> str:
    """Text from a file, for a message: quoted, on one line (escapes for what cannot be printed),
    cut short."""
    return json.dumps(_cut(text))


def _cut(text: str) -> str:
    return text if len(text) <= _QUOTE_CHARS else text[:_QUOTE_CHARS] + "..."
