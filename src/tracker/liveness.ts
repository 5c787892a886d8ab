import { statSync } from "node:fs";
import { hostname } from "node:os";
import { processStartTime } from "./environment.js";
import type { RunRecord } from "./types.js";

/** How often a live run touches its heartbeat file. */
export const HEARTBEAT_INTERVAL_MS = 5_000;

/**
 * A running run whose heartbeat is older than this reads as crashed. Generous, because a busy
 * synchronous training step can delay the timer; on this host a dead pid is noticed at once.
 */
export const DEFAULT_STALE_AFTER_MS = 120_000;

const thisHost = hostname();

/**
 * True when a process with this pid exists on this host (EPERM: exists but is someone else's) and,
 * when its start time was recorded, it is the same process rather than a later one that reused the pid.
 */
export function pidAlive(pid: number, startTime?: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (startTime === undefined || startTime === null) return true;
  const current = processStartTime(pid);
  return current === null || current === startTime;
}

/**
 * The status a reader should show: a `running` run whose process is gone (pid dead on this host, or
 * heartbeat older than `staleAfterMs`) is `crashed`, never stuck at `running`.
 */
export function effectiveStatus(
  record: RunRecord,
  heartbeatFile: string,
  staleAfterMs: number,
): RunRecord["status"] {
  if (record.status !== "running") return record.status;
  if (
    record.env.hostname === thisHost &&
    record.env.pid !== process.pid &&
    !pidAlive(record.env.pid, record.env.pidStart)
  ) {
    return "crashed";
  }
  let beat: number;
  try {
    beat = statSync(heartbeatFile).mtimeMs;
  } catch {
    beat = Date.parse(record.startedAt);
  }
  return Date.now() - beat > staleAfterMs ? "crashed" : "running";
}
