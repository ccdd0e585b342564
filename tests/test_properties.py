"""Property-based: whatever YAML values or text an editor types, the generator builds or reports errors, never crashes."""

import itertools
import json
import re
import shutil
from urllib.parse import urlencode

import yaml
from fastjsonschema import JsonSchemaException
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURE, TEMPLATES
from review.build import build
from review.citation import form_encode, indented_json
from review.errors import ContentError
from review.glossary import NOT_FOR_LINKS, NOT_FOR_TOOLTIPS, Glossary
from review.validate import _FAST, _VALIDATORS

FILES = sorted(p.relative_to(FIXTURE).as_posix() for p in FIXTURE.rglob("*.yaml"))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=40),
                    st.dates(), st.just("shao2021"), st.just("../etc/passwd"), st.just("<script>x</script>"))
VALUES = st.recursive(SCALARS, lambda children: st.one_of(st.lists(children, max_size=3),
                                                           st.dictionaries(st.text(max_size=8), children, max_size=3)),
                      max_leaves=6)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def outcome(content_dir):
    """'built' or 'refused'; anything else propagates and fails the test."""
    try:
        build(content_dir, TEMPLATES)
        return "built"
    except ContentError as error:
        assert error.problems and all(str(p).startswith("content/") for p in error.problems)
        return "refused"


def _paths(data, prefix=()):
    """Every key path of nested mappings and lists."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


def edited_fixture_file(data):
    """A fixture file's document with one field, anywhere in it, set to a drawn value: (file, document, (path, value))."""
    relative = data.draw(st.sampled_from(FILES))
    document = yaml.safe_load((FIXTURE / relative).read_text())
    path = data.draw(st.sampled_from([p for p in _paths(document) if p]))
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value = data.draw(VALUES)
    return relative, document, (path, value)


@SETTINGS
@given(data=st.data())
def test_any_value_in_any_field_builds_or_is_refused(tmp_path_factory, data):
    content = tmp_path_factory.mktemp("p") / "content"
    shutil.copytree(FIXTURE, content)
    relative, document, _ = edited_fixture_file(data)
    (content / relative).write_text(yaml.safe_dump(document, allow_unicode=True))
    assert outcome(content) in {"built", "refused"}


@SETTINGS
@given(text=st.text(min_size=1, max_size=200))
def test_any_text_in_a_statement_builds_or_is_refused(tmp_path_factory, text):
    content = tmp_path_factory.mktemp("t") / "content"
    shutil.copytree(FIXTURE, content)
    path = content / "mechanisms" / "plasticity.yaml"
    document = yaml.safe_load(path.read_text())
    document["findings"][0]["statement"] = text
    path.write_text(yaml.safe_dump(document, allow_unicode=True))
    if outcome(content) == "built":
        assert finding_html_tags(content) == BASELINE_TAGS, "text from content became HTML"


def finding_html_tags(content):
    """How many `<` the rendered first finding holds (its template's own tags only, if content is escaped)."""
    page = build(content, TEMPLATES)["mechanisms/plasticity.md"]
    return page.split('id="pl-spines-mice" markdown>', 1)[1].split("</div>", 1)[0].count("<")


BASELINE_TAGS = finding_html_tags(FIXTURE)


@SETTINGS
@given(raw=st.binary(max_size=300))
def test_any_bytes_in_a_file_build_or_are_refused(tmp_path_factory, raw):
    content = tmp_path_factory.mktemp("b") / "content"
    shutil.copytree(FIXTURE, content)
    (content / "glossary" / "sud.yaml").write_bytes(raw)
    assert outcome(content) == "refused"


GLOSSARY = Glossary({
    "sud": {"term": "Substance use disorder", "abbreviation": "SUD", "definition": "d"},
    "dmn": {"term": "Default mode network", "abbreviation": "DMN", "definition": "d"},
    "network": {"term": "Network", "definition": "d"},
    "bdnf": {"term": "BDNF", "definition": "d"},
    "ht2a": {"term": "5-HT2A receptor", "abbreviation": "5-HT2A", "definition": "d"},
    "mode": {"term": "Mode", "definition": "d"},
}, lambda gid: f"glossary/index.md#{gid}")
PIECES = st.sampled_from(["SUD", "Substance use disorder", "substance use disorder", "Default mode network", "default mode",
                          "network", "mode", "BDNF", "5-HT2A", "5-HT2A receptor", " ", "  ", "-", ".", "\n", "`", "<b>", "</b>",
                          "](x.md)", "{ .x }", "&amp;", "---\n", "\n---", "word", "[", "]", "(", ")", "_", "é", "–", "’",
                          "\xa0", "SUDs", "x", "2"])


def reference_mentions(glossary, text, skip):
    """The plain algorithm: at every word, try the longest run of words that is a form first (slow but obvious)."""
    visible = skip.sub(lambda m: "\0" * len(m.group()), text)
    parts = re.split(r"([\w-]+)", visible)  # separator, word, separator, ..., separator
    offsets = list(itertools.accumulate(map(len, parts), initial=0))
    longest = max(len(re.findall(r"[\w-]+", form)) for form in glossary.forms)
    found, resume = [], 0
    for i in range(1, len(parts), 2):
        for n in range(min(longest, (len(parts) - i + 1) // 2), 0, -1) if i >= resume else []:
            candidate = visible[offsets[i]:offsets[i + 2 * n - 1]]
            if candidate in glossary.forms:
                found.append((offsets[i], offsets[i + 2 * n - 1], candidate))
                resume = i + 2 * n - 1
                break
    return found


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_glossary_mentions_are_those_the_plain_algorithm_finds(text):
    for skip in (NOT_FOR_TOOLTIPS, NOT_FOR_LINKS):
        assert list(GLOSSARY.mentions(text, skip)) == reference_mentions(GLOSSARY, text, skip)


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_tooltip_forms_are_the_forms_the_full_scan_finds(text):
    assert GLOSSARY.used(text, NOT_FOR_TOOLTIPS) == {form for _, _, form in reference_mentions(GLOSSARY, text, NOT_FOR_TOOLTIPS)}


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_the_compiled_schema_check_accepts_exactly_what_jsonschema_accepts(data):
    relative, document, (path, value) = edited_fixture_file(data)
    name = relative.split("/")[0] if "/" in relative else relative.removesuffix(".yaml")
    try:
        _FAST[name](document)
        fast = True
    except JsonSchemaException:
        fast = False
    assert fast == _VALIDATORS[name].is_valid(document), (relative, path, value)


JSON_VALUES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)),
                           lambda children: st.one_of(st.lists(children, max_size=4),
                                                      st.dictionaries(st.text(max_size=8), children, max_size=4)),
                           max_leaves=12)


@settings(max_examples=500, deadline=None)
@given(JSON_VALUES)
def test_indented_json_is_what_json_dumps_writes(value):
    assert indented_json(value) == json.dumps(value, indent=2, ensure_ascii=False)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=10), st.text(max_size=30)), max_size=5))
def test_form_encoding_is_what_urlencode_writes(pairs):
    pairs = [(k, v) for k, v in pairs if not any(0xD800 <= ord(c) <= 0xDFFF for c in k + v)]  # no lone surrogates in YAML
    assert form_encode(pairs) == urlencode(pairs)


LINE_STARTS = re.compile(r"\[[^\]]*\]\([^)]*\)(?:\{[^}]*\})?|`[^`]*`|<[^>]*>|&\w+;|\{[^}]*\}|^#{1,6} .*$|^!!! .*$", re.M)
MARKDOWN_PIECES = st.sampled_from(["# ", "## ", "####### ", "#", "!!! ", "!! ", "!!!", "\n", " ", "x", "[a](b)", "{ .c }", "`",
                                   "<i>", "&amp;", "](", ")", "[", "]", "{", "}"])


@settings(max_examples=500, deadline=None)
@given(st.lists(MARKDOWN_PIECES, max_size=30).map("".join))
def test_skipped_spans_for_links_are_those_of_the_line_anchored_pattern(text):
    assert [m.span() for m in NOT_FOR_LINKS.finditer(text)] == [m.span() for m in LINE_STARTS.finditer(text)]
