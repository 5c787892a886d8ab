import { InputError } from "../util/errors.js";

/**
 * Holm–Bonferroni step-down adjusted p-values (statsmodels' `multipletests(method="holm")`), in the
 * input order: sorted ascending, p_(j) · (m − j + 1), made monotone, capped at 1.
 */
export function holmBonferroni(pValues: readonly number[]): number[] {
  for (const p of pValues) {
    if (!(p >= 0 && p <= 1)) throw new InputError(`holmBonferroni: p-value ${p} is not in [0, 1]`);
  }
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p || x.i - y.i);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
