"""The one table pattern (review/outputs/tables.py): every body cell labelled with the column it sits in."""

import re

import pytest
from review.outputs.tables import Column, columns, in_pattern, label_rows

ALL = ["Mechanism", "Question", "Evidence", "Certainty"]
COLS = columns(["Mechanism", "Question", {"label": "Evidence", "more": True}, "Certainty"])


def labels(html: str) -> list[list[str]]:
    return [re.findall(r'data-label="([^"]*)"', row) for row in re.findall(r"<tr.*?</tr>", html, re.S)]


def test_each_cell_is_labelled_with_its_column_and_the_first_is_the_cards_title():
    out = label_rows('<tr id="r1"><th scope="row">A</th><td>q</td><td>e</td><td>c</td></tr>', COLS)
    assert labels(out) == [["Mechanism", "Question", "Evidence", "Certainty"]]
    assert '<tr id="r1" role="row">' in out and 'role="rowheader"' in out
    assert re.search(r'<th scope="row" role="rowheader" data-label="Mechanism" data-rt="title">A</th>', out)
    assert '<td role="cell" data-label="Evidence" data-rt="more">e</td>' in out


@pytest.mark.parametrize(
    "rows, expected",
    [
        # A mechanism spanning two rows: the second row's cells are in columns 2 to 4.
        (
            '<tr><th rowspan="2">A</th><td>q1</td><td>e</td><td>c</td></tr><tr><td>q2</td><td>e</td><td>c</td></tr>'
            "<tr><th>B</th><td>q3</td><td>e</td><td>c</td></tr>",
            [ALL, ["Question", "Evidence", "Certainty"], ALL],
        ),
        # A cell spanning two columns moves the next one along.
        ('<tr><td colspan="2">A and q</td><td>e</td><td>c</td></tr>', [["Mechanism", "Evidence", "Certainty"]]),
        # A last column spanning down: the next row starts at the first column again.
        (
            '<tr><td>A</td><td>q</td><td>e</td><td rowspan="2">c</td></tr><tr><td>B</td><td>q</td><td>e</td></tr>',
            [["Mechanism", "Question", "Evidence", "Certainty"], ["Mechanism", "Question", "Evidence"]],
        ),
    ],
)
def test_spans_are_followed(rows, expected):
    assert labels(label_rows(rows, COLS)) == expected


def test_a_label_is_escaped_as_an_attribute():
    out = label_rows("<tr><td>x</td></tr>", [Column('Odds "ratio" & <CI>')])
    assert 'data-label="Odds &quot;ratio&quot; &amp; &lt;CI&gt;"' in out


def test_a_hand_written_pages_table_joins_the_pattern():
    out = in_pattern(
        "<p>x</p><table>\n<thead>\n<tr>\n<th>Term</th>\n<th><em>Meaning</em></th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>a</td>\n<td>b</td>\n</tr>\n</tbody>\n</table>"
    )
    assert out.startswith('<p>x</p><div class="rt"><table class="rt-table" role="table">')
    assert labels(out.split("<tbody", 1)[1]) == [["Term", "Meaning"]]
