"""Landmark files: a recording's pose sequence saved once, so counting and rules can be re-run
and tested without the model. NumPy's .npz with a small JSON header.

Arrays added since version 1 (the frames' brightness) are optional: files without them still
load, and readers that do not know them skip them, so the version stays 1."""

import json
import zipfile
from pathlib import Path

import numpy as np

from backchain.errors import MotionError
from backchain.motion.poses import PoseSequence
from backchain.motion.video import VideoInfo

__all__ = ["FORMAT", "VERSION", "load_landmarks", "save_landmarks"]

FORMAT = "backchain-landmarks"
VERSION = 1
_ARRAYS = ("t", "image", "world", "visibility", "people")
_OPTIONAL = ("luma",)  # missing in older files: the sequence fills in NaN


def save_landmarks(path: Path, sequence: PoseSequence, info: VideoInfo) -> None:
    """Write the file whole or not at all (a partial file is renamed into place)."""
    header = {
        "format": FORMAT,
        "version": VERSION,
        "size": list(sequence.size),
        "video": info.__dict__,
    }
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as out:
        np.savez_compressed(
            out,
            header=np.array(json.dumps(header)),
            **{name: getattr(sequence, name) for name in (*_ARRAYS, *_OPTIONAL)},
        )
    partial.replace(path)


def load_landmarks(path: Path) -> tuple[PoseSequence, VideoInfo]:
    """Read a landmark file; MotionError with one line when it is missing or not one."""
    if not path.exists():
        raise MotionError(f"{path}: no such file; check the path.")
    try:
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(str(data["header"]))
            arrays = {name: np.array(data[name]) for name in _ARRAYS}
            optional = {name: np.array(data[name]) for name in _OPTIONAL if name in data.files}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, json.JSONDecodeError):
        raise MotionError(
            f"{path} is not a Backchain landmark file; make one with `backchain landmarks`."
        ) from None
    if header.get("format") != FORMAT:
        raise MotionError(
            f"{path} is not a Backchain landmark file; make one with `backchain landmarks`."
        )
    if header.get("version", 0) > VERSION:
        raise MotionError(
            f"{path} was written by a newer Backchain (landmark format {header['version']}); update Backchain."
        )
    try:
        sequence = PoseSequence(
            arrays["t"].astype(np.float64),
            arrays["image"].astype(np.float64),
            arrays["world"].astype(np.float64),
            arrays["visibility"].astype(np.float64),
            (int(header["size"][0]), int(header["size"][1])),
            arrays["people"].astype(np.int64),
            optional.get("luma", np.zeros(0)).astype(np.float64),
        )
        info = VideoInfo(**header["video"])
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise MotionError(
            f"{path} is damaged ({error}); make it again with `backchain landmarks`."
        ) from None
    return sequence, info
