"""Forest plots drawn at build time: each study's reported estimate and confidence interval, as a standalone SVG.

The picture is a convenience beside a table of the same numbers (the page prints both), so it is drawn plainly:
black on white, no colour that carries meaning, a text alternative, and every number written beside its line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from ..model.schema import EFFECT_MEASURES

WIDTH, ROW, TOP, BOTTOM = 720, 30, 40, 50
LABEL_W, PLOT_W = 250, 280  # label column, plot area; the numbers take the rest


@dataclass(frozen=True)
class Estimate:
    """One line of a plot: a study's estimate as reported, and what it compares."""

    label: str
    study: str
    measure: str
    value: str
    ci_low: str  # only estimates with a confidence interval are drawn
    ci_high: str
    ci_level: int | None
    comparison: str
    outcome: str
    timepoint: str | None
    favours: str


def estimates(studies: dict, ids) -> list[Estimate]:
    """The estimates with a confidence interval among some studies, in the order given."""
    out = []
    for sid in ids:
        e = studies[sid]["characteristics"]["effect"]
        if e and e["ci_low"] is not None and e["ci_high"] is not None:
            out.append(
                Estimate(
                    studies[sid]["label"],
                    sid,
                    e["measure"],
                    e["value"],
                    e["ci_low"],
                    e["ci_high"],
                    e["ci_level"],
                    e["comparison"],
                    e["outcome"],
                    e["timepoint"],
                    e["favours"],
                )
            )
    return out


def by_measure(items: list[Estimate]) -> dict[tuple[str, str], list[Estimate]]:
    """One plot per kind of estimate and direction: odds ratios and mean differences do not share an axis, and
    an axis says which side favours the psychedelic."""
    groups: dict[tuple[str, str], list[Estimate]] = {}
    for e in items:
        groups.setdefault((e.measure, e.favours), []).append(e)
    return groups


NARROW_W, NARROW_LINE = 360, 18  # the phone's layout: a study's name and numbers above its line, the axis full width
CHAR_W = 7.2  # the mean advance of a 13 px sans-serif character, to tell whether a name and its numbers share a line


def _scale(measure: str, items: list[Estimate]):
    """(measure's name, whether it is a ratio, the value of no effect, x from a value to a fraction of the axis)."""
    name, ratio = EFFECT_MEASURES[measure]
    values = [float(x) for e in items for x in (e.value, e.ci_low, e.ci_high)]
    none = 1.0 if ratio else 0.0
    scale = math.log10 if ratio else (lambda x: x)
    low, high = min([*values, none]), max([*values, none])
    if ratio:
        lo, hi = scale(low) - 0.1, scale(high) + 0.1
    else:
        pad = (high - low) * 0.08 or 1
        lo, hi = low - pad, high + pad
    return name, ratio, none, lo, hi, lambda v: (scale(v) - lo) / (hi - lo)


def _numbers(e: Estimate) -> str:
    level = f"{e.ci_level}% " if e.ci_level else ""
    return f"{e.value} ({level}{e.ci_low} to {e.ci_high})"


def _favours(items: list[Estimate]) -> tuple[str, str]:
    if items[0].favours == "higher":
        return "Favours comparator", "Favours psychedelic"
    return "Favours psychedelic", "Favours comparator"


def svg(measure: str, items: list[Estimate], title: str, narrow: bool = False) -> str:
    """The plot as an SVG document: a row per study with its name, line and numbers side by side, or (`narrow`,
    for a phone, where the wide plot would be scaled down to unreadable text) each study's name and numbers
    above its line and the axis across the whole width, so that its 13 px text stays above 9 px on a phone."""
    name, ratio, none, lo, hi, fraction = _scale(measure, items)
    desc = "; ".join(
        f"{e.label}: {name.lower()} {e.value} ({e.ci_level or ''}{'% ' if e.ci_level else ''}CI {e.ci_low} to {e.ci_high})"
        for e in items
    )
    if narrow:
        left, plot_w, width = 10, NARROW_W - 20, NARROW_W
    else:
        left, plot_w, width = LABEL_W, PLOT_W, WIDTH

    def x(v: float) -> float:
        return round(left + fraction(v) * plot_w, 2)

    rows: list[tuple[list[tuple[float, str, str, float]], float]] = []  # (texts: x, anchor, text, y), line's y
    y: float = TOP
    for e in items:
        if not narrow:
            middle = y + ROW / 2
            rows.append(
                ([(0.0, "start", e.label, middle + 4), (LABEL_W + PLOT_W + 12.0, "start", _numbers(e), middle + 4)], middle)
            )
            y += ROW
            continue
        together = (len(e.label) + len(_numbers(e)) + 2) * CHAR_W <= NARROW_W
        lines = 1 if together else 2
        shown = [(0.0, "start", e.label, y + 13), (float(NARROW_W), "end", _numbers(e), y + 13 + (lines - 1) * NARROW_LINE)]
        y += lines * NARROW_LINE + 22
        rows.append((shown, y - 14))
    bottom = y
    height = bottom + BOTTOM
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="t d" font-family="sans-serif" font-size="13">',
        f'<title id="t">{escape(title)}</title>',
        f'<desc id="d">{escape(desc)}</desc>',
        '<rect width="100%" height="100%" fill="#fff"/>',
        f'<text x="0" y="20" font-weight="bold">Study</text><text x="{width if narrow else LABEL_W + PLOT_W / 2}" y="20" '
        f'text-anchor="{"end" if narrow else "middle"}" font-weight="bold">{escape(name)} (CI)</text>',
    ]
    zero = x(none)
    out.append(f'<line x1="{zero}" y1="{TOP - 8}" x2="{zero}" y2="{bottom}" stroke="#000" stroke-dasharray="4 3"/>')
    for e, (texts, line_y) in zip(items, rows, strict=True):
        a, b, v = x(float(e.ci_low)), x(float(e.ci_high)), x(float(e.value))
        for tx, anchor, text, ty in texts:
            align = "" if anchor == "start" else f' text-anchor="{anchor}"'
            if narrow:  # a white halo where the line of no effect crosses the text
                align += ' stroke="#fff" stroke-width="4" paint-order="stroke"'
            out.append(f'<text x="{tx:g}" y="{ty:g}"{align}>{escape(text)}</text>')
        out += [
            f'<line x1="{a}" y1="{line_y}" x2="{b}" y2="{line_y}" stroke="#000" stroke-width="1.5"/>',
            f'<rect x="{v - 5}" y="{line_y - 5}" width="10" height="10" fill="#000"/>',
        ]
    axis = bottom + 8
    out.append(f'<line x1="{left}" y1="{axis}" x2="{left + plot_w}" y2="{axis}" stroke="#000"/>')
    for tick in _ticks(lo, hi, ratio):
        t = x(tick)
        out.append(
            f'<line x1="{t}" y1="{axis}" x2="{t}" y2="{axis + 5}" stroke="#000"/>'
            f'<text x="{t}" y="{axis + 18}" text-anchor="middle">{tick:g}</text>'
        )
    favours_left, favours_right = _favours(items)
    out.append(
        f'<text x="{left}" y="{axis + 36}" font-size="12">{favours_left}</text>'
        f'<text x="{left + plot_w}" y="{axis + 36}" text-anchor="end" font-size="12">{favours_right}</text>'
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _ticks(lo: float, hi: float, ratio: bool) -> list[float]:
    """A few round ticks inside the axis."""
    if ratio:
        candidates = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
        return [t for t in candidates if lo <= math.log10(t) <= hi]
    step = 10 ** math.floor(math.log10((hi - lo) / 4 or 1))
    for m in (1, 2, 5, 10):
        if (hi - lo) / (step * m) <= 6:
            step *= m
            break
    first = math.ceil(lo / step) * step
    return [round(first + i * step, 10) for i in range(int((hi - first) / step) + 1)]
