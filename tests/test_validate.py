"""The check phase: each kind of bad content gives exact, fixable messages; good content gives none."""

from pathlib import Path

import pytest
from conftest import lines_in
from review.commands.build import problems as check
from review.model.load import load


def problems(content_dir):
    """The problems of a content folder, as printed lines."""
    return [str(p) for p in check(load(content_dir))]


def edit(review_dir, relative, old, new):
    """Replace text in one fixture file (the text must be there)."""
    path = review_dir / relative
    text = path.read_text()
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1))


def test_fixture_is_valid(review_dir):
    assert problems(review_dir) == []


S = "content/studies/shao2021.yaml"
M = "content/mechanisms/plasticity.yaml"
CASES = [
    (
        "unknown key with suggestion",
        "studies/shao2021.yaml",
        "journal: Neuron",
        "jornal: Neuron",
        [f"{S}:1: journal: missing required field", f"{S}:{{line}}: jornal: unknown key `jornal`; did you mean `journal`?"],
    ),
    (
        "missing required field",
        "substances/lsd.yaml",
        "class: classic-psychedelic\n",
        "",
        ["content/substances/lsd.yaml:1: class: missing required field"],
    ),
    (
        "year written as a word",
        "studies/shao2021.yaml",
        "year: 2021",
        "year: twenty",
        [f"{S}:{{line}}: year: expected a whole number, got text `twenty`"],
    ),
    (
        "list where text belongs",
        "studies/shao2021.yaml",
        "population: Mice",
        "population: [Mice]",
        [f"{S}:{{line}}: characteristics.population: expected text, got a list `['Mice']`"],
    ),
    (
        "dangling study with suggestion",
        "mechanisms/plasticity.yaml",
        "studies: [shao2021]",
        "studies: [shao2012]",
        [
            f"{M}:{{line}}: findings[0].studies[0]: no study `shao2012`; did you mean `shao2021`?",
            f"{S}:1: id: no finding cites this study; add it to a finding's `studies` or remove the file",
        ],
    ),
    (
        "dangling substance",
        "trials/nct04141501.yaml",
        "substances: [psilocybin]",
        "substances: [psilocibin]",
        ["content/trials/nct04141501.yaml:{line}: substances[0]: no substance `psilocibin`; did you mean `psilocybin`?"],
    ),
    (
        "dangling finding",
        "questions/translation.yaml",
        "findings: [pl-spines-mice]",
        "findings: [pl-spine-mice]",
        ["content/questions/translation.yaml:{line}: findings[0]: no finding `pl-spine-mice`; did you mean `pl-spines-mice`?"],
    ),
    (
        "dangling therapy mechanism key",
        "therapies/cm.yaml",
        "  plasticity: >-",
        "  plastic: >-",
        ["content/therapies/cm.yaml:{line}: mechanisms.plastic: no mechanism `plastic`; did you mean `plasticity`?"],
    ),
    (
        "dangling citation in text",
        "mechanisms/plasticity.yaml",
        "as in [@shao2021]",
        "as in [@shao2020]",
        [f"{M}:{{line}}: summary: citation `@shao2020`: no study `shao2020`; did you mean `shao2021`?"],
    ),
    (
        "dangling cross-link in text",
        "topics/background.yaml",
        "(@findings/pl-spines-mice)",
        "(@findings/pl-spine)",
        [
            "content/topics/background.yaml:{line}: sections[0].text: link `@findings/pl-spine`: no finding `pl-spine`; did you mean `pl-spines-mice`?"
        ],
    ),
    (
        "unknown collection in link",
        "topics/background.yaml",
        "(@findings/pl-spines-mice)",
        "(@finding/pl-spines-mice)",
        [
            "content/topics/background.yaml:{line}: sections[0].text: link `@finding/pl-spines-mice`: no collection `finding`; did you mean `findings`?"
        ],
    ),
    (
        "malformed citation",
        "mechanisms/plasticity.yaml",
        "as in [@shao2021]",
        "as in [@shao 2021]",
        [f"{M}:{{line}}: summary: citation `[@shao 2021]` is malformed: write [@id] or [@id; @id]"],
    ),
    (
        "javascript link",
        "mechanisms/plasticity.yaml",
        "see [the question](@questions/translation)",
        "see [x](javascript:alert(1))",
        [
            f"{M}:{{line}}: altered_in_sud: link target `javascript:` is not allowed; use http, https or mailto, or (@collection/id)"
        ],
    ),
    (
        "javascript reference link",
        "mechanisms/plasticity.yaml",
        "altered_in_sud: >-\n  Learning is hard to change; see [the question](@questions/translation).",
        'altered_in_sud: "Learning is hard to change; see [x][r].\\n\\n[r]: javascript:alert(1)"',
        [
            f"{M}:{{line}}: altered_in_sud: link target `javascript:` is not allowed; use http, https or mailto, or (@collection/id)",
            f"{M}:{{line}}: altered_in_sud: reference-style link definitions are not allowed; write the link in place: [text](https://…)",
        ],
    ),
    (
        "raw html",
        "mechanisms/plasticity.yaml",
        "A window for *learning*",
        "A window for <img src=x onerror=alert(1)>",
        [f"{M}:{{line}}: psychotherapy: raw HTML is not allowed; write Markdown (it is shown as text, never run)"],
    ),
    (
        "remote image",
        "mechanisms/plasticity.yaml",
        "A window for *learning*",
        "A window for ![x](https://example.com/x.png)",
        [f"{M}:{{line}}: psychotherapy: images are not allowed (they would load from another site in every reader's browser)"],
    ),
    (
        "attribute list",
        "mechanisms/plasticity.yaml",
        "A window for *learning*",
        "A window for *learning*{ onmouseover=alert(1) }",
        [f"{M}:{{line}}: psychotherapy: attribute lists (`{{: …}}`, `{{ #id }}`, `{{ onclick=… }}`) are not allowed"],
    ),
    (
        "heading in a finding",
        "mechanisms/plasticity.yaml",
        "      One dose increased",
        "      # One dose increased",
        [f"{M}:{{line}}: findings[0].statement: headings are not allowed in this field"],
    ),
    (
        "list in a finding",
        "mechanisms/plasticity.yaml",
        "      One dose increased",
        "      - One dose increased",
        [f"{M}:{{line}}: findings[0].statement: lists are not allowed in this field"],
    ),
    (
        "id not a safe slug",
        "substances/lsd.yaml",
        "id: lsd",
        "id: ../x",
        [
            "content/substances/lsd.yaml:1: id: `../x` does not match the file name `lsd.yaml`; rename one of them",
            "content/substances/lsd.yaml:1: id: `../x` is not a safe id: use lower-case letters, digits and single hyphens, like `shao2021`",
        ],
    ),
    (
        "finding id with a space: no follow-on errors",
        "mechanisms/plasticity.yaml",
        "id: pl-spines-mice",
        "id: pl spines",
        [
            f"{M}:{{line}}: findings[0].id: `pl spines` is not a safe id: use lower-case letters, digits and single hyphens, like `shao2021`"
        ],
    ),
    (
        "duplicate finding id",
        "topics/background.yaml",
        "id: bg-trials",
        "id: pl-spines-mice",
        [
            "content/topics/background.yaml:{line}: sections[0].findings[0].id: finding id `pl-spines-mice` is already used at content/mechanisms/plasticity.yaml:20"
        ],
    ),
    (
        "release pages not a list",
        "changelog.yaml",
        "pages: [mechanisms/plasticity, studies/shao2021]",
        "pages: true",
        ["content/changelog.yaml:{line}: releases[0].pages: expected a list, got true/false `True`"],
    ),
    (
        "release lists a page that does not exist",
        "changelog.yaml",
        "pages: [mechanisms/plasticity, studies/shao2021]",
        "pages: [glossary/bdnf, evidence-map]",
        ["content/changelog.yaml:{line}: releases[0].pages[0]: no page `glossary/bdnf`; did you mean `glossary/index`?"],
    ),
    (
        "malformed DOI",
        "studies/shao2021.yaml",
        "doi: 10.1016/j.neuron.2021.06.008",
        "doi: https://doi.org/10.1016/x",
        [
            f"{S}:{{line}}: doi: `https://doi.org/10.1016/x` is not a DOI: write it without https://doi.org/, like 10.1016/j.neuron.2021.06.008"
        ],
    ),
    (
        "DOI with markup",
        "studies/shao2021.yaml",
        "doi: 10.1016/j.neuron.2021.06.008",
        "doi: 10.1016/x)><svg/onload=alert(1)>",
        [
            f"{S}:{{line}}: doi: `10.1016/x)><svg/onload=alert(1)>` is not a DOI: write it without https://doi.org/, like 10.1016/j.neuron.2021.06.008"
        ],
    ),
    (
        "malformed PMID",
        "studies/shao2021.yaml",
        "pmid: '34228959'",
        "pmid: 'PMID34228959'",
        [f"{S}:{{line}}: pmid: `PMID34228959` is not a PubMed id: digits only, quoted, like '34228959'"],
    ),
    (
        "malformed NCT",
        "trials/nct04141501.yaml",
        "nct: NCT04141501",
        "nct: NCT4141501",
        [
            "content/trials/nct04141501.yaml:{line}: nct: `NCT4141501` is not a ClinicalTrials.gov id: `NCT` and eight "
            "digits, like `NCT04141501`"
        ],
    ),
    (
        "impossible date",
        "trials/nct04141501.yaml",
        "first_posted: '2019-10-28'",
        "first_posted: 2019-02-30",
        ["content/trials/nct04141501.yaml:{line}: record.first_posted: `2019-02-30` is not a day of the calendar"],
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
    (
        "site url with a quote",
        "site.yaml",
        "url: https://example.org/fixture/",
        "url: 'https://example.org/\" onmouseover=\"alert(1)'",
        ['content/site.yaml:{line}: url: `https://example.org/" onmouseover="alert(1)` is not a web address: write https://…/'],
    ),
    (
        "site url without a slash",
        "site.yaml",
        "url: https://example.org/fixture/",
        "url: https://example.org/fixture",
        ["content/site.yaml:{line}: url: `https://example.org/fixture` must end with `/`"],
    ),
    (
        "author with markup",
        "studies/shao2021.yaml",
        "  - Kwan, A. C.",
        "  - <img src=x onerror=alert(1)>",
        [
            f"{S}:{{line}}: authors[1]: `<img src=x onerror=alert(1)>` is not written `Family, Initials` (or `Family, Initials, Jr.`)"
        ],
    ),
    (
        "et al. as an author",
        "studies/shao2021.yaml",
        "  - Kwan, A. C.",
        "  - et al.",
        [f"{S}:{{line}}: authors[1]: `et al.` is not written `Family, Initials` (or `Family, Initials, Jr.`)"],
    ),
    (
        "unbalanced brace in an author",
        "studies/shao2021.yaml",
        "  - Kwan, A. C.",
        "  - Kwan, A. {C.",
        [f"{S}:{{line}}: authors[1]: `Kwan, A. {{C.` is not written `Family, Initials` (or `Family, Initials, Jr.`)"],
    ),
    (
        "year out of range",
        "studies/shao2021.yaml",
        "year: 2021",
        "year: 20210",
        [f"{S}:{{line}}: year: `20210` is out of range (maximum 2100)"],
    ),
    (
        "evidence level misspelt",
        "mechanisms/plasticity.yaml",
        "evidence: animal",
        "evidence: animals",
        [
            f"{M}:{{line}}: findings[0].evidence: `animals` is not one of: in-vitro, animal, healthy-volunteers, patients-sud, patients-other, review, method; did you mean `animal`?"
        ],
    ),
    (
        "finding with no study",
        "mechanisms/plasticity.yaml",
        "studies: [shao2021]",
        "studies: []",
        [f"{M}:{{line}}: findings[0].studies: needs at least 1 item"],
    ),
    (
        "study that nothing cites",
        "mechanisms/plasticity.yaml",
        "studies: [shao2021]",
        "studies: [rieser2021]",
        [f"{S}:1: id: no finding cites this study; add it to a finding's `studies` or remove the file"],
    ),
    (
        "empty text",
        "glossary/sud.yaml",
        "definition: A disorder of substance use.",
        "definition: ''",
        ["content/glossary/sud.yaml:{line}: definition: must not be empty"],
    ),
    (
        "text too long",
        "glossary/sud.yaml",
        "definition: A disorder of substance use.",
        "definition: " + "x" * 1_001,
        ["content/glossary/sud.yaml:{line}: definition: is 1,001 characters long; the limit is 1,000"],
    ),
    (
        "same id twice in a list",
        "studies/rieser2021.yaml",
        "substances: [psilocybin, lsd]",
        "substances: [lsd, lsd]",
        ["content/studies/rieser2021.yaml:{line}: substances: lists the same value twice"],
    ),
    (
        "citation in a page",
        "pages/index.md",
        "See [@shao2021]",
        "See [@sha2021]",
        ["content/pages/index.md:{line}: text: citation `@sha2021`: no study `sha2021`; did you mean `shao2021`?"],
    ),
    (
        "script in a page",
        "pages/index.md",
        "See [@shao2021]",
        "<script>alert(1)</script>",
        ["content/pages/index.md:{line}: text: raw HTML is not allowed; write Markdown (it is shown as text, never run)"],
    ),
    (
        "link to a missing page",
        "pages/index.md",
        "See [@shao2021]",
        "See [x](nowhere.md)",
        ["content/pages/index.md:{line}: text: link to `nowhere.md`: no such page"],
    ),
    (
        "finding answers an outcome the page does not have",
        "mechanisms/plasticity.yaml",
        "    outcome: spines\n",
        "    outcome: spine\n",
        [f"{M}:{{line}}: findings[0].outcome: no outcome `spine` on this page; did you mean `spines`?"],
    ),
    (
        "outcome id used twice",
        "mechanisms/plasticity.yaml",
        "  - id: in-humans\n",
        "  - id: spines\n",
        [
            f"{M}:{{line}}: outcomes[1].id: outcome id `spines` is used twice on this page",
            f"{M}:{{at:outcome: in-humans}}: findings[1].outcome: no outcome `in-humans` on this page",
        ],
    ),
    (
        "outcome on a topic's finding",
        "topics/background.yaml",
        "        evidence: patients-sud\n",
        "        evidence: patients-sud\n        outcome: spines\n",
        [
            "content/topics/background.yaml:{at:outcome: spines}: sections[0].findings[0].outcome: only a mechanism's findings have an outcome; remove it"
        ],
    ),
    (
        "characteristic left out instead of written as null",
        "studies/shao2021.yaml",
        "  follow_up: 1 month\n",
        "",
        [f"{S}:{{at:characteristics:}}: characteristics.follow_up: missing required field"],
    ),
    (
        "design misspelt",
        "studies/shao2021.yaml",
        "  design: animal-experiment\n",
        "  design: animal-study\n",
        [
            f"{S}:{{line}}: characteristics.design: `animal-study` is not one of: randomised-controlled, non-randomised-controlled, "
            "single-group-open-label, cross-over, cohort-observational, case-series, qualitative, animal-experiment, in-vitro, "
            "systematic-review-meta-analysis, narrative-review"
        ],
    ),
    (
        "effect estimate written as a number, losing its decimals",
        "studies/shao2021.yaml",
        "characteristics:\n",
        "effects:\n- outcome: other\n  label: X\n  primary: true\n  comparison: A vs B\n  timepoint: null\n"
        "  measure: odds-ratio\n  value: 2.0\n  ci_low: '1.0'\n  ci_high: '4.0'\n  ci_level: 95\n  p: null\n"
        "  favours: higher\ncharacteristics:\n",
        [f"{S}:{{at:value: 2.0}}: effects[0].value: expected text or null, got a number `2.0`"],
    ),
    (
        "a copy offered to readers as a record's source",
        "studies/shao2021.yaml",
        "  source: https://pubmed.ncbi.nlm.nih.gov/34228959/",
        "  source: https://www.scribd.com/document/1/shao",
        [
            "content/studies/shao2021.yaml:{line}: checked.source: `https://www.scribd.com/document/1/shao` is not a primary "
            "record (PubMed, PMC, a DOI, the publisher or a registry); move it to `mirrors`"
        ],
    ),
    (
        "a copy among the other addresses",
        "studies/shao2021.yaml",
        "  date: '2026-12-07'\n  mirrors:",
        "  date: '2026-12-07'\n  also:\n  - https://doi.org/10.1016/j.neuron.2021.06.008\n  - http://47.251.13.51:8081/34228959\n  mirrors:",
        [
            "content/studies/shao2021.yaml:{at:47.251}: checked.also[1]: `http://47.251.13.51:8081/34228959` is not a primary "
            "record (PubMed, PMC, a DOI, the publisher or a registry); move it to `mirrors`"
        ],
    ),
    (
        "a record checked nowhere",
        "studies/rieser2021.yaml",
        "  mirrors:\n  - https://example.org/a-copy-of-rieser2021\n",
        "",
        [
            "content/studies/rieser2021.yaml:{at:checked:}: checked.source: missing: give the primary record's address, or "
            "list the copies read in `mirrors`"
        ],
    ),
    (
        "a registry copy as a trial's source",
        "trials/nct04141501.yaml",
        "  source: https://clinicaltrials.gov/study/NCT04141501",
        "  source: https://ichgcp.net/clinical-trials-registry/NCT04141501",
        [
            "content/trials/nct04141501.yaml:{line}: checked.source: `https://ichgcp.net/clinical-trials-registry/NCT04141501` "
            "is not ClinicalTrials.gov's own page for NCT04141501; write https://clinicaltrials.gov/study/NCT04141501 and "
            "move the copy to `mirrors`"
        ],
    ),
    (
        "another trial's record as the source",
        "trials/nct04141501.yaml",
        "  source: https://clinicaltrials.gov/study/NCT04141501",
        "  source: https://clinicaltrials.gov/study/NCT04999999",
        [
            "content/trials/nct04141501.yaml:{line}: checked.source: `https://clinicaltrials.gov/study/NCT04999999` is not "
            "ClinicalTrials.gov's own page for NCT04141501; write https://clinicaltrials.gov/study/NCT04141501"
        ],
    ),
    (
        "two main registrations",
        "trials/nct04141501.yaml",
        "nct: NCT04141501\n",
        "nct: NCT04141501\nactrn: ACTRN12622000463774\n",
        [
            "content/trials/nct04141501.yaml:{at:actrn:}: file: give exactly one registry id (nct, actrn, isrctn, drks, "
            "eudract), the trial's main registration; put its other registrations in `other_ids`"
        ],
    ),
    (
        "no registration",
        "trials/nct04141501.yaml",
        "nct: NCT04141501\n",
        "",
        [
            "content/trials/nct04141501.yaml:1: file: give exactly one registry id (nct, actrn, isrctn, drks, eudract), the "
            "trial's main registration; put its other registrations in `other_ids`"
        ],
    ),
    (
        "an id that is not the registry id",
        "trials/nct04141501.yaml",
        "nct: NCT04141501",
        "nct: NCT04141502",
        [
            "content/trials/nct04141501.yaml:1: id: `nct04141501` is not the registry id in lower case without punctuation: "
            "`nct04141502`",
            "content/trials/nct04141501.yaml:{at:  source:}: checked.source: `https://clinicaltrials.gov/study/NCT04141501` is "
            "not ClinicalTrials.gov's own page for NCT04141502; write https://clinicaltrials.gov/study/NCT04141502",
        ],
    ),
    (
        "a partial registry date that is no day",
        "trials/nct04141501.yaml",
        "  last_update_posted: '2022-05-20'",
        "  last_update_posted: '2022-04-31'",
        ["content/trials/nct04141501.yaml:{line}: record.last_update_posted: `2022-04-31` is not a day of the calendar"],
    ),
    (
        "organisation and person mixed up",
        "site.yaml",
        "  - family: Author\n    given: Tess\n",
        "  - name: Tess Author\n",
        [
            "content/site.yaml:{line}: authors[0]: expected `{family: …, given: …}` for a person or `{organisation: …}` for a group"
        ],
    ),
]

T = "content/studies/trial2020a.yaml"
C = "content/comparisons/drinking.yaml"
_TRIAL = Path(__file__).parent / "fixtures" / "review" / "studies" / "trial2020a.yaml"
_ROB_BLOCK = _TRIAL.read_text().split("risk_of_bias:\n", 1)[1].split("effects:\n", 1)[0]
SYNTHESIS_CASES = [
    (
        "controlled trial without its risk of bias",
        "studies/trial2020a.yaml",
        "risk_of_bias:\n" + _ROB_BLOCK,
        "",
        [f"{T}:1: risk_of_bias: a controlled trial needs its risk of bias by domain (rob2)"],
    ),
    (
        "risk-of-bias domains out of order",
        "studies/trial2020a.yaml",
        "  - {domain: randomisation-process, judgement: low, support: Made up.}\n"
        "  - {domain: deviations-from-interventions, judgement: low, support: Made up.}\n",
        "  - {domain: deviations-from-interventions, judgement: low, support: Made up.}\n"
        "  - {domain: randomisation-process, judgement: low, support: Made up.}\n",
        [
            f"{T}:{{at:  domains:}}: risk_of_bias.domains: RoB 2, the Cochrane risk-of-bias tool for randomised trials has "
            "these domains, in this order: randomisation-process, deviations-from-interventions, missing-outcome-data, "
            "measurement-of-outcome, selection-of-reported-result"
        ],
    ),
    (
        "a parallel trial assessed with the cross-over tool",
        "studies/trial2020a.yaml",
        "  tool: rob2\n",
        "  tool: rob2-crossover\n",
        [
            f"{T}:{{line}}: risk_of_bias.tool: `rob2-crossover` does not assess a `randomised-controlled` study; use rob2",
            f"{T}:{{at:  domains:}}: risk_of_bias.domains: RoB 2 for cross-over trials has these domains, in this order: "
            "randomisation-process, period-and-carryover, deviations-from-interventions, missing-outcome-data, "
            "measurement-of-outcome, selection-of-reported-result",
        ],
    ),
    (
        "a judgement the tool does not make",
        "studies/trial2020a.yaml",
        "  overall: some-concerns\n",
        "  overall: moderate\n",
        [f"{T}:{{line}}: risk_of_bias.overall: give the overall judgement: one of low, some-concerns, high"],
    ),
    (
        "two trials with estimates and no pooling decision",
        "comparisons/drinking.yaml",
        "pooling:\n  - outcome: heavy-drinking-days\n    pool: true\n    why: Same population, comparator, dose and time point (made up).\n",
        "",
        [
            f"{C}:{{at:studies:}}: pooling: 2 trials report `heavy-drinking-days` with an estimate: add a pooling decision (pool: true or false, and why)"
        ],
    ),
    (
        "a controlled trial in patients left out of the outcome tables",
        "comparisons/drinking.yaml",
        "studies: [trial2020a, trial2020b]",
        "studies: [trial2020a]",
        [
            "content/studies/trial2020b.yaml:1: id: a controlled trial in people with a substance use disorder belongs in an "
            "outcome table: add it to a comparison's `studies` in content/comparisons/ (or name the trial it reports in "
            "`same_participants_as`)"
        ],
    ),
    (
        "an animal study compared in an outcome table",
        "comparisons/drinking.yaml",
        "studies: [trial2020a, trial2020b]",
        "studies: [trial2020a, trial2020b, shao2021]",
        [f"{C}:{{line}}: studies[2]: only studies in people go in an outcome table"],
    ),
    (
        "a study sharing participants with itself",
        "studies/trial2020a.yaml",
        "adverse_events:\n",
        "same_participants_as: [trial2020a]\nadverse_events:\n",
        [f"{T}:{{line}}: same_participants_as[0]: a study cannot share its participants with itself"],
    ),
]
CASES += SYNTHESIS_CASES


@pytest.mark.parametrize("name, relative, old, new, expected", CASES, ids=[c[0] for c in CASES])
def test_bad_content(review_dir, name, relative, old, new, expected):
    original = (review_dir / relative).read_text()
    edit(review_dir, relative, old, new)
    assert problems(review_dir) == [lines_in(review_dir / relative, message, original.index(old)) for message in expected]


def test_the_line_is_the_one_with_the_fault_in_a_long_field(review_dir):
    edit(
        review_dir,
        "mechanisms/plasticity.yaml",
        "  Growth of synapses, as in [@shao2021].",
        "  Growth of synapses,\n  line two,\n  and [@nowhere2000] on the third.",
    )
    line = line_of(review_dir, "mechanisms/plasticity.yaml", "[@nowhere2000]")
    assert problems(review_dir) == [f"{M}:{line}: summary: citation `@nowhere2000`: no study `nowhere2000`"]


def test_a_broken_file_does_not_bring_follow_on_errors(review_dir):
    (review_dir / "mechanisms" / "plasticity.yaml").write_text("id: plasticity\ntitle: [unclosed\n")
    found = problems(review_dir)
    assert found == ["content/mechanisms/plasticity.yaml:3: yaml: expected ',' or ']', but got '<stream end>'"], found


@pytest.mark.parametrize("name", ["index", "evidence-map", "changelog", "studies"])
def test_a_hand_written_page_may_not_take_a_generated_page_name(review_dir, name):
    (review_dir / "pages" / f"{name}.md").write_text("# Mine\n")
    assert problems(review_dir) == (
        [] if name == "index" else [f"content/pages/{name}.md:1: file: `{name}` is the name of a generated page; rename the file"]
    )


def test_a_study_cannot_be_called_index(review_dir):
    (review_dir / "studies" / "index.yaml").write_text(
        (review_dir / "studies" / "shao2021.yaml").read_text().replace("id: shao2021", "id: index")
    )
    assert (
        "content/studies/index.yaml:1: id: `index` is reserved for the list of the collection's pages; choose another id"
        in problems(review_dir)
    )


def test_file_name_must_match_id(review_dir):
    (review_dir / "substances" / "lsd.yaml").rename(review_dir / "substances" / "lysergide.yaml")
    assert problems(review_dir) == [
        "content/substances/lysergide.yaml:1: id: `lsd` does not match the file name `lysergide.yaml`; rename one of them"
    ]


def test_every_error_is_reported_at_once(review_dir):
    edit(review_dir, "studies/shao2021.yaml", "year: 2021", "year: twenty")
    edit(review_dir, "substances/lsd.yaml", "class: classic-psychedelic\n", "")
    edit(review_dir, "glossary/bdnf.yaml", "related: [sud]", "related: [suds]")
    assert len(problems(review_dir)) == 3


def test_site_version_must_match_the_newest_release(review_dir):
    edit(review_dir, "site.yaml", "version: 1.2.3", "version: 1.2.4")
    assert problems(review_dir) == [
        f"content/site.yaml:{line_of(review_dir, 'site.yaml', 'version: 1.2.4')}: version: `1.2.4` differs from the newest release in content/changelog.yaml (`1.2.3`)"
    ]


def test_releases_are_newest_first(review_dir):
    edit(review_dir, "changelog.yaml", 'date: "2025-06-01"', 'date: "2026-06-01"')
    assert problems(review_dir) == ["content/changelog.yaml:1: releases: releases must be listed newest first"]


def line_of(review_dir, relative, text):
    """The line of the fixture file that holds `text` (derived, so that editing the fixture moves no test)."""
    lines = (review_dir / relative).read_text().splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


def test_an_evidence_level_the_design_does_not_admit_is_refused(review_dir):
    # Passed the check and then crashed the build with KeyError: 'method' in certainty.py.
    edit(review_dir, "studies/shao2021.yaml", "evidence: animal", "evidence: method")
    line = line_of(review_dir, "studies/shao2021.yaml", "evidence: method")
    assert problems(review_dir) == [
        f"{S}:{line}: evidence: `method` is not a level of evidence for the design `animal-experiment` "
        "(Animal experiment); use one of: in-vitro, animal"
    ]
