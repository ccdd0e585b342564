"""Effect estimates on a common scale, and the random-effects pool of comparable trials.

Every number starts as the source reports it (a study's `effects` in content/). An estimate is put on its
analysis scale (the log for ratios) with a standard error taken from the reported confidence interval; where the
source gives no interval, it is computed from the reported group data by the usual large-sample formulas (a Wald
interval from event counts, the standard error of a standardised mean difference from the group sizes, of a
mean difference from the groups' SDs), and the estimate is marked as computed. Pooling is statsmodels'
`combine_effects` (inverse-variance weights, DerSimonian-Laird between-trial variance), the method Cochrane's
RevMan applied by default for random effects.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..model.outcomes import MEASURES


def z_of(level: int | None) -> float:
    """The normal quantile for a two-sided confidence level in per cent (95 when it is not reported)."""
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + (level or 95) / 200)


@dataclass(frozen=True)
class Estimate:
    """One estimate on its analysis scale: `y` (log for ratios) with standard error `se`, shown as `value`
    (`low` to `high`) on the reported scale. `computed` says what the review computed rather than read."""

    measure: str
    y: float
    se: float
    value: float
    low: float
    high: float
    level: int
    computed: str = ""  # "", "interval" or "estimate and interval"

    @property
    def excludes_null(self) -> bool:
        null = MEASURES[self.measure].null
        return self.low > null or self.high < null


def _on_scale(measure: str, x: float) -> float:
    return math.log(x) if MEASURES[measure].ratio else x


def _off_scale(measure: str, y: float) -> float:
    return math.exp(y) if MEASURES[measure].ratio else y


def _events(arms: list[dict]) -> tuple[int, int, int, int] | None:
    """(events, total) of the psychedelic group and of the comparator (the first two groups), where reported."""
    if len(arms) < 2 or any(a.get("events") is None or not a.get("n") for a in arms[:2]):
        return None
    return arms[0]["events"], arms[0]["n"], arms[1]["events"], arms[1]["n"]


def _ratio_from_events(measure: str, counts: tuple[int, int, int, int]) -> tuple[float, float] | None:
    """(log estimate, standard error) of an odds or risk ratio from two groups' counts (0.5 added to every cell
    when a cell is empty, as RevMan does); None when both groups have no events or all have them."""
    if (counts[0] == 0 and counts[2] == 0) or (counts[0] == counts[1] and counts[2] == counts[3]):
        return None
    cells = [float(counts[0]), float(counts[1] - counts[0]), float(counts[2]), float(counts[3] - counts[2])]
    if 0 in cells:
        cells = [x + 0.5 for x in cells]
    a, b, c, d = cells
    n1, n2 = a + b, c + d
    if measure == "odds-ratio":
        return math.log(a * d / (b * c)), math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return math.log((a / n1) / (c / n2)), math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)


def estimate(e: dict) -> Estimate | None:
    """An effect item's estimate on its analysis scale, or None when neither the source nor its group data give
    one with an interval (a within-group measure is returned too: the caller keeps it apart)."""
    measure, level = e["measure"], e["ci_level"] or 95
    if measure is None:
        return None
    z = z_of(level)
    arms = e.get("arms") or []
    if e["value"] is not None and e["ci_low"] is not None and e["ci_high"] is not None:
        value, low, high = float(e["value"]), float(e["ci_low"]), float(e["ci_high"])
        y = _on_scale(measure, value)
        se = (_on_scale(measure, high) - _on_scale(measure, low)) / (2 * z)
        return Estimate(measure, y, se, value, low, high, level)
    found = None
    computed = "interval"
    if measure in ("odds-ratio", "risk-ratio") and (counts := _events(arms)):
        found = _ratio_from_events(measure, counts)
        if found and e["value"] is not None:
            found = (_on_scale(measure, float(e["value"])), found[1])  # the reported estimate, with a computed interval
        elif found:
            computed = "estimate and interval"
    elif e["value"] is not None and measure == "standardised-mean-difference" and len(arms) >= 2:
        n1, n2 = arms[0].get("n"), arms[1].get("n")
        if n1 and n2:
            d = float(e["value"])
            found = d, math.sqrt((n1 + n2) / (n1 * n2) + d * d / (2 * (n1 + n2)))
    elif (
        e["value"] is not None
        and measure == "mean-difference"
        and len(arms) >= 2
        and all(a.get("sd") is not None and a.get("n") for a in arms[:2])
    ):
        found = float(e["value"]), math.sqrt(sum(float(a["sd"]) ** 2 / a["n"] for a in arms[:2]))
    if found is None:
        return None
    y, se = found
    return Estimate(
        measure, y, se, _off_scale(measure, y), _off_scale(measure, y - z * se), _off_scale(measure, y + z * se), level, computed
    )


@dataclass(frozen=True)
class Pooled:
    """A random-effects pool: the estimate with its 95% interval (reported scale), heterogeneity (I² in per cent,
    τ² on the analysis scale, Cochran's Q) and the number of trials."""

    measure: str
    value: float
    low: float
    high: float
    i2: float
    tau2: float
    q: float
    k: int

    @property
    def excludes_null(self) -> bool:
        null = MEASURES[self.measure].null
        return self.low > null or self.high < null


def pool(measure: str, estimates: list[Estimate]) -> Pooled:
    """DerSimonian-Laird random-effects pool of estimates of one measure (statsmodels' combine_effects)."""
    # Imported here: statsmodels takes over a second to import, and a build pools only when an outcome has two
    # comparable trials (none yet), while every command imports this module.
    from statsmodels.stats.meta_analysis import combine_effects  # type: ignore[import-untyped]

    assert len(estimates) >= 2 and all(e.measure == measure for e in estimates)
    effects, variances = np.array([e.y for e in estimates]), np.array([e.se**2 for e in estimates])
    with np.errstate(divide="ignore", invalid="ignore"):  # an untruncated negative tau² (below) can divide by zero
        result = combine_effects(effects, variances, method_re="dl", use_t=False)
        frame = result.summary_frame(alpha=0.05)
    # DerSimonian and Laird truncate the moment estimate of tau² at zero; statsmodels 0.15 does not (with Q below its
    # degrees of freedom it returns a negative tau², and weights that can divide by zero). With tau² at zero the
    # random-effects estimate is the fixed-effect one, which statsmodels computes alongside.
    tau2 = float(result.tau2)
    row = frame.loc["random effect" if tau2 > 0 else "fixed effect"]
    return Pooled(
        measure,
        _off_scale(measure, float(row["eff"])),
        _off_scale(measure, float(row["ci_low"])),
        _off_scale(measure, float(row["ci_upp"])),
        max(0.0, float(result.i2)) * 100,
        max(0.0, tau2),
        float(result.q),
        len(estimates),
    )


def absolute_risk(measure: str, ratio: float, control_risk: float) -> float:
    """The risk in the treated group that a ratio implies for a given comparator-group risk (GRADE's absolute
    effect): for an odds ratio OR·p / (1 − p + OR·p), for a risk ratio RR·p (at most 1)."""
    if measure == "odds-ratio":
        return ratio * control_risk / (1 - control_risk + ratio * control_risk)
    return min(1.0, ratio * control_risk)
