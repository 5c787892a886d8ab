import { spawnSync } from "node:child_process";

/** Debian's Python, which has python3-sklearn and python3-scipy (a pyenv python3 on PATH may not). */
export const referencePython = "/usr/bin/python3";

/**
 * Runs a Python script with Debian's python3, feeding `input` as JSON on stdin and returning the
 * JSON it prints. Used to check metrics and tests against scikit-learn and scipy.
 */
export function runPython<T>(script: string, input: unknown): T {
  const result = spawnSync(referencePython, ["-c", script], {
    input: JSON.stringify(input),
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
