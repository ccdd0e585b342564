"""The site's one table pattern: every table of every page is written by the `table` macro
(templates/pages/_macros.html.j2) and laid out by the "Tables" rules of templates/theme/assets/review.css.

At desktop width a table is a table across the whole content width. On a phone each row is a card: every cell
is printed with its column's name (`data-label`; the first column's cell is the card's title), the key columns always, the others (`more`) behind the row's
"More" button (templates/theme/assets/tables.js; without JavaScript every cell shows). In print it is a table
again, whole, its header repeated on each page. The explicit ARIA roles keep the table's semantics for screen
readers when CSS lays its cells out as blocks.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from markupsafe import Markup


@dataclass(frozen=True)
class Column:
    """A column of a table: its heading, whether it waits behind a row's "More" button on a phone, and the
    `data-column` value its heading carries (for the evidence map's filters)."""

    label: str
    more: bool = False
    key: str = ""


def columns(specs) -> list[Column]:
    """Columns from a template's list: a heading, or a mapping {label, more, key}."""
    out = []
    for spec in specs:
        if isinstance(spec, Column):
            out.append(spec)
        elif isinstance(spec, dict):
            out.append(Column(str(spec["label"]), bool(spec.get("more")), str(spec.get("key", ""))))
        else:
            out.append(Column(str(spec)))
    return out


_ROW = re.compile(r"<tr\b([^>]*)>(.*?)</tr>", re.S)
_CELL = re.compile(r"<(td|th)\b([^>]*)>")
_ROWSPAN = re.compile(r'\browspan="(\d+)"')
_COLSPAN = re.compile(r'\bcolspan="(\d+)"')


def label_rows(rows: str, cols: list[Column]) -> Markup:
    """The body rows a template wrote, each cell labelled with its column (`data-label`, a cell of a `more`
    column marked `data-rt="more"`) and given its ARIA role. Row spans and column spans are followed, so a cell
    is labelled by the column it sits in. The rows are the templates' own HTML (content in them is escaped)."""
    carried: dict[int, int] = {}  # column -> rows still covered by a cell spanning down from a row above

    def row(match: re.Match) -> str:
        column = 0

        def cell(m: re.Match) -> str:
            nonlocal column
            while carried.get(column):
                carried[column] -= 1
                column += 1
            tag, attributes = m.group(1), m.group(2)
            col = cols[min(column, len(cols) - 1)]
            span = _ROWSPAN.search(attributes)
            if span and int(span.group(1)) > 1:
                carried[column] = int(span.group(1)) - 1
            width = _COLSPAN.search(attributes)
            column += int(width.group(1)) if width else 1
            role = "cell" if tag == "td" else "rowheader"
            part = "more" if col.more else "title" if col is cols[0] else ""
            extra = f' role="{role}" data-label="{html.escape(col.label)}"' + (f' data-rt="{part}"' if part else "")
            return f"<{tag}{attributes}{extra}>"

        cells = _CELL.sub(cell, match.group(2))
        for later in [c for c in carried if c >= column and carried[c]]:  # spans beside or past its last cell
            carried[later] -= 1
        return f'<tr{match.group(1)} role="row">{cells}</tr>'

    return Markup(_ROW.sub(row, str(rows)))


_PAGE_TABLE = re.compile(r"<table>\s*<thead>\s*<tr>(.*?)</tr>\s*</thead>\s*<tbody>(.*?)</tbody>\s*</table>", re.S)
_HEADING_CELL = re.compile(r"<th\b([^>]*)>(.*?)</th>", re.S)


def in_pattern(fragment: str) -> str:
    """The tables of a hand-written page's HTML (Markdown tables, sanitised) in the pattern, every column a key
    column: what the `table` macro writes for a template's table."""

    def table(match: re.Match) -> str:
        headings = _HEADING_CELL.findall(match.group(1))
        cols = [Column(html.unescape(re.sub(r"<[^>]+>", "", text)).strip()) for _, text in headings]
        head = "".join(f'<th role="columnheader" scope="col"{attributes}>{text}</th>' for attributes, text in headings)
        return (
            f'<div class="rt"><table class="rt-table" role="table"><thead role="rowgroup"><tr role="row">{head}</tr></thead>'
            f'<tbody role="rowgroup">{label_rows(match.group(2), cols)}</tbody></table></div>'
        )

    return _PAGE_TABLE.sub(table, fragment)
