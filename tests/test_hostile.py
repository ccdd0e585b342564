"""Hostile or careless content through `review site`: each case is refused with its exact message and the site
left byte-identical, or built with the payload shown as text. Pages are parsed, not grepped."""

import os
import subprocess
import sys
from html.parser import HTMLParser

import pytest
import yaml
from conftest import FIXTURE, copy_project, lines_in, tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project made of the fixture review, with a built site/."""
    folder = copy_project(tmp_path_factory.mktemp("project"), content=FIXTURE)
    assert build(folder).returncode == 0
    return folder


def build(folder):
    return subprocess.run(
        [sys.executable, "-m", "review", "site"],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(folder / "scripts")},
    )


class Live(HTMLParser):
    """What in a page could run or call out: event-handler attributes, scripts, script and data addresses,
    embedded frames, and images (or a picture's sources) from other hosts; and the page's text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.live, self.text, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.live.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "formaction") and value.startswith(("javascript:", "data:", "vbscript:")):
                self.live.append(f"<{tag} {name}={value[:30]}>")
            if (tag, name) in (("img", "src"), ("source", "srcset")) and value.startswith(("http:", "https:", "//")):
                self.live.append(f"<{tag} {name}={value[:30]}>")
        if tag in ("iframe", "object", "embed", "frame", "base"):
            self.live.append(f"<{tag}>")
        kind = dict(attrs).get("type", "text/javascript").lower()
        self._in_script = tag == "script" and ("javascript" in kind or kind == "module")  # JSON-LD is data, not run

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert" in data:
            self.live.append("<script>alert")
        self.text.append(data)


def parse_site(site):
    """{page: Live} of every built page."""
    found = {}
    for path in site.rglob("*.html"):
        parser = Live()
        parser.feed(path.read_text(encoding="utf-8"))
        found[path.relative_to(site).as_posix()] = parser
    return found


def live_anywhere(site):
    return sorted({f"{page}: {item}" for page, parser in parse_site(site).items() for item in parser.live})


def test_the_clean_site_has_nothing_live(project):
    assert live_anywhere(project / "site") == []


X = "<img src=x onerror=alert(1)>"
REFUSED = [
    (
        "author with markup",
        "studies/shao2021.yaml",
        "  - Kwan, A. C.",
        f"  - {X}",
        [
            f"content/studies/shao2021.yaml:{{line}}: authors[1]: `{X}` is not written `Family, Initials` (or `Family, Initials, Jr.`)"
        ],
    ),
    (
        "DOI with markup",
        "studies/shao2021.yaml",
        "doi: 10.1016/j.neuron.2021.06.008",
        "doi: 10.1016/x)><svg/onload=alert(1)>",
        [
            "content/studies/shao2021.yaml:{line}: doi: `10.1016/x)><svg/onload=alert(1)>` is not a DOI: write it without https://doi.org/, like 10.1016/j.neuron.2021.06.008"
        ],
    ),
    (
        "attribute list in a Markdown field",
        "mechanisms/plasticity.yaml",
        "A window for *learning*",
        "A window for *learning*{ onmouseover=alert(1) }",
        [
            "content/mechanisms/plasticity.yaml:{line}: psychotherapy: attribute lists (`{: …}`, `{ #id }`, `{ onclick=… }`) are not allowed"
        ],
    ),
    (
        "javascript link",
        "mechanisms/plasticity.yaml",
        "see [BDNF](@glossary/bdnf)",
        "see [x](javascript:alert(1))",
        [
            "content/mechanisms/plasticity.yaml:{line}: psychotherapy: link target `javascript:` is not allowed; use http, https or mailto, or (@collection/id)"
        ],
    ),
    (
        "site url with a quote",
        "site.yaml",
        "url: https://example.org/fixture/",
        "url: 'https://example.org/\" onclick=\"alert(1)/'",
        ['content/site.yaml:{line}: url: `https://example.org/" onclick="alert(1)/` is not a web address: write https://…/'],
    ),
    (
        "remote image",
        "mechanisms/plasticity.yaml",
        "A window for *learning*",
        "A window for ![x](https://example.com/t.png)",
        [
            "content/mechanisms/plasticity.yaml:{line}: psychotherapy: images are not allowed (they would load from another site in every reader's browser)"
        ],
    ),
    (
        "raw HTML in a page",
        "pages/index.md",
        "See [@shao2021]",
        "<script>alert(1)</script>",
        ["content/pages/index.md:{line}: text: raw HTML is not allowed; write Markdown (it is shown as text, never run)"],
    ),
    (
        "impossible date",
        "changelog.yaml",
        'date: "2025-06-01"',
        'date: "2025-02-30"',
        ["content/changelog.yaml:{line}: releases[1].date: `2025-02-30` is not a day of the calendar"],
    ),
    (
        "et al. as an author",
        "studies/shao2021.yaml",
        "  - Kwan, A. C.",
        "  - et al.",
        [
            "content/studies/shao2021.yaml:{line}: authors[1]: `et al.` is not written `Family, Initials` (or `Family, Initials, Jr.`)"
        ],
    ),
    (
        "a hundred thousand openers",
        "mechanisms/plasticity.yaml",
        "A window for *learning*",
        "A window for " + "(@" * 50_000,
        [
            "content/mechanisms/plasticity.yaml:{at:psychotherapy:}: psychotherapy: is 100,053 characters long; the limit is 20,000"
        ],
    ),
    (
        "month 13",
        "trials/nct04141501.yaml",
        "first_posted: '2019-10-28'",
        "first_posted: '2019-13-45'",
        [
            "content/trials/nct04141501.yaml:{line}: record.first_posted: `2019-13-45` is not a date: write YYYY-MM-DD or "
            "YYYY-MM, quoted"
        ],
    ),
]


WHOLE = [
    (
        "symlink out of the repository",
        "pages/passwd.txt",
        "/etc/passwd",
        [
            "content/pages/passwd.txt:1: file: is a symbolic link; content must be plain files in the repository, so copy the file here instead"
        ],
    ),
    (
        "page in a subfolder",
        "pages/extra/x.md",
        "# X\n\n<script>alert(1)</script>\n",
        ["content/pages/extra:1: file: is a folder; content/pages/ holds only `*.md` files"],
    ),
    (
        "folder named like a file",
        "glossary/x.yaml/",
        None,
        ["content/glossary/x.yaml:1: file: is a folder; content/glossary/ holds only `*.yaml` files"],
    ),
    (
        "upper-case extension",
        "glossary/x.YAML",
        "id: x\n",
        ["content/glossary/x.YAML:1: file: use the extension `.yaml` (lower case)"],
    ),
    (
        "alias bomb",
        "glossary/bomb.yaml",
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
        [
            "content/glossary/bomb.yaml:1: yaml: anchors and aliases (`&name`, `*name`) are not allowed; write the value out in full"
        ],
    ),
    (
        "a study called index",
        "studies/index.yaml",
        None,
        ["content/studies/index.yaml:1: id: `index` is reserved for the list of the collection's pages; choose another id"],
    ),
    (
        "a page named like a generated one",
        "pages/evidence-map.md",
        "# Mine\n",
        ["content/pages/evidence-map.md:1: file: `evidence-map` is the name of a generated page; rename the file"],
    ),
]


@pytest.mark.parametrize("name, relative, old, new, expected", REFUSED, ids=[c[0] for c in REFUSED])
def test_hostile_edits_are_refused_and_the_site_kept(project, name, relative, old, new, expected):
    path = project / "content" / relative
    original = path.read_text()
    before = tree(project / "site")
    assert old in original
    path.write_text(original.replace(old, new, 1))
    try:
        result = build(project)
    finally:
        path.write_text(original)
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if line.startswith("content/")] == [
        lines_in(path, message, original.index(old), edited=original.replace(old, new, 1)) for message in expected
    ]
    assert tree(project / "site") == before


@pytest.mark.parametrize("name, relative, text, expected", WHOLE, ids=[c[0] for c in WHOLE])
def test_hostile_files_are_refused_and_the_site_kept(project, name, relative, text, expected):
    path = project / "content" / relative
    before = tree(project / "site")
    if name.startswith("symlink"):
        path.symlink_to(text)
    elif relative.endswith("/"):
        path.mkdir()
    elif name == "a study called index":
        path.write_text((project / "content" / "studies" / "shao2021.yaml").read_text().replace("id: shao2021", "id: index"))
    else:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    try:
        result = build(project)
    finally:
        if path.is_symlink() or path.is_file():
            path.unlink()
        if relative.endswith("/"):
            path.rmdir()
        elif path.parent.name == "extra":
            path.parent.rmdir()
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if line.startswith("content/")] == expected
    assert tree(project / "site") == before


SHOWN = [
    (
        "attribute breakout in the text that becomes a page's description",
        "questions/translation.yaml",
        "  The case rests on animals.",
        '  " onclick="alert(1) The case rests on animals.',
        "questions/translation/index.html",
        '" onclick="alert(1) The case rests on animals.',
    ),
    (
        "markup in a plain title",
        "studies/shao2021.yaml",
        "title: Psilocybin induces",
        "title: <b>Bold</b> { onclick=alert(1) } Psilocybin induces",
        "studies/shao2021/index.html",
        "<b>Bold</b> { onclick=alert(1) } Psilocybin induces",
    ),
    (
        "script in a glossary term",
        "glossary/bdnf.yaml",
        "term: Brain-derived neurotrophic factor",
        "term: <script>alert(1)</script>",
        "glossary/index.html",
        "<script>alert(1)</script>",
    ),
    (
        "markup in a therapy abbreviation",
        "therapies/cm.yaml",
        "abbreviation: CM",
        f"abbreviation: '{X}'",
        "therapies/index.html",
        X,
    ),
    ("markup in a substance name", "substances/psilocybin.yaml", "name: Psilocybin", f"name: '{X}'", "studies/index.html", X),
    (
        "nine thousand openers",
        "mechanisms/plasticity.yaml",
        "A window for *learning*",
        "A window for " + "(@[@" * 4_500,
        "mechanisms/plasticity/index.html",
        "(@[@(@",
    ),
    (
        "a reference-style link shown as text",
        "questions/translation.yaml",
        "Mice only [@shao2021].",
        "Mice only [x][r] [@shao2021].",
        "questions/translation/index.html",
        "[x][r]",
    ),
]


@pytest.mark.parametrize("name, relative, old, new, page, shown", SHOWN, ids=[c[0] for c in SHOWN])
def test_hostile_text_is_built_and_shown_as_text(project, name, relative, old, new, page, shown):
    path = project / "content" / relative
    original = path.read_text()
    assert old in original
    path.write_text(original.replace(old, new, 1))
    try:
        result = build(project)
        assert result.returncode == 0, result.stderr
        assert live_anywhere(project / "site") == []
        parser = parse_site(project / "site")[page]
        assert shown in "".join(parser.text)
    finally:
        path.write_text(original)
        assert build(project).returncode == 0


def test_a_page_with_crlf_and_a_byte_order_mark_keeps_its_front_matter_out_of_sight(project):
    path = project / "content" / "pages" / "index.md"
    original = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf---\r\ntitle: Home\r\n---\r\n# Fixture home\r\n\r\nSee [@shao2021].\r\n")
    try:
        assert build(project).returncode == 0
        text = "".join(parse_site(project / "site")["index.html"].text)
        assert "title: Home" not in text and "Fixture home" in text
    finally:
        path.write_bytes(original)
        assert build(project).returncode == 0


# ------------------------------------------------------------------------------------------------ property

HOSTILE = st.lists(
    st.sampled_from(
        [
            X,
            "<script>alert(1)</script>",
            "javascript:alert(1)",
            '" onclick="alert(1)',
            "{ onclick=alert(1) }",
            "[x](javascript:alert(1))",
            "](javascript:alert(1))",
            "<svg/onload=alert(1)>",
            "&#x3C;script&#x3E;",
            "`",
            "*",
            "_",
            "[",
            "]",
            "(",
            ")",
            "#",
            "!",
            "<",
            ">",
            "&",
            "'",
            '"',
            " ",
            "\n",
            "a",
            "é",
        ]
    ),
    min_size=1,
    max_size=12,
).map("".join)


def string_fields(data, path=()):
    """Every (path, string) in a YAML document."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from string_fields(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from string_fields(value, (*path, index))
    elif isinstance(data, str):
        yield path, data


FILES = sorted(p.relative_to(FIXTURE).as_posix() for p in FIXTURE.rglob("*.yaml"))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(FILES), st.integers(min_value=0, max_value=200), HOSTILE)
def test_any_hostile_string_in_any_field_is_refused_or_harmless(project, relative, which, payload):
    path = project / "content" / relative
    original = path.read_text()
    data = yaml.safe_load(original)
    fields = list(string_fields(data))
    where, _ = fields[which % len(fields)]
    target = data
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = payload
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    try:
        result = build(project)
        if result.returncode == 0:
            assert live_anywhere(project / "site") == []
        else:
            assert result.returncode == 1 and "content error" in result.stderr, result.stderr
            assert "Traceback" not in result.stderr
    finally:
        path.write_text(original)
