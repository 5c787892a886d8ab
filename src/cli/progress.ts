import cliProgress from "cli-progress";
import type { ProgressEvent } from "../systems/system.js";

/** Renders progress of long work: a live bar on a terminal, throttled plain lines elsewhere (stderr). */
export interface ProgressReporter {
  update(label: string, event: ProgressEvent): void;
  /** Overall progress of a study: done of total units of work. */
  overall(done: number, total: number, note?: string): void;
  /** Removes the bar of a finished piece of work. */
  finish(label: string): void;
  /** Prints a line without breaking the bars. */
  log(line: string): void;
  stop(): void;
}

/** One progress event in words: phase, epoch k/n or step k/n, loss, message. */
export function describe(event: ProgressEvent): string {
  const parts = [event.phase];
  if (event.epoch !== undefined) parts.push(`epoch ${event.epoch}/${event.epochs ?? "?"}`);
  else if (event.step !== undefined) parts.push(`${event.step}/${event.steps ?? "?"}`);
  if (event.loss !== undefined) parts.push(`loss ${event.loss.toFixed(4)}`);
  if (event.message) parts.push(event.message);
  return parts.join(" ");
}

function fraction(event: ProgressEvent): number {
  if (event.epoch !== undefined && event.epochs) return event.epoch / event.epochs;
  if (event.step !== undefined && event.steps) return event.step / event.steps;
  return 0;
}

/** Creates a reporter: bars when stderr is a TTY (and not `--json`), plain lines otherwise. */
export function createProgressReporter(options: { quiet?: boolean } = {}): ProgressReporter {
  if (options.quiet) return { update() {}, overall() {}, finish() {}, log() {}, stop() {} };
  if (!process.stderr.isTTY) {
    const lastLine = new Map<string, number>();
    return {
      update(label, event) {
        const now = Date.now();
        // One line per epoch, or every 5 s for other phases.
        const key = `${label}:${event.phase}:${event.epoch ?? ""}`;
        if (event.epoch === undefined && now - (lastLine.get(label) ?? 0) < 5000) return;
        if (lastLine.has(key)) return;
        lastLine.set(key, now);
        lastLine.set(label, now);
        process.stderr.write(`[${label}] ${describe(event)}\n`);
      },
      overall(done, total, note) {
        process.stderr.write(`progress ${done}/${total}${note ? ` ${note}` : ""}\n`);
      },
      finish(label) {
        for (const key of [...lastLine.keys()])
          if (key === label || key.startsWith(`${label}:`)) lastLine.delete(key);
      },
      log(line) {
        process.stderr.write(`${line}\n`);
      },
      stop() {},
    };
  }
  const multibar = new cliProgress.MultiBar(
    {
      format: " {bar} {percentage}% | {label} {detail}",
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  const total = multibar.create(1, 0, { label: "overall", detail: "" });
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    update(label, event) {
      let bar = bars.get(label);
      if (!bar) {
        bar = multibar.create(1000, 0, { label, detail: "" });
        bars.set(label, bar);
      }
      bar.update(Math.round(fraction(event) * 1000), { label, detail: describe(event) });
    },
    overall(done, count, note) {
      total.setTotal(Math.max(count, 1));
      total.update(done, { label: "overall", detail: `${done}/${count}${note ? ` ${note}` : ""}` });
    },
    finish(label) {
      const bar = bars.get(label);
      if (bar) {
        multibar.remove(bar);
        bars.delete(label);
      }
    },
    log(line) {
      multibar.log(`${line}\n`);
    },
    stop() {
      multibar.stop();
    },
  };
}
