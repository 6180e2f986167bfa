"""Benchmark the web coach: live-coach server time per frame, and page latency under load.

    .venv/bin/python scripts/bench_web.py [CLIP] [--exercise squat]

1. Per frame of CLIP sent at 15 fps as JPEG: decode + pose + count, as the WebSocket does it.
2. p50/p95 of page renders with 20 concurrent clients against a started `backchain serve`.
"""

import argparse
import asyncio
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import httpx2 as httpx

from backchain.motion.video import read_frames
from backchain.web.analysis import quiet_pose
from backchain.web.coach import LiveSet, _decode

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
FPS = 15.0
CLIENTS = 20
REQUESTS_PER_CLIENT = 25
PAGES = ["/analyze", "/coach?exercise=squat", "/exercises"]


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100)
    return statistics.median(samples), cuts[94]


def bench_frames(clip: Path, exercise: str) -> None:
    messages = []
    for frame in read_frames(clip, max_fps=FPS, max_width=480):
        _, jpeg = cv2.imencode(".jpg", cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2BGR))
        messages.append((frame.t, jpeg.tobytes()))
    model = quiet_pose()
    live = LiveSet.new(exercise)
    times: dict[str, list[float]] = {"decode": [], "pose": [], "count": [], "total": []}
    for t, jpeg in messages:
        start = time.perf_counter()
        _, rgb = _decode(struct.pack("<d", t) + jpeg)
        decoded = time.perf_counter()
        pose = model.estimate(rgb, t)
        posed = time.perf_counter()
        live.update(t, pose, (rgb.shape[1], rgb.shape[0]))
        done = time.perf_counter()
        for key, value in (
            ("decode", decoded - start),
            ("pose", posed - decoded),
            ("count", done - posed),
            ("total", done - start),
        ):
            times[key].append(value * 1000)
    model.close()
    print(f"Live coach, {clip.name} ({len(messages)} frames at {FPS:.0f} fps, {live.reps} reps):")
    for key, values in times.items():
        p50, p95 = percentiles(values)
        print(f"  {key:<7} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")


async def _client(http: httpx.AsyncClient, latencies: list[float]) -> None:
    for i in range(REQUESTS_PER_CLIENT):
        start = time.perf_counter()
        response = await http.get(PAGES[i % len(PAGES)])
        response.raise_for_status()
        latencies.append((time.perf_counter() - start) * 1000)


async def _load(url: str) -> list[float]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as http:
        await asyncio.gather(*(_client(http, latencies) for _ in range(CLIENTS)))
    return latencies


def bench_pages() -> None:
    with tempfile.TemporaryDirectory() as folder:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {**os.environ, "BACKCHAIN_DATABASE_URL": f"sqlite:///{folder}/bench.db"}
        command = [str(Path(sys.executable).parent / "backchain"), "serve", "--port", str(port)]
        server = subprocess.Popen(
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
            latencies = asyncio.run(_load(url))
        finally:
            server.terminate()
            server.wait(timeout=10)
    p50, p95 = percentiles(latencies)
    print(f"Pages {', '.join(PAGES)}: {len(latencies)} requests from {CLIENTS} concurrent clients")
    print(f"  render  p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path, default=SAMPLES / "squat_02.mp4")
    parser.add_argument("--exercise", default="squat")
    args = parser.parse_args()
    bench_frames(args.clip, args.exercise)
    bench_pages()


if __name__ == "__main__":
    main()
