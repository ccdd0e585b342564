"""Benchmark what users wait for, on the real content and on synthetic reviews of N studies.

    python scripts/bench.py [--sizes 1000 10000] [--skip-serve]

For each size it writes a synthetic review (deterministic; the real content's studies, findings, trials and
questions cloned in proportion, the vocabularies - mechanisms, topics, substances, glossary - kept as they are,
since a growing review adds evidence to known mechanisms rather than new mechanisms) and measures, on this
machine: the whole build (`review site`, MkDocs strict, with the plugin, from nothing), the engine's floor (plain
`mkdocs build` of the same generated Markdown, no plugin), their ratio, milliseconds per page, peak memory of the
build (the largest resident set of the build or of any process it ran, Pagefind included), `make site` again
after one study file is edited (`rebuild_s`: what the build cache saves), under `make serve` the first page
served after the start (`first_s`), edit-to-screen (a study file saved until the edited page is served with the
edit; with the CPU seconds the server spent meanwhile, which on a shared machine are its own part of the wait),
the wait for a listing page that shows the edit (`/studies/`, asked for straight after), how long the
server takes to stop on SIGTERM (`stop_s`) and its own peak memory, and the bytes a browser downloads (gzip, as
served) before the first search result. Each step has a time limit; a step that fails or runs out of time is
reported as such and the others are still measured. Prints a table and, last, one `bench:` line for the largest
size. A benchmark, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GROUP = 20  # copies of the real findings per cloned page
PROJECT_FILES = ["content", "templates", "scripts", "mkdocs.yml", "Makefile", "pyproject.toml", "requirements.txt"]


# ------------------------------------------------------------------------------------------ synthetic content


class _Dumper(yaml.SafeDumper):
    """Writes shared lists out in full: the content may not use YAML aliases."""

    def ignore_aliases(self, data):
        return True


def _dump(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False)


def synthesize(folder: Path, n: int) -> Path:
    """A copy of the project whose content has n studies: each real study cloned as needed (new ids, the same
    characteristics), each finding cloned to cite the clones, trials and questions in proportion."""
    for name in PROJECT_FILES:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / name)
    (folder / ".venv").symlink_to(ROOT / ".venv")
    content = folder / "content"
    studies = {p.stem: yaml.safe_load(p.read_text()) for p in sorted((content / "studies").glob("*.yaml"))}
    copies = max(1, round(n / len(studies)))
    # A clone of a trial in an outcome table is a further report of that trial (its participants counted once):
    # the content model wants every controlled trial in a comparison, or naming the trial it reports.
    compared = {
        sid for p in (content / "comparisons").glob("*.yaml") for sid in yaml.safe_load(p.read_text()).get("studies") or []
    }
    for sid, data in studies.items():
        for k in range(1, copies):
            clone = dict(data, id=f"{sid}-c{k}")
            clone.pop("trials", None)
            if sid in compared:
                clone["same_participants_as"] = [sid]
            (content / "studies" / f"{sid}-c{k}.yaml").write_text(_dump(clone))
    # The cloned findings go to clones of the mechanism and topic pages, GROUP copies to a page, so that no page
    # passes the content model's limits (500 findings, 1 MB a file): 60 mechanism pages at 10,000 studies.
    for collection in ("mechanisms", "topics"):
        for path in sorted((content / collection).glob("*.yaml")):
            original = yaml.safe_load(path.read_text())
            for group, first in enumerate(range(1, copies, GROUP), start=1):
                data = json.loads(json.dumps(original))
                data["id"] = f"{original['id']}-g{group}"
                data["title"] = f"{original['title']} ({group})"
                holders = [data] if collection == "mechanisms" else data["sections"]
                for holder in holders:
                    found = holder.get("findings", [])
                    if "findings" in holder:
                        holder["findings"] = [
                            dict(f, id=f"{f['id']}-c{k}", studies=[f"{s}-c{k}" for s in f["studies"]])
                            for k in range(first, min(first + GROUP, copies))
                            for f in found
                        ]
                if collection == "topics":
                    data["sections"] = [s for s in data["sections"] if s.get("findings")]
                (content / collection / f"{data['id']}.yaml").write_text(_dump(data))
    for path in list((content / "questions").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        for k in range(1, copies):
            clone = dict(data, id=f"{data['id']}-c{k}", findings=[], studies=[f"{s}-c{k}" for s in data.get("studies", [])])
            clone.pop("progress", None)
            (content / "questions" / f"{data['id']}-c{k}.yaml").write_text(_dump(clone))
    # Questions and changelog may not list pages that the copy does not have; none here do.
    return folder


# ------------------------------------------------------------------------------------------ measurements


def run(cmd, cwd, env=None, **kwargs):
    return subprocess.run(
        cmd,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(cwd / "scripts"), **(env or {})},
        capture_output=True,
        text=True,
        **kwargs,
    )


TIMED = """
import resource, sys, time, runpy
sys.argv = sys.argv[1:]
start = time.perf_counter()
try:
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
except SystemExit as exit:
    if exit.code not in (0, None):
        raise
print(f"TIMED {time.perf_counter() - start:.3f} {max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) // 1024}", file=sys.stderr)
"""


def timed(cwd: Path, module: str, *args, env=None, timeout: float = 3600) -> tuple[float, int]:
    """(seconds, peak MB) of `python -m module args` in cwd."""
    result = run([PYTHON, "-c", TIMED, module, *args], cwd, env, timeout=timeout)
    match = re.search(r"TIMED ([\d.]+) (\d+)", result.stderr)
    if result.returncode != 0 or not match:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return float(match.group(1)), int(match.group(2))


def whole_build(project: Path, timeout: float) -> tuple[float, int, int]:
    """`review site` from nothing (no build cache): seconds, peak MB, pages."""
    shutil.rmtree(project / "build" / "cache", ignore_errors=True)
    seconds, peak = timed(project, "review", "site", timeout=timeout)
    pages = sum(1 for _ in (project / "site").rglob("index.html"))
    return seconds, peak, pages


def rebuild(project: Path, timeout: float) -> tuple[float, int]:
    """`review site` again after one study file is edited (the build cache's case): seconds, peak MB."""
    path = project / "content" / "studies" / "shao2021.yaml"
    path.write_text(path.read_text().replace("title: Psilocybin induces", "title: Rebuilt Psilocybin induces", 1))
    return timed(project, "review", "site", timeout=timeout)


def floor(project: Path, timeout: float) -> float:
    """Plain `mkdocs build` of the same generated Markdown, without the plugin (the engine's own cost)."""
    export = project / "floor"
    run([PYTHON, "-m", "review", "export", str(export)], project, timeout=timeout).check_returncode()
    seconds, _ = timed(export, "mkdocs", "build", "-q", "-f", "mkdocs.yml", timeout=timeout)
    shutil.rmtree(export, ignore_errors=True)
    return seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def preview(project: Path, timeout: float) -> dict:
    """Start the preview (`make serve`'s command) and time its first page; save one study file with a new title
    (which every page's navigation shows) and time until the edited page is served with the edit, then until a
    page that lists the study is; then stop it with SIGTERM and time until it has ended. What was measured before
    a step failed is returned with the failure."""
    out: dict = {}
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [PYTHON, "-m", "review", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project / "scripts")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    mount = urlsplit(yaml.safe_load((project / "mkdocs.yml").read_text())["site_url"]).path.rstrip("/")
    url = f"http://127.0.0.1:{port}{mount}/studies/shao2021/"
    try:
        marker = "Benchmark edit"
        _wait(url, lambda text: "Psilocybin induces" in text, timeout)
        out["first_s"] = time.perf_counter() - started
        path = project / "content" / "studies" / "shao2021.yaml"
        text = path.read_text()
        _quiet(server.pid, timeout)
        start, cpu = time.perf_counter(), _cpu_s(server.pid)
        path.write_text(re.sub(r"title: (\w+ )?Psilocybin induces", f"title: {marker} Psilocybin induces", text, count=1))
        _wait(url, lambda page: marker in page, timeout)
        out["edit_s"], out["edit_cpu_s"] = time.perf_counter() - start, _cpu_s(server.pid) - cpu
        _wait(f"http://127.0.0.1:{port}{mount}/studies/", lambda page: marker in page, timeout)
        out["listing_s"], out["listing_cpu_s"] = time.perf_counter() - start, _cpu_s(server.pid) - cpu
    except Exception as error:  # reported, and the server is stopped all the same
        out["failed"] = f"preview: {type(error).__name__}: {error}"
    out["serve_mb"] = _peak_mb(server.pid)
    stop = time.perf_counter()
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=60)
        out["stop_s"] = time.perf_counter() - stop
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        out["failed"] = (out.get("failed", "") + "; did not stop within 60 s of SIGTERM (killed)").lstrip("; ")
    return out


def _cpu_s(pid: int) -> float:
    """The CPU seconds a process has used so far (all its threads): on a machine shared with other work, the part
    of a wait that is this process's own work."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _quiet(pid: int, timeout: float) -> None:
    """Wait until the preview's background work after its start (the search index) is done: its CPU time stops
    growing for a second."""
    end, last = time.monotonic() + timeout, -1.0
    while time.monotonic() < end:
        now = _cpu_s(pid)
        if now - last < 0.02 and not _running_children(pid):  # Pagefind, its child, has finished too
            return
        last = now
        time.sleep(1.0)


def _running_children(pid: int) -> list[str]:
    """A process's children that are still running: an ended child the server has not waited for yet (the `rm`
    that removes an old folder in the background) stays listed, as a zombie, until its next subprocess."""
    children = "".join(p.read_text() for p in Path(f"/proc/{pid}/task").glob("*/children")).split()
    running = []
    for child in children:
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.append(child)
    return running


def _peak_mb(pid: int) -> int:
    """A process's peak resident memory (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def _wait(url, ready, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=max(1.0, end - time.monotonic())) as response:
                if ready(response.read().decode("utf-8", "replace")):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{url} not ready within {timeout:.0f} s")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def search_bytes(site: Path, query: str = "psilocybin") -> int:
    """Gzip bytes of the search code and index that Chromium fetches before the first result of a query on the
    search page: every file under pagefind/ it loads (or Material's index and worker) and find.js."""
    from playwright.sync_api import sync_playwright

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    fetched: list = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox"])
            page = browser.new_page()
            page.on("requestfinished", lambda request: fetched.append(urlsplit(request.url).path))
            page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/find/?q={query}")
            page.locator(".review-search-result, .pagefind-ui__result").first.wait_for(timeout=120_000)  # find.js, or Pagefind UI
            browser.close()
    finally:
        httpd.shutdown()
    searched = {
        p for p in fetched if "/pagefind/" in p or p.endswith(("/find.js", "search_index.json")) or "/workers/search" in p
    }
    return sum(len(gzip.compress((site / p.lstrip("/")).read_bytes(), 6)) for p in sorted(searched))


# ------------------------------------------------------------------------------------------ main


COLUMNS = [  # (key, heading, format)
    ("pages", "pages", "{:.0f}"),
    ("first_s", "first s", "{:.1f}"),
    ("edit_s", "edit s", "{:.2f}"),
    ("edit_cpu_s", "edit cpu", "{:.2f}"),
    ("listing_s", "list s", "{:.2f}"),
    ("listing_cpu_s", "list cpu", "{:.2f}"),
    ("stop_s", "stop s", "{:.2f}"),
    ("build_s", "build s", "{:.1f}"),
    ("rebuild_s", "rebuild s", "{:.1f}"),
    ("floor_s", "floor s", "{:.1f}"),
    ("ratio", "ratio", "{:.2f}"),
    ("ms_per_page", "ms/page", "{:.1f}"),
    ("search_kb", "search KB", "{:.0f}"),
    ("site_mb", "site MB", "{:.0f}"),
    ("peak_mb", "build MB", "{:.0f}"),
    ("serve_mb", "serve MB", "{:.0f}"),
]


def step(row: dict, name: str, work) -> None:
    """Run one measurement; a failure or a time limit is noted in the row and the next step runs."""
    try:
        work()
    except Exception as error:
        row.setdefault("failed", [])
        row["failed"].append(f"{name}: {type(error).__name__}: {str(error).strip()[-300:]}")
        print(f"bench: {name} failed: {error}", file=sys.stderr, flush=True)


def measure(project: Path, serve: bool, timeout: float) -> dict:
    row: dict = {}

    def build():
        row["build_s"], row["peak_mb"], row["pages"] = whole_build(project, timeout)
        row["ms_per_page"] = 1000 * row["build_s"] / row["pages"]
        row["site_mb"] = sum(p.stat().st_size for p in (project / "site").rglob("*") if p.is_file()) / 2**20

    def engine():
        row["floor_s"] = floor(project, timeout)
        if "build_s" in row:
            row["ratio"] = row["build_s"] / row["floor_s"]

    def again():
        row["rebuild_s"], rebuild_mb = rebuild(project, timeout)
        row["peak_mb"] = max(row.get("peak_mb", 0), rebuild_mb)

    def searched():
        row["search_kb"] = search_bytes(project / "site") / 1024

    step(row, "build", build)
    step(row, "floor", engine)
    step(row, "rebuild", again)
    step(row, "search", searched)
    if serve:
        step(row, "preview", lambda: row.update(preview_checked(project, timeout, row)))
    return row


def preview_checked(project: Path, timeout: float, row: dict) -> dict:
    found = preview(project, timeout)
    failed = found.pop("failed", None)
    if failed:
        row.setdefault("failed", []).append(failed)
    return found


def cell(row: dict, key: str, fmt: str) -> str:
    return fmt.format(row[key]) if isinstance(row.get(key), (int, float)) else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--skip-serve", action="store_true")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds each step may take (default: %(default)s)")
    args = parser.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        real = Path(scratch) / "real"
        real.mkdir()
        for name in PROJECT_FILES:
            source = ROOT / name
            (shutil.copytree if source.is_dir() else shutil.copy)(source, real / name)
        (real / ".venv").symlink_to(ROOT / ".venv")
        rows["real"] = measure(real, not args.skip_serve, args.timeout)
        print(f"measured the real content: {rows['real']}", file=sys.stderr, flush=True)
        shutil.rmtree(real, ignore_errors=True)
        for n in args.sizes:
            folder = Path(scratch) / str(n)
            folder.mkdir()
            rows[n] = measure(synthesize(folder, n), not args.skip_serve, args.timeout)
            print(f"measured {n} studies: {rows[n]}", file=sys.stderr, flush=True)
            shutil.rmtree(folder, ignore_errors=True)
    print(f"{'studies':>8} " + " ".join(f"{heading:>9}" for _, heading, _ in COLUMNS))
    for n, r in rows.items():
        print(f"{n!s:>8} " + " ".join(f"{cell(r, key, fmt):>9}" for key, _, fmt in COLUMNS))
    for n, r in rows.items():
        for failure in r.get("failed", []):
            print(f"{n!s:>8} not measured: {failure}")
    n = args.sizes[-1] if args.sizes else "real"
    r = rows[n]
    fields = [
        "first_s",
        "edit_s",
        "edit_cpu_s",
        "listing_s",
        "listing_cpu_s",
        "stop_s",
        "build_s",
        "rebuild_s",
        "floor_s",
        "ratio",
        "ms_per_page",
        "search_kb",
    ]
    shown = " ".join(f"{key}={cell(r, key, '{:.2f}')}" for key in fields)
    peak = max(r.get("peak_mb", 0), r.get("serve_mb", 0))
    print(f"bench: studies={n} {shown} peak_mb={peak}")


if __name__ == "__main__":
    main()
