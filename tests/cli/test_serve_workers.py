"""`backchain serve --workers N`: N web processes on one port, a killed one replaced while the
others answer, nothing left behind after SIGTERM; clinic mode handed to them through the
environment; and a wrong N refused in one line."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from cli_runner import BACKCHAIN, Run
from typer.testing import CliRunner

from backchain.cli import app as cli
from backchain.cli.serve import APP_FACTORY, MAX_WORKERS
from backchain.config import load_config

START_TIMEOUT_S = 60  # a web process imports the app and migrates the database before it serves
STOP_TIMEOUT_S = 20
POLL_S = 0.1
# uvicorn starts its processes with multiprocessing's "spawn"; beside them runs the
# resource tracker, which is a child of the server too but serves nothing.
WEB_PROCESS_MARK = "multiprocessing.spawn"
READY_LINE = "Application startup complete."


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _children(pid: int) -> dict[int, str]:
    """The live child processes of `pid` and their command lines, from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # ended while we looked
            continue
        state, parent = fields[0], int(fields[1])
        if parent == pid and state != "Z":
            found[int(stat.parent.name)] = cmdline
    return found


def _web_processes(pid: int) -> set[int]:
    return {child for child, cmdline in _children(pid).items() if WEB_PROCESS_MARK in cmdline}


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status waits to be read


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
            status: int = response.status
            return status == 200
    except OSError:
        return False


def _wait_for(what: str, condition: Callable[[], bool], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; server log:\n{log.read_text()}")
        time.sleep(POLL_S)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """`backchain serve --workers 2` in personal mode on loopback, with its own database."""
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "BACKCHAIN_DATABASE_URL": f"sqlite:///{tmp_path / 'backchain.db'}",
        "BACKCHAIN_STORAGE_DIR": str(tmp_path / "storage"),
    }
    # Output to a file, not a pipe: a full pipe would block the server.
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(BACKCHAIN), "serve", "--workers", "2", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=tmp_path,
        )
    try:
        yield process, f"http://127.0.0.1:{port}", log
    finally:
        if process.poll() is None:  # the test failed before it stopped the server
            for child in _children(process.pid):
                os.kill(child, signal.SIGKILL)
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_S)


def test_two_web_processes_share_the_port_and_one_killed_is_replaced(
    server: tuple[subprocess.Popen[bytes], str, Path],
) -> None:
    process, url, log = server
    _wait_for("both web processes", lambda: log.read_text().count(READY_LINE) == 2, log)
    assert _healthy(url)
    first = _web_processes(process.pid)
    assert len(first) == 2, _children(process.pid)
    everyone = set(_children(process.pid))  # with the resource tracker

    killed = min(first)
    os.kill(killed, signal.SIGKILL)
    _wait_for("the killed process to end", lambda: not _running(killed), log)
    # The other process goes on answering while the supervisor starts a replacement.
    assert all(_healthy(url) for _ in range(20))
    _wait_for("a replacement", lambda: log.read_text().count(READY_LINE) == 3, log)
    now = _web_processes(process.pid)
    assert len(now) == 2
    assert killed not in now
    assert first - {killed} <= now  # the survivor kept running
    assert all(_healthy(url) for _ in range(5))
    everyone |= now

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=STOP_TIMEOUT_S) == 0, log.read_text()
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while (left := {pid for pid in everyone if _running(pid)}) and time.monotonic() < deadline:
        time.sleep(POLL_S)
    assert left == set(), log.read_text()
    assert not _healthy(url)


@pytest.mark.parametrize("workers", ["0", "-1", str(MAX_WORKERS + 1)])
def test_a_wrong_number_of_workers_is_refused_in_one_line(run: Run, workers: str) -> None:
    result = run("serve", "--workers", workers)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith(f"Error: --workers must be from 1 to {MAX_WORKERS}")


def test_clinic_mode_reaches_every_process_through_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Set, so that monkeypatch puts it back as it was (unset) after `serve` changes it.
    monkeypatch.setenv("BACKCHAIN_CLINIC", "false")
    started: list[tuple[object, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.append((app, options)))

    result = CliRunner().invoke(cli, ["serve", "--clinic", "--workers", "3"])

    assert result.exit_code == 0, result.output
    [(app, options)] = started
    # Each process builds its own app and reads its settings, as a process of its own would.
    assert (app, options["factory"], options["workers"]) == (APP_FACTORY, True, 3)
    assert options["proxy_headers"] is True
    assert options["ws_max_size"] == 2 * load_config().max_frame_bytes
    load_config.cache_clear()
    assert load_config().clinic is True


@pytest.mark.parametrize("command", [("serve",), ("worker",)])
def test_a_storage_folder_that_cannot_be_made_is_one_line(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "BACKCHAIN_DATABASE_URL": f"sqlite:///{tmp_path / 'b.db'}",
        "BACKCHAIN_STORAGE_DIR": str(not_a_folder / "storage"),
        "BACKCHAIN_REDIS_URL": "redis://127.0.0.1:1/0",  # never reached: the folder is first
    }
    result = subprocess.run(
        [str(BACKCHAIN), *command], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"Error: Cannot use the storage folder {not_a_folder}")
