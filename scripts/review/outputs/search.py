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
import threading
from pathlib import Path

from ..model import markup
from . import addresses

BUNDLE = "pagefind"  # the index's folder in the site
EXCLUDE = ["[data-search-exclude]", ".headerlink"]  # lists of works, backlinks, cite boxes; permalink signs


def records(index) -> list[dict]:
    """One search record per finding: its statement, under its page's title and its id, at its anchor (as an
    address relative to the search page, find/, where results are shown)."""
    out = []
    for fid, finding in index.findings.items():
        out.append(
            {
                "url": "../" + addresses.served(finding["page"]) + f"#{fid}",
                "title": f"{finding['page_title']}, finding {finding['id']}",
                "content": markup.plain(finding["statement"]),
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
            f"<title>{html.escape(record['title'])}</title></head><body><div data-pagefind-body>"
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
