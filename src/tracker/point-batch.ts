/**
 * Metric points a live run has buffered, column by column: typed arrays, so logging makes no
 * per-point objects or strings to collect. Both stores' live runs buffer their points in one.
 */
export class PointBatch {
  /** How many points are buffered. */
  length = 0;
  private capacity = 0;
  /** The metric of each point: an index into the run's metric names. */
  metric = new Uint32Array(0);
  /** The step of each point. */
  step = new Float64Array(0);
  /** The value of each point. */
  value = new Float64Array(0);
  /** When each point was logged (ms since the epoch). */
  time = new Float64Array(0);

  /** Appends one point of the metric numbered `metric` (an index into the run's metric names). */
  push(metric: number, step: number, value: number, time: number): void {
    if (this.length === this.capacity) this.grow(this.length + 1);
    const at = this.length++;
    this.metric[at] = metric;
    this.step[at] = step;
    this.value[at] = value;
    this.time[at] = time;
  }

  /** Forgets the buffered points, keeping the room they took for the next ones. */
  clear(): void {
    this.length = 0;
  }

  /** Puts `earlier` (points that could not be written) back in front of this batch's points. */
  prepend(earlier: PointBatch): void {
    if (earlier.length === 0) return;
    const total = earlier.length + this.length;
    const joined = new PointBatch();
    joined.grow(total);
    for (const key of ["metric", "step", "value", "time"] as const) {
      (joined[key] as Float64Array).set(earlier[key].subarray(0, earlier.length) as Float64Array);
      (joined[key] as Float64Array).set(this[key].subarray(0, this.length) as Float64Array, earlier.length);
    }
    this.metric = joined.metric;
    this.step = joined.step;
    this.value = joined.value;
    this.time = joined.time;
    this.capacity = joined.capacity;
    this.length = total;
  }

  /** The points after the first `n` (a new batch; this one is unchanged). */
  without(n: number): PointBatch {
    if (n <= 0) return this;
    const rest = new PointBatch();
    const count = Math.max(0, this.length - n);
    rest.grow(count);
    rest.metric.set(this.metric.subarray(n, this.length));
    rest.step.set(this.step.subarray(n, this.length));
    rest.value.set(this.value.subarray(n, this.length));
    rest.time.set(this.time.subarray(n, this.length));
    rest.length = count;
    return rest;
  }

  private grow(needed: number): void {
    // Doubling from 256: a sweep opens thousands of short runs, and a long one flushes at a fixed size.
    this.capacity = Math.max(256, needed, this.capacity * 2);
    const grown = <T extends Float64Array | Uint32Array>(old: T, make: (n: number) => T): T => {
      const next = make(this.capacity);
      next.set(old.subarray(0, this.length) as never);
      return next;
    };
    this.metric = grown(this.metric, (n) => new Uint32Array(n));
    this.step = grown(this.step, (n) => new Float64Array(n));
    this.value = grown(this.value, (n) => new Float64Array(n));
    this.time = grown(this.time, (n) => new Float64Array(n));
  }
}
