"""Reading Backchain's own YAML data files (the exercise catalogue, the lessons): a document
with one top-level list, where a broken file gives a one-line error naming the file."""

from collections.abc import Mapping

import yaml

from backchain.errors import BackchainError

__all__ = ["top_level_list"]


def top_level_list(
    text: str, *, source: str, key: str, error: type[BackchainError]
) -> list[object]:
    """The list under `key` in a YAML document; `error` names what is wrong and where."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise error(f"{source}: not valid YAML{where}; fix the file's syntax.") from problem
    if not isinstance(document, Mapping) or not isinstance(document.get(key), list):
        raise error(f"{source}: expected a top-level '{key}:' list.")
    entries: list[object] = document[key]
    return entries
