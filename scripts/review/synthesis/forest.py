"""Forest plots drawn at build time: each trial's estimate and confidence interval, a pooled diamond where trials
are pooled, and a line for a trial that reports the outcome without an estimate, as a standalone SVG.

The picture is a convenience beside a table of the same numbers (the page prints both), so it is drawn plainly:
black on white, no colour that carries meaning, a text alternative, and every number written beside its line.
An estimate the review computed (from group data the source gives) is marked with an asterisk and said so in the
table; a within-group measure (a change from baseline in one group) is drawn with no "favours" side, because it
compares nothing with a control.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from ..model.outcomes import MEASURES

WIDTH, ROW, TOP, BOTTOM = 880, 30, 40, 50
LABEL_W, PLOT_W = 370, 280  # label column, plot area; the numbers take the rest


@dataclass(frozen=True)
class Line:
    """One line of a plot: a trial's estimate (value, low and high as shown, None when it reports none), or the
    pooled estimate (`pooled`). `computed` says what the review computed; `note` stands in for a missing one."""

    label: str
    study: str
    measure: str
    value: str | None
    low: str | None
    high: str | None
    level: int | None
    comparison: str
    outcome: str
    timepoint: str | None
    favours: str
    computed: str = ""
    note: str = ""
    pooled: bool = False

    @property
    def drawn(self) -> bool:
        return self.value is not None and self.low is not None and self.high is not None


def number(x: float) -> str:
    """A computed number as the pages show it: three significant figures, no trailing zeros."""
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"


NARROW_W, NARROW_LINE = 360, 18  # the phone's layout: a study's name and numbers above its line, the axis full width
CHAR_W = 7.2  # the mean advance of a 13 px sans-serif character, to tell whether a name and its numbers share a line


def _numbers(e: Line) -> str:
    """A line's numbers as the plot writes them beside it (an asterisk for what the review computed)."""
    if not e.drawn:
        return "No estimate reported (see the table)"
    level = f"{e.level}% " if e.level else ""
    return f"{e.value} ({level}{e.low} to {e.high})" + ("*" if e.computed else "")


def svg(measure: str, lines: list[Line], title: str, narrow: bool = False) -> str:
    """The plot as an SVG document: a row per line with its name, line and numbers side by side, or (`narrow`,
    for a phone, where the wide plot would be scaled down to unreadable text) each line's name and numbers
    above it and the axis across the whole width, so that its 13 px text stays above 9 px on a phone."""
    m = MEASURES[measure]
    drawn = [e for e in lines if e.drawn]
    values = [float(x) for e in drawn for x in (e.value, e.low, e.high) if x is not None]
    none = m.null
    scale = math.log10 if m.ratio else (lambda x: x)
    low, high = min([*values, none]), max([*values, none])
    if m.ratio:
        lo, hi = scale(low) - 0.1, scale(high) + 0.1
    else:
        pad = (high - low) * 0.08 or 1
        lo, hi = low - pad, high + pad
    if narrow:
        left, plot_w, width = 10, NARROW_W - 20, NARROW_W
    else:
        left, plot_w, width = LABEL_W, PLOT_W, WIDTH

    def x(v: float) -> float:
        return round(left + (scale(v) - lo) / (hi - lo) * plot_w, 2)

    rows: list[tuple[list[tuple[float, str, str, float]], float]] = []  # (texts: x, anchor, text, y), line's y
    y: float = TOP
    for e in lines:
        shown = e.label if len(e.label) <= 54 else e.label[:53].rstrip() + "…"  # the table beside it has it whole
        if not narrow:
            middle = y + ROW / 2
            at = LABEL_W + PLOT_W + 12.0 if e.drawn else LABEL_W + 6.0
            rows.append(([(0.0, "start", shown, middle + 4), (at, "start", _numbers(e), middle + 4)], middle))
            y += ROW
            continue
        together = (len(shown) + len(_numbers(e)) + 2) * CHAR_W <= NARROW_W
        count = 1 if together else 2
        texts = [(0.0, "start", shown, y + 13), (float(NARROW_W), "end", _numbers(e), y + 13 + (count - 1) * NARROW_LINE)]
        y += count * NARROW_LINE + 22
        rows.append((texts, y - 14))
    bottom = y
    height = bottom + BOTTOM + (16 if narrow and any(e.computed for e in lines) else 0)
    desc = "; ".join(
        f"{e.label}: {m.name.lower()} {e.value} ({e.level or ''}{'% ' if e.level else ''}CI {e.low} to {e.high})"
        + (" computed by this review" if e.computed else "")
        if e.drawn
        else f"{e.label}: no estimate ({e.note})"
        for e in lines
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="t d" font-family="sans-serif" font-size="13">',
        f'<title id="t">{escape(title)}</title>',
        f'<desc id="d">{escape(desc)}</desc>',
        '<rect width="100%" height="100%" fill="#fff"/>',
        f'<text x="0" y="20" font-weight="bold">Study</text><text x="{width if narrow else LABEL_W + PLOT_W / 2}" y="20" '
        f'text-anchor="{"end" if narrow else "middle"}" font-weight="bold">{escape(m.name)} (CI)</text>',
    ]
    zero = x(none)
    out.append(f'<line x1="{zero}" y1="{TOP - 8}" x2="{zero}" y2="{bottom}" stroke="#000" stroke-dasharray="4 3"/>')
    for e, (texts, line_y) in zip(lines, rows, strict=True):
        weight = ' font-weight="bold"' if e.pooled else ""
        for tx, anchor, text, ty in texts:
            align = "" if anchor == "start" else f' text-anchor="{anchor}"'
            if narrow:  # a white halo where the line of no effect crosses the text
                align += ' stroke="#fff" stroke-width="4" paint-order="stroke"'
            if not e.drawn and text == _numbers(e):
                align += ' font-style="italic"'
            out.append(f'<text x="{tx:g}" y="{ty:g}"{align}{weight}>{escape(text)}</text>')
        if not e.drawn:
            continue
        a, b, v = x(float(e.low or 0)), x(float(e.high or 0)), x(float(e.value or 0))
        if e.pooled:
            out.append(f'<polygon points="{a},{line_y} {v},{line_y - 7} {b},{line_y} {v},{line_y + 7}" fill="#000"/>')
        else:
            out += [
                f'<line x1="{a}" y1="{line_y}" x2="{b}" y2="{line_y}" stroke="#000" stroke-width="1.5"/>',
                f'<rect x="{v - 5}" y="{line_y - 5}" width="10" height="10" fill="#000"/>',
            ]
    axis = bottom + 8
    out.append(f'<line x1="{left}" y1="{axis}" x2="{left + plot_w}" y2="{axis}" stroke="#000"/>')
    for tick in _ticks(lo, hi, m.ratio):
        t = x(tick)
        out.append(
            f'<line x1="{t}" y1="{axis}" x2="{t}" y2="{axis + 5}" stroke="#000"/>'
            f'<text x="{t}" y="{axis + 18}" text-anchor="middle">{tick:g}</text>'
        )
    if m.within_group:
        words = "Within one group: no comparator" if narrow else "Change within one group: no comparator, no side is favoured"
        out.append(f'<text x="{left}" y="{axis + 36}" font-size="12">{words}</text>')
    else:
        favours_left, favours_right = (
            ("Favours comparator", "Favours psychedelic")
            if lines[0].favours == "higher"
            else ("Favours psychedelic", "Favours comparator")
        )
        out.append(
            f'<text x="{left}" y="{axis + 36}" font-size="12">{favours_left}</text>'
            f'<text x="{left + plot_w}" y="{axis + 36}" text-anchor="end" font-size="12">{favours_right}</text>'
        )
    if any(e.computed for e in lines):
        # under the axis's favours words on a phone; at the left of them on a screen
        out.append(f'<text x="0" y="{axis + (52 if narrow else 36)}" font-size="12">* computed by this review</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _ticks(lo: float, hi: float, ratio: bool) -> list[float]:
    """A few round ticks inside the axis."""
    if ratio:
        candidates = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
        return [t for t in candidates if lo <= math.log10(t) <= hi]
    step = 10 ** math.floor(math.log10((hi - lo) / 4 or 1))
    for m in (1, 2, 5, 10):
        if (hi - lo) / (step * m) <= 6:
            step *= m
            break
    first = math.ceil(lo / step) * step
    return [round(first + i * step, 10) for i in range(int((hi - first) / step) + 1)]
