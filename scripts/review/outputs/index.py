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
from .editions import history
from .pages import address, page_path
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
        self.findings: dict[str, dict] = {}  # id -> finding data, with its holder ("page", "page_title", "holder", "number")
        for name in ("mechanisms", "topics"):
            for item in self.ordered(name):
                for number, (_, finding) in enumerate(findings_of(name, item), start=1):
                    self.findings[finding["id"]] = {
                        **finding,
                        "page": address(name, item["id"])[0],
                        "page_title": item["title"],
                        "holder": (name, item["id"]),
                        "number": number,
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

    def editions_of(self, path: str) -> list[str]:
        """The built editions that have a page, oldest first."""
        key = path.removesuffix(".md").removesuffix("/index")
        key = "index" if key == "index" else key
        return [r["version"] for r in reversed(self.releases) if key in self.editions.get(r["version"], {}).get("pages", [])]

    def wording_of(self, fid: str) -> dict | None:
        """Since which edition a finding reads as it does now, and its earlier wording (editions.history)."""
        found = history(self.editions, self.releases, fid, self.findings[fid]["statement"])
        return found and found | {"page": self.findings[fid]["page"]}

    def first_release_of(self, path: str) -> dict:
        """The release in which a page first appeared."""
        return self._releases_touching(path)[-1]
