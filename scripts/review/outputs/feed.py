"""The feed of changes, `feed.xml` (Atom, RFC 4287): an entry per release and per finding or trial status it changed,
made from the comparisons of compare.py. Written with ElementTree, which escapes every value by XML's own rules.

Every link is an address the site itself gives out: the release's edition when it is in the site, else the living
page (the newest release, not yet built) or the changelog; a removed finding links to the edition that last had it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from ..model import markup
from . import addresses, compare, pages, works

ATOM = "http://www.w3.org/2005/Atom"
PATH = "feed.xml"


def _stamp(date: str) -> str:
    return f"{date}T00:00:00Z"


def _tag(index, *parts: str) -> str:
    """A permanent entry id (a tag URI, RFC 4151): the site's host, the first release's date, then the entry's name."""
    url = urlsplit(index.info["url"])
    first = index.releases[-1]["date"]
    return f"tag:{url.hostname},{first}:{url.path.strip('/')}/" + "/".join(parts)


def atom(index) -> str:
    """The feed as XML text."""
    ET.register_namespace("", ATOM)
    info = index.info
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", _tag(index, "feed"))
    _text(feed, "title", f"{info['title']}: what changed")
    _text(feed, "subtitle", "Each release of the review, and the findings and trial statuses it changed.")
    _text(feed, "updated", _stamp(index.releases[0]["date"]))
    _link(feed, addresses.absolute(info["url"], PATH), "self", "application/atom+xml")
    _link(feed, addresses.absolute(info["url"], pages.page_path("changelog")), "alternate", "text/html")
    for entry in info["authors"]:
        name = works.site_author(entry)
        author = ET.SubElement(feed, f"{{{ATOM}}}author")
        _text(author, "name", name.literal or f"{name.given} {name.family}".strip())
    _text(feed, "rights", f"{info['license']} ({info['license_url']})")
    by_version = {r["version"]: r for r in index.releases}
    for changes in compare.releases(index):
        release = by_version[changes.version]
        _release_entry(feed, index, release, changes)
        for finding in changes.findings:
            _finding_entry(feed, index, changes, finding)
        for trial in changes.trials:
            _trial_entry(feed, index, changes, trial)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _text(parent: ET.Element, name: str, value: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attributes)
    element.text = value
    return element


def _link(parent: ET.Element, href: str, rel: str = "alternate", kind: str = "text/html") -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", {"href": href, "rel": rel, "type": kind})


def _entry(feed: ET.Element, index, key: tuple[str, ...], title: str, date: str, link: str, summary: str) -> None:
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    _text(entry, "id", _tag(index, *key))
    _text(entry, "title", title)
    _text(entry, "updated", _stamp(date))
    _link(entry, link)
    _text(entry, "summary", summary)


def release_link(index, version: str) -> str:
    """A release's edition (its home page) when it is in the site, else its entry on the changelog page."""
    if index.in_site(version):
        return index.address_in(version, pages.page_path("home"))
    return addresses.absolute(index.info["url"], pages.page_path("changelog"), "v" + version.replace(".", "-"))


def _release_entry(feed, index, release: dict, changes: compare.ReleaseChanges) -> None:
    counts = []
    if changes.known and changes.previous:
        counts = [f"{len(changes.findings)} findings added, removed or reworded"]
        if changes.rated_first:
            counts.append(f"certainty ratings published for the first time, for {changes.rated_first} questions")
        else:
            counts.append(f"{len(changes.ratings)} certainty ratings changed")
        counts.append(f"{len(changes.trials)} trials added, removed or with a new registry status")
    summary = markup.plain(release["changes"]) + (" (" + "; ".join(counts) + ".)" if counts else "")
    _entry(
        feed,
        index,
        ("release", release["version"]),
        f"Version {release['version']} ({release['date']})",
        release["date"],
        release_link(index, release["version"]),
        summary,
    )


def finding_link(index, changes: compare.ReleaseChanges, finding: compare.Reworded) -> str:
    """Where a changed finding is read: in the release's edition, or live when that edition is not built (the newest
    release, whose findings are the current ones); a removed finding in the edition before."""
    version = changes.version if finding.new is not None else changes.previous
    assert version is not None
    return index.address_in(version, f"{finding.page}.md", finding.id)


def _finding_entry(feed, index, changes: compare.ReleaseChanges, finding: compare.Reworded) -> None:
    what = "added" if finding.old is None else "removed" if finding.new is None else "reworded"
    summary = markup.plain(finding.new or finding.old or "")
    if what == "reworded":
        summary = f"Now: {markup.plain(finding.new or '')} Before (version {changes.previous}): {markup.plain(finding.old or '')}"
    _entry(
        feed,
        index,
        (changes.version, "findings", finding.id),
        f"Finding {what} in version {changes.version}: {finding.title}",
        changes.date,
        finding_link(index, changes, finding),
        summary,
    )


def _trial_entry(feed, index, changes: compare.ReleaseChanges, trial: compare.Reworded) -> None:
    version = changes.version if trial.new is not None else changes.previous
    assert version is not None
    if trial.old is None:
        title, summary = "Trial added", f"registry status {trial.new or 'not recorded'}"
    elif trial.new is None:
        title, summary = "Trial removed", f"registry status was {trial.old or 'not recorded'}"
    elif not trial.old:
        title, summary = "Trial status recorded", f"registry status recorded for the first time: {trial.new}"
    else:
        title, summary = (
            "Trial status changed",
            f"registry status from {trial.old or 'not recorded'} to {trial.new or 'not recorded'}",
        )
    _entry(
        feed,
        index,
        (changes.version, "trials", trial.id),
        f"{title} in version {changes.version}: {trial.title}",
        changes.date,
        index.address_in(version, f"{trial.page}.md"),
        f"{trial.title}: {summary}.",
    )
