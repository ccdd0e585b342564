"""The check phase: each kind of bad content gives one exact, fixable error; good content gives none."""

import pytest

from review.load import load
from review.validate import validate


def problems(content_dir):
    """The problems of a content folder as printed lines."""
    return [str(p) for p in validate(load(content_dir))]


def edit(review_dir, relative, old, new):
    """Replace text in one fixture file (the text must be there)."""
    path = review_dir / relative
    text = path.read_text()
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1))


def test_fixture_is_valid(review_dir):
    assert problems(review_dir) == []


CASES = [
    ("unknown key with suggestion", "studies/shao2021.yaml", "journal: Neuron", "jornal: Neuron",
     ["content/studies/shao2021.yaml:1: journal: missing required field",
      "content/studies/shao2021.yaml:8: jornal: unknown key `jornal`; did you mean `journal`?"]),
    ("missing required field", "substances/lsd.yaml", "class: classic-psychedelic\n", "",
     ["content/substances/lsd.yaml:1: class: missing required field"]),
    ("year written as a word", "studies/shao2021.yaml", "year: 2021", "year: twenty",
     ["content/studies/shao2021.yaml:6: year: expected a whole number, got string `twenty`"]),
    ("list where text belongs", "studies/shao2021.yaml", "population: Mice", "population: [Mice]",
     ["content/studies/shao2021.yaml:15: population: expected text, got list `['Mice']`"]),
    ("dangling study with suggestion", "mechanisms/plasticity.yaml", "studies: [shao2021]", "studies: [shao2012]",
     ["content/mechanisms/plasticity.yaml:14: findings[0].studies[0]: no study `shao2012`; did you mean `shao2021`?",
      "content/studies/shao2021.yaml:1: id: no finding cites this study; add it to a finding's `studies` or remove the file"]),
    ("dangling substance", "trials/nct04141501.yaml", "substances: [psilocybin]", "substances: [psilocibin]",
     ["content/trials/nct04141501.yaml:5: substances[0]: no substance `psilocibin`; did you mean `psilocybin`?"]),
    ("dangling mechanism", "questions/translation.yaml", "mechanisms: [plasticity]", "mechanisms: [plastcity]",
     ["content/questions/translation.yaml:9: mechanisms[0]: no mechanism `plastcity`; did you mean `plasticity`?"]),
    ("dangling finding", "questions/translation.yaml", "findings: [pl-spines-mice]", "findings: [pl-spine-mice]",
     ["content/questions/translation.yaml:10: findings[0]: no finding `pl-spine-mice`; did you mean `pl-spines-mice`?"]),
    ("dangling trial", "studies/shao2021.yaml", "trials: [nct04141501]", "trials: [nct04141502]",
     ["content/studies/shao2021.yaml:20: trials[0]: no trial `nct04141502`; did you mean `nct04141501`?"]),
    ("dangling glossary term", "glossary/bdnf.yaml", "related: [sud]", "related: [suds]",
     ["content/glossary/bdnf.yaml:5: related[0]: no glossary term `suds`; did you mean `sud`?"]),
    ("dangling therapy mechanism key", "therapies/cm.yaml", "  plasticity: >-", "  plastic: >-",
     ["content/therapies/cm.yaml:8: mechanisms.plastic: no mechanism `plastic`; did you mean `plasticity`?"]),
    ("dangling citation in text", "mechanisms/plasticity.yaml", "as in [@shao2021]", "as in [@shao2020]",
     ["content/mechanisms/plasticity.yaml:4: summary: citation `@shao2020`: no study `shao2020`; did you mean `shao2021`?"]),
    ("dangling cross-link in text", "topics/background.yaml", "(@findings/pl-spines-mice)", "(@findings/pl-spine)",
     ["content/topics/background.yaml:9: sections[0].text: link `@findings/pl-spine`: no finding `pl-spine`; did you mean `pl-spines-mice`?"]),
    ("dangling question link", "mechanisms/plasticity.yaml", "(@questions/translation)", "(@questions/translate)",
     ["content/mechanisms/plasticity.yaml:6: altered_in_sud: link `@questions/translate`: no question `translate`; did you mean `translation`?"]),
    ("unknown collection in link", "topics/background.yaml", "(@findings/pl-spines-mice)", "(@finding/pl-spines-mice)",
     ["content/topics/background.yaml:9: sections[0].text: link `@finding/pl-spines-mice`: no collection `finding`; did you mean `findings`?"]),
    ("javascript link", "mechanisms/plasticity.yaml", "see [the question](@questions/translation)", "see [x](javascript:alert(1))",
     ["content/mechanisms/plasticity.yaml:6: altered_in_sud: link target `javascript:` is not allowed; use http, https or mailto"]),
    ("id not a safe slug", "substances/lsd.yaml", "id: lsd", "id: ../x",
     ["content/substances/lsd.yaml:1: id: `../x` does not match the file name `lsd.yaml`; rename one of them",
      "content/substances/lsd.yaml:1: id: `../x` is not a safe id: use lower-case letters, digits and single hyphens, like `shao2021`"]),
    ("upper case id", "substances/lsd.yaml", "id: lsd", "id: LSD",
     ["content/substances/lsd.yaml:1: id: `LSD` does not match the file name `lsd.yaml`; rename one of them",
      "content/substances/lsd.yaml:1: id: `LSD` is not a safe id: use lower-case letters, digits and single hyphens, like `shao2021`"]),
    ("finding id with a space", "mechanisms/plasticity.yaml", "id: pl-spines-mice", "id: pl spines",
     ["content/mechanisms/plasticity.yaml:9: findings[0].id: `pl spines` is not a safe id: use lower-case letters, digits and single hyphens, like `shao2021`",
      "content/questions/translation.yaml:10: findings[0]: no finding `pl-spines-mice`",
      "content/topics/background.yaml:9: sections[0].text: link `@findings/pl-spines-mice`: no finding `pl-spines-mice`"]),
    ("duplicate finding id", "topics/background.yaml", "id: bg-trials", "id: pl-spines-mice",
     ["content/topics/background.yaml:12: sections[0].findings[0].id: finding id `pl-spines-mice` is already used at content/mechanisms/plasticity.yaml:9"]),
    ("release pages not a list", "changelog.yaml", "pages: [mechanisms/plasticity, studies/shao2021]", "pages: true",
     ["content/changelog.yaml:6: releases[0].pages: expected a list, got boolean `True`"]),
    ("malformed DOI", "studies/shao2021.yaml", "doi: 10.1016/j.neuron.2021.06.008", "doi: https://doi.org/10.1016/x",
     ["content/studies/shao2021.yaml:12: doi: `https://doi.org/10.1016/x` is not a DOI: write it like `10.1016/j.neuron.2021.06.008`, without https://doi.org/"]),
    ("malformed PMID", "studies/shao2021.yaml", "pmid: '34228959'", "pmid: 'PMID34228959'",
     ["content/studies/shao2021.yaml:13: pmid: `PMID34228959` is not a PubMed id: digits only, quoted, like '34228959'"]),
    ("malformed NCT", "trials/nct04141501.yaml", "nct: NCT04141501", "nct: NCT4141501",
     ["content/trials/nct04141501.yaml:2: nct: `NCT4141501` is not an NCT number: `NCT` and eight digits, like `NCT04141501`"]),
    ("year out of range", "studies/shao2021.yaml", "year: 2021", "year: 20210",
     ["content/studies/shao2021.yaml:6: year: `20210` is out of range (maximum 2100)"]),
    ("evidence level misspelt", "mechanisms/plasticity.yaml", "evidence: animal", "evidence: animals",
     ["content/mechanisms/plasticity.yaml:12: findings[0].evidence: `animals` is not one of: in-vitro, animal, healthy-volunteers, patients-sud, patients-other, review, method; did you mean `animal`?"]),
    ("finding with no study", "mechanisms/plasticity.yaml", "studies: [shao2021]", "studies: []",
     ["content/mechanisms/plasticity.yaml:14: findings[0].studies: needs at least 1 item",
      "content/studies/shao2021.yaml:1: id: no finding cites this study; add it to a finding's `studies` or remove the file"]),
    ("study that nothing cites", "mechanisms/plasticity.yaml", "studies: [shao2021]", "studies: [rieser2021]",
     ["content/studies/shao2021.yaml:1: id: no finding cites this study; add it to a finding's `studies` or remove the file"]),
    ("empty text", "glossary/sud.yaml", "definition: A disorder of substance use.", "definition: ''",
     ["content/glossary/sud.yaml:4: definition: must not be empty"]),
    ("same id twice in a list", "studies/rieser2021.yaml", "substances: [psilocybin, lsd]", "substances: [lsd, lsd]",
     ["content/studies/rieser2021.yaml:13: substances: lists the same id twice"]),
    ("citation in a page", "pages/index.md", "See [@shao2021]", "See [@sha2021]",
     ["content/pages/index.md:3: text: citation `@sha2021`: no study `sha2021`; did you mean `shao2021`?"]),
]


@pytest.mark.parametrize("name, relative, old, new, expected", CASES, ids=[c[0] for c in CASES])
def test_bad_content(review_dir, name, relative, old, new, expected):
    edit(review_dir, relative, old, new)
    assert problems(review_dir) == expected


def test_file_name_must_match_id(review_dir):
    (review_dir / "substances" / "lsd.yaml").rename(review_dir / "substances" / "lsd2.yaml")
    assert problems(review_dir) == [
        "content/mechanisms/plasticity.yaml:19: findings[1].substances[1]: no substance `lsd`; did you mean `lsd2`?",
        "content/studies/rieser2021.yaml:13: substances[1]: no substance `lsd`; did you mean `lsd2`?",
        "content/substances/lsd2.yaml:1: id: `lsd` does not match the file name `lsd2.yaml`; rename one of them",
    ]


def test_every_error_is_reported_at_once(review_dir):
    edit(review_dir, "studies/shao2021.yaml", "year: 2021", "year: soon")
    edit(review_dir, "glossary/bdnf.yaml", "term:", "trem:")
    (review_dir / "glossary" / "bad.yaml").write_text("id: bad\n\tterm: x\n")
    assert problems(review_dir) == [
        "content/glossary/bad.yaml:2: yaml: tab character; indent with spaces",
        "content/glossary/bdnf.yaml:1: term: missing required field",
        "content/glossary/bdnf.yaml:2: trem: unknown key `trem`; did you mean `term`?",
        "content/studies/shao2021.yaml:6: year: expected a whole number, got string `soon`",
    ]


def test_missing_site_file(review_dir):
    (review_dir / "site.yaml").unlink()
    assert problems(review_dir) == ["content/site.yaml:1: file: missing; it holds the site's title, authors and version"]
