"""`make bench` runs end to end at a tiny size (a smoke test: no timing is asserted)."""

import os
import re
import subprocess

from conftest import ROOT


def test_bench_runs_at_tiny_sizes():
    result = subprocess.run(["make", "-o", ".venv/.installed", "bench", "BENCH_ARGS=--sizes 5 50 --runs 1"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600, env={**os.environ, "MAKEFLAGS": ""})
    assert result.returncode == 0, result.stderr[-2000:]
    last = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"bench: studies=50 pages=\d+ generate_s=[\d.]+ build_s=[\d.]+ overhead_pct=[\d.]+ "
                        r"scaling=[\d.]+ build_scaling=[\d.]+ peak_mb=\d+", last), last
    assert "real site: largest HTML page" in result.stdout
