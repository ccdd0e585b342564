"""Hostile or careless content through `review site`: each case is refused with its exact message and the site
left byte-identical, or built with the payload shown as text. Pages are parsed, not grepped."""

import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest
import yaml
from conftest import FIXTURE, ROOT, copy_project, leaves, lines_in, tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project made of the fixture review, with a built site/."""
    folder = copy_project(tmp_path_factory.mktemp("project"), content=FIXTURE)
    assert build(folder).returncode == 0
    return folder


def build(folder, command="site"):
    return subprocess.run(
        [sys.executable, "-m", "review", command],
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
        "a number of 5,000 digits (Python reads no longer whole number)",
        "studies/shao2021.yaml",
        "year: 2021",
        "year: " + "9" * 5_000,
        ["content/studies/shao2021.yaml:{line}: yaml: a number of 5,000 characters; no field takes one longer than 4,300"],
    ),
    *(
        (
            f"explicit tag {tag}",
            "studies/shao2021.yaml",
            "year: 2021",
            f"year: {tag} {value}",
            [
                f"content/studies/shao2021.yaml:{{line}}: yaml: tags such as `{tag}` are not allowed; write the value plainly "
                "(quote text, like '2.0')"
            ],
        )
        for tag, value in [("!!timestamp", "2026-02-30"), ("!!int", "abc"), ("!!float", "abc"), ("!!bool", "maybe")]
    ),
    (
        "an odds ratio's lower limit at 0 (no log scale holds it)",
        "studies/trial2020a.yaml",
        "  measure: mean-difference\n  value: '-10.0'\n  ci_low: '-18.0'\n  ci_high: '-2.0'",
        "  measure: odds-ratio\n  value: '1.5'\n  ci_low: '0'\n  ci_high: '3.0'",
        [
            "content/studies/trial2020a.yaml:{at:ci_low:}: effects[0].ci_low: `0`: odds ratios and their "
            "confidence limits are greater than 0"
        ],
    ),
    (
        "a release before 1970 (the sitemap's timestamp)",
        "changelog.yaml",
        'date: "2025-06-01"',
        'date: "1969-12-31"',
        [
            "content/changelog.yaml:{line}: releases[1].date: `1969-12-31` is outside the dates a release can have, "
            "1970-01-01 to 2106-02-07 (the sitemap's timestamp holds no other)"
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


@contextlib.contextmanager
def edited(project, edits):
    """The project with each file's `old` text replaced by `new` ({relative path: (old, new)}), then restored."""
    originals = {}
    try:
        for relative, (old, new) in edits.items():
            path = project / "content" / relative
            originals[path] = path.read_text()
            assert old in originals[path]
            path.write_text(originals[path].replace(old, new, 1))
        yield
    finally:
        for path, text in originals.items():
            path.write_text(text)


def refused(project, edits) -> list[str]:
    """The content errors that `review site` reports for some edits; the site must be left as it was."""
    before = tree(project / "site")
    with edited(project, edits):
        result = build(project)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert tree(project / "site") == before
    return [line for line in result.stderr.splitlines() if line.startswith("content/")]


OUTSIDE = "is outside the dates a release can have, 1970-01-01 to 2106-02-07 (the sitemap's timestamp holds no other)"
NEWEST = [
    (
        "a version with a trailing newline",
        {"site.yaml": "version: 1.2.3", "changelog.yaml": "- version: 1.2.3"},
        {"site.yaml": 'version: "1.2.3\\n"', "changelog.yaml": '- version: "1.2.3\\n"'},
        [
            "content/changelog.yaml:2: releases[0].version: `1.2.3\\n` is not a version: write MAJOR.MINOR.PATCH, like `1.0.0`",
            "content/site.yaml:8: version: `1.2.3\\n` is not a version: write MAJOR.MINOR.PATCH, like `1.0.0`",
        ],
    ),
    (
        "every release before 1970",
        {
            "site.yaml": "2026-01-02",
            "changelog.yaml": '2026-01-02"\n    changes: >-\n      Revised the plasticity page [@shao2021].\n    pages: [mechanisms/plasticity, studies/shao2021]\n  - version: 1.0.0\n    date: "2025-06-01',
        },
        {
            "site.yaml": "1969-12-30",
            "changelog.yaml": '1969-12-30"\n    changes: >-\n      Revised the plasticity page [@shao2021].\n    pages: [mechanisms/plasticity, studies/shao2021]\n  - version: 1.0.0\n    date: "1969-12-01',
        },
        [
            f"content/changelog.yaml:3: releases[0].date: `1969-12-30` {OUTSIDE}",
            f"content/changelog.yaml:8: releases[1].date: `1969-12-01` {OUTSIDE}",
            f"content/site.yaml:9: date: `1969-12-30` {OUTSIDE}",
        ],
    ),
    (
        "a release after 2106",
        {"site.yaml": "2026-01-02", "changelog.yaml": "2026-01-02"},
        {"site.yaml": "2107-01-01", "changelog.yaml": "2107-01-01"},
        [
            f"content/changelog.yaml:3: releases[0].date: `2107-01-01` {OUTSIDE}",
            f"content/site.yaml:9: date: `2107-01-01` {OUTSIDE}",
        ],
    ),
]


@pytest.mark.parametrize("name, old, new, expected", NEWEST, ids=[c[0] for c in NEWEST])
def test_the_newest_release_is_refused_where_the_build_would_break(project, name, old, new, expected):
    """Cause 6: `1.2.3\\n` matched Python's `^…$` in jsonschema (fastjsonschema refused it, so no problem was
    reported) and went into every canonical address; a newest release before 1970 or after 2106 built until the
    sitemap's gzip copy could not hold its timestamp."""
    assert refused(project, {relative: (old[relative], new[relative]) for relative in old}) == expected


def test_editors_backup_files_are_left_out_with_a_notice_by_the_check_and_the_build(project):
    """Cause 6: `about.md~` beside the pages passed the check (which skipped it) and failed the strict build (which
    warned about a page it did not know). Both now leave editors' files out, and both say so."""
    names = ["pages/about.md~", "pages/#about.md#", "pages/about.md.swp", "studies/shao2021.yaml~"]
    for name in names:
        (project / "content" / name).write_text("# About\n\n<script>alert(1)</script>\n")
    try:
        built = build(project)
        checked = build(project, "check")
    finally:
        for name in names:
            (project / "content" / name).unlink()
    assert built.returncode == 0, built.stderr
    assert checked.returncode == 0, checked.stderr
    notices = sorted(f"note: content/{name}: left out (an editor's backup, swap or lock file)" for name in names)
    assert sorted(line for line in built.stderr.splitlines() if line.startswith("note:")) == notices
    assert sorted(checked.stderr.splitlines()) == notices
    assert not any("about" in page for page in parse_site(project / "site"))


def _many_sections(folder):
    """36,000 bad links, in 40 Markdown fields of a topic, each within the length limit, one a line."""
    path = folder / "topics" / "background.yaml"
    sections = "".join(
        f"  - id: s{k}\n    title: S{k}\n    text: >-\n" + "".join(f"      [x](javascript:{i})\n" for i in range(900))
        for k in range(40)
    )
    text = path.read_text().replace("sections:\n", "sections:\n" + sections, 1)
    path.write_text(text)
    line = text.count("\n", 0, text.rindex("[x](javascript:899)")) + 1
    return 36_000, f"content/topics/background.yaml:{line}: sections[39].text: link target `javascript:` is not allowed"


def _far_over_the_limit(folder):
    """A Markdown field of 868,953 characters (the limit is 20,000), of 40,000 bad links, one a line."""
    path = folder / "mechanisms" / "plasticity.yaml"
    links = "".join(f"  [x](javascript:{i})\n" for i in range(40_000))
    text = path.read_text().replace("see [BDNF](@glossary/bdnf).", "see [BDNF](@glossary/bdnf).\n" + links, 1)
    path.write_text(text)
    line = text.count("\n", 0, text.index("psychotherapy:")) + 1
    return 1, f"content/mechanisms/plasticity.yaml:{line}: psychotherapy: is 868,953 characters long; the limit is 20,000"


@pytest.mark.parametrize("make", [_many_sections, _far_over_the_limit], ids=["36,000 bad links", "a field 43 times the limit"])
def test_the_check_is_bounded_for_any_input(tmp_path, make):
    """Cause 7: each problem's line was found by a scan from its field's first line over the whole file split again
    (36,000 bad links took 82 s of CPU; the second case did not end in 5 minutes); a field over its limit was
    parsed all the same. Now lines are found in one pass per field and an over-long field is not parsed. The
    generous timeout is not a measure of speed: before the fix the check did not end within it."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    count, last = make(content)
    result = subprocess.run(
        [sys.executable, "-m", "review", "--content", "content", "check"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT / "scripts")},
    )
    assert result.returncode == 1
    found = [line for line in result.stderr.splitlines() if line.startswith("content/")]
    assert len(found) == count and found[-1].startswith(last)


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


# ------------------------------------------------------------------------------------------------ faults at the swap


def build_with(project, patch: str):
    """`review site` with a fault injected by `patch`, Python run first in the same process (a full disk, a folder
    the system will not replace, Ctrl-C), the way the build would meet it."""
    code = f"import errno, os, sys\n{patch}\nfrom review.commands.cli import main\nsys.exit(main(['site']))\n"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(project / "scripts")},
    )


FULL_DISK = """
import mkdocs.utils
def full(content, output_path):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), output_path)
mkdocs.utils.write_file = full
"""
IMMUTABLE = """
import review.commands.publish as publish
publish._rename_exchange = lambda new, old: errno.EPERM
"""
NO_EXCHANGE_THEN_REFUSED = """
import review.commands.publish as publish
publish._rename_exchange = lambda new, old: errno.ENOSYS
real, calls = os.rename, []
def rename(a, b):
    calls.append((a, b))
    if len(calls) == 2:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(b))
    return real(a, b)
os.rename = rename
"""
INTERRUPTED = """
import mkdocs.utils
def interrupted(content, output_path):
    raise KeyboardInterrupt
mkdocs.utils.write_file = interrupted
"""
FAULTS = [
    (
        "a full disk",
        FULL_DISK,
        1,
        r"review: the build stopped: No space left on device \(\.site-build-\w+/[\w/.-]+\); site/ is unchanged",
    ),
    (
        "an immutable site/",
        IMMUTABLE,
        1,
        r"review: the new site could not take the place of site/ \(Operation not permitted\); site/ is unchanged",
    ),
    (
        "no atomic exchange, and the second rename refused",
        NO_EXCHANGE_THEN_REFUSED,
        1,
        r"review: the new site could not take the place of site/ \(Read-only file system\); site/ is unchanged",
    ),
    ("Ctrl-C", INTERRUPTED, 130, r"review: interrupted"),
]


@pytest.mark.parametrize("name, patch, status, message", FAULTS, ids=[c[0] for c in FAULTS])
def test_a_fault_at_the_swap_is_one_line_and_the_site_is_kept(project, name, patch, status, message):
    """Cause 9: a full disk or a site/ the system would not replace ended in a traceback (the site was intact);
    without an atomic exchange a refused second rename would have left no site/ at all."""
    before = tree(project / "site")
    result = build_with(project, patch)
    assert result.returncode == status
    assert "Traceback" not in result.stderr, result.stderr
    assert re.fullmatch(message, result.stderr.strip().splitlines()[-1]), result.stderr
    assert tree(project / "site") == before
    assert not list(project.glob(".site-build-*"))


def test_a_lock_that_is_a_symbolic_link_is_never_followed(project, tmp_path):
    """Cause 9: `.site.lock` was opened for writing, following a link: the build emptied the file it pointed to."""
    outside = tmp_path / "precious.txt"
    outside.write_text("precious\n")
    lock = project / ".site.lock"
    lock.unlink(missing_ok=True)
    lock.symlink_to(outside)
    before = tree(project / "site")
    try:
        result = build(project)
    finally:
        lock.unlink()
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "review: .site.lock is a symbolic link; remove it (the build's lock is never followed elsewhere); site/ is unchanged"
    )
    assert outside.read_text() == "precious\n"
    assert tree(project / "site") == before


def test_folders_left_by_killed_builds_are_removed_by_the_next(project):
    """Cause 9: the README says a killed build's leftovers are removed by the next build; the generated files in
    build/ never were (and every build stopped by a content error left its own). A folder still in use, held by
    a running preview's lock, is kept."""
    killed = [project / ".site-build-killed", project / "build" / "generated-killed", project / "build" / ".site-build-x"]
    for folder in killed:
        (folder / "studies").mkdir(parents=True)
        (folder / "studies" / "x.md").write_text("x")
        (folder / ".in-use").write_text("")  # a lock that nobody holds
    in_use = project / "build" / "generated-previewed"
    in_use.mkdir()
    with open(in_use / ".in-use", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert build(project).returncode == 0
        with edited(project, {"studies/shao2021.yaml": ("year: 2021", "year: 20211")}):
            assert build(project).returncode == 1
    assert [folder for folder in killed if folder.exists()] == []
    assert sorted(p.name for p in (project / "build").glob("generated-*")) == ["generated-previewed"]
    shutil.rmtree(in_use)


# ------------------------------------------------------------------------------------------------ strict is strict


def _line_of(relative: str, text: str) -> int:
    """The line of the fixture file on which `text` is written (so the expectation follows the fixture)."""
    lines = (FIXTURE / relative).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


STRICT = [
    (
        "a finding id that is a heading's anchor",
        {
            relative: ("pl-spines-mice", "references")
            for relative in ("mechanisms/plasticity.yaml", "questions/translation.yaml", "topics/background.yaml")
        },
        [
            f"content/mechanisms/plasticity.yaml:{_line_of('mechanisms/plasticity.yaml', 'id: pl-spines-mice')}: "
            "findings[0].id: `references` is already an anchor of its page (a heading's); choose another id"
        ],
    ),
    (
        "a hand-written heading that is the template's own",
        {"pages/index.md": ("See [@shao2021]", "## Cite this page\n\nSee [@shao2021]")},
        [
            "content/pages/index.md:3: text: the heading `Cite this page` has the anchor `cite-this-page`, which its page "
            "already gives another part; reword the heading"
        ],
    ),
    (
        "links to anchors that are nowhere",
        {"pages/index.md": ("See [@shao2021]", "See [the method](method.md#nosuch), [here](#nowhere) and [@shao2021]")},
        [
            "content/pages/index.md:3: text: link to `#nowhere`: that page has no anchor `nowhere`",
            "content/pages/index.md:3: text: link to `method.md#nosuch`: that page has no anchor `nosuch`",
        ],
    ),
]


@pytest.mark.parametrize("name, edits, expected", STRICT, ids=[c[0] for c in STRICT])
def test_duplicate_ids_and_broken_anchors_fail_the_build_at_their_content_line(project, name, edits, expected):
    """Cause 12: a finding id `references` or a heading `Cite this page` gave a page two elements with one id, and
    the strict build passed; a broken anchor was reported in the built HTML (`index.html: link to ../method/#nosuch`),
    not where it is written. The check now refuses the first two (what it passes builds); the built pages are
    checked for all three."""
    assert refused(project, edits) == [lines_in(project / m.split(":")[0], m, 0) for m in expected]


def test_a_built_page_with_an_id_twice_is_named_at_its_content_line(tmp_path):
    """Cause 12, the build's own check, for what the content check cannot see: ids counted in every built page, a
    duplicate written in content reported at its file and line, one the templates made at its page."""
    from review.commands.publish import broken_links

    site, content = tmp_path / "site", tmp_path / "content"
    (site / "topics" / "x").mkdir(parents=True)
    (content / "topics").mkdir(parents=True)
    (content / "topics" / "x.yaml").write_text("id: x\nsections:\n  - id: twice\n    title: T\n")
    (site / "topics" / "x" / "index.html").write_text('<h2 id="twice">T</h2><div id="twice"></div>')
    (site / "index.html").write_text('<p id="a"></p><p id="a"></p><a href="topics/x/#twice">x</a>')
    assert broken_links(site, {"topics/x/index.html": "content/topics/x.yaml"}, tmp_path) == [
        "WARNING - duplicate id: index.html: `a` is the id of 2 elements (a link goes to the first)",
        "content/topics/x.yaml:3: sections[0].id: `twice` is also the anchor of another part of the page it is shown on "
        "(a heading, or another entry); choose another id",
    ]


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


def string_fields(data):
    """Every (path, string) in a YAML document."""
    for path in leaves(data):
        value = data
        for key in path:
            value = value[key]
        if isinstance(value, str):
            yield path, value


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
