"""Benchmark the builtin generator: median / p95 ms and peak extra memory per style and size.

Usage: python bench/generate.py [--runs 12]   (run it pinned to one core: taskset -c 0 ...)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from imagegen.base import SIZES, GenerationRequest  # noqa: E402
from imagegen.builtin import BuiltinBackend  # noqa: E402

PROMPTS = [
    "red sunset over the ocean with two boats",
    "neon city skyline at night",
    "sawah dan pohon kelapa di pagi hari",
    "three hot air balloons over green hills with many flowers",
    "snowy mountains and pine forest at dawn",
    "quantum marmalade cathedral",
]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def rss_growth(key: str, size: str) -> float:
    """Peak RSS growth in MB of a fresh process generating 3 images (Pillow's C memory included)."""
    out = subprocess.run([sys.executable, __file__, "--child", key, size], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def child(key: str, size: str) -> None:
    backend = BuiltinBackend()
    w, h = SIZES[size]
    backend.generate(GenerationRequest("warm up", "", 0, 32, 32, key), lambda f: None)
    # ru_maxrss survives exec (it would report the parent's peak), so use VmHWM after a reset.
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kb("VmRSS")
    for i in range(3):
        backend.generate(GenerationRequest(PROMPTS[i], "", i, w, h, key), lambda f: None)
    print((_status_kb("VmHWM") - before) / 1024)


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--runs", type=int, default=12)
    ap.add_argument("--sizes", default="512x512,768x512")
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    backend = BuiltinBackend()
    noop = lambda f: None  # noqa: E731
    backend.generate(GenerationRequest("warm up", "", 0, 64, 64, "flat"), noop)
    print(f"builtin {backend.VERSION}, {args.runs} runs per cell, prompts cycle through {len(PROMPTS)}")
    print(f"{'style':<13} {'size':<8} {'median ms':>9} {'p95 ms':>7} {'py peak MB':>10} {'rss +MB':>8}")
    for key, _ in backend.styles():
        for size in args.sizes.split(","):
            w, h = SIZES[size]
            times = []
            for i in range(args.runs):
                req = GenerationRequest(PROMPTS[i % len(PROMPTS)], "", i, w, h, key)
                t0 = time.perf_counter()
                backend.generate(req, noop)
                times.append((time.perf_counter() - t0) * 1000)
            # memory is measured in separate runs: tracemalloc slows Python code down, and it
            # cannot see Pillow's C buffers, hence the RSS growth of a fresh process as well
            peak = 0
            for i in range(min(3, args.runs)):
                req = GenerationRequest(PROMPTS[i % len(PROMPTS)], "", i, w, h, key)
                tracemalloc.start()
                backend.generate(req, noop)
                peak = max(peak, tracemalloc.get_traced_memory()[1])
                tracemalloc.stop()
            print(f"{key:<13} {size:<8} {statistics.median(times):>9.1f} {p95(times):>7.1f} "
                  f"{peak / 1e6:>10.1f} {rss_growth(key, size):>8.1f}")


if __name__ == "__main__":
    main()
