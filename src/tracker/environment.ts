import { readFileSync } from "node:fs";
import { arch, cpus, hostname, platform, release } from "node:os";
import { sha256 } from "../util/hash.js";
import { loadOnUse } from "../util/load-on-use.js";
import { expbookVersion } from "../util/version.js";
import type { RunEnvironment } from "./types.js";

/** The git part of a run's environment: commit, whether the tree was dirty, and a hash of the diff. */
export type GitState = Pick<RunEnvironment, "gitCommit" | "gitDirty" | "gitDiffHash">;

// Three git calls cost tens of milliseconds; a burst of runs (a sweep) reuses one answer briefly.
const GIT_CACHE_MS = 5_000;
let gitCache: { cwd: string; at: number; facts: GitState } | undefined;

function git(args: string[], cwd: string): string | null {
  const result = loadOnUse("node:child_process").spawnSync("git", args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
    maxBuffer: 512 * 1024 * 1024,
    timeout: 10_000,
  });
  return result.status === 0 && typeof result.stdout === "string" ? result.stdout : null;
}

/** The git state of `cwd` (the same answer for a few seconds: see `GIT_CACHE_MS`). */
export function gitState(cwd: string = process.cwd()): GitState {
  const now = Date.now();
  if (gitCache && gitCache.cwd === cwd && now - gitCache.at < GIT_CACHE_MS) return gitCache.facts;
  const commit = git(["rev-parse", "HEAD"], cwd)?.trim() || null;
  let facts: GitState = { gitCommit: commit, gitDirty: null, gitDiffHash: null };
  if (commit !== null) {
    const status = git(["status", "--porcelain"], cwd);
    const dirty = status === null ? null : status.trim() !== "";
    const diff = dirty ? git(["diff", "HEAD"], cwd) : null;
    // Untracked files are part of the tree's state too: hash their names along with the diff.
    facts = {
      gitCommit: commit,
      gitDirty: dirty,
      gitDiffHash: dirty && diff !== null ? sha256(`${diff}\n--status--\n${status ?? ""}`) : null,
    };
  }
  gitCache = { cwd, at: now, facts };
  return facts;
}

let machine: { os: string; cpu: string; hostname: string } | undefined;

function machineFacts(): { os: string; cpu: string; hostname: string } {
  if (machine === undefined) {
    const cpuList = cpus();
    machine = {
      os: `${platform()} ${release()} ${arch()}`,
      cpu: `${cpuList[0]?.model.trim() ?? "unknown"} x${cpuList.length}`,
      hostname: hostname(),
    };
  }
  return machine;
}

/**
 * The start time of a process (field 22 of /proc/PID/stat: clock ticks since boot), or null where
 * /proc is missing. With the pid it identifies one process, even after the pid is reused.
 */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

const givesGitState = (extra: Partial<RunEnvironment>): boolean =>
  extra.gitCommit !== undefined && extra.gitDirty !== undefined && extra.gitDiffHash !== undefined;

/**
 * Captures the facts recorded with every run: git state, Node, OS, CPU, expbook version, command line.
 * Git is asked only when `extra` does not give all three git facts (a study's workers get the study's).
 */
export function captureEnvironment(extra: Partial<RunEnvironment> = {}): RunEnvironment {
  const { os, cpu, hostname } = machineFacts();
  const git: GitState = givesGitState(extra)
    ? { gitCommit: null, gitDirty: null, gitDiffHash: null }
    : gitState();
  const env: RunEnvironment = {
    ...git,
    node: process.version,
    os,
    cpu,
    expbookVersion: expbookVersion(),
    command: [...process.argv],
    hostname,
    pid: process.pid,
    pidStart: processStartTime(process.pid),
  };
  // pid and host identify the live process (used to tell a crash); callers cannot override them.
  return { ...env, ...extra, hostname: env.hostname, pid: env.pid, pidStart: env.pidStart ?? null };
}
