"""Citation formats: APA text, BibTeX (via pybtex), RIS and CSL-JSON, for the site's pages and for the cited works."""

import json
import re
from datetime import date as Date

from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.output.bibtex import Writer as _BibtexWriter

_LATEX_SPECIAL = {ord(c): "\\" + c for c in "&%$#_"} | {ord("~"): r"\textasciitilde{}", ord("^"): r"\textasciicircum{}", ord("\\"): r"\textbackslash{}"}
_CSL_TYPES = {"journal-article": "article-journal", "book": "book", "chapter": "chapter"}
_RIS_TYPES = {"journal-article": "JOUR", "book": "BOOK", "chapter": "CHAP"}
_BIB_TYPES = {"journal-article": "article", "book": "book", "chapter": "incollection"}


class _Writer(_BibtexWriter):
    """pybtex's BibTeX writer, escaping LaTeX's special characters with a translation table: the output is UTF-8, and
    pybtex's own character-by-character LaTeX codec made these small files most of the generator's time (cProfile)."""

    def _encode(self, text):
        return str(text).translate(_LATEX_SPECIAL)

    def check_braces(self, s):
        """pybtex's check, skipped where it cannot fail: no opening brace, or one group wrapping brace-free text."""
        if "{" not in s or (s[0] == "{" and s[-1] == "}" and "{" not in s[1:-1] and "}" not in s[1:-1]):
            return
        super().check_braces(s)


def _named(authors):
    """Authors without a closing 'et al.'."""
    return [a for a in authors if a.strip().rstrip(".").lower() != "et al"]


def _split(author):
    """'Shao, L.-X.' -> ('Shao', 'L.-X.')."""
    family, _, given = author.partition(",")
    return family.strip(), given.strip()


def _bibtex(entries):
    """BibTeX text of {key: Entry} (the writer is called directly: pybtex's plugin lookup is slow)."""
    return _Writer().to_string(BibliographyData(entries=entries))


def apa_reference(info, title, url, version, day, anchor_label=None):
    """APA 7 reference to one page (or one finding on it) of the site."""
    when = Date.fromisoformat(day)
    authors = info["authors"]
    names = authors[0] if len(authors) == 1 else ", ".join(authors[:-1]) + ", & " + authors[-1]
    full_title = f"{title}: finding {anchor_label}" if anchor_label else title
    return f"{names}. ({when.year}, {when:%B} {when.day}). {full_title} (Version {version}). In {info['title']}. {info['publisher']}. {url}"


def site_authors(info):
    """The site's authors as pybtex Persons (organisations, so each name is braced whole)."""
    return [Person("{" + a + "}") for a in info["authors"]]


def page_reference(info, title, url, version, day, anchor_label=None, persons=None):
    """{apa, bibtex, ris, csl} citing one page (or one finding on it) of the site as a versioned report; persons
    may supply site_authors(info), which is the same for every page."""
    when = Date.fromisoformat(day)
    authors = info["authors"]
    full_title = f"{title}: finding {anchor_label}" if anchor_label else title
    apa = apa_reference(info, title, url, version, day, anchor_label)
    key = re.sub(r"[^a-z0-9]+", "-", f"{info['publisher']} {when.year} {full_title}".lower()).strip("-")[:60]
    entry = Entry("techreport", fields={
        "title": "{" + full_title + "}", "institution": info["publisher"], "number": f"Version {version}",
        "year": str(when.year), "month": f"{when:%b}".lower(), "url": url, "note": f"Part of: {info['title']}",
    }, persons={"author": persons or site_authors(info)})
    bibtex = _bibtex({key: entry})
    csl = {
        "id": key, "type": "report", "title": full_title, "author": [{"literal": a} for a in authors],
        "issued": {"date-parts": [[when.year, when.month, when.day]]}, "version": version, "number": f"Version {version}",
        "publisher": info["publisher"], "container-title": info["title"], "URL": url,
    }
    ris = _ris([("TY", "RPRT"), *[("AU", a) for a in authors], ("TI", full_title), ("T2", info["title"]),
                ("PY", str(when.year)), ("DA", f"{when:%Y/%m/%d}"), ("PB", info["publisher"]), ("ET", f"Version {version}"),
                ("UR", url), ("ER", "")])
    return {"key": key, "apa": apa, "bibtex": bibtex, "ris": ris, "csl": indented_json([csl]) + "\n"}


def _ris(pairs):
    """Serialise (tag, value) pairs as RIS lines."""
    return "".join(f"{tag}  - {value}".rstrip() + "\n" for tag, value in pairs)


def study_csl(sid, study):
    """One study as a CSL-JSON item."""
    item = {
        "id": sid, "type": _CSL_TYPES[study["type"]], "title": study["title"],
        "author": [{"family": f, "given": g} if g else {"literal": f} for f, g in map(_split, _named(study["authors"]))],
        "issued": {"date-parts": [[study["year"]]]},
    }
    item["publisher" if study["type"] == "book" else "container-title"] = study["journal"]
    for field, key in [("volume", "volume"), ("issue", "issue"), ("pages", "page"), ("doi", "DOI"), ("pmid", "PMID")]:
        if study.get(field):
            item[key] = study[field]
    if study.get("doi"):
        item["URL"] = f"https://doi.org/{study['doi']}"
    return item


def works_csl(studies, item_json=None):
    """CSL-JSON text for a {id: study} mapping, as json.dumps(items, indent=2) writes it; item_json(sid) may supply
    each item's own indented JSON (cached by the caller: a study is in many reference files)."""
    item_json = item_json or (lambda sid: study_csl_json(sid, studies[sid]))
    if not studies:
        return "[]\n"
    return "[\n" + ",\n".join("  " + item_json(sid).replace("\n", "\n  ") for sid in sorted(studies)) + "\n]\n"


def study_csl_json(sid, study):
    """One study's CSL-JSON item, indented by two spaces per level."""
    return indented_json(study_csl(sid, study))


def study_bibtex(sid, study):
    """The BibTeX entry of one study."""
    fields = {"title": "{" + study["title"] + "}", "year": str(study["year"])}
    fields["publisher" if study["type"] == "book" else "booktitle" if study["type"] == "chapter" else "journal"] = study["journal"]
    for field in ("volume", "pages"):
        if study.get(field):
            fields[field] = study[field]
    if study.get("issue"):
        fields["number"] = study["issue"]
    if study.get("doi"):
        fields["doi"] = study["doi"]
    if study.get("pmid"):
        fields["pmid"] = study["pmid"]
    persons = [Person(a) for a in _named(study["authors"])]
    if len(persons) < len(study["authors"]):
        persons.append(Person("others"))
    return _bibtex({sid: Entry(_BIB_TYPES[study["type"]], fields=fields, persons={"author": persons})}).strip() + "\n"


def works_bibtex(studies, item_bibtex=None):
    """BibTeX text for a {id: study} mapping, keyed by study id; item_bibtex(sid) may supply each entry (cached by
    the caller: a study is in several reference files)."""
    item_bibtex = item_bibtex or (lambda sid: study_bibtex(sid, studies[sid]))
    return "\n".join(item_bibtex(sid) for sid in sorted(studies))


def works_ris(studies):
    """RIS text for a {id: study} mapping."""
    records = []
    for sid in sorted(studies):
        study = studies[sid]
        pairs = [("TY", _RIS_TYPES[study["type"]]), ("ID", sid), *[("AU", a) for a in _named(study["authors"])],
                 ("TI", study["title"]), ("PY", str(study["year"])),
                 ("PB" if study["type"] == "book" else "T2", study["journal"])]
        if study.get("volume"):
            pairs.append(("VL", study["volume"]))
        if study.get("issue"):
            pairs.append(("IS", study["issue"]))
        if study.get("pages"):
            start, _, end = study["pages"].partition("-")
            pairs += [("SP", start)] + ([("EP", end)] if end else [])
        if study.get("doi"):
            pairs += [("DO", study["doi"]), ("UR", f"https://doi.org/{study['doi']}")]
        if study.get("pmid"):
            pairs.append(("AN", study["pmid"]))
        records.append(_ris([*pairs, ("ER", "")]))
    return "\n".join(records)


def coins(study):
    """The title attribute of a COinS span (OpenURL ContextObject) for one study, URL-encoded."""
    pairs = [("ctx_ver", "Z39.88-2004")]
    if study["type"] == "book":
        pairs += [("rft_val_fmt", "info:ofi/fmt:kev:mtx:book"), ("rft.genre", "book"), ("rft.btitle", study["title"]),
                  ("rft.pub", study["journal"])]
    else:
        pairs += [("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"),
                  ("rft.genre", "bookitem" if study["type"] == "chapter" else "article"),
                  ("rft.atitle", study["title"]), ("rft.jtitle", study["journal"])]
    pairs.append(("rft.date", str(study["year"])))
    for field, key in [("volume", "rft.volume"), ("issue", "rft.issue"), ("pages", "rft.pages")]:
        if study.get(field):
            pairs.append((key, study[field]))
    for author in _named(study["authors"]):
        pairs.append(("rft.au", author))
    if study.get("doi"):
        pairs.append(("rft_id", f"info:doi/{study['doi']}"))
    if study.get("pmid"):
        pairs.append(("rft_id", f"info:pmid/{study['pmid']}"))
    return form_encode(pairs)


class _FormQuoted(dict):
    """{code point: its form-encoded text}: ASCII filled in, other characters as first met (their UTF-8 bytes)."""

    def __missing__(self, code):
        self[code] = quoted = "".join(f"%{byte:02X}" for byte in chr(code).encode("utf-8"))
        return quoted


_FORM = _FormQuoted({c: chr(c) if chr(c).isascii() and (chr(c).isalnum() or chr(c) in "_.-~") else "+" if c == 32 else f"%{c:02X}"
                     for c in range(128)})


def form_encode(pairs):
    """The text urllib.parse.urlencode(pairs) writes, made with str.translate: urlencode quotes one character at a
    time in Python, which made COinS most of the cost of a long reference list."""
    return "&".join(f"{str(key).translate(_FORM)}={str(value).translate(_FORM)}" for key, value in pairs)


def highwire_reference(study):
    """A `citation_reference` meta value in Google Scholar's field=value; form."""
    parts = [f"citation_title={study['title']}"]
    parts += [f"citation_author={a}" for a in _named(study["authors"])]
    parts.append(f"citation_publication_date={study['year']}")
    parts.append(f"citation_{'publisher' if study['type'] == 'book' else 'journal_title'}={study['journal']}")
    for field in ("volume", "issue", "doi", "pmid"):
        if study.get(field):
            parts.append(f"citation_{field}={study[field]}")
    if study.get("pages"):
        start, _, end = study["pages"].partition("-")
        parts.append(f"citation_firstpage={start}")
        if end:
            parts.append(f"citation_lastpage={end}")
    return "; ".join(parts)


def schema_org_work(study):
    """A cited work as a schema.org CreativeWork."""
    work = {"@type": "Book" if study["type"] == "book" else "ScholarlyArticle", "name": study["title"],
            "datePublished": str(study["year"]), "author": {"@type": "Person", "name": _named(study["authors"])[0]}}
    if study.get("doi"):
        work["identifier"] = f"https://doi.org/{study['doi']}"
    return work


def indented_json(value, indent="  ", _level=""):
    """The text json.dumps(value, indent=2, ensure_ascii=False) writes for JSON with string keys, made faster:
    json.dumps with an indent runs its pure-Python encoder, so here only lists and dicts are walked in Python and
    every other value is encoded by the C encoder."""
    inner = _level + indent
    if isinstance(value, dict) and value:
        return "{\n" + ",\n".join(f"{inner}{_encode(str(k))}: {indented_json(v, indent, inner)}" for k, v in value.items()) + f"\n{_level}}}"
    if isinstance(value, (list, tuple)) and value:
        return "[\n" + ",\n".join(inner + indented_json(v, indent, inner) for v in value) + f"\n{_level}]"
    return _encode(value)


_encode = json.JSONEncoder(ensure_ascii=False).encode
