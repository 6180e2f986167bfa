"""Benchmark the live coach on a started `backchain serve`: time per frame, and memory under many connections.

    .venv/bin/python scripts/bench_live.py [CLIP] [--exercise glute_bridge] [--connections 50]
    .venv/bin/python scripts/bench_live.py --browser-only

1. Round trip in the browser: Debian's Chromium plays CLIP as its webcam (CAMERA_HEIGHT px,
   15 fps, looped) into the live coach page, on loopback, for BROWSER_SECONDS after a warm-up.
   Each frame is timed in the page from its capture (the time coach.js puts in its header) to
   the server's reply, and from its send to the reply: p50/p90/max, and the frames answered a
   second. Target: p90 ≤ 80 ms from capture to reply; the script exits 1 when it is missed.
2. Memory: the server's resident memory (VmRSS) and threads when started, with CONNECTIONS
   idle live-coach WebSockets open, after each of them has sent one frame, and once they are
   closed. Target: less than 300 MB more with the connections open.
3. Time per frame: up to 200 frames of CLIP as coach.js sends them (15 fps, at most 384 px on
   the longer side, JPEG quality 0.7), one set on one WebSocket, each frame sent on time once
   the last reply is in; p50/p95 from send to reply, with the real MediaPipe model. Target:
   p95 ≤ 40 ms. The same frames are then timed in this process, step by step, to show where
   the time goes, in wall and in CPU time: on a busy machine only the CPU times mean much.

The clip is read from ../shared/samples and never copied (the browser's camera file is written
to a temporary folder and deleted).
"""

import argparse
import asyncio
import csv
import itertools
import json
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import cv2
import httpx2 as httpx
import numpy as np
from playwright.sync_api import Page, sync_playwright
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from backchain.exercises import load_catalogue
from backchain.motion.video import read_frames
from backchain.web.analysis import quiet_pose
from backchain.web.coach import LiveSet

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"
sys.path.insert(0, str(REPO / "tests" / "web"))  # the browser tests' Chromium and camera file
from browser_kit import CHROMIUM, CHROMIUM_ARGS, PHONE  # noqa: E402
from test_coach_journey import CAMERA_HEIGHT, write_y4m  # noqa: E402

FPS = 15.0  # coach.js: FPS
MAX_SIDE = 384  # coach.js: MAX_SIDE
JPEG_QUALITY = 70  # coach.js: JPEG_QUALITY, 0.7
FRAMES = 200
WARM_UP_FRAMES = 5  # sent on a set of their own first: the model loads on the first frame
SETTLE_S = 1.0  # before reading memory, so freed pages and ended threads show
TARGET_P95_MS = 40.0
STEPS = ("decode", "pose", "count")  # a frame's work in the coach, in order
TARGET_GROWTH_MB = 300.0
FIRST_REPLY_TIMEOUT_S = 60.0  # a fresh server loads the model on the first frame
BROWSER_WARM_UP_S = 5.0  # the page's first frames wait for the model of a fresh server
BROWSER_SECONDS = 20.0  # timed in the page after the warm-up
TARGET_BROWSER_P90_MS = 80.0
# In the page, before its own scripts: time each binary frame from its capture (the float64
# seconds coach.js writes first) and from its send to the reply ("frame" or "warning", one per
# frame and in order), in `window.__roundTrips` as [capture to reply, send to reply] in ms.
ROUND_TRIP_PROBE = """
(() => {
  const Native = window.WebSocket;
  window.__roundTrips = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.pending = [];
      this.addEventListener("message", (event) => {
        const type = JSON.parse(event.data).type;
        if (type !== "frame" && type !== "warning") return;
        const frame = this.pending.shift();
        const now = performance.now();
        if (frame) frame.then(([captured, sent]) => window.__roundTrips.push([now - captured, now - sent]));
      });
    }
    send(data) {
      if (typeof data !== "string") {
        const sent = performance.now();
        const head = data instanceof Blob ? data.slice(0, 8).arrayBuffer() : Promise.resolve(data);
        this.pending.push(head.then((bytes) => [new DataView(bytes).getFloat64(0, true) * 1000, sent]));
      }
      super.send(data);
    }
  };
})();
"""


@dataclass(frozen=True)
class Usage:
    rss_mb: float
    threads: int


def usage(pid: int) -> Usage:
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return Usage(int(fields["VmRSS"].split()[0]) / 1024, int(fields["Threads"]))


def cpu_s(pid: int) -> float:
    """User and system CPU seconds the process has used, all its threads together."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentiles(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), statistics.quantiles(samples, n=100)[94]


def page_frames(clip: Path, count: int) -> list[tuple[float, bytes]]:
    """The clip's frames as the page sends them: scaled to MAX_SIDE, JPEG at JPEG_QUALITY."""
    frames = []
    for frame in read_frames(clip, max_fps=FPS, max_width=None):
        height, width = frame.rgb.shape[:2]
        scale = min(1.0, MAX_SIDE / max(width, height))
        size = (round(width * scale), round(height * scale))
        rgb = cv2.resize(frame.rgb, size, interpolation=cv2.INTER_AREA)
        quality = [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]
        ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), quality)
        assert ok
        frames.append((frame.t, jpeg.tobytes()))
        if len(frames) == count:
            break
    return frames


@contextmanager
def server(connections: int) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`backchain serve` on a free loopback port with an empty database of its own."""
    with tempfile.TemporaryDirectory() as folder:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {
            **os.environ,
            "BACKCHAIN_DATABASE_URL": f"sqlite:///{folder}/bench.db",
            "BACKCHAIN_MAX_LIVE_SETS": str(connections + 1),  # the cap is not under test here
        }
        command = [str(Path(sys.executable).parent / "backchain"), "serve", "--port", str(port)]
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(150):
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            yield url, process
        finally:
            process.terminate()
            process.wait(timeout=30)


def _open(url: str, exercise: str) -> connect:
    ws_url = url.replace("http://", "ws://") + f"/coach/ws?exercise={exercise}"
    return connect(ws_url, origin=Origin(url), max_size=None)


async def _send(socket: ClientConnection, t: float, jpeg: bytes) -> dict[str, object]:
    await socket.send(struct.pack("<d", t) + jpeg)
    reply: dict[str, object] = json.loads(await socket.recv())
    return reply


async def bench_memory(
    url: str, pid: int, exercise: str, frame: bytes, count: int
) -> list[tuple[str, Usage]]:
    await asyncio.sleep(SETTLE_S)
    stages = [("started", usage(pid))]
    sockets = [await _open(url, exercise) for _ in range(count)]
    try:
        opened = [json.loads(await s.recv()) for s in sockets]
        assert all(message["type"] == "set" for message in opened), opened
        await asyncio.sleep(SETTLE_S)
        stages.append((f"{count} idle connections", usage(pid)))
        replies = await asyncio.gather(*(_send(s, 0.0, frame) for s in sockets))
        assert all(reply["type"] == "frame" for reply in replies), replies
        await asyncio.sleep(SETTLE_S)
        stages.append((f"{count} that sent a frame", usage(pid)))
    finally:
        for s in sockets:
            await s.close()
    await asyncio.sleep(SETTLE_S)
    stages.append(("all closed", usage(pid)))
    return stages


async def bench_round_trips(
    url: str, pid: int, exercise: str, frames: list[tuple[float, bytes]]
) -> tuple[list[float], float, object]:
    """Send to reply per frame; the server's CPU time per frame; the reps counted."""
    async with _open(url, exercise) as warm_up:
        await warm_up.recv()
        for t, jpeg in frames[:WARM_UP_FRAMES]:
            await _send(warm_up, t, jpeg)
    times, reply = [], {}
    async with _open(url, exercise) as socket:
        await socket.recv()
        cpu_start = cpu_s(pid)
        start = time.perf_counter() - frames[0][0]
        for t, jpeg in frames:
            await asyncio.sleep(max(0.0, start + t - time.perf_counter()))  # 15 fps, like the page
            sent = time.perf_counter()
            reply = await _send(socket, t, jpeg)
            times.append((time.perf_counter() - sent) * 1000)
        cpu_ms = (cpu_s(pid) - cpu_start) * 1000 / len(frames)
    return times, cpu_ms, reply.get("reps")


def bench_steps(exercise: str, frames: list[tuple[float, bytes]]) -> dict[str, list[float]]:
    """Each frame's decode, pose and count in this process, done as the coach does them, in
    wall and in CPU milliseconds (all threads): other work on the machine inflates only the first."""
    steps: dict[str, list[float]] = {}
    live = LiveSet.new(exercise)
    load_catalogue()  # the server has it before the first frame
    with quiet_pose() as model:
        for t, jpeg in frames:
            marks = [(time.perf_counter(), time.process_time())]
            bgr = cv2.imdecode(np.frombuffer(jpeg, dtype=np.uint8), cv2.IMREAD_COLOR)
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            marks.append((time.perf_counter(), time.process_time()))
            pose = model.estimate(rgb, t)
            marks.append((time.perf_counter(), time.process_time()))
            live.update(t, pose, (rgb.shape[1], rgb.shape[0]))
            marks.append((time.perf_counter(), time.process_time()))
            for name, (before, after) in zip(STEPS, itertools.pairwise(marks), strict=True):
                steps.setdefault(f"wall: {name}", []).append((after[0] - before[0]) * 1000)
                steps.setdefault(f"CPU: {name}", []).append((after[1] - before[1]) * 1000)
    return dict(sorted(steps.items(), reverse=True))


@dataclass(frozen=True)
class BrowserTimes:
    capture_ms: list[float]  # from the frame's capture in the page to its reply
    send_ms: list[float]  # from its send to its reply
    seconds: float


def bench_browser(url: str, clip: Path, exercise: str) -> BrowserTimes:
    """The live coach page in Chromium with CLIP as its webcam; the page's round trips."""
    with tempfile.TemporaryDirectory() as folder:
        camera = Path(folder) / "camera.y4m"
        write_y4m(clip, camera)
        camera_args = [
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={camera}",
        ]
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, *camera_args]
            )
            try:
                context = chromium.new_context(base_url=url, viewport=PHONE, permissions=["camera"])
                context.add_init_script(ROUND_TRIP_PROBE)
                return _time_page(context.new_page(), exercise)
            finally:
                chromium.close()


def _time_page(page: Page, exercise: str) -> BrowserTimes:
    page.goto(f"/coach?exercise={exercise}")
    page.get_by_role("button", name="Coach me").click()
    # The app's Content-Security-Policy refuses eval, which `wait_for_function` needs: poll.
    deadline = time.monotonic() + FIRST_REPLY_TIMEOUT_S
    while not page.evaluate("window.__roundTrips.length"):
        if time.monotonic() > deadline:
            sys.exit(f"The live coach page had no reply within {FIRST_REPLY_TIMEOUT_S:.0f} s.")
        page.wait_for_timeout(200)
    page.wait_for_timeout(BROWSER_WARM_UP_S * 1000)
    page.evaluate("window.__roundTrips.length = 0")
    page.wait_for_timeout(BROWSER_SECONDS * 1000)
    times: list[list[float]] = page.evaluate("window.__roundTrips")
    page.get_by_role("button", name="Finish set").click()
    return BrowserTimes([c for c, _ in times], [s for _, s in times], BROWSER_SECONDS)


def spread(samples: list[float]) -> tuple[float, float, float]:
    """p50, p90 and max."""
    return statistics.median(samples), statistics.quantiles(samples, n=10)[8], max(samples)


def report_browser(clip: Path, times: BrowserTimes) -> bool:
    """Print the page's round trips; whether the p90 target is met."""
    answered = len(times.capture_ms) / times.seconds
    print(
        f"Round trip in Chromium, {clip.name} as a {CAMERA_HEIGHT} px webcam on loopback: "
        f"{len(times.capture_ms)} frames in {times.seconds:.0f} s ({answered:.1f} answered a second)"
    )
    print(f"  {'from':<34} {'p50 ms':>8} {'p90 ms':>8} {'max ms':>8}")
    capture = spread(times.capture_ms)
    met = capture[1] <= TARGET_BROWSER_P90_MS
    verdict = "met" if met else "MISSED"
    target = f"(target p90 ≤ {TARGET_BROWSER_P90_MS:.0f}: {verdict})"
    print(
        f"  {'capture to reply':<34} {capture[0]:8.1f} {capture[1]:8.1f} {capture[2]:8.1f}   {target}"
    )
    send = spread(times.send_ms)
    print(f"  {'send to reply':<34} {send[0]:8.1f} {send[1]:8.1f} {send[2]:8.1f}")
    print(f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    return met


def label(clip: Path) -> str:
    for name in ("labels.tsv", "labels-more.tsv"):
        with (clip.parent / name).open(newline="") as file:
            for row in csv.DictReader(file, delimiter="\t"):
                if row["file"] == clip.name:
                    return row["reps"]
    return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path, default=SAMPLES / "glute_bridge_01.mp4")
    parser.add_argument("--exercise", default="glute_bridge")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument(
        "--browser-only", action="store_true", help="time the page's round trips only"
    )
    args = parser.parse_args()
    with server(1) as (url, _):
        met = report_browser(args.clip, bench_browser(url, args.clip, args.exercise))
    if not args.browser_only:
        bench_server(args.clip, args.exercise, args.connections)
    if not met:
        sys.exit(1)


def bench_server(clip: Path, exercise: str, connections: int) -> None:
    """Memory with `connections` open, and the server's time per frame, step by step."""
    frames = page_frames(clip, FRAMES)
    height, width = cv2.imdecode(np.frombuffer(frames[0][1], np.uint8), cv2.IMREAD_COLOR).shape[:2]
    with server(connections) as (url, process):
        stages = asyncio.run(bench_memory(url, process.pid, exercise, frames[0][1], connections))
        times, cpu_ms, reps = asyncio.run(bench_round_trips(url, process.pid, exercise, frames))
    steps = bench_steps(exercise, frames)

    print(f"\nServer memory, {connections} live-coach connections:")
    print(f"  {'stage':<28} {'RSS MB':>8} {'growth':>8} {'threads':>8}")
    for name, use in stages:
        growth = use.rss_mb - stages[0][1].rss_mb
        print(f"  {name:<28} {use.rss_mb:8.0f} {growth:+8.0f} {use.threads:8d}")
    peak = max(use.rss_mb for _, use in stages) - stages[0][1].rss_mb
    print(f"  peak growth {peak:.0f} MB (target < {TARGET_GROWTH_MB:.0f} MB)")
    size_kb = statistics.mean(len(jpeg) for _, jpeg in frames) / 1024
    print(
        f"\nTime per frame, {clip.name}: {len(frames)} frames {width}×{height}, "
        f"{size_kb:.0f} KB JPEG, at {FPS:.0f} fps; {reps} reps counted, {label(clip)} labelled"
    )
    print(f"  {'step':<34} {'p50 ms':>8} {'p95 ms':>8}")
    p50, p95 = percentiles(times)
    target = f"(target p95 ≤ {TARGET_P95_MS:.0f})"
    print(f"  {'server, send to reply':<34} {p50:8.1f} {p95:8.1f}   {target}")
    print(f"  {'server CPU per frame, mean':<34} {cpu_ms:8.1f}")
    for name, values in steps.items():
        p50, p95 = percentiles(values)
        print(f"  {'in process, ' + name:<34} {p50:8.1f} {p95:8.1f}")
    print(f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
