"""The site's search index, built after MkDocs by Pagefind (a static index in small chunks: a query loads a few
of them, not the whole index), with one record per finding so that results show the page and the finding.

Material's built-in search parses every page inside MkDocs and makes one index that the browser downloads whole
(several MB at 1,000 studies). It stays on for the offline copy only, because Pagefind loads its chunks with
fetch(), which browsers refuse from file:// addresses.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import shutil
import subprocess
import sys
import threading
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
    """One search record per finding: its statement, under its page's title and its id, at its anchor (as an
    address relative to the search page, find/, where results are shown)."""
    out = []
    for fid, finding in index.findings.items():
        out.append(
            {
                "url": "../" + addresses.served(finding["page"]) + f"#{fid}",
                "title": f"{finding['page_title']}, finding: {markup.plain(finding['statement'], 'inline')[:90]}…",
                "content": markup.plain(finding["statement"]),
                "search": fields(FINDING, [finding["evidence"]]),
            }
        )
    return out


STUBS = "_findings"  # a scratch folder of one small page per finding, indexed and then removed


class Cancelled(Exception):
    """The work was called off (the preview stopping, or starting over after another save)."""


def build(site: Path, findings: list[dict], cancel: threading.Event | None = None) -> None:
    """Index the built pages of `site` (their data-pagefind-body) and the findings into site/pagefind/ with the
    Pagefind command (its Python API answers one request per 100 ms, far too slow for thousands of records).
    Setting `cancel` stops Pagefind within a tenth of a second and raises Cancelled."""
    site = Path(site)
    stubs = site / STUBS
    stubs.mkdir(exist_ok=True)
    for n, record in enumerate(findings):
        if cancel is not None and cancel.is_set():
            shutil.rmtree(stubs, ignore_errors=True)
            raise Cancelled
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
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
            reader = threading.Thread(target=lambda: output.append(process.stdout.read() if process.stdout else ""))
            output: list[str] = []
            reader.start()
            while process.poll() is None:
                if cancel is not None and cancel.wait(0.1):
                    process.kill()
                    process.wait()
                    raise Cancelled
                if cancel is None:
                    process.wait()
            reader.join()
    finally:
        shutil.rmtree(stubs, ignore_errors=True)
    if process.returncode != 0:
        raise RuntimeError("pagefind failed: " + "".join(output).strip()[-500:])
    stable_filters(site / BUNDLE)


# ------------------------------------------------------------------------------------------------ reproducible
# Pagefind writes each filter's values, and the list of filters in its metadata, in the order of a Rust HashMap,
# which differs from run to run (its own TODO: "Change filter indexes to BTree to give them a stable hash"), so two
# builds of the same site differed. stable_filters rewrites those files in a fixed order, under names hashed from
# their new bytes. The files are gzip of b"pagefind_dcd" and CBOR (arrays, text, unsigned integers only).

SIGNATURE = b"pagefind_dcd"


def _cbor_load(data: bytes, at: int = 0):
    """(value, next offset) of the CBOR item at `at`: arrays, text strings and unsigned integers."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        number = info
    else:
        size = 1 << (info - 24)
        number, at = int.from_bytes(data[at : at + size], "big"), at + size
    if major == 0:
        return number, at
    if major == 3:
        return data[at : at + number].decode("utf-8"), at + number
    if major == 4:
        items = []
        for _ in range(number):
            item, at = _cbor_load(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"CBOR major type {major} is not in Pagefind's files")


def _cbor_head(major: int, number: int) -> bytes:
    if number < 24:
        return bytes([major << 5 | number])
    size = next(s for s in (1, 2, 4, 8) if number < 1 << (8 * s))
    return bytes([major << 5 | {1: 24, 2: 25, 4: 26, 8: 27}[size]]) + number.to_bytes(size, "big")


def _cbor_dump(value) -> bytes:
    if isinstance(value, int):
        return _cbor_head(0, value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _cbor_head(3, len(raw)) + raw
    return _cbor_head(4, len(value)) + b"".join(_cbor_dump(item) for item in value)


def _read(path: Path):
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(SIGNATURE), path
    return _cbor_load(data, len(SIGNATURE))[0]


def _write(folder: Path, prefix: str, length: int, suffix: str, value) -> str:
    """Write a value as Pagefind does, under a name hashed from its bytes; return the hash part of the name."""
    data = _cbor_dump(value)
    name = f"{prefix}{hashlib.sha256(data).hexdigest()[:length]}"
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(SIGNATURE + data, mtime=0))
    return name


def stable_filters(bundle: Path) -> None:
    """Rewrite Pagefind's filter files and metadata in a fixed order (see above)."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, about in entry["languages"].items():
        meta_path = bundle / f"pagefind.{about['hash']}.pf_meta"
        meta = _read(meta_path)
        filters = []
        for name, old in meta[3]:
            path = bundle / "filter" / f"{old}.pf_filter"
            key, values = _read(path)
            path.unlink()
            new = _write(bundle / "filter", f"{language}_", 7, ".pf_filter", [key, sorted(values, key=lambda v: v[0])])
            filters.append([name, new])
        meta[3] = sorted(filters)
        meta_path.unlink()
        about["hash"] = _write(bundle, f"pagefind.{language}_", 10, ".pf_meta", meta).removeprefix("pagefind.")
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
