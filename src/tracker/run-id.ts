import { loadOnUse } from "../util/load-on-use.js";

let lastMillis = 0;

/**
 * A new run id: UTC time to the millisecond (strictly increasing within a process) plus 40 random
 * bits, e.g. `20261125-113929-123-3f9ac1d2e8`. Sorts by creation time; unique across processes and
 * machines. Ids are not part of any reproducible result, so they use crypto randomness.
 */
export function newRunId(now = Date.now()): string {
  const millis = Math.max(now, lastMillis + 1);
  lastMillis = millis;
  const iso = new Date(millis).toISOString(); // 2026-11-25T11:39:29.123Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}-${iso.slice(20, 23)}`;
  return `${stamp}-${loadOnUse("node:crypto").randomBytes(5).toString("hex")}`;
}
