"""Live editing: after a save, render again only the pages that depend on what changed.

Loading and checking still read every file (references cross files, and both phases are linear and cheap);
what is skipped is rendering, the generator's costly phase. A page depends on an entity when it presents it
or is one or two references away from it (see `affected`); pages that gather a collection or the whole review
(indexes, evidence map, course pack, reference lists) are rendered again on every change, and the whole site
when templates, site.yaml or changelog.yaml change or an entity, finding or page is added or removed.
"""

from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError
from .glossary import forms_of
from .load import load
from .render import citation_labels, render
from .schema import collection_schema
from .validate import CROSS_LINK, cited_ids, findings_of, validate, walk


@dataclass(frozen=True)
class Snapshot:
    """What one build leaves for the next: the content read, its reference graph, the templates and the output."""

    review: object
    graph: dict
    templates: dict
    labels: dict
    members: dict
    pages: dict
    rendered: frozenset  # the outputs rendered by the build that made this snapshot


def templates_of(templates_dir):
    """{file name: source} of the page templates."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(Path(templates_dir).glob("*.j2"))}


def markdown_targets(text):
    """(collection, id) of each citation and cross-link in a Markdown text."""
    targets = {("studies", sid) for sid in cited_ids(text)}
    for match in CROSS_LINK.finditer(str(text)):
        collection, _, target = match.group(1).partition("/")
        targets.add((collection, target))
    return targets


def _finding_paths(entity):
    """{path of a finding in the entity's data, like ("findings", 2) or ("sections", 0, "findings", 1): its node}."""
    return {path: ("findings", finding["id"]) for path, finding in findings_of(entity)}


def graph(review):
    """{node: set of nodes it references}. Nodes are (collection, id) for entities and prose pages, and
    ("findings", id) for findings: a finding references its studies, substances and links, and the mechanism or
    topic that holds it references the finding (a link to a finding is a link to the finding)."""
    edges = {}
    for name, entities in review.entities.items():
        schema = collection_schema(name)
        for entity in entities.values():
            node, findings = (name, entity.id), _finding_paths(entity)
            edges[node] = set(findings.values())
            for path, sub, value in walk(schema, entity.data):
                source = findings.get(path[:2]) or findings.get(path[:4]) or node  # inside a finding, or not
                if sub.get("x-references"):
                    edges.setdefault(source, set()).update((sub["x-references"], v) for v in value)  # ids, or keys
                if sub.get("x-markdown"):
                    for text in (value.values() if isinstance(value, dict) else [value]):
                        edges.setdefault(source, set()).update(markdown_targets(text))
    for name, page in review.pages.items():
        edges[("pages", name)] = markdown_targets(page.text)
    return edges


def reverse(edges):
    """{target: set of sources} of a reference graph."""
    incoming = {}
    for source, targets in edges.items():
        for target in targets:
            incoming.setdefault(target, set()).add(source)
    return incoming


# Kinds of node that other pages list as backlinks: a study page lists the findings and questions citing it, a
# substance page its findings and studies, a trial page its studies and questions, a mechanism page its questions.
BACKLINKED = {"findings", "studies", "questions"}
# Kinds of node whose content another page shows in full: a mechanism or topic shows its findings, a topic the
# steps of the therapies its text links to.
EMBEDDED = {"findings", "therapies"}


def affected(changed, *graphs):
    """Nodes whose pages may show something of a changed node X: X; what references X (its page names X); the
    pages that show in full a finding or therapy referencing X; and the pages that list X as a backlink."""
    found = set(changed)
    for edges in graphs:
        incoming = reverse(edges)

        def into(keys):
            return {s for k in keys for s in incoming.get(k, ())}

        def listing(keys):
            return {t for k in keys if k[0] in BACKLINKED for t in edges.get(k, ())}

        citing = into(changed)
        found |= citing | into({k for k in citing if k[0] in EMBEDDED}) | listing(changed)
    return found


def members(review):
    """Every entity and finding id, by collection: adding or removing one changes counts and orders site-wide."""
    ids = {name: set(entities) for name, entities in review.entities.items()}
    ids["findings"] = {f["id"] for entities in review.entities.values() for e in entities.values() for _, f in findings_of(e)}
    ids["pages"] = set(review.pages)
    return ids


def _without_findings(entity):
    """An entity's data with its findings left out (a topic keeps its sections' other fields)."""
    data = {k: v for k, v in entity.data.items() if k != "findings"}
    if "sections" in data:
        data["sections"] = [{k: v for k, v in section.items() if k != "findings"} for section in data["sections"]]
    return data


def changed_nodes(old, new):
    """Nodes edited between two reviews with the same members: entities, findings, prose pages. A finding counts as
    changed when its holder's title or order changes, since other pages name the finding by its holder."""
    changed = set()
    for name, entities in new.entities.items():
        for eid, after in entities.items():
            before = old.entities[name][eid]
            if before.data == after.data:
                continue
            found_before = {f["id"]: f for _, f in findings_of(before)}
            found_after = {f["id"]: f for _, f in findings_of(after)}
            changed |= {("findings", i) for i in found_after if found_before.get(i) != found_after[i]}
            if _without_findings(before) != _without_findings(after):
                changed.add((name, eid))
            if any(before.data.get(k) != after.data.get(k) for k in ("title", "order")) or \
                    [*found_before] != [*found_after]:
                changed |= {("findings", i) for i in found_after} | {(name, eid)}
    changed |= {("pages", n) for n, page in new.pages.items() if page != old.pages[n]}
    return changed


def glossary_forms_of(review, gids):
    """Every way the given glossary entries (those that exist in review) may be written in text."""
    entries = review.entities["glossary"]
    return {form for gid in gids if gid in entries for form in forms_of(entries[gid].data)}


def rebuild(previous, content_dir, templates_dir):
    """Build the site, rendering again only what the changes since `previous` (a Snapshot, or None) can affect."""
    review = load(content_dir)
    problems = validate(review)
    if problems:
        raise ContentError(problems)
    templates = templates_of(templates_dir)
    edges = graph(review)
    labels = citation_labels({sid: entity.data for sid, entity in review.entities["studies"].items()})
    ids = members(review)
    whole = (previous is None or templates != previous.templates or review.site.data != previous.review.site.data
             or review.changelog.data != previous.review.changelog.data or ids != previous.members)
    if whole:
        pages = render(review, templates_dir)
        return Snapshot(review, edges, templates, labels, ids, pages, frozenset(pages))
    changed = changed_nodes(previous.review, review)
    changed |= {("studies", s) for s in labels if previous.labels[s] != labels[s]}  # an a/b suffix moved
    if not changed:
        return Snapshot(review, edges, templates, labels, ids, previous.pages, frozenset())
    keys = affected(changed, previous.graph, edges)
    glossary = {i for c, i in changed if c == "glossary"}
    forms = glossary_forms_of(previous.review, glossary) | glossary_forms_of(review, glossary)
    # A glossary entry shows as a link or tooltip wherever its term is written.
    mentions = {path for path, text in previous.pages.items() if any(form in text for form in forms)} if forms else set()
    fresh = render(review, templates_dir, lambda job: job.key is None or job.key in keys or job.path in mentions)
    return Snapshot(review, edges, templates, labels, ids, {**previous.pages, **fresh}, frozenset(fresh))
