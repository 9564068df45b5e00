"""The statistics of an A/B test on a proportion: two-proportion z-test, interval of the difference, sample size."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import norm


@dataclass(frozen=True, slots=True)
class Comparison:
    """An arm (b) against the control (a)."""

    rate_a: float
    rate_b: float
    difference: float  # rate_b - rate_a
    ci_low: float
    ci_high: float
    z: float
    p_value: float


def two_proportion_ztest(*, successes_a: int, n_a: int, successes_b: int, n_b: int) -> tuple[float, float]:
    """(z, two-sided p) of the pooled two-proportion z-test of b against a."""
    if n_a <= 0 or n_b <= 0:
        return 0.0, 1.0
    pooled = (successes_a + successes_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if se == 0:
        return 0.0, 1.0
    z = (successes_b / n_b - successes_a / n_a) / se
    return z, float(2 * norm.sf(abs(z)))


def difference_interval(
    *, successes_a: int, n_a: int, successes_b: int, n_b: int, confidence: float = 0.95,
) -> tuple[float, float]:
    """Wald interval of ``rate_b - rate_a`` (unpooled standard error)."""
    if n_a <= 0 or n_b <= 0:
        return -1.0, 1.0
    p_a, p_b = successes_a / n_a, successes_b / n_b
    se = math.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    margin = float(norm.ppf(1 - (1 - confidence) / 2)) * se
    return p_b - p_a - margin, p_b - p_a + margin


def compare(*, successes_a: int, n_a: int, successes_b: int, n_b: int, alpha: float = 0.05) -> Comparison:
    """Rates, difference with its (1 - alpha) interval, and the z-test of arm b against control a."""
    z, p = two_proportion_ztest(successes_a=successes_a, n_a=n_a, successes_b=successes_b, n_b=n_b)
    low, high = difference_interval(successes_a=successes_a, n_a=n_a, successes_b=successes_b, n_b=n_b,
                                    confidence=1 - alpha)
    rate_a = successes_a / n_a if n_a else 0.0
    rate_b = successes_b / n_b if n_b else 0.0
    return Comparison(rate_a=rate_a, rate_b=rate_b, difference=rate_b - rate_a, ci_low=low, ci_high=high,
                      z=z, p_value=p)


def sample_size_per_arm(*, baseline: float, min_effect: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Conversations per arm to detect ``baseline`` → ``baseline + min_effect`` (two-sided test).

    The normal-approximation formula for two independent proportions (Fleiss, *Statistical
    Methods for Rates and Proportions*, 3rd ed., eq. 4.14, without continuity correction):
    n = (z₁₋α/₂·√(2·p̄·q̄) + z₁₋β·√(p₁q₁ + p₂q₂))² / (p₂ − p₁)².
    """
    p1, p2 = baseline, baseline + min_effect
    if not (0 < p1 < 1 and 0 < p2 < 1) or min_effect == 0:
        raise ValueError("baseline and baseline + effect must lie strictly between 0 and 1, effect not 0")
    mean = (p1 + p2) / 2
    z_alpha = norm.ppf(1 - alpha / 2)
    z_beta = norm.ppf(power)
    numerator = (z_alpha * math.sqrt(2 * mean * (1 - mean)) + z_beta * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2
    return math.ceil(numerator / (p2 - p1) ** 2)
