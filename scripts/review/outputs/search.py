"""The site's search index, built after MkDocs by Pagefind (a static index in small chunks: a query loads a few
of them, not the whole index), with one record per finding so that results show the page and the finding.

Material's built-in search parses every page inside MkDocs and makes one index that the browser downloads whole
(several MB at 1,000 studies). It stays on for the offline copy only, because Pagefind loads its chunks with
fetch(), which browsers refuse from file:// addresses.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
from pathlib import Path

from ..model import markup
from ..model.evidence import EVIDENCE_LEVELS
from . import addresses

BUNDLE = "pagefind"  # the index's folder in the site
EXCLUDE = ["[data-search-exclude]", ".headerlink"]  # lists of works, backlinks, cite boxes; permalink signs


FINDING = "Finding"  # what a finding's search result says it is
TRIAL = "Trial"
# The groups the search page shows its results in, in order, each by relevance: the review's own pages, then the
# evidence from the most direct to the least (a study or finding in patients before one in healthy volunteers,
# reviews, and animals or cells last), so that where a word matches a study in patients and a rat study, the study
# in patients comes first. (Pagefind's own score ranks a page with rare hyphenated words such as
# "alcohol-dependent" far above one that says "alcohol", whatever its weights: it cannot order evidence.)
TIERS = {
    "review": "Pages of the review",
    "patients": "Evidence from patients",
    "trials": "Registered trials",
    "healthy-volunteers": "Evidence from healthy volunteers",
    "synthesis": "Reviews, the chapter's argument and treatment manuals",
    "cell-and-animal": "Evidence from animals and cells",
}


def fields(kind: str, levels) -> dict:
    """What a page or finding gives the search: its kind (a filter, and what its result says it is), its
    evidence levels (a filter) and its group of results (TIERS)."""
    levels = list(dict.fromkeys(levels))
    if kind in ("Study", FINDING) and len(levels) == 1:
        tier = EVIDENCE_LEVELS[levels[0]].group
    else:
        tier = "trials" if kind == TRIAL else "review"
    return {"kind": kind, "evidence": [EVIDENCE_LEVELS[level].label for level in levels], "tier": tier}


def attributes(found: dict) -> str:
    """The HTML that carries a page's `fields` to Pagefind, inside its data-pagefind-body: a hidden element per
    filter value, its words not indexed (a value may hold a comma, which Pagefind's attribute syntax would split),
    and the kind as metadata."""
    out = f'<span data-pagefind-meta="kind:{html.escape(found["kind"])}"></span>'
    for name, values in (("kind", [found["kind"]]), ("evidence", found["evidence"]), ("tier", [found["tier"]])):
        out += "".join(f'<span data-pagefind-filter="{name}" data-pagefind-ignore hidden>{html.escape(v)}</span>' for v in values)
    return out


def records(index) -> list[dict]:
    """One search record per finding: its statement, under its page's title and number, at its anchor (as an
    address relative to the search page, find/, where results are shown)."""
    out = []
    for fid, finding in index.findings.items():
        out.append(
            {
                "url": "../" + addresses.served(finding["page"]) + f"#{fid}",
                "title": f"{finding['page_title']}, finding {finding['number']}",
                "content": markup.plain(finding["statement"]),
                "search": fields(FINDING, [finding["evidence"]]),
            }
        )
    return out


STUBS = "_findings"  # a scratch folder of one small page per finding, indexed and then removed


def build(site: Path, findings: list[dict]) -> None:
    """Index the built pages of `site` (their data-pagefind-body) and the findings into site/pagefind/ with the
    Pagefind command (its Python API answers one request per 100 ms, far too slow for thousands of records)."""
    site = Path(site)
    stubs = site / STUBS
    stubs.mkdir(exist_ok=True)
    for n, record in enumerate(findings):
        (stubs / f"{n}.html").write_text(
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(record['title'])}</title></head><body>"
            f"<div data-pagefind-body>{attributes(record['search'])}"
            f'<h1 data-pagefind-meta="url:{html.escape(record["url"])}">{html.escape(record["title"])}</h1>'
            f"<p>{html.escape(record['content'])}</p></div></body></html>",
            encoding="utf-8",
        )
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", BUNDLE, "--force-language", "en"]
    for selector in EXCLUDE:
        command += ["--exclude-selectors", selector]
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    finally:
        shutil.rmtree(stubs, ignore_errors=True)
    if result.returncode != 0:
        raise RuntimeError("pagefind failed: " + (result.stderr or result.stdout).strip()[-500:])
