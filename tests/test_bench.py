"""`make bench` runs end to end at a tiny size (a smoke test: no timing is asserted)."""

import re

from conftest import ROOT, make


def test_bench_runs_at_tiny_sizes():
    result = make(ROOT, "bench", "BENCH_ARGS=--sizes 5 50 --runs 1")
    assert result.returncode == 0, result.stderr[-2000:]
    last = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"bench: studies=50 pages=\d+ generate_s=[\d.]+ build_s=[\d.]+ overhead_pct=[\d.]+ "
                        r"scaling=[\d.]+ build_scaling=[\d.]+ peak_mb=\d+", last), last
    assert "real site: largest HTML page" in result.stdout
