/** A differentiable objective: returns f(x) and writes ∇f(x) into `gradient`. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

/** Stopping rules and memory of L-BFGS. */
export interface LbfgsOptions {
  maxIterations: number;
  /** Stop when ‖∇f‖∞ ≤ tolerance · max(1, |f|). */
  tolerance: number;
  /** Number of correction pairs kept. */
  memory: number;
}

/** Where L-BFGS stopped. */
export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

/**
 * Minimises a smooth function with limited-memory BFGS (Nocedal & Wright, alg. 7.4/7.5) and a
 * backtracking line search on the Armijo condition. Fully deterministic: same start, same result.
 */
export function minimizeLbfgs(objective: Objective, start: Float64Array, options: LbfgsOptions): LbfgsResult {
  const n = start.length;
  const x = Float64Array.from(start);
  const g = new Float64Array(n);
  let f = objective(x, g);
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rhoList: number[] = [];
  const direction = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const alpha = new Float64Array(options.memory);
  const spare: Float64Array[] = [];
  let iterations = 0;
  for (; iterations < options.maxIterations; iterations++) {
    if (maxAbs(g) <= options.tolerance * Math.max(1, Math.abs(f))) {
      return { x, value: f, iterations, converged: true };
    }
    // Two-loop recursion: direction = −H·g.
    for (let i = 0; i < n; i++) direction[i] = -(g[i] as number);
    for (let m = sList.length - 1; m >= 0; m--) {
      const a = (rhoList[m] as number) * dot(sList[m] as Float64Array, direction);
      alpha[m] = a;
      axpy(-a, yList[m] as Float64Array, direction);
    }
    if (sList.length > 0) {
      const last = sList.length - 1;
      const yy = dot(yList[last] as Float64Array, yList[last] as Float64Array);
      scale(direction, 1 / ((rhoList[last] as number) * yy));
    } else {
      scale(direction, 1 / Math.max(1, Math.sqrt(dot(g, g))));
    }
    for (let m = 0; m < sList.length; m++) {
      const b = (rhoList[m] as number) * dot(yList[m] as Float64Array, direction);
      axpy((alpha[m] as number) - b, sList[m] as Float64Array, direction);
    }
    let slope = dot(g, direction);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      spare.push(...sList, ...yList);
      sList.length = 0;
      yList.length = 0;
      rhoList.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -(g[i] as number);
      slope = dot(g, direction);
    }
    let step = 1;
    let fNew = Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = (x[i] as number) + step * (direction[i] as number);
      fNew = objective(xNew, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= f)) return { x, value: f, iterations, converged: false };
    // Pairs dropped from the memory are reused: a fresh pair per iteration is megabytes of garbage.
    const s = spare.pop() ?? new Float64Array(n);
    const y = spare.pop() ?? new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (xNew[i] as number) - (x[i] as number);
      y[i] = (gNew[i] as number) - (g[i] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      if (sList.length === options.memory) {
        spare.push(sList.shift() as Float64Array, yList.shift() as Float64Array);
        rhoList.shift();
      }
      sList.push(s);
      yList.push(y);
      rhoList.push(1 / sy);
    } else {
      spare.push(s, y);
    }
    const improvement = f - fNew;
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    if (improvement <= 1e-15 * Math.max(1, Math.abs(f)))
      return { x, value: f, iterations: iterations + 1, converged: true };
  }
  return { x, value: f, iterations, converged: maxAbs(g) <= options.tolerance * Math.max(1, Math.abs(f)) };
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] = (y[i] as number) + a * (x[i] as number);
}

function scale(x: Float64Array, a: number): void {
  for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) * a;
}

function maxAbs(x: Float64Array): number {
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] as number));
  return max;
}
