"""The build's one optimisation, against its oracle: for every generated page of the real and the fixture
content, fastpages gives the HTML and the contents list that Python-Markdown (as mkdocs.yml configures it)
gives for the same Markdown."""

import re

import markdown
import pytest
import yaml
from conftest import FIXTURE, ROOT, TEMPLATES
from review.commands.build import build
from review.outputs.fastpages import to_html

CONFIG = yaml.safe_load((ROOT / "mkdocs.yml").read_text())


def python_markdown(body: str):
    extensions, configs = [], {}
    for entry in CONFIG["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        extensions.append(name)
        configs[name] = options or {}
    md = markdown.Markdown(extensions=extensions, extension_configs=configs)
    return md.convert(body), md.toc_tokens


def same_markup(html: str) -> str:
    """Whitespace between tags does not change what a browser shows."""
    return re.sub(r">\s+<", "><", html.strip())


def mismatches(outputs: dict) -> list:
    """The pages whose fast HTML or contents differ from Python-Markdown's."""
    found = []
    for path, text in sorted(outputs.items()):
        if path.endswith(".md"):
            body = text.split("\n---\n", 1)[1]
            expected_html, expected_toc = python_markdown(body)
            html, toc = to_html(body)
            if same_markup(html) != same_markup(expected_html) or toc != expected_toc:
                found.append(path)
    return found


def test_every_real_page_matches_python_markdown(real_outputs):
    assert mismatches(real_outputs) == []


def test_every_fixture_page_matches_python_markdown():
    assert mismatches(build(FIXTURE, TEMPLATES)) == []


@pytest.mark.parametrize(
    "body",
    [
        "# A \\*title\\* with \\(escapes\\) &amp; &lt;tags&gt;\n\n<p>x</p>\n",
        "# Same\n\n## Same { #same }\n\n## Other\n\n<div>y</div>\n",
        '## Cite { #cite data-search-exclude }\n\n<div class="c">\n<p>a</p>\n\n<p>b</p>\n</div>\n',
        "# Ünïcode títle\n\n### Deep { #deep }\n",
    ],
)
def test_headings_as_python_markdown_writes_them(body):
    expected_html, expected_toc = python_markdown(body)
    html, toc = to_html(body)
    assert (same_markup(html), toc) == (same_markup(expected_html), expected_toc)
