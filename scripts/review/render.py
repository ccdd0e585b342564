"""Render phase: a valid Review becomes {page path: Markdown} through the Jinja templates."""

import functools
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import yaml

from . import citation
from .glossary import Glossary
from .links import relative
from .schema import COLLECTIONS, EVIDENCE_LEVELS, collection_schema
from .validate import CITATION, CITED_ID, cited_ids, findings_of

LINK_OR_BARE = re.compile(r"\]?\(@([^)\s]*)\)")
LINKED_TEXT = re.compile(r"\[([^\]]*)\]\(@[^)]*\)")
BARE_LINK = re.compile(r"\(@[^)]*\)")
EMPHASIS = re.compile(r"(\*{1,2}|_{1,2})(\S[^*_]*?)\1")
SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:])")
SPACES = re.compile(r"\s+")
MARKUP_CHARACTER = re.compile(r"([\\`*_\[\]])")
EVIDENCE_GROUPS = [
    ("cell-and-animal", "Cell and animal studies", ["in-vitro", "animal"]),
    ("healthy-volunteers", "Healthy volunteers", ["healthy-volunteers"]),
    ("patients", "Patients", ["patients-sud", "patients-other"]),
    ("synthesis", "Reviews and synthesis", ["review", "method"]),
]
EVIDENCE_MAP_COLUMNS = [
    ("cell-and-animal", "Cell and animal", ["in-vitro", "animal"]),
    ("healthy-volunteers", "Healthy volunteers", ["healthy-volunteers"]),
    ("patients-sud", "Patients with SUD", ["patients-sud"]),
    ("patients-other", "Other patients", ["patients-other"]),
]
PAGE_OF = {
    "mechanisms": "mechanisms/{}.md", "topics": "topics/{}.md", "studies": "studies/{}.md",
    "trials": "trials/{}.md", "substances": "substances/{}.md", "therapies": "therapies/{}.md",
    "questions": "questions/{}.md", "glossary": "glossary/index.md#{}",
}


def author_label(authors):
    """Author part of an in-text citation: 'Shao', 'Krebs & Johansen' or 'Shao et al.'."""
    names = [a.split(",")[0].strip() for a in authors if a.strip().rstrip(".") != "et al"]
    if len(names) == 1 and len(authors) == 1:
        return names[0]
    if len(names) == 2 and len(authors) == 2:
        return f"{names[0]} & {names[1]}"
    return f"{names[0]} et al."


def citation_labels(studies):
    """In-text labels for all studies, with a/b suffixes where author and year collide."""
    groups = {}
    for sid in sorted(studies):
        data = studies[sid]
        groups.setdefault((author_label(data["authors"]), data["year"]), []).append(sid)
    labels = {}
    for (author, year), sids in groups.items():
        for index, sid in enumerate(sids):
            suffix = "abcdefghijklmnopqrstuvwxyz"[index] if len(sids) > 1 else ""
            labels[sid] = f"{author}, {year}{suffix}"
    return labels


def full_reference(study):
    """A plain-text reference in APA-like style."""
    authors = study["authors"]
    names = ", ".join(authors[:-1]) + (", & " if len(authors) > 1 else "") + authors[-1] if len(authors) > 1 else authors[0]
    text = f"{names} ({study['year']}). {study['title'].rstrip('.')}. {study['journal']}"
    if study.get("volume"):
        text += f", {study['volume']}"
        if study.get("issue"):
            text += f"({study['issue']})"
    if study.get("pages"):
        text += f", {study['pages']}"
    return text + "."


def counted(number, noun):
    """A count of things as prose: 'one mechanism', 'six mechanisms', '1,600 mechanisms'."""
    words = "no one two three four five six seven eight nine ten eleven twelve".split()
    return f"{words[number] if 0 <= number < len(words) else f'{number:,}'} {noun}{'' if number == 1 else 's'}"


def escape_markdown(text):
    """Neutralise HTML in Markdown text from content: `<` and `&` become entities."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;")


def unmarked(text):
    """Markdown from content reduced to plain words: citations dropped, cross-links reduced to their text."""
    text = CITATION.sub("", str(text))
    text = LINKED_TEXT.sub(r"\1", text)
    text = BARE_LINK.sub("", text)
    text = EMPHASIS.sub(r"\2", text)
    return SPACES.sub(" ", SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)).strip()


def escape_plain(text):
    """Plain text shown in Markdown: no HTML, no emphasis or link syntax."""
    return MARKUP_CHARACTER.sub(r"\\\1", escape_markdown(text))


class _Computed(dict):
    """A dict whose missing values are made, and kept, when first asked for."""

    def __init__(self, make):
        """make(key) gives the value for a key."""
        super().__init__()
        self.make = make

    def __missing__(self, key):
        self[key] = value = self.make(key)
        return value


class Site:
    """Lookups derived from a valid Review, built once in linear time."""

    def __init__(self, review):
        """Index entities, findings and backlinks."""
        self.review = review
        self.data = {name: {e.id: e.data for e in entities.values()} for name, entities in review.entities.items()}
        self.info = review.site.data
        self.authors = citation.site_authors(self.info)  # parsed once: pybtex's name parser is slow
        studies = self.data["studies"]
        self.labels = citation_labels(studies)
        self.references = {sid: full_reference(s) for sid, s in studies.items()}
        self.tooltips = {sid: text + (f" https://doi.org/{studies[sid]['doi']}" if studies[sid].get("doi") else "")
                         for sid, text in self.references.items()}
        self.findings = {}
        self.cited_by = {sid: [] for sid in studies}
        for name in ("mechanisms", "topics"):
            for entity in sorted(review.entities[name].values(), key=lambda e: (e.data["order"], e.id)):
                for _, finding in findings_of(entity):
                    record = {**finding, "page": PAGE_OF[name].format(entity.id), "page_title": entity.data["title"]}
                    self.findings[finding["id"]] = record
                    for sid in finding["studies"]:
                        self.cited_by[sid].append(record)
        self.coins = _Computed(lambda sid: citation.coins(studies[sid]))  # {id: COinS}, each made when first used
        self._works = _Computed(self._work)  # per study: its Highwire and schema.org forms, made when first needed
        self.csl_json = _Computed(lambda sid: citation.study_csl_json(sid, studies[sid]))  # for reference files
        self.bibtex = _Computed(lambda sid: citation.study_bibtex(sid, studies[sid]))
        # The same statements, titles and references recur on many pages: their plain forms are made once a render.
        self.unmarked, self.plain = _Computed(unmarked), _Computed(escape_plain)
        self.glossary = Glossary(self.data["glossary"], lambda gid: PAGE_OF["glossary"].format(gid))
        self.releases = review.changelog.data["releases"]
        self.findings_with = {sid: [] for sid in self.data["substances"]}
        for finding in self.findings.values():
            for substance in finding["substances"]:
                self.findings_with[substance].append(finding)
        self.studies_with, self.studies_of_trial = {sid: [] for sid in self.data["substances"]}, {}
        for sid in self.in_label_order(studies):
            for substance in studies[sid]["substances"]:
                self.studies_with[substance].append(sid)
            for trial in studies[sid].get("trials", []):
                self.studies_of_trial.setdefault(trial, []).append(sid)
        self._ordered = {}
        self.questions_of = {}
        for qid, question in sorted(self.data["questions"].items()):
            for key in ("mechanisms", "findings", "studies", "trials"):
                for target in question.get(key, []):
                    self.questions_of.setdefault((key, target), []).append(qid)

    def work(self, sid):
        """A cited study's forms for page metadata: {highwire, schema_org}, and both as written in front matter
        (highwire_yaml, schema_org_json)."""
        return self._works[sid]

    def _work(self, sid):
        """work(sid), made."""
        study = self.data["studies"][sid]
        highwire, schema_org = citation.highwire_reference(study), citation.schema_org_work(study)
        return {"highwire": highwire, "schema_org": schema_org,
                "highwire_yaml": _indent(_yaml([highwire]), "  "), "schema_org_json": _json(schema_org)}

    def cited_in(self, data):
        """Ids of the studies a page cites (finding studies and [@] citations), in label order."""
        found = set()

        def visit(value, key=None):
            if isinstance(value, dict):
                for k, v in value.items():
                    visit(v, k)
            elif isinstance(value, list):
                if key == "studies":
                    found.update(v for v in value if isinstance(v, str))
                for v in value:
                    visit(v)
            elif isinstance(value, str):
                found.update(cited_ids(value))

        visit(data)
        return self.in_label_order(found)

    def in_label_order(self, study_ids):
        """Distinct study ids sorted by their citation label."""
        return sorted(set(study_ids), key=lambda s: (self.labels[s].lower(), s))

    def page_url(self, path):
        """The public address of a page path (directory URLs)."""
        stem = path.removesuffix(".md")
        stem = "" if stem == "index" else stem.removesuffix("/index") + "/"
        return self.info["url"].rstrip("/") + "/" + stem

    def releases_of(self, path):
        """(the release in which a page last changed, the release in which it first appeared)."""
        key = path.removesuffix(".md")
        touched = [r for r in self.releases if not r.get("pages") or key in r["pages"]] or [self.releases[-1]]
        return touched[0], touched[-1]

    def page_reference(self, path, title, anchor=None, apa_only=False):
        """Citation formats for a page, or for one finding (anchor) on it; just the APA text if apa_only."""
        release = self.releases_of(path)[0]
        url = self.page_url(path) + (f"#{anchor}" if anchor else "")
        if apa_only:
            return citation.apa_reference(self.info, title, url, release["version"], release["date"], anchor)
        return citation.page_reference(self.info, title, url, release["version"], release["date"], anchor, self.authors)

    def evidence_map(self):
        """Rows of the evidence map: per mechanism, per evidence column, the findings and their studies."""
        rows = []
        for mechanism in self.ordered("mechanisms"):
            cells = []
            for key, label, levels in EVIDENCE_MAP_COLUMNS:
                findings = [f for f in mechanism["findings"] if f["evidence"] in levels]
                studies = sorted({s for f in findings for s in f["studies"]})
                cells.append({"key": key, "label": label, "findings": findings, "studies": studies})
            questions = self.questions_of.get(("mechanisms", mechanism["id"]), [])
            rows.append({"mechanism": mechanism, "cells": cells, "questions": questions})
        return rows

    def substance_map(self):
        """Rows of the substance-by-mechanism view: findings per substance and mechanism."""
        mechanisms = self.ordered("mechanisms")
        cells = {s: [[] for _ in mechanisms] for s in self.data["substances"]}  # one pass over the findings
        for column, mechanism in enumerate(mechanisms):
            for finding in mechanism["findings"]:
                for sid in dict.fromkeys(finding["substances"]):
                    cells[sid][column].append(finding)
        return [{"substance": substance, "cells": cells[substance["id"]]} for substance in self.ordered("substances")]

    def label_of(self, collection, target):
        """The text of a bare `(@collection/id)` reference."""
        if collection == "findings":
            return f"finding {target}"
        if collection == "studies":
            return self.labels[target]
        item = self.data[collection][target]
        for key in ("nct", "abbreviation", "title", "name", "term", "question"):
            if item.get(key):
                return item[key]
        return target

    def url(self, collection, target):
        """The page path (with anchor) of an entity or finding."""
        if collection == "findings":
            return f"{self.findings[target]['page']}#{target}"
        return PAGE_OF[collection].format(target)

    def ordered(self, collection):
        """Entities of a collection in display order (sorted once)."""
        if collection not in self._ordered:
            self._ordered[collection] = self._sort(collection)
        return self._ordered[collection]

    def _sort(self, collection):
        """Sort a collection for display."""
        items = self.data[collection]
        key = {
            "mechanisms": lambda i: (items[i]["order"], i), "topics": lambda i: (items[i]["order"], i),
            "studies": lambda i: (self.labels[i].lower(), i), "glossary": lambda i: (items[i].get("abbreviation") or items[i]["term"]).lower(),
        }.get(collection, lambda i: i)
        return [{"id": i, **items[i]} for i in sorted(items, key=key)]


class _Environment(jinja2.Environment):
    """Jinja's environment, with `mapping.key` looked up as a key straight away when the mapping is a plain dict and
    the name is no dict attribute: the same result as Jinja's own lookup (attribute first, then key), without
    raising and catching an AttributeError for each of the millions of field lookups in a large review."""

    def getattr(self, obj, attribute):
        """obj.attribute in a template."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except LookupError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


_DICT_ATTRIBUTES = frozenset(dir(dict))


def make_env(templates_dir, site):
    """A Jinja environment with StrictUndefined and the review's filters."""
    env = _Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        # Compiled templates are kept in the user's temporary folder, keyed by each template's source checksum:
        # compiling the templates was a third of the generator's time for the real content (cProfile).
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
        auto_reload=False,  # an environment serves one render, so templates need no up-to-date check on every use
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )

    @jinja2.pass_context
    def link(context, target, collection=None):
        """Relative link from the current page to an entity (collection, id) or a page path."""
        path = site.url(collection, target) if collection else target
        return relative(path, context["page_path"])

    @jinja2.pass_context
    def cite(context, study_ids):
        """Author-year citations, each linked to its study with the full reference as tooltip."""
        context["cited"].update(study_ids)
        parts = [
            f'[{site.labels[s]}]({relative(site.url("studies", s), context["page_path"])} "{html.escape(site.tooltips[s])}")'
            f'{{ .citation data-href="{site.page_url(site.url("studies", s))}" }}'
            for s in study_ids
        ]
        return "(" + "; ".join(parts) + ")" if parts else ""

    @jinja2.pass_context
    def md(context, text):
        """Markdown from content: HTML neutralised, citations and cross-links resolved."""
        text = escape_markdown(text.strip())
        text = CITATION.sub(lambda m: cite(context, [c.group(1) for c in CITED_ID.finditer(m.group(1))]), text)

        def cross(match):
            collection, _, target = match.group(1).partition("/")
            link = relative(site.url(collection, target), context["page_path"])
            if match.group(0).startswith("]"):
                return f"]({link})"
            return f"([{escape_plain(site.label_of(collection, target))}]({link}))"

        text = LINK_OR_BARE.sub(cross, text)
        if context["page_path"].startswith("glossary/"):
            return text
        return site.glossary.link_first(text, context["page_path"], context["glossed"])

    env.filters.update(
        md=md, cite=cite, unmarked=lambda text: site.unmarked[str(text)],
        cited=cited_ids, link=link, plain=lambda text: site.plain[str(text)], attr=lambda t: html.escape(str(t), quote=True),
    )
    def finding_citation(fid):
        """APA reference pointing at one finding's anchor."""
        finding = site.findings[fid]
        return site.page_reference(finding["page"], finding["page_title"], anchor=fid, apa_only=True)

    env.globals["finding_citation"] = finding_citation
    env.globals.update(site=site, evidence_levels=EVIDENCE_LEVELS, evidence_groups=EVIDENCE_GROUPS,
                       evidence_map_columns=EVIDENCE_MAP_COLUMNS)
    env.filters["counted"] = counted
    env.filters["shade"] = lambda n: 0 if n == 0 else 1 if n <= 2 else 2 if n <= 5 else 3
    return env


@functools.lru_cache(maxsize=None)
def _guide(name):
    """Rows describing one collection's fields for the editing guide."""
    schema = collection_schema(name)
    return {"name": name, "description": schema["description"], "fields": _fields(schema, "")}


def _fields(schema, prefix):
    """Flatten an object schema into field rows (nested objects of lists included)."""
    rows = []
    for key, sub in schema["properties"].items():
        kind = sub.get("type", "")
        if "enum" in sub:
            kind = "one of: " + ", ".join(f"`{v}`" for v in sub["enum"])
        elif sub.get("x-references"):
            kind = f"{'list of ' if kind == 'array' else 'mapping keyed by '}{sub['x-references']} ids"
        elif kind == "array" and sub["items"].get("type") == "object":
            kind = "list of mappings"
        elif kind == "string" and sub.get("x-markdown"):
            kind = "Markdown text"
        example = sub.get("examples", [""])[0]
        rows.append({
            "field": prefix + key, "type": kind, "required": key in schema.get("required", []),
            "description": sub.get("description", ""),
            "example": yaml.safe_dump(example, allow_unicode=True, default_flow_style=True, width=10_000).strip().removesuffix("...").strip()
            if example not in ("", [], {}) else "",
        })
        items = sub.get("items", {})
        if kind == "list of mappings":
            rows += _fields(items, prefix + key + "[]." )
    return rows


def facets(item, substances):
    """Tags (Material's tags plugin) for a study or mechanism page: its evidence levels and substance names."""
    findings = item["findings"] if "findings" in item else [item]
    levels = sorted({f["evidence"] for f in findings}, key=list(EVIDENCE_LEVELS).index)
    names = sorted({substances[s]["name"] for f in findings for s in f["substances"]})
    return [f"Evidence: {EVIDENCE_LEVELS[level]}" for level in levels] + [f"Substance: {name}" for name in names]


def front_matter(site, path, title, cited, tags=()):
    """YAML front matter: the page title plus the citation metadata that the theme turns into meta tags and JSON-LD.
    The text is what yaml.dump writes for {title, citation: {..., references}, jsonld, tags}, with jsonld what
    json.dumps(..., sort_keys=True) writes, but each cited work's part is written once per build (Site.work), not
    once per page that cites it: serialising them was a tenth of the render time."""
    latest, first = site.releases_of(path)
    cite_title = site.info["title"] if path == "index.md" else title
    url = site.page_url(path)
    works = [site.work(sid) for sid in sorted(cited)]
    jsonld = _json({
        "@context": "https://schema.org", "@type": "ScholarlyArticle", "headline": cite_title, "url": url,
        "author": [{"@type": "Organization", "name": a} for a in site.info["authors"]],
        "publisher": {"@type": "Organization", "name": site.info["publisher"]},
        "datePublished": first["date"], "dateModified": latest["date"], "version": latest["version"],
        "license": site.info["license_url"], "inLanguage": "en",
        "isPartOf": {"@type": "WebSite", "name": site.info["title"], "url": site.page_url("index.md")},
        "citation": PLACEHOLDER,
    }).replace(_json(PLACEHOLDER), "[" + ", ".join(w["schema_org_json"] for w in works) + "]", 1)
    text = _yaml({
        "title": html.escape(title, quote=False),  # themes print it unescaped in <title> and the navigation
        "citation": {
            "title": cite_title, "authors": site.info["authors"], "date": latest["date"].replace("-", "/"),
            "url": url, "institution": site.info["publisher"], "version": latest["version"], "references": PLACEHOLDER,
        },
        "jsonld": jsonld.replace("<", "\\u003c"),
        **({"tags": list(tags)} if tags else {}),
    })
    references = "  references:\n" + "".join(w["highwire_yaml"] for w in works) if works else "  references: []\n"
    return "---\n" + text.replace(_REFERENCES_PLACEHOLDER, "\n" + references, 1) + "---\n"


# Stands for a list serialised apart; a NUL cannot come from content (YAML refuses it), so its JSON text cannot either.
PLACEHOLDER = "\0"


def _yaml(data):
    """YAML block text of data, as front matter writes it (libyaml's emitter: the pure-Python one was slow)."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=10_000)


def _json(data):
    """JSON text of data on one line, keys sorted, as JSON-LD is written."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


_REFERENCES_PLACEHOLDER = f"\n  {_yaml({'references': PLACEHOLDER}).strip()}\n"  # as _yaml writes it in `citation`


def _indent(text, prefix):
    """Text with prefix before every line."""
    return "".join(prefix + line for line in text.splitlines(keepends=True))


COLLECTION_PAGES = [("mechanisms", "mechanism"), ("topics", "topic"), ("studies", "study"), ("trials", "trial"),
                    ("substances", "substance"), ("therapies", "therapy"), ("questions", "question")]


@dataclass(frozen=True)
class Job:
    """One output of the site: a page (template and context) or, without a template, the reference files of the
    works that an entity cites; and the entity it presents (collection, id), or None for pages that gather a whole
    collection or the whole review (and for the reference files of all works)."""

    path: str
    template: str = ""
    context: dict = field(default_factory=dict)
    key: tuple | None = None


def plan(site):
    """Every output of the site, in a fixed order."""
    review = site.review
    jobs = [Job(f"{name}.md", "home.md.j2" if name == "index" else "page.md.j2", {"page": source},
                None if name == "index" else ("pages", name)) for name, source in sorted(review.pages.items())]
    for name, template in COLLECTION_PAGES:
        jobs += [Job(PAGE_OF[name].format(item["id"]), f"{template}.md.j2", {"item": item}, (name, item["id"]))
                 for item in site.ordered(name)]
        if name != "topics":
            jobs.append(Job(f"{name}/index.md", f"{name}.md.j2", {"items": site.ordered(name)}))
    jobs += [
        Job("glossary/index.md", "glossary.md.j2", {"items": site.ordered("glossary")}),
        Job("changelog.md", "changelog.md.j2", {"releases": site.releases}),
        Job("evidence-map.md", "evidence-map.md.j2"),
        Job("print/mechanisms.md", "course-pack.md.j2"),
        Job("facets.md", "facets.md.j2"),
        Job("editing.md", "editing.md.j2", {"collections": [_guide(n) for n in COLLECTIONS], "site_schema": _guide("site"),
                                            "changelog_schema": _guide("changelog")}),
        Job("references"),
    ]
    jobs += [Job(f"references/{item['id']}", key=("mechanisms", item["id"])) for item in site.ordered("mechanisms")]
    return jobs


def render(review, templates_dir, select=None):
    """Return {site path: text} for the whole site (Markdown pages plus reference downloads), or only for the jobs
    that `select` (a predicate on Jobs) accepts."""
    return dict(render_each(review, templates_dir, select))


def render_each(review, templates_dir, select=None):
    """Yield (site path, text) for each output of render(), one page at a time, so that a writer can stream them."""
    site, env = prepare(review, templates_dir)
    return render_jobs(site, env, [job for job in plan(site) if select is None or select(job)])


def prepare(review, templates_dir):
    """The Site (the review's lookups) and the Jinja environment that render jobs."""
    site = Site(review)
    return site, make_env(Path(templates_dir), site)


def render_jobs(site, env, jobs):
    """Yield (site path, text) for each output of the given jobs, in order."""
    cite_box = env.get_template("_cite.md.j2")

    def page(path, template, **context):
        cited = set()
        module = env.get_template(template).make_module({"page_path": path, "cited": cited, "glossed": set(), **context})
        body, title = str(module), module.title
        reference = site.page_reference(path, site.info["title"] if path == "index.md" else title)
        box = cite_box.render(page_path=path, cited=cited, glossed=set(), ref=reference, url=site.page_url(path),
                              release=site.releases_of(path)[0])
        faceted = "item" in context and path.split("/")[0] in ("studies", "mechanisms")
        tags = facets(context["item"], site.data["substances"]) if faceted else []
        tooltips = "" if path.startswith("glossary/") else site.glossary.tooltips(body, escape_markdown)
        yield path, front_matter(site, path, title, cited, tags) + body + box + tooltips

    def works(stem, key):
        study_ids = site.data["studies"] if key is None else site.cited_in(site.data[key[0]][key[1]])
        studies = {sid: site.data["studies"][sid] for sid in study_ids}
        yield f"{stem}.bib", citation.works_bibtex(studies, site.bibtex.__getitem__)
        yield f"{stem}.ris", citation.works_ris(studies)
        yield f"{stem}.json", citation.works_csl(studies, site.csl_json.__getitem__)

    for job in jobs:
        if job.template:
            yield from page(job.path, job.template, **job.context)
        else:
            yield from works(job.path, job.key)
