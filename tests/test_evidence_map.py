"""The evidence map's counts match the content, cell by cell; gaps link to open questions."""

from html.parser import HTMLParser

import pytest
import yaml

from conftest import ROOT

COLUMNS = [{"in-vitro", "animal"}, {"healthy-volunteers"}, {"patients-sud"}, {"patients-other"}]
MECHANISMS = sorted((yaml.safe_load(p.read_text()) for p in (ROOT / "content" / "mechanisms").glob("*.yaml")),
                    key=lambda m: m["order"])
SUBSTANCES = sorted(yaml.safe_load(p.read_text())["name"] for p in (ROOT / "content" / "substances").glob("*.yaml"))


class Tables(HTMLParser):
    """Rows of each table: (row header text, [cell attributes])."""

    def __init__(self):
        super().__init__()
        self.tables, self._header = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append(["", []])
        elif tag == "th" and attrs.get("scope") == "row":
            self._header = self.tables[-1][-1]
        elif tag == "td" and self.tables:
            self.tables[-1][-1][1].append(attrs)

    def handle_endtag(self, tag):
        if tag == "th":
            self._header = None

    def handle_data(self, data):
        if self._header is not None:
            self._header[0] += data


@pytest.fixture(scope="module")
def tables(built_site):
    """The two tables of the built evidence map, without header rows."""
    parser = Tables()
    parser.feed((built_site / "evidence-map" / "index.html").read_text(encoding="utf-8"))
    return [[(" ".join(row[0].split()), row[1]) for row in table if row[0].strip()] for table in parser.tables[:2]]


def test_heading(built_site):
    assert '<h1 id="evidence-map">Evidence map' in (built_site / "evidence-map" / "index.html").read_text()


@pytest.mark.parametrize("index", range(len(MECHANISMS)))
def test_mechanism_row_counts(tables, index):
    mechanism = MECHANISMS[index]
    header, cells = tables[0][index]
    assert header == mechanism["title"]
    for levels, cell in zip(COLUMNS, cells, strict=True):
        findings = [f for f in mechanism["findings"] if f["evidence"] in levels]
        assert int(cell["data-findings"]) == len(findings)
        assert int(cell["data-studies"]) == len({s for f in findings for s in f["studies"]})
        assert (cell["class"] == "em-gap") == (not findings)


def test_substance_view_counts(tables):
    rows = {header: cells for header, cells in tables[1]}
    assert sorted(rows) == SUBSTANCES
    for path in (ROOT / "content" / "substances").glob("*.yaml"):
        substance = yaml.safe_load(path.read_text())
        expected = [sum(substance["id"] in f["substances"] for f in m["findings"]) for m in MECHANISMS]
        assert [int(c["data-findings"]) for c in rows[substance["name"]]] == expected


def test_gaps_link_to_open_questions(built_site):
    html = (built_site / "evidence-map" / "index.html").read_text()
    for mechanism in MECHANISMS:
        if f'href="#{mechanism["id"]}-questions"' in html:
            assert f'id="{mechanism["id"]}-questions"' in html
    assert html.count("<strong>Gap</strong>") >= 1
