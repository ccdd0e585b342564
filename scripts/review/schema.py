"""The content model: one JSON Schema per collection, the single source for validation and the guide."""

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
EVIDENCE_LEVELS = {
    "in-vitro": "Cells or tissue in vitro",
    "animal": "Animal studies",
    "healthy-volunteers": "Healthy volunteers",
    "patients-sud": "Patients with a substance use disorder",
    "patients-other": "Patients with another disorder",
    "review": "Review, meta-analysis or the chapter's own argument",
    "method": "Treatment method or manual",
}
SUBSTANCE_CLASSES = ["classic-psychedelic", "entactogen", "non-hallucinogenic-analogue", "antagonist"]
STUDY_TYPES = ["journal-article", "book", "chapter"]

def _text(description, example, markdown=True, min_length=1):
    """A string field; Markdown fields may use [@study] citations and (@collection/id) links."""
    return {
        "type": "string",
        "minLength": min_length,
        "description": description + (" Markdown." if markdown else " Plain text."),
        "examples": [example],
        "x-markdown": markdown,
    }


def _ids(collection, description, example, min_items=0):
    """A list of ids of entities of one collection."""
    return {
        "type": "array",
        "items": {"type": "string", "pattern": SLUG},
        "uniqueItems": True,
        "minItems": min_items,
        "description": description,
        "examples": [example],
        "x-references": collection,
    }


def _id(example):
    """The id field: a safe slug equal to the file name."""
    return {
        "type": "string",
        "pattern": SLUG,
        "description": "Stable id: lower-case letters, digits and single hyphens; equals the file name; never change it once published.",
        "examples": [example],
    }


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


FINDING = _object(
    {
        "id": {**_id("np-spines-mouse-mpfc"), "description": "Stable id, unique across the whole review; it is the finding's anchor on its page."},
        "statement": _text("The finding in our own words, one to three sentences.", "A single dose of psilocybin increased the density of dendritic spines in the mouse frontal cortex."),
        "evidence": {"type": "string", "enum": list(EVIDENCE_LEVELS), "description": "Level of evidence.", "examples": ["animal"]},
        "substances": _ids("substances", "Substances the finding concerns (empty for a finding about SUD itself).", ["psilocybin"]),
        "studies": _ids("studies", "Studies that support the finding.", ["shao2021"], min_items=1),
        "role": {"type": "string", "enum": ["caveat"], "description": "`caveat` for a contradiction, limit or complicating result.", "examples": ["caveat"]},
    },
    ["id", "statement", "evidence", "substances", "studies"],
    "A finding: the unit of evidence, citable on its own.",
)

SECTION = _object(
    {
        "id": {**_id("history"), "description": "Anchor of the section on its page."},
        "title": _text("Heading of the section.", "Early LSD trials", markdown=False),
        "text": _text("Body of the section.", "Trials in the 1950s and 1960s [@krebs2012] ..."),
        "findings": {"type": "array", "items": FINDING, "description": "Findings presented in this section.", "examples": [[]]},
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

COLLECTIONS = {
    "mechanisms": _object(
        {
            "id": _id("neuroplasticity"),
            "title": _text("Page title.", "Induced neuroplasticity", markdown=False),
            "order": {"type": "integer", "minimum": 1, "description": "Position in navigation and lists.", "examples": [1]},
            "summary": _text("What the mechanism is.", "Psychedelics may promote the growth of ..."),
            "altered_in_sud": _text("What is altered in substance use disorders.", "Chronic substance use ..."),
            "findings": {"type": "array", "items": FINDING, "minItems": 1, "description": "The findings, each with its evidence level.", "examples": [[]]},
            "psychotherapy": _text("What the mechanism implies for psychotherapy.", "A period of heightened plasticity could ..."),
            "related": _ids("mechanisms", "Related mechanisms.", ["network-connectivity"]),
        },
        ["id", "title", "order", "summary", "altered_in_sud", "findings", "psychotherapy", "related"],
        "A candidate mechanism of action, one page each.",
    ),
    "topics": _object(
        {
            "id": _id("background"),
            "title": _text("Page title.", "Background", markdown=False),
            "order": {"type": "integer", "minimum": 1, "description": "Position in navigation.", "examples": [1]},
            "summary": _text("Opening paragraph.", "Classic psychedelics were studied ..."),
            "sections": {"type": "array", "items": SECTION, "minItems": 1, "description": "Sections of the page.", "examples": [[]]},
        },
        ["id", "title", "order", "summary", "sections"],
        "A thematic page (background, implementation, dose) made of sections and findings.",
    ),
    "studies": _object(
        {
            "id": _id("shao2021"),
            "type": {"type": "string", "enum": STUDY_TYPES, "description": "Kind of publication.", "examples": ["journal-article"]},
            "authors": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1, "description": "Authors as 'Family, I.', in order; 'et al.' may close the list.", "examples": [["Shao, L.-X.", "Kwan, A. C."]]},
            "year": {"type": "integer", "minimum": 1900, "maximum": 2100, "description": "Year of publication.", "examples": [2021]},
            "title": _text("Title of the work, as published.", "Psilocybin induces rapid and persistent growth of dendritic spines in frontal cortex in vivo", markdown=False),
            "journal": _text("Journal, or publisher for a book.", "Neuron", markdown=False),
            "volume": {"type": "string", "minLength": 1, "description": "Volume (quoted).", "examples": ["109"]},
            "issue": {"type": "string", "minLength": 1, "description": "Issue (quoted).", "examples": ["16"]},
            "pages": {"type": "string", "minLength": 1, "description": "Pages or article number (quoted).", "examples": ["2535-2544.e4"]},
            "doi": {"type": "string", "pattern": r"^10\.\d{4,9}/\S+$", "description": "DOI without the https://doi.org/ prefix.", "examples": ["10.1016/j.neuron.2021.06.008"]},
            "pmid": {"type": "string", "pattern": r"^[1-9][0-9]{0,8}$", "description": "PubMed id (quoted digits).", "examples": ["34228959"]},
            "evidence": {"type": "string", "enum": list(EVIDENCE_LEVELS), "description": "Level of evidence.", "examples": ["animal"]},
            "population": _text("Who or what was studied.", "Mice", markdown=False),
            "substances": _ids("substances", "Substances studied.", ["psilocybin"]),
            "dose": _text("Dose, where known.", "1 mg/kg", markdown=False),
            "design": _text("Design in one line.", "Longitudinal two-photon imaging", markdown=False),
            "result": _text("What it did and found, in our own words.", "A single dose increased spine density ..."),
            "note": _text("Caveats about the work or its citation.", "Whether the chapter cites this work is not confirmed."),
            "trials": _ids("trials", "Registrations of this study.", ["nct01943994"]),
        },
        ["id", "type", "authors", "year", "title", "journal", "evidence", "population", "substances", "design", "result"],
        "A cited work, one page each.",
    ),
    "trials": _object(
        {
            "id": _id("nct04141501"),
            "nct": {"type": "string", "pattern": r"^NCT[0-9]{8}$", "description": "ClinicalTrials.gov number.", "examples": ["NCT04141501"]},
            "title": _text("Registered title.", "Clinical and Mechanistic Effects of Psilocybin in Alcohol Addicted Patients", markdown=False),
            "condition": _text("Condition studied.", "Alcohol use disorder", markdown=False),
            "substances": _ids("substances", "Substances given.", ["psilocybin"], min_items=1),
            "phase": _text("Trial phase.", "Phase 2", markdown=False),
            "sponsor": _text("Sponsor.", "University of Zurich", markdown=False),
            "first_posted": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "Date first posted (YYYY-MM-DD, quoted).", "examples": ["2019-10-28"]},
            "design": _text("Design in our own words.", "Double-blind, placebo-controlled ..."),
        },
        ["id", "nct", "title", "condition", "substances", "design"],
        "A registered clinical trial.",
    ),
    "substances": _object(
        {
            "id": _id("psilocybin"),
            "name": _text("Name.", "Psilocybin", markdown=False),
            "class": {"type": "string", "enum": SUBSTANCE_CLASSES, "description": "Pharmacological class.", "examples": ["classic-psychedelic"]},
            "summary": _text("Its role in the evidence.", "The psychedelic most studied in SUD trials ..."),
            "aliases": {"type": "array", "items": {"type": "string", "minLength": 1}, "description": "Other names.", "examples": [["LSD"]]},
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
                "additionalProperties": {"type": "string", "minLength": 1},
                "description": "How the approach could work with each mechanism (keys are mechanism ids; Markdown).",
                "examples": [{"neuroplasticity": "Rewards delivered during a plastic window could ..."}],
                "x-references": "mechanisms",
                "x-markdown": True,
            },
            "steps": {"type": "array", "items": STEP, "description": "Steps of the protocol, in order.", "examples": [[]]},
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
        "authors": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1, "description": "Authors of the site.", "examples": [["Review team"]]},
        "version": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$", "description": "Release version.", "examples": ["0.1.0"]},
        "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "Release date (YYYY-MM-DD).", "examples": ["2026-11-26"]},
        "publisher": _text("Who publishes the site (cited as the report's institution).", "SUD Psychedelics Review Team", markdown=False),
        "license": _text("Licence of the content.", "CC BY 4.0", markdown=False),
        "license_url": _text("Address of the licence text.", "https://creativecommons.org/licenses/by/4.0/", markdown=False),
        "url": _text("Published address.", "https://example.org/", markdown=False),
    },
    ["title", "description", "authors", "publisher", "version", "date", "license", "license_url", "url"],
    "Facts about the site as a whole; `version` and `date` equal the newest entry of the changelog.",
)

RELEASE = _object(
    {
        "version": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$", "description": "Release version.", "examples": ["0.2.0"]},
        "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "Release date (YYYY-MM-DD, quoted).", "examples": ["2026-12-01"]},
        "changes": _text("What changed, for readers.", "Added two findings on ..."),
        "pages": {"type": "array", "items": {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)?$"}, "uniqueItems": True,
                  "description": "Pages changed, as `collection/id` or a page name (`index`, `about`); omit when the release touched every page.",
                  "examples": [["mechanisms/neuroplasticity", "studies/shao2021"]]},
    },
    ["version", "date", "changes"],
    "One release of the review.",
)
CHANGELOG = _object(
    {"releases": {"type": "array", "items": RELEASE, "minItems": 1, "description": "Releases, newest first.", "examples": [[]]}},
    ["releases"],
    "The changelog: every release, newest first. Each page shows the release in which it last changed.",
)


def collection_schema(name):
    """Return the standalone JSON Schema document for one collection (or 'site')."""
    body = {"site": SITE, "changelog": CHANGELOG}.get(name) or COLLECTIONS[name]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{name}.schema.json", "title": name, **body}
