"""The citation hub: every format of a work comes from its one CSL item, and real citation processors render
the site's downloads and cite boxes exactly as the site's own reference line.

The round trips run pandoc 3's citeproc (PyPI pypandoc-binary) with the official APA 7 CSL style
(tests/fixtures/csl) over the BibTeX, RIS and CSL-JSON the site offers.
"""

import html
import json
import re
import subprocess

import pytest
from conftest import CSL
from review.outputs import works

# ------------------------------------------------------------------------------------------------ units


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Shao, L.-X.", works.Name("Shao", "L.-X.")),
        ("Abuzzahab, F. S., Sr.", works.Name("Abuzzahab", "F. S.", "Sr.")),
        ("de la Fuente Revenga, M.", works.Name("de la Fuente Revenga", "M.")),
    ],
)
def test_author_strings_parse_into_names(text, expected):
    assert works.parse_author(text) == expected


@pytest.mark.parametrize(
    "name, apa, bibtex, ris, csl",
    [
        (works.Name("Shao", "L.-X."), "Shao, L.-X.", "Shao, L.-X.", "Shao, L.-X.", {"family": "Shao", "given": "L.-X."}),
        (
            works.Name("Abuzzahab", "F. S.", "Sr."),
            "Abuzzahab, F. S., Sr.",
            "Abuzzahab, Sr., F. S.",
            "Abuzzahab, F. S., Sr.",
            {"family": "Abuzzahab", "given": "F. S., Sr."},
        ),
        (
            works.Name("de Araujo", "D. B."),
            "de Araujo, D. B.",
            "de Araujo, D. B.",
            "de Araujo, D. B.",
            {"family": "de Araujo", "given": "D. B."},
        ),
        (
            works.Name(literal="SUD Psychedelics Review Team"),
            "SUD Psychedelics Review Team",
            "{SUD Psychedelics Review Team}",
            "SUD Psychedelics Review Team,",
            {"literal": "SUD Psychedelics Review Team"},
        ),
        (
            works.Name("Doe", "Jane Mary"),
            "Doe, J. M.",
            "Doe, Jane Mary",
            "Doe, Jane Mary",
            {"family": "Doe", "given": "Jane Mary"},
        ),
    ],
)
def test_each_format_writes_a_name_as_its_readers_expect(name, apa, bibtex, ris, csl):
    assert works.apa_name(name) == apa
    assert works.bibtex_name(name) == bibtex
    assert works.ris_name(name) == ris
    assert works.csl_name(name) == csl
    assert works.name_of(csl) == name


@pytest.mark.parametrize(
    "title, expected",
    [
        ("A Review of LSD Treatment in Alcoholism", "A review of LSD treatment in alcoholism"),
        (
            "Psilocybin-assisted treatment for alcohol dependence: a proof-of-concept study",
            "Psilocybin-assisted treatment for alcohol dependence: A proof-of-concept study",
        ),
        (
            "Role of the 5-HT2A Receptor in Self- and Other-Initiated Social Interaction: A Pharmacological fMRI Study",
            "Role of the 5-HT2A receptor in self- and other-initiated social interaction: A pharmacological fMRI study",
        ),
        (
            'Assessing the Psychedelic "After-Glow" in Ayahuasca Users',
            'Assessing the psychedelic "after-glow" in ayahuasca users',
        ),
        ("The BRENDA Model", "The BRENDA model"),
    ],
)
def test_sentence_case(title, expected):
    assert works.sentence_case(title) == expected


def article(**extra):
    return {
        "type": "journal-article",
        "authors": ["Shao, L.-X.", "Kwan, A. C."],
        "year": 2021,
        "title": "A Title",
        "journal": "Neuron",
        **extra,
    }


@pytest.mark.parametrize(
    "study, expected",
    [
        (
            article(volume="109", issue="16", pages="2535-2544.e4", doi="10.1016/j.neuron.2021.06.008"),
            "Shao, L.-X., &amp; Kwan, A. C. (2021). A title. <i>Neuron</i>, <i>109</i>(16), 2535–2544.e4. "
            '<a href="https://doi.org/10.1016/j.neuron.2021.06.008">https://doi.org/10.1016/j.neuron.2021.06.008</a>',
        ),
        (
            article(issue="1"),
            "Shao, L.-X., &amp; Kwan, A. C. (2021). A title. <i>Neuron</i>, (1).",
        ),  # an issue without a volume, as APA's CSL style prints it
        (
            {
                "type": "book",
                "authors": ["Miller, W. R.", "Rollnick, S."],
                "year": 2013,
                "title": "Motivational Interviewing: Helping People Change",
                "edition": 3,
                "publisher": "Guilford Press",
            },
            "Miller, W. R., &amp; Rollnick, S. (2013). <i>Motivational interviewing: Helping people change</i> (3rd ed.). Guilford Press.",
        ),
        (
            {"type": "chapter", "authors": ["Rieser, N. M."], "year": 2021, "title": "A Chapter", "book_title": "Current Topics"},
            "Rieser, N. M. (2021). A chapter. In <i>Current Topics</i>.",
        ),
    ],
)
def test_apa_reference(study, expected):
    assert works.apa(works.study_item("x", study)) == expected


def test_apa_lists_twenty_authors_then_an_ellipsis_and_the_last():
    many = [works.Name(f"Author{i}", "A.") for i in range(1, 30)]
    text = works.apa_names(many)
    assert text.startswith("Author1, A., Author2, A.,") and "Author19, A., … Author29, A." in text and "Author20" not in text
    assert works.apa_names(many[:20]).endswith(", & Author20, A.")


def test_labels_are_disambiguated_as_apa_does():
    items = {
        "a": works.study_item("a", article(authors=["Johnson, F. G."], year=1969)),
        "b": works.study_item("b", article(authors=["Johnson, M. W.", "Garcia-Romeu, A.", "Griffiths, R. R."], year=2014)),
        "c": works.study_item("c", article(authors=["Preller, K. H.", "Burt, J. B.", "Ji, J. L."], year=2018)),
        "d": works.study_item("d", article(authors=["Preller, K. H.", "Schilbach, L.", "Pokorny, T."], year=2018)),
        "e": works.study_item("e", article(authors=["Krebs, T. S.", "Johansen, P.-Ø."], year=2012, title="B")),
        "f": works.study_item("f", article(authors=["Krebs, T. S.", "Johansen, P.-Ø."], year=2012, title="A")),
    }
    assert works.labels(items) == {
        "a": "F. G. Johnson, 1969",
        "b": "M. W. Johnson et al., 2014",
        "c": "Preller, Burt, et al., 2018",
        "d": "Preller, Schilbach, et al., 2018",
        "e": "Krebs & Johansen, 2012b",
        "f": "Krebs & Johansen, 2012a",
    }


def test_a_work_whose_sources_list_only_its_first_author_is_cited_et_al():
    bibliography = works.Bibliography({"n": article(authors=["Nardou, R."], authors_incomplete=True)})
    assert bibliography.labels["n"] == "Nardou et al., 2021"
    assert "et al" not in bibliography.text["n"]  # the reference lists the authors seen, as every format does


def test_bibtex_keeps_the_doi_verbatim_and_protects_case():
    entry = works.bibtex(
        works.study_item(
            "r",
            {
                "type": "chapter",
                "authors": ["de la Fuente Revenga, M."],
                "year": 2021,
                "title": "Therapy: a Study of LSD & More",
                "book_title": "Current Topics",
                "doi": "10.1007/7854_2021_284",
            },
        )
    )
    assert "doi = {10.1007/7854_2021_284}" in entry
    assert "title = {{Therapy:} {A} study of {LSD} \\& more}" in entry
    assert "booktitle = {{Current Topics}}" in entry
    assert "options = {useprefix=true}" in entry


def test_ris_keeps_no_pmid_in_an_accession_field():
    record = works.ris(works.study_item("x", article(pmid="123", doi="10.1/x")))
    assert "AN  -" not in record and "DO  - 10.1/x" in record


def test_csl_json_tells_zotero_a_chapters_doi_and_the_pmid_in_note():
    item = works.study_item(
        "r",
        {
            "type": "chapter",
            "authors": ["Rieser, N. M."],
            "year": 2021,
            "title": "T",
            "book_title": "B",
            "doi": "10.1007/7854_2021_284",
            "pmid": "34910289",
        },
    )
    assert item["note"] == "DOI: 10.1007/7854_2021_284\nPMID: 34910289"
    assert item["PMID"] == "34910289"


def test_the_page_coins_describes_the_page_with_a_whole_group_author():
    item = works.page_item(
        "k",
        {"title": "The review", "authors": [{"organisation": "The Team"}]},
        "A page",
        "https://example.org/p/",
        {"version": "1.0.0", "date": "2026-01-02"},
        "About it.",
    )
    fields = dict(pair.split("=", 1) for pair in works.coins(item).split("&"))
    assert fields["rft.type"] == "encyclopediaArticle" and fields["rft.title"] == "A+page"
    assert fields["rft.aucorp"] == "The+Team" and "rft.au" not in fields
    assert fields["rft.source"] == "The+review" and fields["rft.edition"] == "Version+1.0.0"
    assert fields["rft.identifier"] == "https%3A%2F%2Fexample.org%2Fp%2F" and fields["rft.date"] == "2026-01-02"


# ------------------------------------------------------------------------------------------------ pandoc

QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "\u00a0": " "})


def comparable(fragment: str) -> str:
    """A reference as text: tags dropped, entities decoded, quotes, dashes and spaces made plain, a year's
    letter dropped (it only reflects which works share a file)."""
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).translate(QUOTES).split())
    return re.sub(r"\((\d{4})[a-z]{1,2}(?=[,)])", r"(\1", text)


def pandoc_references(pandoc, source, tmp_path, fmt) -> dict:
    """{key: text} of pandoc --citeproc (APA 7) over a bibliography; fails on any warning."""
    bib = tmp_path / f"refs.{fmt}"
    bib.write_text(source, encoding="utf-8")
    doc = tmp_path / "doc.md"
    doc.write_text("---\nnocite: '@*'\nlang: en-US\n---\n")
    result = subprocess.run(
        [pandoc, str(doc), "--citeproc", "--bibliography", str(bib), "--csl", str(CSL / "apa.csl"), "-t", "html", "--wrap=none"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stderr == ""
    return {
        html.unescape(k): comparable(v)
        for k, v in re.findall(r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>(.*?)</div>', result.stdout, re.S)
    }


# pandoc's RIS reader reads a name's third part as the given name (BibTeX's `Last, Jr, First`) and a lower-case
# particle as one that drops after the given names, whereas the RIS specification (and Zotero, EndNote and
# Mendeley) write `Last, First, Suffix`. The site's RIS follows the specification, so these few names render
# differently through pandoc's RIS reader only.
RIS_READER_DEVIATES = ("Sr.", "Jr.", "de ", "dos ", "van ", "von ")


@pytest.mark.slow  # runs pandoc once per case
@pytest.mark.parametrize("fmt", ["bib", "ris", "json"])
def test_pandoc_renders_every_cited_work_as_the_site_shows_it(real_outputs, real_renderer, pandoc, tmp_path, fmt):
    rendered = pandoc_references(pandoc, real_outputs[f"references.{fmt}"], tmp_path, fmt)
    bibliography = real_renderer.bibliography
    assert set(rendered) == set(bibliography.items)
    for sid, text in rendered.items():
        if fmt == "ris" and any(
            mark in a for a in real_renderer.index.data["studies"][sid]["authors"] for mark in RIS_READER_DEVIATES
        ):
            continue
        assert text == comparable(bibliography.html[sid]), sid


@pytest.mark.slow  # runs pandoc once per case
@pytest.mark.parametrize("fmt, css", [("bib", "cite-bibtex"), ("ris", "cite-ris"), ("json", "cite-csl")])
def test_pandoc_renders_every_cite_box_as_its_apa_text(real_outputs, pandoc, tmp_path, fmt, css):
    boxes, expected = [], {}
    for path, text in real_outputs.items():
        if not path.endswith(".md"):
            continue
        if (
            fmt == "ris"
            and path.startswith("studies/")
            and any(
                mark in a
                for a in re.findall(r"^AU  - (.*)$", text.split("cite-ris", 1)[-1].split("ER  -")[0], re.M)
                for mark in RIS_READER_DEVIATES
            )
        ):
            continue  # a study page's first box is the paper's: pandoc's RIS reader reads these names differently
        source = html.unescape(re.search(rf'<code class="{css}">(.*?)</code>', text, re.S).group(1))
        apa = re.search(r'<p class="cite-apa">(.*?)</p>', text, re.S).group(1)
        key = f"page{len(boxes)}"
        if fmt == "json":
            item = json.loads(source)[0] | {"id": key}
            boxes.append(item)
        elif fmt == "bib":
            boxes.append(re.sub(r"^@(\w+)\{[^,]+,", rf"@\1{{{key},", source, count=1))
        else:
            boxes.append(re.sub(r"^ID  - .*$", f"ID  - {key}", source, count=1, flags=re.M))
        expected[key] = comparable(apa)
    joined = json.dumps(boxes) if fmt == "json" else "\n".join(boxes)
    assert pandoc_references(pandoc, joined, tmp_path, fmt) == expected


@pytest.mark.slow  # runs pandoc once per case
def test_pandoc_cites_every_work_in_the_text_as_the_site_labels_it(real_renderer, pandoc, tmp_path):
    bibliography = real_renderer.bibliography
    ids = sorted(set(bibliography.items) - bibliography.incomplete)
    (tmp_path / "all.json").write_text(json.dumps(list(bibliography.items.values())))
    (tmp_path / "cites.md").write_text("---\nlang: en-US\n---\n" + "\n\n".join(f"[@{sid}]" for sid in ids) + "\n")
    out = subprocess.run(
        [
            pandoc,
            str(tmp_path / "cites.md"),
            "--citeproc",
            "--bibliography",
            str(tmp_path / "all.json"),
            "--csl",
            str(CSL / "apa.csl"),
            "-t",
            "plain",
            "--wrap=none",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    cited = [p.strip() for p in out.stdout.split("\n\n")][: len(ids)]
    assert cited == [f"({bibliography.labels[sid]})" for sid in ids]
