"""Markdown from content becomes HTML that holds only the allowed elements, attributes and addresses."""

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from review.outputs import prose
from review.outputs.glossary import Glossary


class Elements(HTMLParser):
    """Every element and attribute of a fragment."""

    def __init__(self, fragment):
        super().__init__(convert_charrefs=True)
        self.found, self.text = [], []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def links(page="mechanisms/x.md", glossary=None):
    return prose.Links(
        href=lambda c, t: f"../../{c}/{t}/",
        label=lambda c, t: f"{c}:{t}",
        citation=lambda ids: "(" + "; ".join(f'<a class="citation" href="../{i}/">{i}</a>' for i in ids) + ")",
        glossary=glossary,
        glossary_href=lambda gid: f"../../glossary/#{gid}",
    )


SAFE_SCHEMES = ("http://", "https://", "mailto:", "../", "#")


def assert_harmless(fragment, profile):
    for tag, attrs in Elements(fragment).found:
        assert tag in prose.TAGS[profile], (tag, fragment)
        for name, value in attrs.items():
            assert not name.startswith("on"), fragment
            assert name in prose.ATTRIBUTES.get(tag, set()), (tag, name, fragment)
            if name == "href":
                assert value.startswith(SAFE_SCHEMES), fragment


PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "*x*{ onmouseover=alert(1) }",
    '[x](https://example.org "t" onclick=alert(1))',
    "![x](https://example.org/x.png)",
    '<https://example.org/"onmouseover="alert(1)>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "`<b>code</b>`",
    "<!-- comment --><iframe src=//example.org>",
    "[@a; @b]<svg/onload=alert(1)>(@trials/x)",
]


@pytest.mark.parametrize("profile", ["inline", "prose", "page"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_is_text(payload, profile):
    out = prose.render(payload, profile, links())
    assert_harmless(out, profile)


def test_raw_html_shows_as_its_characters():
    out = prose.render("A <b>bold</b> & claim", "prose", links())
    assert Elements(out).found == [("p", {})]
    assert "".join(Elements(out).text).strip() == "A <b>bold</b> & claim"


def test_citations_and_cross_links_are_built_from_ids():
    out = prose.render("See [@shao2021] and [the page](@mechanisms/x) and (@trials/nct1).", "prose", links())
    assert [a["href"] for tag, a in Elements(out).found if tag == "a"] == [
        "../shao2021/",
        "../../mechanisms/x/",
        "../../trials/nct1/",
    ]


def test_glossary_terms_link_first_then_show_their_definition():
    glossary = Glossary(
        {"bdnf": {"term": "Brain-derived neurotrophic factor", "abbreviation": "BDNF", "definition": "A growth factor."}}
    )
    out = prose.render(
        "BDNF and BDNF, but not in [a BDNF link](https://example.org) or `BDNF`.", "prose", links(glossary=glossary)
    )
    found = Elements(out).found
    assert found[1] == (
        "a",
        {
            "class": "glossary-term",
            "href": "../../glossary/#bdnf",
            "title": "Brain-derived neurotrophic factor: A growth factor.",
        },
    )
    assert found[2] == ("abbr", {"title": "Brain-derived neurotrophic factor: A growth factor."})
    assert [tag for tag, _ in found].count("abbr") == 1


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*list("<>&\"'`*_[]()!#:;/=@ \n{}ax"), "javascript:", "onerror=", "script", "img", "http"]), max_size=60
    ).map("".join),
    st.sampled_from(["inline", "prose", "page"]),
)
def test_any_text_renders_harmless(text, profile):
    assert_harmless(prose.render(text, profile, links()), profile)
