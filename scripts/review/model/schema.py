"""The content model: one JSON Schema per collection, the single source for validation, editor schemas and the guide."""

from __future__ import annotations

import functools
import re

from .bias import DOMAINS, JUDGEMENTS, TOOLS
from .evidence import DESIGNS, EVIDENCE_LEVELS
from .outcomes import DIRECTIONS, MEASURES, OUTCOMES
from .registries import ALLOCATIONS, CONDITION_GROUPS, MASKINGS, REGISTRIES

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DATE = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"  # the calendar is checked after the pattern
VERSION = r"^\d+\.\d+\.\d+$"
DOI = r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$"  # Crossref's recommended pattern: no quotes, brackets or spaces
NUMBER = r"^-?[0-9]{1,9}(\.[0-9]{1,9})?$"
PMID = r"^[1-9][0-9]{0,8}$"
URL = r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[-A-Za-z0-9._~%!&()*+,;=:@/?#]*)?$"  # no quotes, spaces or brackets


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern))


def matches(pattern: str, text: str) -> bool:
    """Whether text matches one of the schema's patterns as JSON Schema reads them (ECMA-262, as the editors and
    fastjsonschema do): `$` is the end of the text. Python's `$` also matches before a final newline, which would
    let `1.2.3\\n` through as a version and into every canonical address."""
    return bool(_compiled(pattern).search(text))


URL_HINT = "is not a web address: write https://…"
TEXT_MAX = 20_000  # characters in one Markdown field; a plain field takes at most PLAIN_MAX
PLAIN_MAX = 1_000
LIST_MAX = 500

ATTRIBUTIONS = {
    "chapter": "Cited in the chapter",
    "inferred": "Probably cited in the chapter (not confirmed in the sources checked)",
    "since-chapter": "Published or added since the chapter",
}
FINDING_ATTRIBUTIONS = {
    "chapter": "The chapter's argument or the evidence it reviews",
    "since-chapter": "Evidence published since the chapter",
}
# Study characteristics: the fixed lists of the characteristics table (designs and evidence levels: evidence.py).
COMPARATORS = {
    "placebo": "Placebo",
    "active-placebo": "Active placebo",
    "active-treatment": "Active treatment",
    "usual-care": "Usual care",
    "none": "None",
    "not-applicable": "Not applicable",
}
BLINDING = {
    "double-blind": "Double-blind",
    "single-blind": "Single-blind",
    "open-label": "Open-label",
    "not-applicable": "Not applicable",
}
# ClinicalTrials.gov API v2 `overallStatus` values (OpenAPI spec 2.0.3), with the registry's own wording.
TRIAL_STATUSES = {
    "NOT_YET_RECRUITING": "Not yet recruiting",
    "RECRUITING": "Recruiting",
    "ENROLLING_BY_INVITATION": "Enrolling by invitation",
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting",
    "SUSPENDED": "Suspended",
    "TERMINATED": "Terminated",
    "COMPLETED": "Completed",
    "WITHDRAWN": "Withdrawn",
    "UNKNOWN": "Unknown status",
    "AVAILABLE": "Available",
    "NO_LONGER_AVAILABLE": "No longer available",
    "TEMPORARILY_NOT_AVAILABLE": "Temporarily not available",
    "APPROVED_FOR_MARKETING": "Approved for marketing",
    "WITHHELD": "Withheld",
}
PARTIAL_DATE = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
SUBSTANCE_CLASSES = ["classic-psychedelic", "atypical-psychedelic", "entactogen", "non-hallucinogenic-analogue", "antagonist"]
WORK_TYPES = ["journal-article", "book", "chapter"]
ORGANISATION = "organisation"


def _text(description, example, markdown=True, min_length=1):
    """A string field; Markdown fields may use [@study] citations and (@collection/id) links."""
    return {
        "type": "string",
        "minLength": min_length,
        "maxLength": TEXT_MAX if markdown else PLAIN_MAX,
        "description": description + (" Markdown." if markdown else " Plain text."),
        "examples": [example],
        "x-markdown": markdown,
    }


def _pattern(pattern, description, example, hint):
    """A string checked against a strict pattern before any use; `hint` is said when it does not match."""
    return {
        "type": "string",
        "pattern": pattern,
        "maxLength": PLAIN_MAX,
        "description": description,
        "examples": [example],
        "x-hint": hint,
    }


def _date(description, example):
    """A calendar date written YYYY-MM-DD (quoted)."""
    return _pattern(DATE, description + " (YYYY-MM-DD, quoted).", example, "is not a date: write YYYY-MM-DD, quoted")


# A release dates the build: its pages' last-changed dates, the sitemap and the timestamp of the sitemap's gzip
# copy, which holds the seconds since 1970 in 32 bits. The check refuses a release dated outside that range.
RELEASE_DATES = ("1970-01-01", "2106-02-07")


def _release_date(example):
    """The date of a release: a calendar date in RELEASE_DATES."""
    earliest, latest = RELEASE_DATES
    return {
        **_date(f"Release date, from {earliest} to {latest}", example),
        "x-earliest": earliest,
        "x-latest": latest,
    }


def _ids(collection, description, example, min_items=0):
    """A list of ids of entities of one collection."""
    return {
        "type": "array",
        "items": {"type": "string", "pattern": SLUG, "x-hint": ID_HINT},
        "uniqueItems": True,
        "minItems": min_items,
        "maxItems": LIST_MAX,
        "description": description,
        "examples": [example],
        "x-references": collection,
    }


ID_HINT = "is not a safe id: use lower-case letters, digits and single hyphens, like `shao2021`"


def _id(example):
    """The id field: a safe slug equal to the file name."""
    return {
        **_pattern(
            SLUG,
            "Stable id: lower-case letters, digits and single hyphens; equals the file name; never change it once published.",
            example,
            ID_HINT,
        ),
        "maxLength": 100,
    }


def _integer(description, example, minimum=0, maximum=10_000_000):
    """A whole number in a range."""
    return {"type": "integer", "minimum": minimum, "maximum": maximum, "description": description, "examples": [example]}


def _enum(values, description, example):
    """One of a fixed list of words."""
    return {"type": "string", "enum": list(values), "description": description, "examples": [example]}


def _nullable(schema):
    """The schema, or null: `null` writes "not reported in the sources checked"."""
    out = {**schema, "type": [schema["type"], "null"]}
    if "enum" in schema:
        out["enum"] = [*schema["enum"], None]
    return out


def _object(properties, required, description, example=None):
    """A closed object (unknown keys are errors)."""
    schema = {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    if example is not None:
        schema["examples"] = [example]
    return schema


MIRRORS_DESCRIPTION = (
    "Copies of the record (mirrors, aggregators, document-sharing sites) that were read where no primary copy "
    "was in reach: kept for the next audit, never shown to readers."
)

CHECKED = _object(
    {
        "source": _pattern(
            URL,
            "The primary record (PubMed, PMC, the publisher, a registry) where the record (title, authors, year, "
            "identifier) was seen, or its identifier address (https://doi.org/…) where only a copy showing that "
            "identifier was in reach; readers follow it. Leave it out when no primary record or identifier was in "
            "reach: the copies read go in `mirrors`, and the page says so.",
            "https://pubmed.ncbi.nlm.nih.gov/34228959/",
            "is not a web address: write https://…",
        ),
        "date": _date("When it was checked", "2026-12-01"),
        "also": {
            "type": "array",
            "maxItems": 20,
            "uniqueItems": True,
            "items": _pattern(
                URL,
                "Another address used.",
                "https://doi.org/10.1016/j.neuron.2021.06.008",
                "is not a web address: write https://…",
            ),
            "description": "Other primary addresses used (abstract, full text, registry).",
            "examples": [[]],
        },
        "mirrors": {
            "type": "array",
            "maxItems": 20,
            "uniqueItems": True,
            "items": _pattern(
                URL,
                "A copy of the record that was read.",
                "https://example.org/copy-of-pubmed-34228959",
                "is not a web address: write https://…",
            ),
            "description": MIRRORS_DESCRIPTION,
            "examples": [[]],
        },
    },
    ["date"],
    "Where the record was checked, and when: the record's provenance, shown on its page. `source` and `also` must be "
    "primary records (model/provenance.py lists their hosts); `source`, or at least one of `mirrors`, is required.",
)


def _reported(schema):
    """A characteristic: its value, or null when the sources checked do not report it."""
    return _nullable(schema)


def _count(description, example):
    return _reported(_integer(description, example, minimum=0, maximum=10_000_000))


def _estimate(description, example):
    """A reported number, kept as written (`3.0` stays `3.0`)."""
    return _pattern(NUMBER, description, example, "is not a number written as reported: quote it, like '2.0'")


ARM = _object(
    {
        "label": _text("The arm, as the source names it.", "Psilocybin + psychotherapy", markdown=False),
        "allocated": _count("Participants allocated (randomised or assigned) to the arm.", 49),
        "analysed": _count("Participants analysed in the arm.", 48),
    },
    ["label", "allocated", "analysed"],
    "One arm of a study.",
)

EFFECT_ARM = _object(
    {
        "label": _text("The group, as the source names it.", "Psilocybin + MET/CBT", markdown=False),
        "n": _count("Participants in the group for this outcome.", 48),
        "mean": _reported(_estimate("Mean (or the summary the source gives for the group), quoted.", "9.7")),
        "sd": _reported(_estimate("Standard deviation, quoted.", "12.1")),
        "events": _count("Participants with the event (dichotomous outcomes).", 17),
    },
    ["label", "n", "mean", "sd", "events"],
    "One group's data for an outcome, as reported (null where not).",
)

EFFECT = _object(
    {
        "outcome": _enum(OUTCOMES, "The outcome, from the review's one list of clinical outcomes.", "heavy-drinking-days"),
        "label": _text("The outcome as the source names it.", "Percentage of heavy drinking days", markdown=False),
        "primary": {"type": "boolean", "description": "Whether it is a primary outcome of the study.", "examples": [True]},
        "timepoint": _reported(_text("When the outcome was measured.", "weeks 5-36", markdown=False)),
        "comparison": _text(
            "What is compared with what, and in which direction the value is taken.",
            "Diphenhydramine minus psilocybin, percentage points",
            markdown=False,
        ),
        "measure": _reported(_enum(MEASURES, "Kind of estimate (null when the source gives no number).", "mean-difference")),
        "value": _reported(_estimate("The estimate, as the source reports it (quoted, with its decimals).", "13.9")),
        "ci_low": _reported(_estimate("Lower confidence limit (quoted).", "3.0")),
        "ci_high": _reported(_estimate("Upper confidence limit (quoted).", "24.7")),
        "ci_level": _reported(_integer("Confidence level in per cent.", 95, minimum=50, maximum=99)),
        "p": _reported(_text("The p value, as reported (`0.003`, `< .001`).", ".01", markdown=False)),
        "favours": _enum(["higher", "lower"], "Which side of no effect favours the psychedelic.", "higher"),
        "arms": {
            "type": "array",
            "items": EFFECT_ARM,
            "maxItems": 50,
            "description": "Each group's data, as reported (used to compute an estimate or interval the source "
            "does not give, which the pages then mark as computed).",
            "examples": [[]],
        },
        "note": _reported(_text("What a reader needs to read the numbers right.", "Arm values are model-based.", markdown=False)),
        "source": _pattern(URL, "Where the numbers were read.", "https://pmc.ncbi.nlm.nih.gov/articles/PMC9403854", URL_HINT),
    },
    [
        "outcome",
        "label",
        "primary",
        "timepoint",
        "comparison",
        "measure",
        "value",
        "ci_low",
        "ci_high",
        "ci_level",
        "p",
        "favours",
    ],
    "One outcome a study reports, exactly as the source reports it.",
)

RISK_OF_BIAS = _object(
    {
        "tool": _enum(TOOLS, "The tool: rob2, rob2-crossover, robins-i, syrcle, or none (with `why`).", "rob2"),
        "result": _reported(
            _text("The result the judgement is for (RoB 2 judges a result).", "Heavy drinking days, weeks 5-36", markdown=False)
        ),
        "domains": {
            "type": "array",
            "maxItems": 20,
            "items": _object(
                {
                    "domain": _enum(DOMAINS, "The tool's domain.", "randomisation-process"),
                    "judgement": _enum(JUDGEMENTS, "The judgement, in the tool's words.", "some-concerns"),
                    "support": _text(
                        "What the source says that supports the judgement, in our own words.",
                        "The abstract says participants were randomly assigned; how was not described.",
                        markdown=False,
                    ),
                },
                ["domain", "judgement", "support"],
                "One domain of the tool.",
            ),
            "description": "The tool's domains, in its order, each with a judgement and its support.",
            "examples": [[]],
        },
        "overall": _reported(_enum(JUDGEMENTS, "The overall judgement (null for `none`).", "some-concerns")),
        "why": _text(
            "Why no tool was applied (with `tool: none`).", "Single-group study: no comparison to judge.", markdown=False
        ),
        "source": _pattern(
            URL, "The full text, protocol or registry read.", "https://pmc.ncbi.nlm.nih.gov/articles/PMC9403854", URL_HINT
        ),
    },
    ["tool", "overall", "source"],
    "Risk of bias, by the tool's domains: the certainty rules read it for every design.",
)

ADVERSE_EVENTS = _object(
    {
        "summary": _text(
            "What adverse events were reported, serious ones, by group, in our own words.",
            "No serious adverse events with psilocybin; headache and nausea were the commonest events.",
            markdown=False,
        ),
        "serious": {
            "type": ["array", "null"],
            "maxItems": 50,
            "items": _object(
                {
                    "arm": _text("The group.", "Psilocybin 25 mg", markdown=False),
                    "events": _count("Participants with a serious adverse event.", 1),
                    "n": _count("Participants in the group.", 20),
                },
                ["arm", "events", "n"],
                "Serious adverse events in one group.",
            ),
            "description": "Serious adverse events by group (null where the sources checked give no counts).",
            "examples": [None],
        },
        "source": _pattern(URL, "Where they were read.", "https://pmc.ncbi.nlm.nih.gov/articles/PMC9403854", URL_HINT),
    },
    ["summary", "serious", "source"],
    "Adverse events as reported.",
)

CHARACTERISTICS = _object(
    {
        "design": _reported(_enum(DESIGNS, "Study design.", "randomised-controlled")),
        "methods": _text("What was done, in one line.", "Double-blind trial of two psilocybin sessions ...", markdown=False),
        "population": _text("Species or sample.", "Adults with alcohol dependence", markdown=False),
        "condition": _reported(
            _text("The substance use disorder (or other condition) studied.", "Alcohol use disorder", markdown=False)
        ),
        "studies_included": _count("Studies included (reviews).", 4),
        "enrolled": _count("Participants enrolled (or, for a review, in the studies it pools).", 95),
        "randomised": _count("Participants randomised (null where nobody was, or the source does not say).", 95),
        "analysed": _count("Participants analysed.", 93),
        "arms": {
            "type": "array",
            "items": ARM,
            "maxItems": 50,
            "description": "Arms, with their numbers, where the source reports them.",
            "examples": [[]],
        },
        "comparator": _reported(_enum(COMPARATORS, "Comparator.", "active-placebo")),
        "comparator_detail": _reported(_text("The comparator in words.", "Diphenhydramine 50-100 mg", markdown=False)),
        "blinding": _reported(_enum(BLINDING, "Blinding.", "double-blind")),
        "dose": _reported(_text("Substance and dose.", "Psilocybin 25 mg/70 kg", markdown=False)),
        "sessions": _count("Number of drug sessions.", 2),
        "psychotherapy": _reported(_text("Psychotherapy given with the drug.", "12 weeks of MET and CBT", markdown=False)),
        "follow_up": _reported(_text("Length of follow-up.", "32 weeks", markdown=False)),
        "primary_outcome": _reported(_text("Primary outcome.", "Percentage of heavy drinking days", markdown=False)),
        "primary_timepoint": _reported(_text("Time point of the primary outcome.", "Weeks 5-36", markdown=False)),
        "main_result": _reported(
            _text(
                "The main result with its numbers, as the source reports it.", "Heavy drinking days 9.7% vs 23.6%", markdown=False
            )
        ),
    },
    [
        "design",
        "methods",
        "population",
        "condition",
        "enrolled",
        "randomised",
        "analysed",
        "comparator",
        "comparator_detail",
        "blinding",
        "dose",
        "sessions",
        "psychotherapy",
        "follow_up",
        "primary_outcome",
        "primary_timepoint",
        "main_result",
    ],
    "What the study was and what it found, for the characteristics table. Every listed field is written, "
    "as `null` where the sources checked do not report it.",
)


def _partial_date(description, example):
    """A registry date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (quoted), or null."""
    return _reported(
        _pattern(
            PARTIAL_DATE,
            description + " (YYYY, YYYY-MM or YYYY-MM-DD, quoted).",
            example,
            "is not a date: write YYYY-MM-DD or YYYY-MM, quoted",
        )
    )


RECORD = _object(
    {
        "status": _reported(
            _enum(
                TRIAL_STATUSES,
                "Overall recruitment status, in ClinicalTrials.gov API v2 words (another registry's status is mapped "
                "to the nearest word, and `notes` says so).",
                "COMPLETED",
            )
        ),
        "why_stopped": _reported(_text("Why the trial stopped, as registered.", "Funding ended", markdown=False)),
        "enrollment": _count("Enrolment (target or actual: see `enrollment_type`).", 37),
        "enrollment_type": _reported(_enum(["ACTUAL", "ESTIMATED"], "Whether enrolment is actual or estimated.", "ACTUAL")),
        "first_posted": _partial_date("First posted on the registry", "2019-10-28"),
        "start": _partial_date("Study start", "2020-06-08"),
        "primary_completion": _partial_date("Primary completion", "2023-08"),
        "completion": _partial_date("Study completion", "2023-09"),
        "results_posted": _reported(
            {"type": "boolean", "description": "Whether results are posted on the registry.", "examples": [False]}
        ),
        "results_first_posted": _partial_date("Results first posted", "2022-10-18"),
        "last_update_posted": _partial_date(
            "The record's own date, its last update on the registry: pages say the status is as of this date, and flag "
            "it as possibly stale when it is more than a year before the review's `current_to` or was not seen",
            "2023-09-21",
        ),
    },
    [
        "status",
        "enrollment",
        "enrollment_type",
        "start",
        "primary_completion",
        "completion",
        "results_posted",
        "last_update_posted",
    ],
    "The trial's registry record as it was read (where and when: `checked`): written by `make trials` from the "
    "ClinicalTrials.gov API, or by hand from the copy that was seen (null where a value was not seen).",
)


OUTCOME = _object(
    {
        "id": {**_id("structural-plasticity"), "description": "Id of the outcome, unique on its page; its row's anchor."},
        "question": _text("The question the findings answer.", "Do psychedelics make neurons grow?", markdown=False),
        "subject": _text("Who or what acts, for the summary sentence.", "Classic psychedelics", markdown=False),
        "claim": _text(
            "What the findings suggest, as a verb phrase that follows the subject (`increases ...`); the certainty "
            'adds "probably", "may" or "the evidence is very uncertain".',
            "increase the growth of dendritic spines and synapses",
            markdown=False,
        ),
        "claim_base": _text(
            'The claim as it reads after "may", where the verb differs (`increase ...` for `increases ...`).',
            "increase spine density",
            markdown=False,
        ),
        "asks_about": _enum(
            ["people", "animals"],
            "Whom the question is about (default `people`): evidence from animals answers a question about people only "
            "indirectly, and never above very low certainty.",
            "animals",
        ),
        "surrogate": {
            "type": "boolean",
            "description": "True when the findings measure a stand-in (a brain or laboratory measure) for what the "
            "question asks: the certainty rules rate it down for indirectness.",
            "examples": [True],
        },
        "certainty_override": _object(
            {
                "level": _enum(["high", "moderate", "low", "very-low"], "The rating given instead.", "low"),
                "justification": _text("Why the computed rating is overridden.", "The two trials measured ...", markdown=False),
            },
            ["level", "justification"],
            "An editor's rating in place of the computed one, with the reason, which the page shows.",
        ),
    },
    ["id", "question", "subject", "claim"],
    "A question or outcome on a mechanism page: one row of its summary of findings.",
)

FINDING = _object(
    {
        "id": {
            **_id("np-spines-mouse-mpfc"),
            "description": "Stable id, unique across the whole review; it is the finding's anchor on its page.",
        },
        "statement": {
            **_text(
                "The finding in our own words, one to three sentences (emphasis, links and citations only).",
                "A single dose of psilocybin increased the density of dendritic spines in the mouse frontal cortex.",
            ),
            "x-inline": True,
        },
        "evidence": _enum(EVIDENCE_LEVELS, "Level of evidence.", "animal"),
        "substances": _ids(
            "substances", "Substances the finding concerns (empty for a finding about SUD itself).", ["psilocybin"]
        ),
        "studies": _ids("studies", "Studies that support the finding.", ["shao2021"], min_items=1),
        "direction": _enum(
            DIRECTIONS,
            "How the result bears on the question it answers: "
            + ", ".join(f"`{d.id}` ({d.label.lower()})" for d in DIRECTIONS.values())
            + "; without it, `supports`. A null or harmful result is a finding like any other.",
            "no-difference",
        ),
        "outcome": {
            **_pattern(
                SLUG,
                "The outcome (row of the summary of findings) the finding answers, on a mechanism page.",
                "structural-plasticity",
                ID_HINT,
            ),
            "maxLength": 100,
        },
        "attribution": _enum(
            FINDING_ATTRIBUTIONS,
            "Where the finding comes from: the chapter (the default) or evidence published since the chapter.",
            "since-chapter",
        ),
    },
    ["id", "statement", "evidence", "substances", "studies"],
    "A finding: the unit of evidence, citable on its own.",
)

SECTION = _object(
    {
        "id": {**_id("history"), "description": "Anchor of the section on its page."},
        "title": _text("Heading of the section.", "Early LSD trials", markdown=False),
        "text": _text("Body of the section.", "Trials in the 1950s and 1960s [@krebs2012] ..."),
        "findings": {
            "type": "array",
            "items": FINDING,
            "maxItems": LIST_MAX,
            "description": "Findings presented in this section.",
            "examples": [[]],
        },
    },
    ["id", "title", "text"],
    "A section of a topic page.",
)

STEP = _object(
    {
        "id": {**_id("preparation"), "description": "Anchor of the step."},
        "title": _text("Name of the step.", "Preparation", markdown=False),
        "text": _text("What happens in it.", "Expectations and intentions are discussed."),
    },
    ["id", "title", "text"],
    "A step of a treatment protocol.",
)

PERSON = _object(
    {"family": _text("Family name.", "Doe", markdown=False), "given": _text("Given names or initials.", "J.", markdown=False)},
    ["family", "given"],
    "A person.",
)
ORGANISATION_AUTHOR = _object(
    {ORGANISATION: _text("Name of the group or organisation.", "SUD Psychedelics Review Team", markdown=False)},
    [ORGANISATION],
    "An organisation (a group author).",
)

COLLECTIONS = {
    "mechanisms": _object(
        {
            "id": _id("neuroplasticity"),
            "title": _text("Page title.", "Induced neuroplasticity", markdown=False),
            "order": _integer("Position in navigation and lists.", 1, minimum=1, maximum=10_000),
            "summary": _text("What the mechanism is.", "Psychedelics may promote the growth of ..."),
            "key_messages": {
                "type": "array",
                "minItems": 1,
                "maxItems": 6,
                "items": {
                    **_text(
                        "One key message in plain language (a sentence; emphasis, links and citations only).",
                        "In cells and animals, psychedelics make neurons grow new connections.",
                    ),
                    "x-inline": True,
                },
                "description": "Key messages at the top of the page, in plain language, consistent with the page's "
                "summary of findings.",
                "examples": [["In cells and animals, psychedelics make neurons grow new connections."]],
            },
            "altered_in_sud": _text("What is altered in substance use disorders.", "Chronic substance use ..."),
            "since_chapter": _text(
                "What evidence published since the chapter adds or changes on this mechanism (shown near the top, "
                "marked as later evidence).",
                "Since the chapter, rodent studies have tested ...",
            ),
            "outcomes": {
                "type": "array",
                "items": OUTCOME,
                "minItems": 1,
                "maxItems": LIST_MAX,
                "description": "The questions the findings answer, in order: the rows of the summary of findings.",
                "examples": [[]],
            },
            "findings": {
                "type": "array",
                "items": FINDING,
                "minItems": 1,
                "maxItems": LIST_MAX,
                "description": "The findings, each with its evidence level.",
                "examples": [[]],
            },
            "psychotherapy": _text(
                "What the mechanism implies for psychotherapy.", "A period of heightened plasticity could ..."
            ),
            "related": _ids("mechanisms", "Related mechanisms.", ["network-connectivity"]),
        },
        ["id", "title", "order", "summary", "key_messages", "altered_in_sud", "outcomes", "findings", "psychotherapy", "related"],
        "A candidate mechanism of action, one page each.",
    ),
    "topics": _object(
        {
            "id": _id("background"),
            "title": _text("Page title.", "Background", markdown=False),
            "order": _integer("Position in navigation.", 1, minimum=1, maximum=10_000),
            "summary": _text("Opening paragraph.", "Classic psychedelics were studied ..."),
            "sections": {
                "type": "array",
                "items": SECTION,
                "minItems": 1,
                "maxItems": LIST_MAX,
                "description": "Sections of the page.",
                "examples": [[]],
            },
        },
        ["id", "title", "order", "summary", "sections"],
        "A thematic page (background, implementation, dose) made of sections and findings.",
    ),
    "studies": {
        **_object(
            {
                "id": _id("shao2021"),
                "type": _enum(WORK_TYPES, "Kind of publication.", "journal-article"),
                "authors": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 2_000,
                    "items": {
                        **_pattern(
                            r"^[^,;\[\]{}<>]+,( ?[^,;\[\]{}<>]+)(, ?(Jr\.|Sr\.|II|III|IV))?$",
                            "An author.",
                            "Shao, L.-X.",
                            "is not written `Family, Initials` (or `Family, Initials, Jr.`)",
                        ),
                        "maxLength": 200,
                    },
                    "description": "Every author, in order, as `Family, Initials` (a suffix after a second comma: "
                    "`Abuzzahab, F. S., Sr.`; a particle stays with the family name: `de Araujo, D. B.`).",
                    "examples": [["Shao, L.-X.", "Kwan, A. C."]],
                },
                "authors_incomplete": {
                    "type": "boolean",
                    "description": "True when the sources checked show only the first "
                    "authors; the page then says the list is incomplete.",
                    "examples": [True],
                },
                "year": _integer("Year of publication.", 2021, minimum=1900, maximum=2100),
                "title": _text(
                    "Title of the work, as published.",
                    "Psilocybin induces rapid and persistent growth of dendritic spines in frontal cortex in vivo",
                    markdown=False,
                ),
                "sentence_case_title": _text(
                    "The title in sentence case, for references, where the automatic form would lower-case a proper noun.",
                    "Psilocybin use in Zurich",
                    markdown=False,
                ),
                "journal": _text("Journal (journal articles).", "Neuron", markdown=False),
                "book_title": _text(
                    "Title of the book or book series holding a chapter.",
                    "Current Topics in Behavioral Neurosciences",
                    markdown=False,
                ),
                "publisher": _text("Publisher (books).", "Guilford Press", markdown=False),
                "edition": _integer("Edition of a book (2 or more).", 3, minimum=2, maximum=1_000),
                "volume": {
                    **_pattern(r"^[0-9A-Za-z.-]{1,20}$", "Volume (quoted).", "109", "is not a volume number"),
                    "maxLength": 20,
                },
                "issue": {
                    **_pattern(r"^[0-9A-Za-z./ -]{1,20}$", "Issue (quoted).", "16", "is not an issue number"),
                    "maxLength": 20,
                },
                "pages": {
                    **_pattern(
                        r"^[0-9A-Za-z.]{1,20}(-[0-9A-Za-z.]{1,20})?$",
                        "Pages, as `first-last`, or an article number (quoted).",
                        "2535-2544.e4",
                        "is not a page range: write `first-last` or an article number",
                    ),
                    "maxLength": 41,
                },
                "doi": _pattern(
                    DOI,
                    "DOI without the https://doi.org/ prefix.",
                    "10.1016/j.neuron.2021.06.008",
                    "is not a DOI: write it without https://doi.org/, like 10.1016/j.neuron.2021.06.008",
                ),
                "pmid": _pattern(
                    PMID, "PubMed id (quoted digits).", "34228959", "is not a PubMed id: digits only, quoted, like '34228959'"
                ),
                "evidence": _enum(EVIDENCE_LEVELS, "Level of evidence.", "animal"),
                "substances": _ids("substances", "Substances studied.", ["psilocybin"]),
                "result": _text("What it did and found, in our own words.", "A single dose increased spine density ..."),
                "note": _text("Caveats about the work or its record.", "The volume could not be checked."),
                "trials": _ids("trials", "Registrations of this study.", ["nct01943994"]),
                "attribution": _enum(
                    ATTRIBUTIONS,
                    "How the work comes into the review: cited in the chapter, probably "
                    "cited (not confirmed), or added since the chapter.",
                    "chapter",
                ),
                "checked": CHECKED,
                "characteristics": CHARACTERISTICS,
                "risk_of_bias": RISK_OF_BIAS,
                "effects": {
                    "type": "array",
                    "items": EFFECT,
                    "maxItems": 200,
                    "description": "Every outcome the study reports with numbers (or with a direction only), each as "
                    "reported: the outcome tables and forest plots are made from them.",
                    "examples": [[]],
                },
                "adverse_events": ADVERSE_EVENTS,
                "same_participants_as": _ids(
                    "studies",
                    "Other works in the review that report (some of) the same participants; name the primary report. "
                    "Totals then count these people once.",
                    ["johnson2014"],
                ),
            },
            ["id", "type", "authors", "year", "title", "evidence", "substances", "result", "attribution", "characteristics"],
            "A cited work, one page each.",
        ),
        "allOf": [
            {"if": {"properties": {"type": {"const": "journal-article"}}}, "then": {"required": ["journal"]}},
            {"if": {"properties": {"type": {"const": "chapter"}}}, "then": {"required": ["book_title"]}},
            {"if": {"properties": {"type": {"const": "book"}}}, "then": {"required": ["publisher"]}},
        ],
    },
    "comparisons": _object(
        {
            "id": _id("alcohol"),
            "title": _text("The clinical question, short.", "Alcohol use disorder", markdown=False),
            "order": _integer("Position on the outcomes page.", 1, minimum=1, maximum=10_000),
            "population": _text("Who the trials treated.", "Adults with alcohol use disorder", markdown=False),
            "intervention": _text(
                "The treatment, as the table's sentences name it.", "Psilocybin-assisted therapy", markdown=False
            ),
            "comparator": _text(
                "What it is compared with.", "placebo or an active placebo, with the same psychotherapy", markdown=False
            ),
            "key_message": _text(
                "The bottom line in plain language, consistent with the table's certainty (shown on the home page).",
                "Psilocybin-assisted therapy may reduce heavy drinking ...",
            ),
            "key_outcomes": {
                "type": "array",
                "items": _enum(OUTCOMES, "An outcome.", "heavy-drinking-days"),
                "uniqueItems": True,
                "maxItems": 20,
                "description": "The outcomes whose certainty the home page gives beside the key message.",
                "examples": [["heavy-drinking-days"]],
            },
            "studies": _ids(
                "studies",
                "The controlled trials the table compares (each trial's own report; secondary reports of the same "
                "participants are shown with it).",
                ["bogenschutz2022"],
            ),
            "single_group": _ids(
                "studies",
                "Studies in this population without a control group: shown apart, never against a comparator.",
                ["jensen2025"],
            ),
            "reviews": _ids(
                "studies",
                "Published meta-analyses whose estimates the table shows beside the trials, not re-analysed (their "
                "trials are not among the review's studies).",
                ["krebs2012"],
            ),
            "trials": _ids("trials", "Registered trials without published results that bear on the question.", ["nct02037126"]),
            "pooling": {
                "type": "array",
                "maxItems": 100,
                "items": _object(
                    {
                        "outcome": _enum(OUTCOMES, "The outcome.", "drinks-per-day"),
                        "pool": {
                            "type": "boolean",
                            "description": "Whether the trials are comparable enough to pool.",
                            "examples": [False],
                        },
                        "why": _text(
                            "Why they are or are not comparable (population, comparator, regimen, measure, time point).",
                            "The trials differ in population and comparator.",
                            markdown=False,
                        ),
                    },
                    ["outcome", "pool", "why"],
                    "The decision whether to pool one outcome, with the reason.",
                ),
                "description": "For each outcome that two or more trials report with an estimate: pool (random effects) "
                "or not, and why. The check asks for it.",
                "examples": [[]],
            },
        },
        ["id", "title", "order", "population", "intervention", "comparator", "key_message", "studies"],
        "A clinical question of the outcome tables (Cochrane's summary of findings): population, treatment, "
        "comparator, and the trials that answer it.",
    ),
    "trials": _object(
        {
            "id": {
                **_id("nct04141501"),
                "description": "The registry id in lower case, letters and digits only (`nct04141501`, "
                "`actrn12622000463774`); equals the file name.",
            },
            **{
                r.key: _pattern(
                    f"^{r.id_pattern}$",
                    f"The trial's {r.name} id, where that registry holds its main record (a trial gives exactly one "
                    "of the registry ids; its other registrations go in `other_ids`).",
                    r.example,
                    f"is not a {r.name} id: {r.id_hint}",
                )
                for r in REGISTRIES.values()
            },
            "other_ids": {
                "type": "array",
                "maxItems": 50,
                "uniqueItems": True,
                "items": _text("Another id, with its registry.", "EudraCT 2022-000810-33", markdown=False),
                "description": "Other registrations or ids of the same trial that its record shows.",
                "examples": [["EudraCT 2022-000810-33"]],
            },
            "title": _reported(
                _text(
                    "Registered title (null where the record's title was not seen).",
                    "Clinical and Mechanistic Effects of Psilocybin in Alcohol Addicted Patients",
                    markdown=False,
                )
            ),
            "acronym": _reported(_text("Acronym, as registered.", "QUANTUM Trip", markdown=False)),
            "condition": _text("Condition studied, as registered.", "Alcohol use disorder", markdown=False),
            "condition_group": _enum(CONDITION_GROUPS, "The substance use the trials page counts it under.", "alcohol"),
            "substances": _ids(
                "substances",
                "Substances given. A trial none of whose substances is a classic psychedelic is listed apart, as a "
                "related compound.",
                ["psilocybin"],
                min_items=1,
            ),
            "sponsor": _reported(_text("Sponsor.", "University of Zurich", markdown=False)),
            "countries": _nullable(
                {
                    "type": "array",
                    "maxItems": 100,
                    "items": _text("A country.", "Switzerland", markdown=False),
                    "description": "Countries where it runs.",
                    "examples": [["Switzerland"]],
                }
            ),
            "phase": _reported(_text("Trial phase, as registered.", "Phase 2", markdown=False)),
            "allocation": _reported(_enum(ALLOCATIONS, "Allocation.", "randomised")),
            "masking": _reported(_enum(MASKINGS, "Masking, in the registry's word.", "quadruple")),
            "comparator": _reported(_text("The comparator, in words.", "Mannitol placebo", markdown=False)),
            "design": _text("Design in our own words: arms, doses, setting.", "Double-blind, placebo-controlled ..."),
            "record": RECORD,
            "checked": {
                **CHECKED,
                "description": "Where and when the registry record was read: `source` is the registry's own address "
                "for it (which readers follow), `date` the day it was read, `mirrors` the copies read where the "
                "registry's own page was out of reach (never shown to readers).",
            },
            "outcome": _text(
                "What came of the trial as of the date it was checked: its publications in our own words, or that "
                "none was found; for a trial reported only in the press, what is known and from where.",
                "Results published in 2025 [@rieser2025].",
            ),
            "notes": _text(
                "For auditors: conflicting copies and their dates, values not seen, how another registry's status was mapped.",
                "The status is from a copy of the 2023 version of the record.",
            ),
        },
        ["id", "title", "condition", "condition_group", "substances", "design", "record", "checked", "outcome"],
        "A registered clinical trial. Its publications are the studies that list it in their `trials`.",
    ),
    "substances": _object(
        {
            "id": _id("psilocybin"),
            "name": _text("Name.", "Psilocybin", markdown=False),
            "class": _enum(SUBSTANCE_CLASSES, "Pharmacological class.", "classic-psychedelic"),
            "summary": _text("Its role in the evidence.", "The psychedelic most studied in SUD trials ..."),
            "aliases": {
                "type": "array",
                "maxItems": 50,
                "items": {"type": "string", "minLength": 1, "maxLength": PLAIN_MAX},
                "description": "Other names.",
                "examples": [["LSD"]],
            },
        },
        ["id", "name", "class", "summary"],
        "A substance.",
    ),
    "therapies": _object(
        {
            "id": _id("contingency-management"),
            "name": _text("Name.", "Contingency management", markdown=False),
            "abbreviation": _text("Abbreviation.", "CM", markdown=False),
            "summary": _text("What the approach is.", "Tangible rewards for verified abstinence ..."),
            "studies": _ids("studies", "Works describing or testing it.", ["prendergast2006"]),
            "mechanisms": {
                "type": "object",
                "propertyNames": {"pattern": SLUG},
                "maxProperties": LIST_MAX,
                "additionalProperties": {"type": "string", "minLength": 1, "maxLength": TEXT_MAX},
                "description": "How the approach could work with each mechanism (keys are mechanism ids; Markdown).",
                "examples": [{"neuroplasticity": "Rewards delivered during a plastic window could ..."}],
                "x-references": "mechanisms",
                "x-markdown": True,
            },
            "steps": {
                "type": "array",
                "items": STEP,
                "maxItems": LIST_MAX,
                "description": "Steps of the protocol, in order.",
                "examples": [[]],
            },
        },
        ["id", "name", "summary"],
        "A psychotherapeutic approach.",
    ),
    "questions": _object(
        {
            "id": _id("animal-to-human-translation"),
            "question": _text("The question.", "Do plasticity effects seen in animals occur in patients?", markdown=False),
            "why": _text("Why it matters.", "Much of the case rests on ..."),
            "known": _text("What the evidence says so far.", "Spine growth was shown in mice [@shao2021] ..."),
            "design": _text("What study would settle it.", "A PET study of synaptic density ..."),
            "mechanisms": _ids("mechanisms", "Mechanisms it concerns.", ["neuroplasticity"]),
            "findings": _ids("findings", "Findings it concerns.", ["np-spines-mouse-mpfc"]),
            "studies": _ids("studies", "Studies it concerns.", ["shao2021"]),
            "trials": _ids("trials", "Registered trials that may answer it.", ["nct04141501"]),
            "progress": _object(
                {
                    "status": _enum(["partly-answered", "answered"], "How far later evidence answers it.", "partly-answered"),
                    "date": _date("As of", "2026-12-01"),
                    "text": _text("What later evidence shows, with its studies.", "Two randomised trials have reported ..."),
                },
                ["status", "date", "text"],
                "What evidence published since the chapter answers of the question, and as of when.",
            ),
        },
        ["id", "question", "why", "known", "design"],
        "An open question.",
    ),
    "glossary": _object(
        {
            "id": _id("bdnf"),
            "term": _text("The term in full.", "Brain-derived neurotrophic factor", markdown=False),
            "abbreviation": _text("Abbreviation, if any.", "BDNF", markdown=False),
            "definition": _text("Definition in one or two sentences.", "A growth factor that ...", markdown=False),
            "related": _ids("glossary", "Related terms.", ["trkb"]),
        },
        ["id", "term", "definition"],
        "A glossary term or abbreviation.",
    ),
}

SITE = _object(
    {
        "title": _text("Site title.", "Psychedelic-assisted therapy for SUD", markdown=False),
        "description": _text("One-line description.", "An evidence review", markdown=False),
        "authors": {
            "type": "array",
            "minItems": 1,
            "maxItems": LIST_MAX,
            "items": {"oneOf": [PERSON, ORGANISATION_AUTHOR]},
            "description": "Authors of the review: people as `{family, given}`, or a group as `{organisation}`. "
            "Every citation of the site names them.",
            "examples": [[{ORGANISATION: "SUD Psychedelics Review Team"}]],
        },
        "version": _pattern(VERSION, "Release version.", "0.1.0", "is not a version: write MAJOR.MINOR.PATCH, like `1.0.0`"),
        "date": _release_date("2026-11-26"),
        "publisher": _text(
            "Publisher, where it is not the authors (APA leaves out a publisher that repeats the author).",
            "University of Zurich",
            markdown=False,
        ),
        "disclaimer": _text("What the site is not (shown on the home and about pages).", "This review gives no medical advice."),
        "license": _text("Licence of the content.", "CC BY 4.0", markdown=False),
        "license_url": _pattern(
            URL,
            "Address of the licence text.",
            "https://creativecommons.org/licenses/by/4.0/",
            "is not a web address: write https://…",
        ),
        "url": _pattern(
            URL,
            "Published address of the site, ending in `/`.",
            "https://example.org/review/",
            "is not a web address: write https://…/",
        ),
        "repository": _nullable(
            _pattern(
                r"^https://[A-Za-z0-9.-]+/[A-Za-z0-9._-]+/[A-Za-z0-9._-]+$",
                "The public repository of the review's source (GitHub or GitLab, no trailing slash), the one place "
                "it is set: readers report errors in its issues, pages link to the file to edit, and the build sets "
                "MkDocs' `repo_url` and `edit_uri` from it. `null` until the maintainer publishes it (pages then "
                "say that no address for reports is published yet).",
                "https://github.com/owner/sud-psychedelics-review",
                "is not a repository address: write https://host/owner/name, without a trailing slash",
            )
        ),
    },
    ["title", "description", "authors", "version", "date", "disclaimer", "license", "license_url", "url"],
    "Facts about the site as a whole; `version` and `date` equal the newest entry of the changelog.",
)

RELEASE = _object(
    {
        "version": _pattern(VERSION, "Release version.", "0.2.0", "is not a version: write MAJOR.MINOR.PATCH, like `1.0.0`"),
        "date": _release_date("2026-12-01"),
        "changes": _text("What changed, for readers.", "Added two findings on ..."),
        "commit": _pattern(
            r"^[0-9a-f]{40}$",
            "The git commit the release was made from (its edition is built from it); until it is recorded, the tag "
            "`v<version>` is used.",
            "c4c26103f0e2c7b7d1d0d1a1b3c2d4e5f6a7b8c9",
            "is not a full git commit id (40 hexadecimal digits)",
        ),
        "pages": {
            "type": "array",
            "maxItems": 100_000,
            "uniqueItems": True,
            "items": {
                **_pattern(
                    r"^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)?$",
                    "A page.",
                    "studies/shao2021",
                    "is not a page name: write `collection/id` or a page name like `about`",
                )
            },
            "description": "Pages changed, as `collection/id` or a page name (`index`, `about`, `evidence-map`); omit "
            "when the release touched every page.",
            "examples": [["mechanisms/neuroplasticity", "studies/shao2021"]],
        },
    },
    ["version", "date", "changes"],
    "One release of the review.",
)
CHANGELOG = _object(
    {
        "releases": {
            "type": "array",
            "items": RELEASE,
            "minItems": 1,
            "maxItems": 10_000,
            "description": "Releases, newest first.",
            "examples": [[]],
        }
    },
    ["releases"],
    "The changelog: every release, newest first. Each page shows the release in which it last changed.",
)
_WORK_WITH_REASON = _object(
    {
        "work": _text(
            "The work, described in words (no identifier needed).", "Yao and colleagues (2024), a meta-analysis", markdown=False
        ),
        "reason": _text("Why it is excluded, or why it is waiting.", "Broad scope with little on SUD.", markdown=False),
    },
    ["work", "reason"],
    "A work considered, with the reason it is not (yet) in the review.",
)
SEARCH = _object(
    {
        "current_to": _date(
            "The date up to which the literature and the registry were checked: every page says the evidence is "
            "current to it, and citations carry it",
            "2026-12-01",
        ),
        "summary": _text(
            "How the literature was searched and checked, for the method page.", "The chapter reports no search ..."
        ),
        "sources": {
            "type": "array",
            "minItems": 1,
            "maxItems": 100,
            "items": _text("A source searched.", "PubMed", markdown=False),
            "description": "Where the search looked.",
            "examples": [["PubMed"]],
        },
        "terms": {
            "type": "array",
            "minItems": 1,
            "maxItems": 100,
            "items": _text("Search terms, in words.", "psilocybin and alcohol use disorder", markdown=False),
            "description": "What was searched for.",
            "examples": [["psilocybin and alcohol use disorder"]],
        },
        "excluded": {
            "type": "array",
            "maxItems": 10_000,
            "items": _WORK_WITH_REASON,
            "description": "Works considered and excluded, with the reason (the flow diagram counts them).",
            "examples": [[]],
        },
        "awaiting": {
            "type": "array",
            "maxItems": 10_000,
            "items": _WORK_WITH_REASON,
            "description": "Works found but not yet verifiable, with what is missing.",
            "examples": [[]],
        },
        "screened": _integer(
            "Records screened in the latest search (title and abstract, or a registry summary; copies of one record "
            "counted once).",
            87,
        ),
        "registrations_excluded": {
            "type": "array",
            "maxItems": 10_000,
            "items": _WORK_WITH_REASON,
            "description": "Registered trials found and left off the trials page, with the reason.",
            "examples": [[]],
        },
        "registrations_unconfirmed": {
            "type": "array",
            "maxItems": 10_000,
            "items": _WORK_WITH_REASON,
            "description": "Trials mentioned in the sources whose registry record was not reached, with what is missing.",
            "examples": [[]],
        },
    },
    ["current_to", "summary", "sources", "terms", "excluded", "awaiting"],
    "How the literature was searched, up to which date, and what was left out and why (the method page and "
    "its flow diagram are made from it).",
)
SINGLE_FILES = {"site": SITE, "changelog": CHANGELOG, "search": SEARCH}


def collection_schema(name: str) -> dict:
    """The standalone JSON Schema document for one collection, or for site / changelog."""
    body = SINGLE_FILES.get(name) or COLLECTIONS[name]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{name}.schema.json", "title": name, **body}
