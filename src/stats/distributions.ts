import { InputError } from "../util/errors.js";
import { logBeta, logGamma, regularizedIncompleteBeta, regularizedUpperGamma } from "./special-functions.js";

/** Student's t cumulative distribution function with `df` degrees of freedom (scipy's `t.cdf`). */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new InputError(`degrees of freedom must be > 0, not ${df}`);
  if (t === 0) return 0.5;
  const tail = upperTail(Math.abs(t), df);
  return t > 0 ? 1 - tail : tail;
}

/** Upper tail P(T > t) for t >= 0, without the cancellation of 1 - cdf. */
function upperTail(t: number, df: number): number {
  return 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5, (t * t) / (df + t * t));
}

function studentTDensity(t: number, df: number): number {
  return Math.exp(-0.5 * Math.log(df) - logBeta(df / 2, 0.5) - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/**
 * Student's t quantile (scipy's `t.ppf`): inverts the CDF by safeguarded Newton steps on the tail
 * probability, with closed forms for df = 1 and 2.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(df > 0)) throw new InputError(`degrees of freedom must be > 0, not ${df}`);
  if (!(p >= 0 && p <= 1)) throw new InputError(`probability must be in [0, 1], not ${p}`);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  const q = 1 - p;
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  let lo = 0;
  let hi = 1;
  while (upperTail(hi, df) > q) {
    lo = hi;
    hi *= 2;
  }
  let t = (lo + hi) / 2;
  for (let i = 0; i < 300; i++) {
    const g = upperTail(t, df) - q;
    if (g > 0) lo = t;
    else hi = t;
    let next = t + g / studentTDensity(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-16 * Math.abs(t) || hi - lo <= 1e-16 * hi) return next;
    t = next;
  }
  return t;
}

/** Chi-squared survival function P(X > x) with `df` degrees of freedom (scipy's `chi2.sf`). */
export function chiSquaredSf(x: number, df: number): number {
  if (!(df > 0)) throw new InputError(`degrees of freedom must be > 0, not ${df}`);
  if (x <= 0) return 1;
  return regularizedUpperGamma(df / 2, x / 2);
}

/** P(X <= k) for X ~ Binomial(n, 1/2). */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (n <= 1000) {
    let coefficient = 1;
    let total = 1;
    for (let i = 0; i < k; i++) {
      coefficient = (coefficient * (n - i)) / (i + 1);
      total += coefficient;
    }
    return total * 2 ** -n;
  }
  const logTerms: number[] = [];
  for (let i = 0; i <= k; i++) {
    logTerms.push(logGamma(n + 1) - logGamma(i + 1) - logGamma(n - i + 1) - n * Math.LN2);
  }
  const max = Math.max(...logTerms);
  let total = 0;
  for (const term of logTerms) total += Math.exp(term - max);
  return Math.min(1, Math.exp(max) * total);
}

/** Two-sided exact binomial test of k successes in n trials against p = 1/2 (scipy's `binomtest`). */
export function binomialTestHalf(k: number, n: number): number {
  if (n === 0 || 2 * k === n) return 1;
  const low = Math.min(k, n - k);
  return Math.min(1, 2 * binomialHalfCdf(low, n));
}
