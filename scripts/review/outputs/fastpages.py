"""The build's one optimisation: generated pages handed to MkDocs as HTML, so that Python-Markdown does not parse
them. A generated page is Markdown headings between HTML blocks (render.py); Python-Markdown's only work on it
is to give the headings their ids and permalinks and to list them in the page's contents, and parsing every
HTML block to find that out is about half of a large build. Here the headings are converted directly, with
Python-Markdown's own slugify, and the contents list is made in its own format.

Switched by the `review` plugin's `html_pages` option in mkdocs.yml (on unless set to false). The export for other engines
always writes Markdown. The oracle test (tests/test_fastpages.py) checks, for every page of the real and the
fixture content, that this gives the HTML and the contents list that Python-Markdown gives.
"""

from __future__ import annotations

import html
import re
from typing import Any

from markdown.extensions.toc import nest_toc_tokens, slugify, unique

HEADING = re.compile(r"^(#{1,6}) (.+?)(?: \{ #([^\s}]+)((?: [^\s}=]+)*) \})?$")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>&])")  # the backslash escapes render.heading writes
PERMALINK = '<a class="headerlink" href="#{id}" title="Permanent link">&para;</a>'


def to_html(markdown: str) -> tuple[str, list]:
    """(HTML, toc tokens) of a generated page body: heading lines converted, HTML blocks kept as they are."""
    lines = markdown.split("\n")
    headings = []  # (line index, level, text html, explicit id, bare attributes)
    for i, line in enumerate(lines):
        if line.startswith("#") and (i == 0 or not lines[i - 1].strip()) and (i + 1 == len(lines) or not lines[i + 1].strip()):
            match = HEADING.match(line)
            if match:
                text = _ESCAPE.sub(r"\1", " ".join(match.group(2).split()))
                headings.append((i, len(match.group(1)), text, match.group(3), (match.group(4) or "").split()))
    used = {h[3] for h in headings if h[3]}
    tokens: list[Any] = []  # Python-Markdown's flat toc tokens (its stubs keep their TypedDict private)
    for i, level, text, explicit, attributes in headings:
        hid = explicit or unique(slugify(html.unescape(text), "-"), used)
        bare = "".join(f" {a}" for a in attributes)
        lines[i] = f'<h{level}{bare} id="{hid}">{text}{PERMALINK.format(id=hid)}</h{level}>'
        tokens.append({"level": level, "id": hid, "name": text, "html": text, "data-toc-label": "", "children": []})
    return "\n".join(lines), nest_toc_tokens(tokens)
