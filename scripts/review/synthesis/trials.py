"""The registered trials as the pages show them: each trial's status as of its record's own date, whether that
record may be out of date, its publications (the studies that list it: the link is stored on the study only), and
the counts by status and condition of the trials page. Classic-psychedelic trials and trials of related compounds
are kept apart."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..model.provenance import registration
from ..model.registries import ALLOCATIONS, CONDITION_GROUPS, MASKINGS, REGISTRIES, Registry, stale
from ..model.schema import TRIAL_STATUSES

CLASSIC = "classic-psychedelic"
NO_STATUS = "Status not seen"


@dataclass(frozen=True)
class Trial:
    """One registered trial, with what the pages derive from it."""

    id: str
    item: dict
    registry: Registry
    publications: tuple[str, ...]  # ids of the studies that report it
    stale: bool  # its record's own date is unknown or more than a year before the review's `current_to`
    related: bool  # none of its substances is a classic psychedelic: listed apart, as a related compound

    @property
    def label(self) -> str:
        """How it is named: its registry id, `NCT04141501`, `ACTRN12622000463774`."""
        return self.item[self.registry.key]

    @property
    def address(self) -> str:
        """The registry's own page for the record, which readers follow."""
        return self.registry.address(self.label)

    @property
    def status(self) -> str:
        """The registry's status in its own words, or that it was not seen."""
        word = self.item["record"]["status"]
        return TRIAL_STATUSES[word] if word else NO_STATUS

    @property
    def as_of(self) -> str | None:
        """The record's own date (the status is as of it), or None when no dated record was seen."""
        return self.item["record"]["last_update_posted"]

    @property
    def from_copy(self) -> bool:
        """Whether its values were read from copies of the record rather than from the registry itself."""
        return bool(self.item["checked"].get("mirrors"))

    @property
    def condition_label(self) -> str:
        return CONDITION_GROUPS[self.item["condition_group"]]

    @property
    def allocation(self) -> str | None:
        return ALLOCATIONS.get(self.item.get("allocation") or "")

    @property
    def masking(self) -> str | None:
        return MASKINGS.get(self.item.get("masking") or "")


def _registry(item: dict) -> Registry:
    found = registration(item)
    assert found is not None, "checked content gives one registry id"
    return found[0]


class Trials:
    """Every registered trial of the review, in order (registry id), with the trials page's counts."""

    def __init__(self, trials: list[dict], studies: list[dict], substances: dict, current_to: str):
        reporting: dict[str, list[str]] = {}
        for study in studies:
            for tid in study.get("trials", []):
                reporting.setdefault(tid, []).append(study["id"])
        self.all = [
            Trial(
                t["id"],
                t,
                _registry(t),
                tuple(reporting.get(t["id"], [])),
                stale(t["record"]["last_update_posted"], current_to),
                not any(substances[s]["class"] == CLASSIC for s in t["substances"]),
            )
            for t in sorted(trials, key=lambda t: t[_registry(t).key])
        ]
        self.by_id = {t.id: t for t in self.all}
        self.current_to = current_to

    @property
    def classic(self) -> list[Trial]:
        return [t for t in self.all if not t.related]

    @property
    def related(self) -> list[Trial]:
        return [t for t in self.all if t.related]

    def registries(self, trials: list[Trial]) -> list[tuple[str, int]]:
        """(registry, number of trials) in the declaration's order."""
        counted = Counter(t.registry.name for t in trials)
        return [(r.name, counted[r.name]) for r in REGISTRIES.values() if counted[r.name]]

    def by_status(self, trials: list[Trial]) -> list[tuple[str, int]]:
        """(status, number of trials) in the registry's order of statuses, then trials whose status was not seen."""
        counted = Counter(t.status for t in trials)
        order = [*TRIAL_STATUSES.values(), NO_STATUS]
        return [(label, counted[label]) for label in order if counted[label]]

    def by_condition(self, trials: list[Trial]) -> list[tuple[str, int]]:
        counted = Counter(t.condition_label for t in trials)
        return [(label, counted[label]) for label in CONDITION_GROUPS.values() if counted[label]]
