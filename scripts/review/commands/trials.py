"""`make trials`: refresh each trial's `registry` block from the ClinicalTrials.gov API v2, the only code that
uses the network. No build calls it.

It reads every trial first and writes nothing unless every request succeeded, so a dropped connection leaves
the content as it was; the editor then reviews the change in git like any other edit.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import httpx
import yaml

from ..model.schema import REGISTRY

API = "https://clinicaltrials.gov/api/v2"  # CTGOV_API overrides it (the tests point it at a local server)
TIMEOUT = 20.0
FIELDS = tuple(key for key in REGISTRY["properties"] if key not in ("as_of", "source"))  # what a refresh reports
SEARCH_QUERY = {  # candidate trials to review: classic psychedelics in substance use disorders
    "query.cond": "substance use disorder OR alcohol use disorder OR tobacco use disorder OR smoking cessation OR "
    "cocaine use disorder OR opioid use disorder OR methamphetamine use disorder",
    "query.intr": "psilocybin OR LSD OR lysergic acid diethylamide OR DMT OR ayahuasca OR mescaline",
    "fields": "NCTId,BriefTitle,OverallStatus",
    "pageSize": "100",
}


class Unreachable(Exception):
    """The registry could not be reached (offline, DNS, timeout, or a server error)."""


def registry_of(study: dict, today: str, source: str) -> dict:
    """A `registry` block from one API v2 study record (the paths are the API's; a missing one is null)."""
    protocol = study.get("protocolSection", {})
    status = protocol.get("statusModule", {})
    enrolment = protocol.get("designModule", {}).get("enrollmentInfo", {})

    def date(key):
        return (status.get(key) or {}).get("date")

    return {
        "status": status.get("overallStatus"),
        "why_stopped": status.get("whyStopped"),
        "enrollment": enrolment.get("count"),
        "enrollment_type": enrolment.get("type"),
        "start": date("startDateStruct"),
        "primary_completion": date("primaryCompletionDateStruct"),
        "completion": date("completionDateStruct"),
        "results_posted": bool(study.get("hasResults", "resultsSection" in study)),
        "results_first_posted": date("resultsFirstPostDateStruct"),
        "last_update_posted": date("lastUpdatePostDateStruct"),
        "as_of": today,
        "source": source,
    }


def fetch(client: httpx.Client, base: str, nct: str) -> dict | None:
    """One study record, or None when the registry has no such study (404, a plain-text body)."""
    try:
        response = client.get(f"{base}/studies/{nct}", params={"format": "json"})
    except httpx.TransportError as error:
        raise Unreachable(f"{type(error).__name__}: {error}") from None
    if response.status_code == 404:
        return None
    if response.status_code >= 500 or response.status_code == 429:
        raise Unreachable(f"HTTP {response.status_code} from {base}")
    response.raise_for_status()
    return response.json()


def changes(old: dict, new: dict) -> list[str]:
    """What differs, field by field, in words."""
    return [f"{key} {_shown(old.get(key))} → {_shown(new.get(key))}" for key in FIELDS if old.get(key) != new.get(key)]


def _shown(value) -> str:
    return "–" if value is None else ("yes" if value is True else "no" if value is False else str(value))


def replace_block(text: str, block: dict) -> str:
    """The trial file with its top-level `registry:` block replaced (the rest of the file untouched)."""
    dumped = yaml.safe_dump({"registry": block}, sort_keys=False, allow_unicode=True, width=110)
    pattern = re.compile(r"^registry:\n(?:[ \t]+.*\n|\n)*", re.M)
    if pattern.search(text):
        return pattern.sub(lambda m: dumped, text, count=1)
    return text.rstrip("\n") + "\n" + dumped


def refresh(content_dir: Path, today: str | None = None, base: str | None = None, out=print, search: bool = False) -> int:
    """Refresh every trial; print what changed; 0 when done, 1 when the registry could not be reached."""
    base = (base or os.environ.get("CTGOV_API") or API).rstrip("/")
    today = today or datetime.date.today().isoformat()
    files = sorted((content_dir / "trials").glob("*.yaml"))
    updates, missing = [], []
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=True, headers={"User-Agent": "sud-psychedelics-review"}) as client:
            for path in files:
                text = path.read_text(encoding="utf-8")
                data = yaml.safe_load(text)
                study = fetch(client, base, data["nct"])
                if study is None:
                    missing.append(data["nct"])
                    continue
                new = registry_of(study, today, f"{API}/studies/{data['nct']}")
                updates.append((path, text, data, new))
            candidates = _search(client, base) if search else []
    except Unreachable as error:
        out(f"trials: ClinicalTrials.gov cannot be reached ({error}); nothing was changed.")
        return 1
    for path, text, data, new in updates:
        found = changes(data.get("registry") or {}, new)
        out(f"{data['nct']}: " + ("; ".join(found) if found else "no change") + f" (as of {today})")
        path.write_text(replace_block(text, new), encoding="utf-8")
    for nct in missing:
        out(f"{nct}: not found on ClinicalTrials.gov; left as it was")
    known = {yaml.safe_load(p.read_text(encoding="utf-8"))["nct"] for p in files}
    for nct, title, status in candidates:
        if nct not in known:
            out(f"to review: {nct} ({status}) {title}")
    return 0


def _search(client: httpx.Client, base: str) -> list[tuple[str, str, str]]:
    """Registered trials that match SEARCH_QUERY, as (NCT, title, status)."""
    try:
        response = client.get(f"{base}/studies", params=SEARCH_QUERY)
    except httpx.TransportError as error:
        raise Unreachable(f"{type(error).__name__}: {error}") from None
    response.raise_for_status()
    out = []
    for study in response.json().get("studies", []):
        protocol = study.get("protocolSection", {})
        ident = protocol.get("identificationModule", {})
        out.append(
            (ident.get("nctId", ""), ident.get("briefTitle", ""), protocol.get("statusModule", {}).get("overallStatus", ""))
        )
    return out
