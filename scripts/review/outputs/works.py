"""The citation hub: one CSL-JSON item per work, and every format derived from it.

A cited study and a page of this site are both *works*: `study_item` and `page_item` make their CSL-JSON items
(the one internal form of a citation), and everything else reads only those items: the APA 7 reference shown
on the site (HTML and plain text), the in-text label, BibTeX, RIS, CSL-JSON, Highwire tags, schema.org JSON-LD,
and the COinS span through which Zotero saves a page. So the formats cannot drift apart; the tests render the
downloads through pandoc's citeproc with the APA style and compare them with `apa_text`.

Each format also follows what its readers expect of it (checked with pandoc 3, citeproc-js and Zotero):
BibTeX `Family, Jr, Given`, braced group names, protected capitals and `useprefix` for particles; RIS
`Family, Given, Suffix` and a trailing comma for a group (as the RIS specification and Zotero read them);
CSL-JSON with the suffix after the given names and the particle in the family name (as Zotero imports them).
"""

from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date as Date
from urllib.parse import urlencode

from ..model.remember import by_identity
from ..model.schema import ORGANISATION

# ------------------------------------------------------------------------------------------------------ grammars
# Every output format writes plain text by its own grammar, here and nowhere else: a value of content (a title, a
# name, an abstract) can hold any character, and none may end a value, a field or a record early.

_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")  # line breaks (every one str.splitlines knows), controls


def one_line(text: object) -> str:
    """Text on one line: each run of line breaks and control characters becomes one space."""
    return _BREAKS.sub(" ", str(text)).strip()


def ris_value(text: object) -> str:
    """A RIS value: a record is a line per tag, so a value holds no line break (one would start a tag, or a
    record, of its own)."""
    return one_line(text)


_LATEX = {ord(c): "\\" + c for c in "&%$#_"} | {
    ord("~"): r"\textasciitilde{}",
    ord("^"): r"\textasciicircum{}",
    ord("\\"): r"\textbackslash{}",
}


def _paired(text: str) -> set[int]:
    """Positions of the braces of `text` that pair up (an opening brace with a later closing one)."""
    stack, pairs = [], set()
    for i, c in enumerate(text):
        if c == "{":
            stack.append(i)
        elif c == "}" and stack:
            pairs |= {stack.pop(), i}
    return pairs


_LIGATURE = re.compile(r"(-(?=-)|`(?=`)|'(?=')|[?!](?=`)|,(?=,)|<(?=<)|>(?=>))")


def bibtex_text(text: object) -> str:
    """A BibTeX value's text: LaTeX's special characters escaped (UTF-8 stays as it is: biblatex, pandoc and
    Zotero read it), on one line, and TeX's ligatures (`--`, two quotes, `?``) broken by an empty group so that
    the characters stay as written. BibTeX counts braces even when escaped (`\\}` still closes a value), so braces
    that pair up are written `\\{` and `\\}` (balanced, as BibTeX counts them) and a brace without a pair is
    dropped: the one thing the grammar cannot hold."""
    line = one_line(text)
    pairs = _paired(line)
    out = "".join(("\\" + c if i in pairs else "") if c in "{}" else c.translate(_LATEX) for i, c in enumerate(line))
    return _LIGATURE.sub(r"\1{}", out)


def bibtex_plain(text: object) -> str:
    """What a BibTeX reader reads back from `bibtex_text(text)`: the text on one line, unpaired braces dropped."""
    line = one_line(text)
    pairs = _paired(line)
    return "".join(c for i, c in enumerate(line) if c not in "{}" or i in pairs)


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """A CSV cell as OWASP's rule for spreadsheets: a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
    return is read as a formula, so it is written after a single quote (which spreadsheets show as text)."""
    return "'" + text if text.startswith(_FORMULA) else text


def meta_value(text: object) -> str:
    """A Highwire (Google Scholar) meta value: readers split `citation_author` and `citation_reference` values
    at `;`, so a value holds none (a comma stands in), and no line break."""
    return one_line(text).replace(";", ",")


def meta_doi(doi: str) -> str:
    """A DOI in a Highwire value: `;` (which DOIs may hold) written as in the DOI's address, `%3B`."""
    return doi.replace(";", "%3B")


# ------------------------------------------------------------------------------------------------------ names


@dataclass(frozen=True)
class Name:
    """A person (family, given, suffix; a particle such as `de la` stays in the family name) or a group."""

    family: str = ""
    given: str = ""
    suffix: str = ""
    literal: str = ""

    @property
    def particle(self) -> str:
        """The lower-case words that open the family name (`de la` of `de la Fuente Revenga`)."""
        words = self.family.split(" ")
        lead = []
        for word in words[:-1]:
            if word[:1].islower():
                lead.append(word)
            else:
                break
        return " ".join(lead)


def parse_author(text: str) -> Name:
    """`Family, Initials` or `Family, Initials, Jr.` (the study records' form) as a Name."""
    parts = [part.strip() for part in text.split(",")]
    return Name(parts[0], parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else "")


def site_author(entry: dict) -> Name:
    """An author of site.yaml: `{family, given}` or `{organisation}`."""
    if ORGANISATION in entry:
        return Name(literal=entry[ORGANISATION])
    return Name(entry["family"], entry["given"])


def csl_name(name: Name) -> dict:
    """A name as CSL-JSON: a group as `literal`; a suffix after the given names, as Zotero reads it."""
    if name.literal:
        return {"literal": name.literal}
    given = f"{name.given}, {name.suffix}" if name.suffix else name.given
    return {"family": name.family, "given": given} if given else {"family": name.family}


def name_of(csl: dict) -> Name:
    """The Name of a CSL-JSON name."""
    if "literal" in csl:
        return Name(literal=csl["literal"])
    given, _, suffix = csl.get("given", "").partition(", ")
    return Name(csl["family"], given, suffix)


def initials(given: str) -> str:
    """APA's initials: `Jane Mary` -> `J. M.`, `Jean-Paul` -> `J.-P.`; initials already written stay as they are."""
    out = []
    for word in given.split():
        pieces = [p for p in word.split("-") if p]
        out.append("-".join(p if p.endswith(".") and len(p) <= 3 else p[0] + "." for p in pieces))
    return " ".join(out)


def apa_name(name: Name) -> str:
    """`Family, I. I.`, `Family, I. I., Jr.` or a group's name."""
    if name.literal:
        return name.literal
    text = f"{name.family}, {initials(name.given)}" if name.given else name.family
    return f"{text}, {name.suffix}" if name.suffix else text


def apa_names(names: list) -> str:
    """APA 7's author list: all of up to 20, else the first 19, an ellipsis and the last."""
    shown = [apa_name(n) for n in names]
    if len(shown) == 1:
        return shown[0]
    if len(shown) <= 20:
        return ", ".join(shown[:-1]) + ", & " + shown[-1]
    return ", ".join(shown[:19]) + ", … " + shown[-1]


# ------------------------------------------------------------------------------------------------------ titles

_WORD = re.compile(r"\S+")
_LEAD = re.compile(r"^[^\w]*")


def _lead(piece: str) -> int:
    """How many characters open a word before its first letter or digit (quotes, brackets)."""
    found = _LEAD.match(piece)  # the pattern matches every string, if only the empty start
    return found.end() if found else 0


@functools.lru_cache(maxsize=65536)
def sentence_case(title: str) -> str:
    """APA's sentence case of a title written in title case: a word written Capitalised loses its capital,
    except the first word and the first word after a colon; words in capitals (LSD) or with inner capitals
    (fMRI, TrkB) keep theirs. Proper nouns need `sentence_case_title` in the record."""
    result, position, capitalise = [], 0, True
    for match in _WORD.finditer(title):
        word = match.group(0)
        fixed = []
        for index, piece in enumerate(word.split("-")):
            lead = _lead(piece)  # an opening quote or bracket
            head, rest = piece[lead : lead + 1], piece[lead + 1 :]
            letters = [c for c in rest if c.isalpha()]
            if capitalise and index == 0:
                head = head.upper()
            elif head.isupper() and all(c.islower() for c in letters):
                head = head.lower()
            fixed.append(piece[:lead] + head + rest)
        result.append(title[position : match.start()] + "-".join(fixed))
        position = match.end()
        capitalise = word.endswith((":", "?", "!"))
    return "".join(result) + title[position:]


# ------------------------------------------------------------------------------------------------------ items

CSL_TYPES = {"journal-article": "article-journal", "book": "book", "chapter": "chapter"}
# Said in every format's note of a work whose sources name only its first authors (APA 7 lists every author and
# has no mark for a list known to be incomplete; the in-text citation says `et al.`).
INCOMPLETE = "Author list incomplete: the sources checked name only the first authors."


@by_identity  # the same study data gives the same item: not made again after a save of another file
def study_item(sid: str, study: dict) -> dict:
    """A cited study as a CSL-JSON item."""
    item = {
        "id": sid,
        "type": CSL_TYPES[study["type"]],
        "title": study.get("sentence_case_title") or sentence_case(study["title"]),
        "author": [csl_name(parse_author(a)) for a in study["authors"]],
        "issued": {"date-parts": [[study["year"]]]},
    }
    if study["type"] == "journal-article":
        item["container-title"] = study["journal"]
    elif study["type"] == "chapter":
        item["container-title"] = study["book_title"]
    if study.get("publisher"):
        item["publisher"] = study["publisher"]
    if study.get("edition"):
        item["edition"] = str(study["edition"])
    if study.get("volume"):
        item["volume"] = study["volume"]
    if study.get("issue"):
        item["issue"] = study["issue"]
    if study.get("pages"):
        item["page"] = study["pages"]
    if study.get("doi"):
        item["DOI"] = study["doi"]
        item["URL"] = f"https://doi.org/{study['doi']}"
    if study.get("pmid"):
        item["PMID"] = study["pmid"]
    return with_note(item, bool(study.get("authors_incomplete")))


def with_note(item: dict, incomplete: bool) -> dict:
    """A cited work's CSL item with its note as Zotero reads it: Zotero has no DOI field for a book chapter and keeps
    no PMID from CSL-JSON, but reads both from `note`; the note also says when the author list is incomplete."""
    notes = []
    if item["type"] != CSL_TYPES["journal-article"] and item.get("DOI"):
        notes.append(f"DOI: {item['DOI']}")
    if item.get("PMID"):
        notes.append(f"PMID: {item['PMID']}")
    if incomplete:
        notes.append(INCOMPLETE)
    out = {key: value for key, value in item.items() if key != "note"}
    return out | {"note": "\n".join(notes)} if notes else out


def page_item(
    key: str, info: dict, title: str, url: str, release: dict, abstract: str = "", whole: bool = False, current_to: str = ""
) -> dict:
    """A page of this site as a CSL-JSON item: an entry in the review (a reference work), with the version of
    the release in which the page last changed as its edition ("Version 0.3.0": Zotero keeps CSL's `version` only
    for software, and reads a book with a version as software, whereas an edition survives every importer and APA
    prints one that is not a number as written); the home page (whole) is the review itself, a book.
    `current_to` (the date up to which the evidence was searched) goes in the note, which APA does not print but
    every reference manager keeps."""
    when = Date.fromisoformat(release["date"])
    item = {
        "id": key,
        "type": "book" if whole else "entry-encyclopedia",
        "title": title,
        "author": [csl_name(site_author(a)) for a in info["authors"]],
        "issued": {"date-parts": [[when.year, when.month, when.day]]},
        "edition": f"Version {release['version']}",
        "URL": url,
    }
    if not whole:
        item["container-title"] = info["title"]
    if info.get("publisher"):
        item["publisher"] = info["publisher"]
    if abstract:
        item["abstract"] = abstract
    if current_to:
        item["note"] = f"Evidence current to {current_to}"
    return item


def dataset_item(key: str, info: dict, release: dict, url: str) -> dict:
    """The review's open data as a CSL-JSON dataset: APA cites it as "Title (Version x) [Data set]"."""
    item = page_item(key, info, f"{info['title']}: Data", url, release, whole=True)
    del item["edition"]
    item |= {"type": "dataset", "version": release["version"]}
    return item


def is_page(item: dict) -> bool:
    """Is the item a page of this site (or its data), whose title is printed exactly as written?"""
    return item["type"] in ("entry-encyclopedia", "dataset") or str(item.get("edition", "")).startswith("Version ")


def names(item: dict) -> list:
    """The authors of an item as Names."""
    return [name_of(n) for n in item.get("author", [])]


# ------------------------------------------------------------------------------------------------------ APA 7


def _end(text: str) -> str:
    """Text closed by a full stop unless it already ends with one (or with ? or !)."""
    return text if text.endswith((".", "?", "!")) else text + "."


@by_identity
def apa(item: dict, html_out: bool = True) -> str:
    """The APA 7 reference of an item, as HTML (titles in italics) or as plain text."""

    def i(text):
        return f"<i>{html.escape(text)}</i>" if html_out else text

    def e(text):
        return html.escape(text) if html_out else text

    kind = item["type"]
    year = item["issued"]["date-parts"][0][0]
    parts = [e(_end(apa_names(names(item)))), f"({year})."]
    title = item["title"]
    edition = ""
    if item.get("edition"):  # a book's `3rd ed.`; a page's `Version 0.3.0`, printed as written
        number = str(item["edition"])
        edition = f" ({_ordinal(number)} ed.)" if number.isdigit() else f" ({number})"
    if kind == "article-journal":
        parts.append(e(_end(title)))
        source = i(item["container-title"])
        if item.get("volume") or item.get("issue"):  # `, 109(16)`, or `, (1)` for an issue without a volume
            source += ", " + (i(item["volume"]) if item.get("volume") else "")
            source += e(f"({item['issue']})") if item.get("issue") else ""
        if item.get("page"):
            source += ", " + e(item["page"].replace("-", "\u2013"))
        parts.append(source + ".")
    elif kind == "book":
        parts.append(i(title) + e(edition) + ".")
    elif kind == "dataset":
        parts.append(i(title) + e(f" (Version {item['version']})" if item.get("version") else "") + " [Data set].")
    else:  # chapter, entry-encyclopedia
        parts.append(e(_end(title)))
        parts.append("In " + i(item["container-title"]) + e(edition) + ".")
    if item.get("publisher"):
        parts.append(e(_end(item["publisher"])))
    address = f"https://doi.org/{item['DOI']}" if item.get("DOI") else item.get("URL", "")
    if address:
        parts.append(f'<a href="{html.escape(address)}">{html.escape(address)}</a>' if html_out else address)
    return " ".join(parts)


def _ordinal(number: str) -> str:
    """`3` -> `3rd`."""
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def labels(items: dict) -> dict:
    """APA 7's in-text citations, {id: `Shao et al., 2021`}, made unambiguous as APA does: initials where first
    authors share a family name (`F. G. Johnson, 1969`), more names where two `et al.` forms of one year would
    read alike, and a, b, ... after the year only for the same authors in the same year."""

    def family(name):
        return name.literal or name.family

    def short(ns, shown):
        if len(ns) == 1:
            return family(ns[0])
        if len(ns) == 2:
            return f"{family(ns[0])} & {family(ns[1])}"
        if shown >= len(ns):
            return ", ".join(family(n) for n in ns[:-1]) + ", & " + family(ns[-1])
        if shown == 1:
            return f"{family(ns[0])} et al."
        return ", ".join(family(n) for n in ns[:shown]) + ", et al."

    people = {iid: names(item) for iid, item in items.items()}
    years = {iid: item["issued"]["date-parts"][0][0] for iid, item in items.items()}
    first_given: dict[str, set[tuple[str, str]]] = {}
    for ns in people.values():
        first_given.setdefault(family(ns[0]), set()).add((ns[0].given, ns[0].literal))
    shown = {iid: 1 for iid in items}
    # Add names to `et al.` forms until no two different author lists of one year read alike.
    for _ in range(25):
        forms: dict[tuple[str, int], list[str]] = {}
        for iid in items:
            forms.setdefault((short(people[iid], shown[iid]), years[iid]), []).append(iid)
        changed = False
        for group in forms.values():
            lists = {tuple(people[i]) for i in group}
            if len(lists) > 1:
                for iid in group:
                    if shown[iid] < len(people[iid]) - 1:
                        shown[iid] += 1
                        changed = True
        if not changed:
            break
    out: dict[str, str] = {}
    groups: dict[tuple[str, int], list[str]] = {}
    for iid in items:
        ns = people[iid]
        text = short(ns, shown[iid])
        if len(first_given[family(ns[0])]) > 1 and ns[0].given:
            text = f"{initials(ns[0].given)} {text}"
        groups.setdefault((text, years[iid]), []).append(iid)
    for (text, year), group in groups.items():
        ordered = sorted(group, key=lambda iid: (items[iid]["title"].lower(), iid))
        for index, iid in enumerate(ordered):
            suffix = _letters(index) if len(ordered) > 1 else ""
            out[iid] = f"{text}, {year}{suffix}"
    return out


def _letters(index: int) -> str:
    """a, b, ... z, then aa, ab, ... (more than 26 works of one author and year, as citeproc numbers them)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[rest] + letters
    return letters


def year_suffixes(item_labels: dict) -> dict:
    """{id: `a`} for works whose label carries a letter after the year (the reference then shows it too)."""
    return {iid: m.group(1) for iid, label in item_labels.items() if (m := re.search(r"\d{4}([a-z]+)$", label))}


# ------------------------------------------------------------------------------------------------------ BibTeX

BIBTEX_TYPES = {"article-journal": "article", "book": "book", "chapter": "incollection", "entry-encyclopedia": "inreference"}
_AND = re.compile(r"(?i)(?:^|\s)and(?:\s|$)")


def _protected(text: str) -> str:
    """A title whose case no style can change: words with capitals are braced one by one, and so is a word
    after a colon (pandoc, which sentence-cases BibTeX titles, would capitalise it)."""
    return re.sub(r"(?<=: )\S+|\S*[A-Z]\S*", lambda m: "{" + m.group(0) + "}", bibtex_text(text))


def _name_part(text: str) -> str:
    """A part of a person's name; braced if it holds the word `and`, which would split the name in two."""
    return "{" + bibtex_text(text) + "}" if _AND.search(text) else bibtex_text(text)


def bibtex_name(name: Name) -> str:
    """`Family, Jr, Given`, or a braced group name."""
    if name.literal:
        return "{" + bibtex_text(name.literal) + "}"
    family = _name_part(name.family)
    if name.suffix:
        return f"{family}, {_name_part(name.suffix)}, {_name_part(name.given)}"
    return f"{family}, {_name_part(name.given)}" if name.given else family


def bibtex(item: dict, key: str | None = None) -> str:
    """One BibTeX (biblatex) entry. It carries `year` besides a page's full `date` (classic BibTeX styles and
    readers know only `year`), the address as `url` even beside a DOI, and the PMID."""
    kind = item["type"]
    fields = [
        ("author", " and ".join(bibtex_name(n) for n in names(item))),
        ("title", "{" + bibtex_text(item["title"]) + "}" if is_page(item) else _protected(item["title"])),
    ]
    if kind == "article-journal":
        fields.append(("journal", bibtex_text(item["container-title"])))
    elif item.get("container-title"):
        fields.append(("booktitle", "{" + bibtex_text(item["container-title"]) + "}"))
    parts = item["issued"]["date-parts"][0]
    fields.append(("year", str(parts[0])))
    if len(parts) > 1:
        fields.append(("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))))
    for csl_key, bib_key in (("edition", "edition"), ("publisher", "publisher"), ("volume", "volume"), ("issue", "number")):
        if item.get(csl_key):
            fields.append((bib_key, bibtex_text(item[csl_key])))
    if item.get("page"):
        fields.append(("pages", bibtex_text(item["page"]).replace("-", "--")))
    if item.get("DOI"):
        fields.append(("doi", item["DOI"]))  # verbatim: an escaped underscore would break the address
    if item.get("URL"):
        fields.append(("url", item["URL"]))  # verbatim, as biblatex reads it
    if item.get("PMID"):
        fields.append(("pmid", item["PMID"]))
    if item.get("abstract"):
        fields.append(("abstract", bibtex_text(item["abstract"])))
    note = _page_note(item) or (INCOMPLETE if INCOMPLETE in item.get("note", "") else "")
    if note:
        fields.append(("note", bibtex_text(note)))
    if any(name_of(n).particle for n in item.get("author", [])):
        fields.append(("options", "useprefix=true"))  # `de la Fuente Revenga`, not `Fuente Revenga, M. de la`
    fields.append(("langid", "english"))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{BIBTEX_TYPES[kind]}{{{key or item['id']},\n{body},\n}}\n"


def _page_note(item: dict) -> str:
    """A page's note ("Evidence current to"), which the formats carry; a work's note is Zotero's (its DOI and
    PMID lines), written in their own fields instead."""
    return item.get("note", "") if is_page(item) else ""


# ------------------------------------------------------------------------------------------------------ RIS

RIS_TYPES = {"article-journal": "JOUR", "book": "BOOK", "chapter": "CHAP", "entry-encyclopedia": "ENCYC"}


def ris_name(name: Name) -> str:
    """`Family, Given, Suffix` (the RIS specification's form); a group ends with a comma, which marks it as one
    name for Zotero and pandoc alike."""
    if name.literal:
        return ris_value(name.literal) + ","
    family, given, suffix = ris_value(name.family), ris_value(name.given), ris_value(name.suffix)
    text = f"{family}, {given}" if given else family + ","
    return f"{text}, {suffix}" if suffix else text


def ris(item: dict, key: str | None = None) -> str:
    """One RIS record. The PMID goes in `M2` as `PMID: n`, which Zotero keeps as the item's PMID; `AN` (an
    accession number) is what pandoc prints as a number after the pages."""
    kind = item["type"]
    parts = item["issued"]["date-parts"][0]
    pairs = [
        ("TY", RIS_TYPES[kind]),
        ("ID", key or item["id"]),
        *[("AU", ris_name(n)) for n in names(item)],
        ("TI", item["title"]),
    ]
    if item.get("container-title"):
        pairs.append(("T2", item["container-title"]))
    pairs.append(("PY", str(parts[0])))
    if len(parts) == 3:
        pairs.append(("DA", f"{parts[0]}/{parts[1]:02d}/{parts[2]:02d}"))
    for csl_key, tag in (("edition", "ET"), ("publisher", "PB"), ("volume", "VL"), ("issue", "IS")):
        if item.get(csl_key):
            pairs.append((tag, str(item[csl_key])))
    if item.get("page"):
        first, _, last = item["page"].partition("-")
        pairs += [("SP", first)] + ([("EP", last)] if last else [])
    if item.get("DOI"):
        pairs.append(("DO", item["DOI"]))
    if item.get("URL"):
        pairs.append(("UR", item["URL"]))  # for a chapter too, whose DOI Zotero cannot keep in a field of its own
    if item.get("PMID"):
        pairs.append(("M2", f"PMID: {item['PMID']}"))
    if item.get("abstract"):
        pairs.append(("AB", item["abstract"]))
    note = _page_note(item) or (INCOMPLETE if INCOMPLETE in item.get("note", "") else "")
    if note:
        pairs.append(("N1", note))
    pairs.append(("ER", ""))
    return "".join(f"{tag}  - {ris_value(value)}".rstrip() + "\n" for tag, value in pairs)


# ------------------------------------------------------------------------------------------------------ CSL-JSON


def csl_json(items: list) -> str:
    """CSL-JSON text of items."""
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------------------------------------------ metadata


def highwire_reference(item: dict) -> str:
    """A `citation_reference` meta value, in Google Scholar's `field=value;` form (each value by `meta_value`)."""
    pairs = [("title", item["title"])]
    pairs += [("author", apa_name(n)) for n in names(item)]
    pairs.append(("publication_date", item["issued"]["date-parts"][0][0]))
    if item["type"] == "article-journal":
        pairs.append(("journal_title", item["container-title"]))
    elif item.get("container-title"):
        pairs.append(("inbook_title", item["container-title"]))
    for key, tag in (("edition", "edition"), ("publisher", "publisher"), ("volume", "volume"), ("issue", "issue")):
        if item.get(key):
            pairs.append((tag, item[key]))
    if item.get("page"):
        first, _, last = item["page"].partition("-")
        pairs.append(("firstpage", first))
        if last:
            pairs.append(("lastpage", last))
    parts = [f"citation_{tag}={meta_value(value)}" for tag, value in pairs]
    if item.get("DOI"):
        parts.append(f"citation_doi={meta_doi(item['DOI'])}")
    if item.get("PMID"):
        parts.append(f"citation_pmid={item['PMID']}")
    return "; ".join(parts)


def schema_person(name: Name) -> dict:
    """A schema.org Person or Organization."""
    if name.literal:
        return {"@type": "Organization", "name": name.literal}
    person = {"@type": "Person", "familyName": name.family, "name": f"{name.given} {name.family}".strip()}
    if name.given:
        person["givenName"] = name.given
    if name.suffix:
        person["honorificSuffix"] = name.suffix
    return person


def schema_work(item: dict) -> dict:
    """A cited work as schema.org, with all its authors, its container (a journal's volume and issue as
    PublicationVolume and PublicationIssue, either without the other), its edition and its identifiers."""
    kind = {"article-journal": "ScholarlyArticle", "book": "Book", "chapter": "Chapter"}.get(item["type"], "CreativeWork")
    work: dict = {
        "@type": kind,
        "name": item["title"],
        "datePublished": str(item["issued"]["date-parts"][0][0]),
        "author": [schema_person(n) for n in names(item)],
    }
    if item.get("container-title"):
        container: dict = {"@type": "Periodical" if kind == "ScholarlyArticle" else "Book", "name": item["container-title"]}
        if item.get("volume"):
            container = {"@type": "PublicationVolume", "volumeNumber": item["volume"], "isPartOf": container}
        if item.get("issue"):
            container = {"@type": "PublicationIssue", "issueNumber": item["issue"], "isPartOf": container}
        work["isPartOf"] = container
    if item.get("edition"):
        work["bookEdition"] = str(item["edition"])
    if item.get("publisher"):
        work["publisher"] = {"@type": "Organization", "name": item["publisher"]}
    if item.get("page"):
        work["pagination"] = item["page"]
    if item.get("URL"):
        work["url"] = item["URL"]
    ids = []
    if item.get("DOI"):
        work["sameAs"] = f"https://doi.org/{item['DOI']}"
        ids.append({"@type": "PropertyValue", "propertyID": "DOI", "value": item["DOI"]})
    if item.get("PMID"):
        ids.append({"@type": "PropertyValue", "propertyID": "PMID", "value": item["PMID"]})
    if ids:
        work["identifier"] = ids
    return work


def coins(item: dict) -> str:
    """The title of the one COinS span of a page, describing the page itself: Zotero's COinS translator reads it
    before any other metadata (and so never offers the cited works instead), keeps a group author whole
    (`rft.aucorp`), and files the page as an encyclopedia article (a book, for the home page) with the review
    as its container, the version as edition, and the page's own abstract."""
    parts = item["issued"]["date-parts"][0]
    pairs = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"),
        ("rft.type", "book" if item["type"] == "book" else "encyclopediaArticle"),
        ("rft.title", item["title"]),
    ]
    if item.get("container-title"):
        pairs.append(("rft.source", item["container-title"]))
    for name in names(item):
        pairs.append(("rft.aucorp", name.literal) if name.literal else ("rft.au", f"{name.family}, {name.given}"))
    pairs.append(("rft.date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))))
    if item.get("edition"):
        pairs.append(("rft.edition", item["edition"]))
    if item.get("publisher"):
        pairs.append(("rft.pub", item["publisher"]))
    pairs.append(("rft.identifier", item["URL"]))
    if item.get("abstract"):
        pairs.append(("rft.description", item["abstract"]))
    pairs.append(("rft.language", "en"))
    return urlencode(pairs)


def slug_key(*words) -> str:
    """A citation key from words: lower-case ASCII letters, digits and hyphens, whole words (never cut)."""
    text = unicodedata.normalize("NFKD", " ".join(str(w) for w in words)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# ------------------------------------------------------------------------------------------------------ registry


class Bibliography:
    """The cited works of one build: each study's CSL item, in-text label and APA reference, made once."""

    def __init__(self, studies: dict):
        """studies: {id: study record}."""
        items = {sid: study_item(sid, study) for sid, study in studies.items()}
        self._make(items, {sid for sid, study in studies.items() if study.get("authors_incomplete")})

    @classmethod
    def of_items(cls, items: dict[str, dict]) -> Bibliography:
        """The works of CSL items made before (an edition's own references.json), {id: item}, each with its note as
        the current code writes it (with_note); a work whose note said that its author list is incomplete is cited
        `et al.`, as its record said."""
        made = cls.__new__(cls)
        incomplete = {iid for iid, item in items.items() if INCOMPLETE in str(item.get("note", ""))}
        made._make({iid: with_note(item, iid in incomplete) for iid, item in items.items()}, incomplete)
        return made

    def _make(self, items: dict[str, dict], incomplete: set[str]) -> None:
        self.items = items
        self.labels = labels(self.items)
        # A work whose sources show only its first authors is cited `X et al.` in the text (it has more
        # authors than it lists); its reference lists the authors seen, in every format alike.
        self.incomplete = incomplete
        for sid in self.incomplete:
            if len(self.items[sid]["author"]) < 3 and not self.labels[sid].split(",")[0].endswith("et al."):
                first = names(self.items[sid])[0]
                self.labels[sid] = f"{first.literal or first.family} et al., {self.labels[sid].rsplit(', ', 1)[1]}"
        suffixes = year_suffixes(self.labels)
        self.html, self.text = {}, {}
        for sid, item in self.items.items():
            letter = suffixes.get(sid, "")
            self.html[sid] = _with_suffix(apa(item), item, letter)
            self.text[sid] = _with_suffix(apa(item, html_out=False), item, letter)

    def in_order(self, ids) -> list:
        """Distinct ids in reference-list order (APA: by author, then year)."""
        return sorted(set(ids), key=lambda sid: (_sort_key(self.items[sid]), self.labels[sid], sid))


def _with_suffix(reference: str, item: dict, letter: str) -> str:
    """A reference with the year's letter (`(2018a).`) when its label has one."""
    if not letter:
        return reference
    year = item["issued"]["date-parts"][0][0]
    return reference.replace(f"({year}).", f"({year}{letter}).", 1)


def _sort_key(item: dict) -> tuple:
    """APA's reference-list order: first author's family name (particle included), then the other authors, then
    the year."""
    people = [(n.literal or n.family).lower() + " " + n.given.lower() for n in names(item)]
    return (people, item["issued"]["date-parts"][0][0], item["title"].lower())
