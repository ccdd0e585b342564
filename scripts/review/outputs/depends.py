"""What each page shows, as fingerprints of its inputs: a page is rendered again only when one of them changed.

A page's key is a hash of
- the inputs every page shares (`shared`): the site, changelog, search and glossary files (the glossary's terms
  are marked in any prose), the editions built, the page templates, the generator's own code, and the ids of
  every entity and page (a file added or removed changes addresses and counts: everything is rendered again);
- and, for a page of one entity, the fingerprint of each entity it depends on: the entity itself, the entities
  it references (its citations, cross-links and id lists) and the entities and pages that reference it (its
  backlinks, the findings that cite a study, the studies of a trial ...). A finding counts as the page that
  holds it.

An entity's fingerprint covers its own text and what is derived from it alone or from the entities it references
(a study's citation label and reference, which depend on the other studies by the same authors and year, are
included as computed; a mechanism's ratings, which depend on the studies its findings cite, through those
studies' fingerprints). Pages of the whole review (lists, the evidence map, the home and method pages, the
glossary) show everything and are rendered again after any change.

The oracle (tests/test_incremental.py): for single-file edits of the fixture and real reviews, the pages whose
key changed are exactly a superset of the pages whose text changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from ..model import markup
from ..model.walk import findings_of, references_of
from .pages import Page
from .render import Renderer

CODE = Path(__file__).resolve().parents[1]  # the generator package: its code is an input of every output

Key = tuple[str, str]  # (collection | "pages", id | page name)
HOLDERS = ("mechanisms", "topics")  # entities that hold findings, rated from the studies they cite


def digest(*parts: object) -> str:
    """A short stable hash of some text or JSON-able values."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else json.dumps(part, sort_keys=True, default=str).encode())
        h.update(b"\0")
    return h.hexdigest()


def code_version() -> str:
    """The generator's code, as one hash (a changed line of Python changes every output)."""
    files = sorted(CODE.rglob("*.py"))
    return digest(*(f"{p.relative_to(CODE)}\n{p.read_text(encoding='utf-8')}" for p in files))


def folder_version(folder: Path) -> str:
    """Every file of a folder (the page templates), as one hash."""
    files = sorted(p for p in Path(folder).rglob("*") if p.is_file())
    return digest(*(f"{p.relative_to(folder)}\n{p.read_bytes().hex()}" for p in files))


class Dependencies:
    """The fingerprints of one render's inputs, and each page's key."""

    def __init__(self, renderer: Renderer, templates_dir: Path, code: str | None = None):
        self.renderer = renderer
        index = renderer.index
        review = index.review
        bibliography = index.bibliography
        self.path_key: dict[str, Key] = {}
        for page in renderer.pages:
            key = page_key_of(page)
            if key is not None:
                self.path_key[page.path] = key
        own: dict[Key, str] = {}
        for name, entities in review.entities.items():
            for entity in entities.values():
                derived: object = None
                if name == "studies":
                    sid = entity.id
                    derived = [
                        bibliography.labels[sid],
                        bibliography.text[sid],
                        bibliography.html[sid],
                        sid in bibliography.incomplete,
                        bibliography.items[sid],
                    ]
                own[(name, entity.id)] = digest(entity.text, derived)
        for name, page in review.pages.items():
            own[("pages", name)] = digest(page.path, page.title, page.text)
        self.forward: dict[Key, set[Key]] = {}
        finding_refs: dict[str, set[Key]] = {}
        for name, entities in review.entities.items():
            for entity in entities.values():
                in_finding = {path: finding.get("id") for path, finding in findings_of(name, entity.data)}
                refs = self.forward[(name, entity.id)] = set()
                for path, ref in references_of(name, entity.data):
                    refs.add(ref)
                    fid = in_finding.get(path[:2]) or in_finding.get(path[:4])
                    if fid is not None:
                        finding_refs.setdefault(fid, set()).add(ref)
        for name, page in review.pages.items():
            self.forward[("pages", name)] = set(markup.references(page.text))
        # A finding, as the pages that cite or list it show it: its text, number and holder, the holder's own
        # fields besides its findings, and what the finding cites.
        holders = {
            (name, entity.id): digest(_without_findings(name, entity.data))
            for name in HOLDERS
            for entity in review.entities.get(name, {}).values()
        }
        for fid, finding in index.findings.items():
            refs = finding_refs.get(fid, set())
            own[("findings", fid)] = digest(
                finding, holders.get(tuple(finding["holder"]), ""), sorted([list(r), own.get(r, "")] for r in refs)
            )
        self.own = own
        # An entity's fingerprint: its own, and the own fingerprints of what it references.
        self.fingerprint = {
            key: digest(value, sorted([list(ref), own.get(ref, "")] for ref in self.forward.get(key, ())))
            for key, value in own.items()
        }
        ids = {name: sorted(entities) for name, entities in review.entities.items()} | {"pages": sorted(review.pages)}
        assert review.site is not None and review.changelog is not None and review.search is not None
        self.shared = digest(
            code if code is not None else code_version(),
            folder_version(templates_dir),
            renderer.directory_urls,
            review.site.text,
            review.changelog.text,
            review.search.text,
            sorted(e.text for e in review.entities.get("glossary", {}).values()),
            index.editions,
            ids,
        )

    def depends_on(self, page: Page) -> dict[Key, bool] | None:
        """The entities a page of one entity shows, each with whether the page may show what is derived from what
        that entity references (True: the page's own entity, and holders of findings it links to, whose ratings
        come from the studies they cite) or only the entity's own text (False: a cited study's label and
        reference, a substance's name, the title of a page that links here; a finding's own fingerprint holds its
        text, number, holder and the labels it cites). None for a page of the whole review."""
        key = page_key_of(page)
        if key is None:
            return None
        index = self.renderer.index
        found = {ref: ref[0] in HOLDERS for ref in self.forward.get(key, ())}
        found[key] = True
        refs: list[Key] = [key]
        if key[0] in HOLDERS and page.item is not None:
            refs += [("findings", fid) for fid, f in index.findings.items() if tuple(f["holder"]) == key]
        for ref in refs:
            for place in index.referrers.get(ref, []):
                holder = self.path_key.get(place.path)
                if holder is None:
                    return None  # shown on a page of the whole review: no narrower set is known
                if place.finding:
                    found[("findings", place.finding)] = False
                else:
                    found.setdefault(holder, False)
        return found

    def keys(self, pages: Iterable[Page] | None = None) -> dict[str, str]:
        """{page path: key} of every page (or of `pages`)."""
        everything = digest(sorted(self.fingerprint.items()))
        out = {}
        for page in self.renderer.pages if pages is None else pages:
            deps = self.depends_on(page)
            if deps is None:
                out[page.path] = digest(self.shared, page.path, "everything", everything)
            else:
                shown = sorted((list(k), (self.fingerprint if whole else self.own).get(k, "")) for k, whole in deps.items())
                out[page.path] = digest(self.shared, page.path, shown)
        return out


def _without_findings(collection: str, data: dict) -> dict:
    """An entity's fields besides the findings it holds."""
    if collection == "mechanisms":
        return {k: v for k, v in data.items() if k != "findings"}
    sections = [{k: v for k, v in s.items() if k != "findings"} for s in data.get("sections", []) if isinstance(s, dict)]
    return {k: v for k, v in data.items() if k != "sections"} | {"sections": sections}


def page_key_of(page: Page) -> Key | None:
    """The entity (or hand-written page) a page shows as its own, or None for a page of the whole review (the
    home and method pages show the whole review's summary and search)."""
    kind = page.kind
    if kind.collection == "pages":
        if kind.name in ("home", "method"):
            return None
        return ("pages", page.path.removesuffix(".md"))
    if kind.collection and page.item is not None:
        return (kind.collection, page.item["id"])
    return None
