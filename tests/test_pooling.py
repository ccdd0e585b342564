"""Pooling and effect estimates (synthesis/pooling.py) against a published worked example and textbook formulas.

The worked example is the BCG vaccine meta-analysis: 13 trials of BCG against tuberculosis (Colditz et al., 1994,
JAMA 271:698-702), the data set metafor ships as `dat.bcg` and Viechtbauer (2010, J Stat Softw 36(3)) analyses.
Its DerSimonian-Laird random-effects pool of log risk ratios, as metafor computes it and checks it against Stata's
`metan` (wviechtb/metafor, tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r): estimate -0.7141 (95% CI
-1.0644 to -0.3638), z -3.9952, tau² 0.3088, I² 92.1173%, Q 152.2330; as a risk ratio 0.4896 (0.3449 to 0.6950).
Krebs and Johansen's (2012) LSD meta-analysis, the field's own example, cannot be re-run: its per-trial counts were
not in reach (see the method page).
"""

import math

import pytest
from review.synthesis import pooling

# (vaccinated TB+, vaccinated TB-, control TB+, control TB-) per trial, in dat.bcg's order.
BCG = [
    (4, 119, 11, 128),
    (6, 300, 29, 274),
    (3, 228, 11, 209),
    (62, 13536, 248, 12619),
    (33, 5036, 47, 5761),
    (180, 1361, 372, 1079),
    (8, 2537, 10, 619),
    (505, 87886, 499, 87892),
    (29, 7470, 45, 7232),
    (17, 1699, 65, 1600),
    (186, 50448, 141, 27197),
    (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]


def bcg_estimates():
    """Each trial as an effect item with its group counts, as content/ would record it (no reported interval)."""
    out = []
    for a, b, c, d in BCG:
        item = {
            "measure": "risk-ratio",
            "value": None,
            "ci_low": None,
            "ci_high": None,
            "ci_level": None,
            "arms": [{"n": a + b, "events": a}, {"n": c + d, "events": c}],
        }
        out.append(pooling.estimate(item))
    return out


def test_the_bcg_trials_pool_as_metafor_and_stata_pool_them():
    estimates = bcg_estimates()
    assert all(e is not None and e.computed == "estimate and interval" for e in estimates)
    assert estimates[0].y == pytest.approx(math.log((4 / 123) / (11 / 139)))  # escalc's yi for Aronson 1948
    pooled = pooling.pool("risk-ratio", estimates)
    assert math.log(pooled.value) == pytest.approx(-0.7141, abs=5e-5)
    assert math.log(pooled.low) == pytest.approx(-1.0644, abs=5e-5)
    assert math.log(pooled.high) == pytest.approx(-0.3638, abs=5e-5)
    assert (pooled.value, pooled.low, pooled.high) == pytest.approx((0.4896, 0.3449, 0.6950), abs=5e-5)
    assert pooled.tau2 == pytest.approx(0.3088, abs=5e-5)
    assert pooled.i2 == pytest.approx(92.1173, abs=5e-4)
    assert pooled.q == pytest.approx(152.2330, abs=5e-4)
    assert pooled.k == 13 and pooled.excludes_null


def test_homogeneous_trials_have_no_between_trial_variance():
    same = [pooling.Estimate("mean-difference", 1.0, 0.5, 1.0, 0.0, 2.0, 95) for _ in range(3)]
    pooled = pooling.pool("mean-difference", same)
    assert (pooled.tau2, pooled.i2, pooled.value) == (pytest.approx(0), pytest.approx(0), pytest.approx(1.0))


def item(**fields):
    return {"measure": None, "value": None, "ci_low": None, "ci_high": None, "ci_level": None, "arms": []} | fields


def test_a_reported_interval_gives_the_standard_error():
    e = pooling.estimate(item(measure="odds-ratio", value="6.1", ci_low="2.0", ci_high="23.3", ci_level=95))
    assert e.se == pytest.approx((math.log(23.3) - math.log(2.0)) / (2 * 1.959964), rel=1e-5)
    assert (e.value, e.low, e.high, e.computed) == (6.1, 2.0, 23.3, "")


def test_a_standardised_mean_difference_without_interval_takes_its_standard_error_from_the_group_sizes():
    e = pooling.estimate(item(measure="standardised-mean-difference", value="0.151", arms=[{"n": 18}, {"n": 19}]))
    assert e.se == pytest.approx(math.sqrt(37 / (18 * 19) + 0.151**2 / 74))
    assert e.computed == "interval" and not e.excludes_null


def test_counts_with_an_empty_cell_are_corrected_by_a_half():
    e = pooling.estimate(item(measure="risk-ratio", arms=[{"n": 20, "events": 0}, {"n": 10, "events": 4}]))
    assert e.value == pytest.approx((0.5 / 21) / (4.5 / 11))


@pytest.mark.parametrize(
    "fields",
    [
        {"measure": None},
        {"measure": "mean-difference", "value": "2.0"},  # no interval, no SDs
        {"measure": "odds-ratio", "arms": [{"n": 10, "events": 0}, {"n": 10, "events": 0}]},  # no events at all
    ],
)
def test_no_estimate_is_made_up_where_the_data_do_not_allow_one(fields):
    assert pooling.estimate(item(**fields)) is None


def test_absolute_risk_from_an_odds_ratio():
    assert pooling.absolute_risk("odds-ratio", 6.1, 0.1) == pytest.approx(6.1 * 0.1 / (0.9 + 0.61))
    assert pooling.absolute_risk("risk-ratio", 20, 0.1) == 1.0
