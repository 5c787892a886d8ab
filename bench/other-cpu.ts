// How busy the machine was with other work while a benchmark ran: the CPU time every process used
// (/proc/stat) minus what this process and its reaped children used (/proc/self/stat), over the wall
// time and the cores. The 1-minute load average after a paired benchmark mostly counts the benchmark's
// own peers (a two-thread PyTorch run alone lifts it above 1 on 2 cores), so it cannot tell a quiet
// machine from a busy one; this can.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

const ticksPerSecond = 100; // USER_HZ on Linux

function machineBusyTicks(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return [user, nice, system, irq, softirq, steal].reduce<number>((sum, v) => sum + (v ?? 0), 0);
}

/** CPU seconds every process on the machine has used since boot (/proc/stat), or undefined without /proc. */
export function machineBusySeconds(): number | undefined {
  try {
    return machineBusyTicks() / ticksPerSecond;
  } catch {
    return undefined;
  }
}

function ownTicks(): number {
  const text = readFileSync("/proc/self/stat", "utf8");
  // Fields after the command name (which may hold spaces) start at field 3; utime..cstime are 14–17.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
}

/**
 * Starts measuring; `stop()` returns the CPU other processes used meanwhile, in cores per core
 * (0 = nothing else ran, 1 = every core busy with other work), or undefined where /proc is missing.
 */
export function startOtherCpu(): { stop(): number | undefined } {
  let start: { busy: number; own: number; at: number } | undefined;
  try {
    start = { busy: machineBusyTicks(), own: ownTicks(), at: performance.now() };
  } catch {
    start = undefined;
  }
  return {
    stop() {
      if (!start) return undefined;
      const seconds = (performance.now() - start.at) / 1000;
      const others = machineBusyTicks() - start.busy - (ownTicks() - start.own);
      return Math.max(0, others / ticksPerSecond / seconds / availableParallelism());
    },
  };
}
