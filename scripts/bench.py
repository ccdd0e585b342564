"""Benchmark: the generator's cost and the whole build's on synthetic reviews of N studies, plus the real content.

    python scripts/bench.py [--sizes 1000 10000] [--runs 3] [--seed 1]

Writes each synthetic review into a temporary folder (deterministic seed): findings, trials and questions per
study as in the real content; the vocabularies (mechanisms, topics, substances, therapies, glossary terms) grow
with the square root of the number of studies, since a growing review adds evidence to known mechanisms far
more often than new mechanisms or terms (scaling them linearly would give 33,000 glossary terms at 10,000
studies). It then measures, as the median of --runs runs: load, validate
and render times, the whole `mkdocs build --strict`, pages written and peak memory of the build. Prints a table
and, last, one summary line for the largest N. A benchmark, not a test: nothing here asserts a time.
"""

import argparse
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from review import collector  # noqa: E402
from review.build import build  # noqa: E402
from review.load import load  # noqa: E402
from review.parallel import processes  # noqa: E402
from review.validate import findings_of, validate  # noqa: E402
from review.write import pack  # noqa: E402

LEVELS = ["in-vitro", "animal", "healthy-volunteers", "patients-sud", "patients-other", "review"]
WORDS = [
    "psilocybin",
    "plasticity",
    "network",
    "reward",
    "craving",
    "amygdala",
    "connectivity",
    "cortex",
    "dose",
    "session",
    "integration",
    "evidence",
    "volunteers",
    "patients",
    "abstinence",
    "relapse",
    "therapy",
    "insight",
    "memory",
    "stress",
    "social",
    "empathy",
    "mice",
    "synaptic",
    "density",
    "receptor",
    "effect",
    "trial",
    "controlled",
    "suggests",
    "may",
    "increase",
    "reduce",
    "weeks",
    "baseline",
]
MENTIONED = ["amygdala", "receptor"]
BUILD_SNIPPET = """
import resource, sys, time
from mkdocs.commands.build import build
from mkdocs.config import load_config
start = time.perf_counter()
build(load_config(sys.argv[1], site_dir=sys.argv[2], strict=True))
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


PER_STUDY = {"studies", "findings", "trials", "questions"}


def real_counts():
    """Entities per collection, and findings, in the real content."""
    review = load(ROOT / "content")
    counts = {name: len(entities) for name, entities in review.entities.items()}
    counts["findings"] = sum(1 for es in review.entities.values() for e in es.values() for _ in findings_of(e))
    return counts


def scaled_counts(n, real):
    """Entity counts for n studies: per-study collections in proportion, vocabularies with the square root."""
    factor = n / real["studies"]
    return {name: max(1, round(count * (factor if name in PER_STUDY else math.sqrt(factor)))) for name, count in real.items()}


def prose(rng, words):
    """Deterministic filler text of about `words` words."""
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def synthesize(folder, n, seed, real):
    """Write a synthetic review of n studies under folder/content; return the content folder."""
    rng = random.Random(seed)
    content = folder / "content"
    count = scaled_counts(n, real)
    ids = {name: [f"{name[:3]}{i:05d}" for i in range(count[name])] for name in count if name != "findings"}
    for name in ids:
        (content / name).mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "content" / "site.yaml", content / "site.yaml")
    site = yaml.safe_load((ROOT / "content" / "site.yaml").read_text())
    (content / "changelog.yaml").write_text(
        yaml.safe_dump({"releases": [{"version": site["version"], "date": site["date"], "changes": "Synthetic."}]})
    )
    (content / "pages").mkdir()
    (content / "pages" / "index.md").write_text(f"# Synthetic review\n\n{prose(rng, 60)} [@{ids['studies'][0]}]\n")

    def dump(name, data):
        (content / name / f"{data['id']}.yaml").write_text(yaml.safe_dump(data, sort_keys=False, width=100))

    def ref(name, k):
        return sorted(rng.sample(ids[name], min(k, len(ids[name]))))

    for i, sid in enumerate(ids["studies"]):
        dump(
            "studies",
            {
                "id": sid,
                "type": "journal-article",
                "authors": [f"Author{i}, A.", "Second, B. C.", "Third, D."],
                "year": 1960 + i % 65,
                "title": prose(rng, 12),
                "journal": "Journal of Synthetic Results",
                "volume": str(i % 90 + 1),
                "issue": str(i % 12 + 1),
                "pages": f"{i % 900 + 1}-{i % 900 + 12}",
                "doi": f"10.5555/synthetic.{i}",
                "evidence": rng.choice(LEVELS),
                "population": "Synthetic sample",
                "substances": ref("substances", 1),
                "design": prose(rng, 8),
                "result": prose(rng, 55),
                **({"trials": ref("trials", 1)} if i % 8 == 0 else {}),
            },
        )
    findings = [
        {
            "id": f"f{j:06d}",
            "statement": prose(rng, 40) + f" [@{rng.choice(ids['studies'])}]",
            "evidence": rng.choice(LEVELS),
            "substances": ref("substances", 2),
            "studies": sorted({ids["studies"][j % n], *ref("studies", rng.randint(0, 2))}),
        }
        for j in range(max(count["findings"], n))
    ]
    per_mechanism = -(-len(findings) * 4 // 5 // count["mechanisms"])
    mechanism_findings, topic_findings = (
        findings[: per_mechanism * count["mechanisms"]],
        findings[per_mechanism * count["mechanisms"] :],
    )
    for k, mid in enumerate(ids["mechanisms"]):
        dump(
            "mechanisms",
            {
                "id": mid,
                "title": f"Mechanism {k}",
                "order": k + 1,
                "summary": prose(rng, 150),
                "altered_in_sud": prose(rng, 100),
                "findings": mechanism_findings[k * per_mechanism : (k + 1) * per_mechanism]
                or [findings[k % len(findings)] | {"id": f"extra{k:05d}"}],
                "psychotherapy": prose(rng, 120),
                "related": ref("mechanisms", 2),
            },
        )
    chunk = -(-max(len(topic_findings), 1) // count["topics"])
    for k, tid in enumerate(ids["topics"]):
        dump(
            "topics",
            {
                "id": tid,
                "title": f"Topic {k}",
                "order": k + 1,
                "summary": prose(rng, 80),
                "sections": [
                    {
                        "id": "section",
                        "title": "Section",
                        "text": prose(rng, 150),
                        **(
                            {"findings": topic_findings[k * chunk : (k + 1) * chunk]}
                            if topic_findings[k * chunk : (k + 1) * chunk]
                            else {}
                        ),
                    }
                ],
            },
        )
    for k, tid in enumerate(ids["trials"]):
        dump(
            "trials",
            {
                "id": tid,
                "nct": f"NCT{k:08d}",
                "title": prose(rng, 10),
                "condition": "Alcohol use disorder",
                "substances": ref("substances", 1),
                "design": prose(rng, 40),
            },
        )
    for k, sid in enumerate(ids["substances"]):
        dump("substances", {"id": sid, "name": f"Substance {k}", "class": "classic-psychedelic", "summary": prose(rng, 60)})
    for k, tid in enumerate(ids["therapies"]):
        dump(
            "therapies",
            {
                "id": tid,
                "name": f"Therapy {k}",
                "summary": prose(rng, 80),
                "studies": ref("studies", 2),
                "mechanisms": {m: prose(rng, 30) for m in ref("mechanisms", 3)},
            },
        )
    for qid in ids["questions"]:
        dump(
            "questions",
            {
                "id": qid,
                "question": prose(rng, 12)[:-1] + "?",
                "why": prose(rng, 60),
                "known": prose(rng, 60),
                "design": prose(rng, 40),
                "mechanisms": ref("mechanisms", 2),
                "findings": sorted(rng.sample([f["id"] for f in mechanism_findings], 3)),
                "studies": ref("studies", 3),
                "trials": ref("trials", 1),
            },
        )
    for k, gid in enumerate(ids["glossary"]):
        # Two terms are words of the filler text, so about one word in twenty is a glossary mention (one in fifty in
        # the real content): the glossary scan is measured at work, not skipping text that mentions no term.
        term = MENTIONED[k].capitalize() if k < len(MENTIONED) else f"Term{k} {rng.choice(WORDS)}"
        dump("glossary", {"id": gid, "term": term, "abbreviation": f"T{k}X", "definition": prose(rng, 25)})
    return content


def project(folder, content):
    """A project around synthetic content: the real templates and scripts, and a nav of index pages only."""
    for name in ("templates", "scripts"):
        (folder / name).symlink_to(ROOT / name)
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    config["nav"] = [
        "index.md",
        {"Mechanisms": "mechanisms/index.md"},
        {"Studies": "studies/index.md"},
        {"Open questions": "questions/index.md"},
        {"Glossary": "glossary/index.md"},
    ]
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return folder


def time_generator(content, runs):
    """Median seconds of the generator as a build runs it (review.build.build, packing its outputs to disk) and of
    its load and validate phases (timed apart, the same way; render is the rest), over runs; and the number of pages."""
    phases = {"load": [], "validate": [], "generate": []}
    for _ in range(runs):
        start = time.perf_counter()
        with collector.paused():  # as build() reads and checks
            review = load(content, processes())
        loaded = time.perf_counter()
        with collector.frozen():
            problems = validate(review)
        phases["load"].append(loaded - start)
        phases["validate"].append(time.perf_counter() - loaded)
        assert not problems, problems[:5]
        del review
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            shares = build(
                content, ROOT / "templates" / "pages", lambda outputs, k: pack(outputs, Path(out) / f"{k}.pack"), processes()
            )
            phases["generate"].append(time.perf_counter() - start)
        pages = [path for share in shares for path in share]
    medians = {k: statistics.median(v) for k, v in phases.items()}
    medians["render"] = medians["generate"] - medians["load"] - medians["validate"]
    return medians, sum(p.endswith(".md") for p in pages)


def tree_rss_mb(pid):
    """Resident memory (MB) of a process and its children now, from /proc; pages that a forked child still shares
    with its parent count twice, so this errs high."""

    def rss(p):
        try:
            with open(f"/proc/{p}/status") as status:
                return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) // 1024
        except (OSError, StopIteration):
            return 0

    children = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as listing:
                children += listing.read().split()
    except OSError:
        pass
    return rss(pid) + sum(rss(child) for child in children)


def time_build(folder, runs):
    """Median seconds of a whole strict build and the largest peak memory (MB) over runs: the build process's own
    peak, or, if higher, the most its processes held together (sampled every 50 ms, since the generator renders
    in forked processes)."""
    seconds, peaks = [], []
    for run in range(runs):
        out = folder / f"site{run}"
        with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:  # a pipe could fill and block
            build = subprocess.Popen(
                [sys.executable, "-c", BUILD_SNIPPET, str(folder / "mkdocs.yml"), str(out)],
                stdout=stdout,
                stderr=stderr,
                cwd=folder,
                env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            )
            sampled = 0
            while build.poll() is None:
                sampled = max(sampled, tree_rss_mb(build.pid))
                time.sleep(0.05)
            stdout.seek(0)
            stderr.seek(0)
            if build.returncode:
                raise SystemExit(stderr.read()[-3000:])
            elapsed, peak = stdout.read().split()[-2:]
        seconds.append(float(elapsed))
        peaks.append(max(int(peak), sampled))
        shutil.rmtree(out)
    return statistics.median(seconds), max(peaks)


LIVE_PAGE = "trials/nct02061293"  # a page of the real content, edited through its YAML file


def time_live_edit(runs):
    """Under `mkdocs serve` on a copy of the project: median seconds from saving one content file to the edited page
    being served, and the generator's share of it (from the hook's log), over runs."""
    import socket
    import urllib.request

    with tempfile.TemporaryDirectory() as tmp, socket.socket() as probe:
        folder = Path(tmp)
        for name in ("content", "templates", "scripts"):
            shutil.copytree(ROOT / name, folder / name)
        shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        url = f"http://127.0.0.1:{port}{urllib.parse.urlsplit(yaml.safe_load((ROOT / 'mkdocs.yml').read_text())['site_url']).path}{LIVE_PAGE}/"
        log = (folder / "serve.log").open("w")
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("mkdocs")), "serve", "-a", f"127.0.0.1:{port}"],
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )

        def page():
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    return response.read().decode("utf-8")
            except OSError:
                return ""

        def wait(condition, seconds=120):
            deadline = time.perf_counter() + seconds
            while not condition():
                if time.perf_counter() > deadline:
                    raise SystemExit(f"live edit: gave up waiting for {url}")
                time.sleep(0.02)

        try:
            wait(lambda: "NCT02061293" in page())
            source = folder / "content" / f"{LIVE_PAGE}.yaml"
            original, totals = source.read_text(encoding="utf-8"), []
            for run in range(runs):
                time.sleep(1.0)  # let the watcher settle between saves
                marker = f"(live edit {run})"
                start = time.perf_counter()
                source.write_text(original.replace("title: ", f"title: {marker} ", 1), encoding="utf-8")
                wait(lambda marker=marker: marker in page())
                totals.append(time.perf_counter() - start)
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        logged = re.findall(r"review: rendered (\d+) of (\d+) outputs again in ([\d.]+) s", (folder / "serve.log").read_text())
        edits = logged[1:]  # the first build renders everything
        return {
            "save_to_page_s": statistics.median(totals),
            "generator_s": statistics.median(float(s) for _, _, s in edits),
            "rendered": statistics.median(int(n) for n, _, _ in edits),
            "outputs": int(logged[-1][1]),
        }


def page_weight(site):
    """(largest HTML page in KB and its path, search index in KB) of a built site."""
    pages = [(p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html")]
    size, path = max(pages)
    index = site / "search" / "search_index.json"
    return size / 1000, path, index.stat().st_size / 1000


def main(argv=None):
    """Run the benchmark and print its table and summary line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    real = real_counts()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("real", ROOT / "content", ROOT)] + [(n, None, None) for n in sorted(args.sizes)]
        for label, content, folder in targets:
            if content is None:
                folder = Path(tmp) / f"n{label}"
                folder.mkdir()
                content = synthesize(folder, label, args.seed, real)
                project(folder, content)
            phases, pages = time_generator(content, args.runs)
            build_s, peak = time_build(folder, args.runs)
            generate_s = phases.pop("generate")
            rows.append(
                {
                    "studies": len(list((content / "studies").glob("*.yaml"))),
                    "label": label,
                    **phases,
                    "generate_s": generate_s,
                    "build_s": build_s,
                    "pages": pages,
                    "peak_mb": peak,
                }
            )
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(
        f"{'content':>8} {'studies':>8} {'pages':>7} {'load_s':>8} {'valid_s':>8} {'render_s':>8} {'gen_s':>8} {'build_s':>8} {'overhead':>8} {'peak_mb':>8}"
    )
    for row in rows:
        print(
            f"{row['label']!s:>8} {row['studies']:>8} {row['pages']:>7} {row['load']:>8.2f} {row['validate']:>8.2f} {row['render']:>8.2f} "
            f"{row['generate_s']:>8.2f} {row['build_s']:>8.2f} {100 * row['generate_s'] / row['build_s']:>7.1f}% {row['peak_mb']:>8}"
        )
    real_site = Path(tempfile.mkdtemp())
    subprocess.run(
        [str(Path(sys.executable).with_name("mkdocs")), "build", "-q", "-d", str(real_site)],
        cwd=ROOT,
        capture_output=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    largest, largest_path, index = page_weight(real_site)
    shutil.rmtree(real_site)
    print(f"real site: largest HTML page {largest:.0f} KB ({largest_path}), search index {index:.0f} KB")
    live = time_live_edit(args.runs)
    print(
        f"live edit (real content, mkdocs serve): save to rebuilt page {live['save_to_page_s']:.2f} s, of which the "
        f"generator {live['generator_s']:.2f} s ({live['rendered']} of {live['outputs']} outputs rendered again)"
    )
    synthetic = [r for r in rows if r["label"] != "real"]
    last = synthetic[-1]
    tenth = next((r for r in synthetic if r["label"] * 10 == last["label"]), None)
    scaling = last["generate_s"] / (10 * tenth["generate_s"]) if tenth else float("nan")
    build_scaling = last["build_s"] / (10 * tenth["build_s"]) if tenth else float("nan")
    print(
        f"bench: studies={last['studies']} pages={last['pages']} generate_s={last['generate_s']:.2f} build_s={last['build_s']:.2f} "
        f"overhead_pct={100 * last['generate_s'] / last['build_s']:.1f} scaling={scaling:.2f} build_scaling={build_scaling:.2f} "
        f"peak_mb={last['peak_mb']}"
    )


if __name__ == "__main__":
    main()
