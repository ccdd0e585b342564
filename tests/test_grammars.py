"""Every output format escaped for its own grammar (issue 27): hostile text in every plain-text field that reaches
BibTeX, RIS, CSV and Highwire meta tags, written by the citation hub and read back by a real parser of that
format (bibtexparser, rispy, the csv module, html.parser), which must find exactly the records and the fields
written, with the values each format can hold."""

from __future__ import annotations

import csv
import html.parser
import io

import bibtexparser
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from pylatexenc.latex2text import LatexNodes2Text
from review.outputs import data, works

# Pieces of text that each format's grammar gives a meaning to, and characters that end lines.
TOKENS = [
    *"ab Z.:é-",
    "{", "}", "\\", "%", "$", "#", "&", "_", "~", "^", "@", "=", "+", ";", ",", '"', "'", "`", "?", "!", "<", ">", "|",
    "\n", "\r", "\t", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\x00",
    "ER  - ", "\nER  - \nTY  - JOUR\nTI  - injected\n", "TY  - ", "@misc{x, note={injected}}", "}, note = {injected",
    "; citation_doi=10.1234/injected", " and ", "--", "``", "''", "?`", "\\}", "\\{",
]  # fmt: skip
HOSTILE = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=12).map("".join)
# A name may not hold , ; [ ] { } < > (the content check refuses them), but anything else, after a letter.
NAME = st.lists(st.sampled_from([t for t in TOKENS if not set(t) & set(",;[]{}<>")]), max_size=6).map(lambda t: "N" + "".join(t))

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def norm(text: str) -> str:
    return " ".join(str(text).split())


def study(title, journal, publisher, family, given):
    return works.study_item(
        "hostile",
        {
            "type": "journal-article",
            "authors": [f"{family}, {given}", "Other, A."],
            "year": 2020,
            "title": title,
            "sentence_case_title": title,
            "journal": journal,
            "publisher": publisher,
            "volume": "12",
            "issue": "3",
            "pages": "1-9",
            "doi": "10.1234/ab;c",
            "pmid": "123",
            "authors_incomplete": True,
        },
    )


def page(title, abstract, container, group):
    return works.page_item(
        "page-key",
        {"title": container, "authors": [{"organisation": group}]},
        title,
        "https://example.org/p/",
        {"version": "1.0.0", "date": "2026-01-02"},
        abstract,
        current_to="2026-01-01",
    )


# ------------------------------------------------------------------------------------------------ BibTeX


def read_bibtex(text: str) -> list:
    library = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors(), LatexDecodingMiddleware()])
    assert not library.failed_blocks and not library.comments
    return library.entries


def decoded(text: str) -> str:
    """What bibtexparser's LaTeX decoding (pylatexenc) reads back: it writes \\textasciicircum as U+02C6."""
    return norm(text).replace("\u02c6", "^")


def decoded_name(text: str) -> str:
    """A name as pylatexenc reads it (bibtexparser decodes no list, and names are a list once separated)."""
    return decoded(LatexNodes2Text().latex_to_text(text))


@SETTINGS
@given(title=HOSTILE, journal=HOSTILE, publisher=HOSTILE, family=NAME, given_=NAME)
def test_bibtex_holds_any_text_in_its_own_entry_and_fields(title, journal, publisher, family, given_):
    item = study(title, journal, publisher, family, given_)
    entries = read_bibtex(works.bibtex(item) + works.bibtex(item, key="second"))
    assert [e.key for e in entries] == ["hostile", "second"]
    fields = {f.key: f.value for f in entries[0].fields}
    assert set(fields) == {"author", "title", "journal", "year", "publisher", "volume", "number", "pages"} | {
        "doi",
        "url",
        "pmid",
        "note",
        "langid",
    } | ({"options"} if works.name_of(item["author"][0]).particle else set())
    assert decoded(fields["title"]) == norm(works.bibtex_plain(title))
    assert decoded(fields["journal"]) == norm(works.bibtex_plain(journal))
    assert decoded(fields["publisher"]) == norm(works.bibtex_plain(publisher))
    assert len(fields["author"]) == 2  # a name holding "and" stays one name
    assert decoded_name(fields["author"][0]).startswith(norm(works.bibtex_plain(family)))


@SETTINGS
@given(title=HOSTILE, abstract=HOSTILE, container=HOSTILE, group=NAME)
def test_a_page_entry_holds_any_title_and_abstract(title, abstract, container, group):
    entries = read_bibtex(works.bibtex(page(title, abstract, container, group)))
    assert len(entries) == 1
    fields = {f.key: f.value for f in entries[0].fields}
    assert decoded(fields["title"]) == norm(works.bibtex_plain(title))
    assert decoded(fields["abstract"]) == norm(works.bibtex_plain(abstract))
    assert decoded(fields["booktitle"]) == norm(works.bibtex_plain(container))
    assert [decoded_name(a) for a in fields["author"]] == [norm(works.bibtex_plain(group))]


# ------------------------------------------------------------------------------------------------ RIS


@SETTINGS
@given(title=HOSTILE, journal=HOSTILE, publisher=HOSTILE, family=NAME, given_=NAME)
def test_ris_holds_any_text_in_its_own_record_and_tags(title, journal, publisher, family, given_):
    item = study(title, journal, publisher, family, given_)
    records = rispy.loads(works.ris(item) + "\n" + works.ris(item, key="second"))
    assert [r["id"] for r in records] == ["hostile", "second"]
    record = records[0]
    assert norm(record.get("title", "")) == norm(works.one_line(title))
    assert norm(record.get("secondary_title", "")) == norm(works.one_line(journal))
    assert norm(record.get("publisher", "")) == norm(works.one_line(publisher))
    assert len(record["authors"]) == 2 and norm(record["authors"][0]).startswith(norm(works.one_line(family)))
    assert record["unknown_tag"] == {"M2": ["PMID: 123"]} and record["doi"] == "10.1234/ab;c"


@SETTINGS
@given(title=HOSTILE, abstract=HOSTILE, container=HOSTILE, group=NAME)
def test_a_page_record_holds_any_title_and_abstract(title, abstract, container, group):
    records = rispy.loads(works.ris(page(title, abstract, container, group)))
    assert len(records) == 1
    assert norm(records[0].get("title", "")) == norm(works.one_line(title))
    assert norm(records[0].get("abstract", "")) == norm(works.one_line(abstract))


# ------------------------------------------------------------------------------------------------ CSV

TEXT = data.Column("text", "string", "Text.")
LIST = data.Column("items", "string", "Several.", list=True)
NUMBER = data.Column("value", "number", "A number.")


@SETTINGS
@given(texts=st.lists(HOSTILE, min_size=1, max_size=5), items=st.lists(HOSTILE, max_size=3))
def test_csv_holds_any_text_in_its_own_row_and_cell_and_runs_no_formula(texts, items):
    rows = [{"text": t, "items": items, "value": "-1.5"} for t in texts]
    written = data.to_csv([TEXT, LIST, NUMBER], rows)
    read = list(csv.reader(io.StringIO(written.removeprefix("\ufeff"), newline="")))
    assert read[0] == ["text", "items", "value"] and len(read) == len(rows) + 1
    for row, cells in zip(rows, read[1:], strict=True):
        assert cells == [works.csv_cell(row["text"]), works.csv_cell("; ".join(items)), "-1.5"]
        assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells[:2])


# ------------------------------------------------------------------------------------------------ Highwire


class Meta(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "meta":
            found = dict(attrs)
            self.tags.append((found["name"] or "", found["content"] or ""))


def read_meta(tags: list) -> list:
    """The tags as the theme writes them (`<meta name="{{ name | e }}" content="{{ content | e }}">`), parsed."""
    parser = Meta()
    parser.feed("".join(f'<meta name="{escape(name)}" content="{escape(value)}">' for name, value in tags))
    return parser.tags


def fields_of(reference: str) -> list[tuple[str, str]]:
    """A citation_reference value split as Google Scholar and Zotero split it."""
    return [tuple(part.strip().split("=", 1)) for part in reference.split(";")]  # type: ignore[misc]


@SETTINGS
@given(title=HOSTILE, journal=HOSTILE, publisher=HOSTILE, family=NAME, given_=NAME)
def test_a_citation_reference_holds_any_text_in_its_own_fields(title, journal, publisher, family, given_):
    item = study(title, journal, publisher, family, given_)
    [(_, value)] = read_meta([["citation_reference", works.highwire_reference(item)]])
    fields = fields_of(value)
    assert [k for k, _ in fields] == [
        "citation_title",
        "citation_author",
        "citation_author",
        "citation_publication_date",
        "citation_journal_title",
        "citation_publisher",
        "citation_volume",
        "citation_issue",
        "citation_firstpage",
        "citation_lastpage",
        "citation_doi",
        "citation_pmid",
    ]
    values = dict(fields)
    assert norm(values["citation_title"]) == norm(works.meta_value(title))
    assert norm(values["citation_journal_title"]) == norm(works.meta_value(journal))
    assert values["citation_doi"] == "10.1234/ab%3Bc"


@SETTINGS
@given(title=HOSTILE, abstract=HOSTILE, container=HOSTILE, group=NAME)
def test_a_pages_own_highwire_tags_hold_any_text(title, abstract, container, group):
    from review.outputs import metadata

    item = page(title, abstract, container, group)
    tags = read_meta(metadata.highwire(item, [], abstract))
    assert [n for n, _ in tags] == [
        "citation_title",
        "citation_author",
        "citation_publication_date",
        "citation_inbook_title",
        "citation_edition",
        "citation_public_url",
        "citation_abstract",
        "citation_language",
    ]
    values = dict(tags)
    assert ";" not in values["citation_author"] and norm(values["citation_author"]) == norm(works.meta_value(group))
    assert norm(values["citation_title"]) == norm(works.meta_value(title))
