"""The render phase: the fixture review renders to the golden Markdown files, byte for byte.

Regenerate the golden files after an intended change with `UPDATE_GOLDEN=1 make test`, then read the diff.
"""

import collections
import os
from pathlib import Path

import jinja2
import pytest

from conftest import FIXTURE, TEMPLATES
from review.build import build
from review.load import load
from review.render import Site, author_label, citation_labels, make_env, render

GOLDEN = Path(__file__).parent / "golden"
PAGES = build(FIXTURE, TEMPLATES)


def test_golden_set_matches_pages():
    if os.environ.get("UPDATE_GOLDEN"):
        for path, text in PAGES.items():
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / path).write_text(text, encoding="utf-8")
    assert sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file()) == sorted(PAGES)


@pytest.mark.parametrize("path", sorted(PAGES))
def test_page_matches_golden(path):
    assert PAGES[path] == (GOLDEN / path).read_text(encoding="utf-8")


def test_html_in_content_is_neutralised():
    page = PAGES["mechanisms/plasticity.md"]
    assert "&lt;b>learning&lt;/b> &amp; practice" in page
    assert "<b>" not in page


def test_citation_links_to_study_with_reference_as_tooltip():
    page = PAGES["mechanisms/plasticity.md"]
    assert '[Shao & Kwan, 2021](../studies/shao2021.md "Shao, L.-X., &amp; Kwan, A. C. (2021).' in page


def test_finding_has_anchor_and_study_links_back():
    assert '<div class="finding" id="pl-spines-mice" markdown>' in PAGES["mechanisms/plasticity.md"]
    assert "(../mechanisms/plasticity.md#pl-spines-mice)" in PAGES["studies/shao2021.md"]


def test_inline_citation_is_not_repeated_after_statement():
    page = PAGES["mechanisms/plasticity.md"]
    assert page.count("No human study has shown it ([Rieser et al., 2021]") == 1
    assert "No human study has shown it ([Rieser et al., 2021](../studies/rieser2021.md" in page
    assert "2021\")) ([Rieser" not in page


@pytest.mark.parametrize(
    "authors, expected",
    [
        (["Krebs, T. S."], "Krebs"),
        (["Krebs, T. S.", "Johansen, P.-Ø."], "Krebs & Johansen"),
        (["Shao, L.-X.", "Liao, C.", "Kwan, A. C."], "Shao et al."),
        (["Nardou, R.", "et al."], "Nardou et al."),
    ],
)
def test_author_label(authors, expected):
    assert author_label(authors) == expected


def test_same_author_and_year_get_letters():
    studies = {
        "preller2018a": {"authors": ["Preller, K. H.", "Burt, J. B.", "Ji, J. L."], "year": 2018},
        "preller2018b": {"authors": ["Preller, K. H.", "Schilbach, L.", "Pokorny, T."], "year": 2018},
        "preller2019": {"authors": ["Preller, K. H.", "Razi, A.", "Zeidman, P."], "year": 2019},
    }
    assert citation_labels(studies) == {
        "preller2018a": "Preller et al., 2018a", "preller2018b": "Preller et al., 2018b", "preller2019": "Preller et al., 2019"}


def test_render_is_deterministic():
    review = load(FIXTURE)
    assert render(review, TEMPLATES) == render(load(FIXTURE), TEMPLATES)


@pytest.mark.parametrize("source, data", [
    ("{{ d.title }}", {"title": "T"}),
    ("{{ d.items is callable }}", {"items": "a key named like a dict method"}),
    ("{{ d.get('x', 1) }}", {"get": "shadowed?"}),
    ("{{ d.missing is defined }}", {"title": "T"}),
    ("{{ d.title.upper() }}", {"title": "t"}),
    ("{{ d[1] }} {{ d.x }}", {1: "one", "x": None}),
    ("{{ d.title }}", collections.OrderedDict(title="a dict subclass")),
    ("{{ d.missing }}", {"title": "T"}),
])
def test_template_lookups_match_jinja(source, data):
    def run(environment):
        try:
            return environment.from_string(source).render(d=data)
        except jinja2.UndefinedError as error:
            return f"UndefinedError: {error}"

    ours = make_env(TEMPLATES, Site(load(FIXTURE)))
    assert run(ours) == run(jinja2.Environment(undefined=jinja2.StrictUndefined))
