"""The review's lookups, made once from valid content: entities by id and in display order, findings with the
page that holds them, and every reference from anywhere to anything (the site's backlinks)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ..model import markup
from ..model.load import Review
from ..model.schema import COLLECTIONS
from ..model.walk import findings_of, references_of
from ..synthesis.summary import Summary
from ..synthesis.trials import Trials
from . import addresses
from .editions import edition_url, history, manifest_name, snapshot
from .pages import address, enumerate_pages, page_path
from .works import Bibliography


@dataclass(frozen=True)
class Referrer:
    """A place that references something: a page, and the finding on it if the reference is in one."""

    path: str
    title: str
    finding: str | None = None


class Index:
    """Lookups derived from a valid Review."""

    def __init__(self, review: Review, editions: dict | None = None):
        assert review.site is not None and review.changelog is not None and review.search is not None, "not checked"
        self.review = review
        self.editions = editions or {}  # the built editions: {version: manifest} (editions.py)
        self.info = review.site.data
        self.releases: list[dict] = review.changelog.data["releases"]
        self.search = review.search.data
        self.data = {name: {e.id: e.data for e in entities.values()} for name, entities in review.entities.items()}
        # id -> finding data, with its holder ("page", "page_title", "holder"). A finding is cited by its id, which
        # never changes: no number is given by its place in the file (which is not its place on the page).
        self.findings: dict[str, dict] = {}
        for name in ("mechanisms", "topics"):
            for item in self.ordered(name):
                for _, finding in findings_of(name, item):
                    self.findings[finding["id"]] = {
                        **finding,
                        "page": address(name, item["id"])[0],
                        "page_title": item["title"],
                        "holder": (name, item["id"]),
                    }
        self.citing: dict[str, list[str]] = {}  # study id -> ids of the findings that cite it, in page order
        for fid, finding in self.findings.items():
            for sid in dict.fromkeys(finding["studies"]):
                self.citing.setdefault(sid, []).append(fid)
        # A dict keeps the places in order and each once; a list's `in` made this quadratic for a work that
        # thousands of findings cite (the chapter).
        self._places: dict[tuple[str, str], dict[Referrer, None]] = {}
        self.cites: dict[tuple[str, str], list[str]] = {}  # (collection, id) of a page's entity -> study ids it cites, in order
        for name in COLLECTIONS:
            for item in self.ordered(name):
                self._index_references(name, item)
        for page_name, page in sorted(review.pages.items()):
            source = ("pages", page_name)
            refs = list(markup.references(page.text))
            self.cites[source] = list(dict.fromkeys(i for c, i in refs if c == "studies"))
            for ref in dict.fromkeys(refs):
                self._add_referrer(ref, Referrer(f"{page_name}.md", page.title))
        for ref in dict.fromkeys(markup.references(self.search["summary"])):  # the method page shows the search
            self._add_referrer(
                ref, Referrer(page_path("method"), review.pages["method"].title if "method" in review.pages else "Method")
            )
        # (collection, id) -> [Referrer], in page order, each place once
        self.referrers: dict[tuple[str, str], list[Referrer]] = {ref: list(places) for ref, places in self._places.items()}
        del self._places
        self.questions_of: dict[
            tuple[str, str], list[str]
        ] = {}  # ("mechanisms" | "findings" | "studies" | "trials", id) -> question ids
        for question in self.ordered("questions"):
            for key in ("mechanisms", "findings", "studies", "trials"):
                for target in question.get(key, []):
                    self.questions_of.setdefault((key, target), []).append(question["id"])

    @functools.cached_property
    def bibliography(self):
        """Every study as a work: its CSL item, reference and in-text label (works.py)."""
        return Bibliography(self.data["studies"])

    @functools.cached_property
    def summary(self):
        """The rated summaries: summary-of-findings rows, evidence-map cells, forest plots (summary.py)."""
        return Summary(self, self.bibliography.labels)

    @functools.cached_property
    def snapshot(self) -> dict:
        """The current content as an edition's manifest records it (editions.snapshot), with the site's pages: what
        the newest release is compared with when its own edition is not built."""
        ratings = {
            f"{m['id']}/{row['outcome']['id']}": {"question": row["outcome"]["question"], "certainty": row["rating"].level}
            for m in self.ordered("mechanisms")
            for row in self.summary.rows(m["id"])
        }
        every = enumerate_pages(self.review.pages, lambda collection: self.data[collection])
        release = self.releases[0]
        return {
            "version": release["version"],
            "date": release["date"],
            "pages": sorted({manifest_name(path) for _, path, _ in every}),
            **snapshot(self.data, ratings),
        }

    @functools.cached_property
    def trials(self) -> Trials:
        """The registered trials with their status dates, staleness, publications and counts (trials.py)."""
        return Trials(self.ordered("trials"), self.ordered("studies"), self.data["substances"], self.search["current_to"])

    def _index_references(self, name: str, item: dict):
        """Record what one entity references, and where (in which finding)."""
        holder_path, title = address(name, item["id"])[0], self.title_of(name, item["id"])
        in_finding = {path: finding["id"] for path, finding in findings_of(name, item)}
        cited = []
        for path, ref in references_of(name, self.data[name][item["id"]]):  # the data as read (remembered)
            fid = in_finding.get(path[:2]) or in_finding.get(path[:4])
            if ref[0] == "studies":
                cited.append(ref[1])
            if ref == (name, item["id"]) or (
                ref[0] == "findings" and self.findings.get(ref[1], {}).get("holder") == (name, item["id"])
            ):
                continue  # a page does not list itself
            self._add_referrer(ref, Referrer(holder_path, title, fid))
        self.cites[(name, item["id"])] = list(dict.fromkeys(cited))

    def _add_referrer(self, ref: tuple[str, str], referrer: Referrer) -> None:
        self._places.setdefault(ref, {})[referrer] = None

    def ordered(self, collection: str) -> list:
        """Entities of a collection in display order, each as its data with its id."""
        cache = self.__dict__.setdefault("_ordered", {})
        if collection not in cache:
            items = self.data[collection]
            key = {
                "mechanisms": lambda i: (items[i]["order"], i),
                "topics": lambda i: (items[i]["order"], i),
                "comparisons": lambda i: (items[i]["order"], i),
                "glossary": lambda i: ((items[i].get("abbreviation") or items[i]["term"]).lower(), i),
                "studies": lambda i: (items[i]["authors"][0].lower(), items[i]["year"], i),
            }.get(collection, lambda i: i)
            cache[collection] = [{"id": i, **items[i]} for i in sorted(items, key=key)]
        return cache[collection]

    def title_of(self, collection: str, target: str) -> str:
        """The title of an entity's page (or, for a finding, of the page that holds it)."""
        if collection == "findings":
            return self.findings[target]["page_title"]
        item = self.data[collection][target]
        for field in ("title", "name", "question", "term"):
            if item.get(field):
                return item[field]
        return target

    def path_of(self, collection: str, target: str) -> tuple:
        """(page path, anchor) where an entity or finding is shown."""
        if collection == "findings":
            return self.findings[target]["page"], target
        return address(collection, target)

    def _releases_touching(self, path: str) -> list:
        """The releases that changed a page, newest first (a release without `pages` changed every page)."""
        key = path.removesuffix(".md")
        return [r for r in self.releases if not r.get("pages") or key in r["pages"]] or [self.releases[-1]]

    def release_of(self, path: str) -> dict:
        """The release in which a page last changed."""
        return self._releases_touching(path)[0]

    def in_site(self, version: str) -> bool:
        """Whether the edition of a release is in the site being built (built, and installed with it)."""
        return version in self.editions

    def address_of(self, path: str, anchor: str = "") -> str:
        """The address a page gives out for itself: the edition of the release in which it last changed when that
        edition is in the site (a text that never changes), else its living address."""
        return self.address_in(self.release_of(path)["version"], path, anchor)

    def address_in(self, version: str, path: str, anchor: str = "") -> str:
        """A page's address in the edition of a release when that edition is in the site and holds the page, else
        its living address (a page or finding added since the release has no edition address yet)."""
        manifest = self.editions.get(version, {})
        holds = manifest_name(path) in manifest.get("pages", [])
        if anchor in self.findings:  # a finding added since the release is not in its edition
            holds = holds and anchor in manifest.get("findings", {})
        base = edition_url(self.info["url"], version) if self.in_site(version) and holds else self.info["url"]
        return addresses.absolute(base, path, anchor)

    def file_address(self, version: str, file: str) -> str:
        """A download's address: in the edition of a release when that edition is in the site and holds the file
        (editions.available lists its files), else the living file."""
        held = file in self.editions.get(version, {}).get("files", ())
        base = edition_url(self.info["url"], version) if self.in_site(version) and held else self.info["url"]
        return addresses.absolute(base, file)

    def editions_of(self, path: str) -> list[str]:
        """The built editions that have a page, oldest first."""
        name = manifest_name(path)
        return [r["version"] for r in reversed(self.releases) if name in self.editions.get(r["version"], {}).get("pages", [])]

    def wording_of(self, fid: str) -> dict | None:
        """Since which edition a finding reads as it does now, and its earlier wording (editions.history)."""
        found = history(self.editions, self.releases, fid, self.findings[fid]["statement"])
        return found and found | {"page": self.findings[fid]["page"]}

    def first_release_of(self, path: str) -> dict:
        """The release in which a page first appeared: the oldest edition that has it, where the editions are built;
        else the oldest release whose `pages` list it (a release without a list touched every page)."""
        name, key = manifest_name(path), path.removesuffix(".md")
        for release in reversed(self.releases):
            manifest = self.editions.get(release["version"])
            if manifest is not None:
                if name in manifest["pages"]:
                    return release
            elif not release.get("pages") or key in release["pages"]:
                return release
        return self.releases[0]
