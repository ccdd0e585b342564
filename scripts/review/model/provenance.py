"""Where a record was checked: the hosts of primary records, in one declaration, and the check that every address
offered to readers as a record's source is on one of them.

A reader follows identifiers and primary records (PubMed, PMC, a DOI, the publisher, the registry). Copies of a
record (mirrors, aggregators, document-sharing sites) that an editor had to read are kept in `mirrors`, for the
next audit, and are never shown: the check refuses them in `source` and `also`, and says to move them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import Problem
from .registries import REGISTRIES


@dataclass(frozen=True)
class Primary:
    """A kind of primary record: its hosts (a leading `www.` is ignored), the path it lives under on them, how a
    page names it ("checked against PubMed"), and whether the address is an identifier that resolves to the record
    (a DOI) rather than the record's own page."""

    label: str
    hosts: tuple[str, ...]
    path: str = "/"
    identifier: bool = False


PRIMARY: tuple[Primary, ...] = (
    Primary("its DOI", ("doi.org", "dx.doi.org"), identifier=True),
    Primary("PubMed", ("pubmed.ncbi.nlm.nih.gov",)),
    Primary("PubMed", ("ncbi.nlm.nih.gov",), "/pubmed/"),
    Primary("PubMed Central", ("pmc.ncbi.nlm.nih.gov", "europepmc.org")),
    Primary("PubMed Central", ("ncbi.nlm.nih.gov",), "/pmc/"),
    Primary("the NCBI Bookshelf", ("ncbi.nlm.nih.gov",), "/books/"),
    *(Primary(r.name, r.hosts) for r in REGISTRIES.values()),
    Primary(
        "the publisher",
        (
            # Publishers' own sites, as used in the content; add a publisher's host here when a record is checked
            # on it (and only then).
            "nature.com",
            "frontiersin.org",
            "static.frontiersin.org",
            "link.springer.com",
            "informahealthcare.com",
            "jneurosci.org",
            "cambridge.org",
            "core-cms.prod.aop.cambridge.org",
            "mdpi.com",
            "www2.mdpi.com",
            "cell.com",
            "psychiatryonline.org",
            "onlinelibrary.wiley.com",
            "journals.sagepub.com",
            "akjournals.com",
            "jamanetwork.com",
            "tandfonline.com",
            "sciencedirect.com",
            "bmj.com",
            "bmjopen.bmj.com",
            "bmcpsychiatry.biomedcentral.com",
            "academic.oup.com",
            "guilford.com",
        ),
    ),
)


def host_of(url: str) -> str:
    """The host of an address, lower case, without a leading `www.`."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def primary(url: str) -> Primary | None:
    """The kind of primary record an address is, or None for a copy."""
    host, path = host_of(url), urlsplit(url).path or "/"
    for kind in PRIMARY:
        if host in kind.hosts and path.startswith(kind.path):
            return kind
    return None


def primary_hosts() -> list[str]:
    """Every host of a primary record, for messages and the editing guide."""
    return sorted({h for kind in PRIMARY for h in kind.hosts})


MOVE_HINT = "not a primary record (PubMed, PMC, a DOI, the publisher or a registry); move it to `mirrors`"


def _check_addresses(entity, checked: dict) -> list[Problem]:
    """`source` and `also` of a `checked` block on primary hosts only."""
    problems = []
    source = checked.get("source")
    if isinstance(source, str) and primary(source) is None:
        problems.append(Problem(entity.path, entity.line("checked", "source"), "checked.source", f"`{source}` is {MOVE_HINT}"))
    also = checked.get("also")
    for i, url in enumerate(also if isinstance(also, list) else []):
        if isinstance(url, str) and primary(url) is None:
            problems.append(
                Problem(entity.path, entity.line("checked", "also", i), f"checked.also[{i}]", f"`{url}` is {MOVE_HINT}")
            )
    return problems


def check_study(entity) -> list[Problem]:
    """A study's `checked` block: addresses on primary hosts only; a source, or at least one mirror."""
    checked = entity.data.get("checked")
    if not isinstance(checked, dict):
        return []
    problems = _check_addresses(entity, checked)
    if "source" not in checked and not checked.get("mirrors"):
        problems.append(
            Problem(
                entity.path,
                entity.line("checked"),
                "checked.source",
                "missing: give the primary record's address, or list the copies read in `mirrors`",
            )
        )
    return problems


def trial_id(registry_id: str) -> str:
    """A trial's id: its registry id in lower case, letters and digits only (`nct05452772`, `202100620033`)."""
    return re.sub(r"[^a-z0-9]", "", registry_id.lower())


def registration(data: dict):
    """(registry, id) of a trial's main registration: the one registry key it gives, or None."""
    given = [r for r in REGISTRIES.values() if isinstance(data.get(r.key), str)]
    return (given[0], data[given[0].key]) if len(given) == 1 else None


def check_trial(entity) -> list[Problem]:
    """A trial gives exactly one registry id, its file is named after it, and its `checked.source` is that registry's
    own page for that record."""
    data = entity.data
    keys = [r.key for r in REGISTRIES.values() if r.key in data]
    if len(keys) != 1:
        where = entity.line(keys[1]) if len(keys) > 1 else 1
        return [
            Problem(
                entity.path,
                where,
                "file",
                f"give exactly one registry id ({', '.join(REGISTRIES)}), the trial's main registration; "
                "put its other registrations in `other_ids`",
            )
        ]
    found = registration(data)
    if found is None:
        return []  # the schema reports a value of the wrong type
    registry, rid = found
    problems = []
    if not registry.accepts(rid):
        return []  # the schema reports an id of the wrong form
    if isinstance(data.get("id"), str) and data["id"] != trial_id(rid):
        problems.append(
            Problem(
                entity.path,
                entity.line("id"),
                "id",
                f"`{data['id']}` is not the registry id in lower case without punctuation: `{trial_id(rid)}`",
            )
        )
    checked = data.get("checked")
    if not isinstance(checked, dict):
        return problems
    problems += _check_addresses(entity, checked)
    source = checked.get("source")
    if source is None:
        problems.append(
            Problem(
                entity.path,
                entity.line("checked"),
                "checked.source",
                f"missing: write the registry's own address for the record, {registry.address(rid)}",
            )
        )
    elif isinstance(source, str) and (host_of(source) not in registry.hosts or rid not in source):
        problems = [p for p in problems if p.field != "checked.source"]
        problems.append(
            Problem(
                entity.path,
                entity.line("checked", "source"),
                "checked.source",
                f"`{source}` is not {registry.name}'s own page for {rid}; write {registry.address(rid)}"
                + (" and move the copy to `mirrors`" if host_of(source) not in registry.hosts else ""),
            )
        )
    return problems
