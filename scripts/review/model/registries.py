"""Trial registries, in one declaration: how each writes its ids, its own address for a record (the identifier
address readers follow), its hosts, and whether `make trials` refreshes its records. Also the fixed words of a
trial record (condition groups, allocation, masking), the registry search `make trials` runs for candidates, and
how old a record may be before its page calls its status possibly stale.

No network code here: the content model, the pages and the method page read these, and only
`commands/trials.py` talks to a registry.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Registry:
    """A trial registry. `key` is the field a trial gives its id in (`nct: NCT04141501`), `name` how pages name the
    registry; `record` is its address for one record, with `{}` for the id; `hosts` are the registry's own web hosts
    (its pages are primary records, anything else is a copy); `refreshed` registries are read by `make trials`."""

    key: str
    name: str
    id_pattern: str
    id_hint: str
    record: str
    hosts: tuple[str, ...]
    refreshed: bool = False

    @property
    def example(self) -> str:
        """An id of the registry's form, from its hint (`NCT04141501`)."""
        return self.id_hint.split("`")[-2]

    def address(self, registry_id: str) -> str:
        """The registry's own address for a record."""
        return self.record.format(registry_id)

    def accepts(self, registry_id: str) -> bool:
        return re.fullmatch(self.id_pattern, registry_id) is not None


REGISTRIES: dict[str, Registry] = {  # by key: a trial's main registration is the one key of these it has
    r.key: r
    for r in (
        Registry(
            "nct",
            "ClinicalTrials.gov",
            r"NCT[0-9]{8}",
            "`NCT` and eight digits, like `NCT04141501`",
            "https://clinicaltrials.gov/study/{}",
            ("clinicaltrials.gov", "classic.clinicaltrials.gov"),
            refreshed=True,
        ),
        Registry(
            "actrn",
            "ANZCTR",
            r"ACTRN[0-9]{14}",
            "`ACTRN` and fourteen digits, like `ACTRN12622000463774`",
            "https://www.anzctr.org.au/{}.aspx",
            ("anzctr.org.au",),
        ),
        Registry(
            "isrctn",
            "ISRCTN",
            r"ISRCTN[0-9]{8}",
            "`ISRCTN` and eight digits, like `ISRCTN13970288`",
            "https://www.isrctn.com/{}",
            ("isrctn.com",),
        ),
        Registry(
            "drks",
            "DRKS",
            r"DRKS[0-9]{8}",
            "`DRKS` and eight digits, like `DRKS00013279`",
            "https://drks.de/search/en/trial/{}",
            ("drks.de",),
        ),
        Registry(
            "eudract",
            "EU CTR",
            r"[0-9]{4}-[0-9]{6}-[0-9]{2}",
            "a EudraCT number, like `2021-006200-33`",
            "https://www.clinicaltrialsregister.eu/ctr-search/search?query={}",
            ("clinicaltrialsregister.eu",),
        ),
    )
}

CONDITION_GROUPS = {  # the conditions the trials page counts and filters by
    "alcohol": "Alcohol",
    "tobacco": "Tobacco",
    "opioid": "Opioids",
    "stimulant": "Stimulants (cocaine, methamphetamine)",
    "cannabis": "Cannabis",
    "gambling": "Gambling",
    "mixed": "Several substances",
}
ALLOCATIONS = {"randomised": "Randomised", "non-randomised": "Non-randomised", "single-group": "Single group"}
MASKINGS = {  # ClinicalTrials.gov's words for who is masked
    "none": "None (open label)",
    "single": "Single",
    "double": "Double",
    "triple": "Triple",
    "quadruple": "Quadruple",
}
STALE_AFTER_DAYS = 365  # a record whose last update is older than this, before `current_to`, may be out of date

# The registry search `make trials` runs for new candidate registrations (ClinicalTrials.gov API v2), printed for an
# editor to screen, never written; the method page shows it. Conditions and substances as the review defines them.
SEARCH_QUERY = {
    "query.cond": "substance use disorder OR substance dependence OR alcohol use disorder OR alcohol dependence OR "
    "tobacco use disorder OR nicotine dependence OR smoking cessation OR cocaine use disorder OR "
    "methamphetamine use disorder OR amphetamine use disorder OR opioid use disorder OR cannabis use disorder OR "
    "gambling disorder",
    "query.intr": "psilocybin OR LSD OR lysergic acid diethylamide OR DMT OR dimethyltryptamine OR ayahuasca OR "
    "mescaline OR 5-MeO-DMT",
    "fields": "NCTId,BriefTitle,OverallStatus",
    "pageSize": "100",
}


def stale(last_update: str | None, current_to: str) -> bool:
    """Whether a record's own date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`, or None when no date was seen) is more than
    STALE_AFTER_DAYS before `current_to`. A partial date counts from its first day, so a record dated only by
    its month or year is flagged rather than trusted."""
    if not last_update:
        return True
    parts = [int(p) for p in last_update.split("-")] + [1, 1]
    seen = datetime.date(parts[0], parts[1], parts[2])
    return (datetime.date.fromisoformat(current_to) - seen).days > STALE_AFTER_DAYS
